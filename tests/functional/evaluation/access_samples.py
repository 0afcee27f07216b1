"""URL values for the evaluation and open-data routes, and a project open for rating."""

from datetime import date

from proposals.evaluation import rounds as evaluation
from proposals.implementation.models import Project
from votes.people import Role


def add_samples(db, base) -> dict:
    project = db.get(Project, base["project_id"])
    project.completed_on = date(2027, 5, 1)
    # The admin leads the sample project, so an official of no unit of it opens the round.
    evaluation.open_round(db, base["make_user"](Role.OFFICIAL), project)
    return {"dataset": "satisfaction", "fmt": "csv"}
