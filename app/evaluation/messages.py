"""Words of evaluation and open data: error messages, notices, labels and dataset descriptions."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "project_not_completed": _l("The project is not completed yet; it can be rated once it "
                                "is."),
    "round_open": _l("A round of rating is open already."),
    "evaluation_passed": _l("The last round met the bar; no further round is needed."),
    "rectification_report_missing": _l("The responsible unit must file a rectification "
                                       "report before the next round opens."),
    "no_open_round": _l("No round of rating is open for this project."),
    "no_ratings": _l("Nobody has rated the project in this round yet; it cannot close."),
    "evaluation_closed": _l("Rating of this project is closed."),
    "no_rectification_due": _l("This project is not under rectification."),
    "bar_locked": _l("A round of this cycle has closed; its bar can no longer change."),
    "bad_bar": _l("The bar is a whole percentage from 1 to 100."),
    "own_project_rating": _l("The responsible unit does not rate its own project."),
    "not_a_rater": _l("Delegates of the assembly that adopted the project and verified "
                      "residents can rate it."),
    "own_project_judging": _l("The responsible unit (%(unit)s) and the project's lead "
                              "official do not judge their own project: another official "
                              "opens and closes its rounds."),
    "round_too_young": _l("A round stays open at least %(days)d days so that everyone can "
                          "rate; this one can close from %(date)s."),
    "own_cycle_bar": _l("You answer for a project of this cycle (%(title)s), so another "
                        "official sets the bar it is judged by."),
}

NOTIFICATIONS = {
    "evaluation_opened": _l("The project “%(title)s” (No. %(project)s) can now be rated "
                            "(round %(round)s)."),
    "rectification_required": _l("The project “%(title)s” (No. %(project)s) fell below the "
                                 "satisfaction bar of %(bar)s%% in round %(round)s; a "
                                 "rectification report is due."),
}

LEVEL_LABELS = {
    "satisfied": _l("Satisfied"),
    "basically_satisfied": _l("Basically satisfied"),
    "dissatisfied": _l("Dissatisfied"),
}
RATER_KIND_LABELS = {
    "delegate": _l("Delegates"),
    "resident": _l("Residents"),
}
ROUND_STATE_LABELS = {
    "open": _l("Rating open"),
    "met_bar": _l("Met the bar"),
    "below_bar": _l("Below the bar: rectification"),
}
EVALUATION_ACTION_LABELS = {
    "opened": _l("Round opened"),
    "closed": _l("Round closed"),
    "rectification_required": _l("Rectification required"),
    "report_filed": _l("Rectification report filed"),
    "rectification_passed": _l("Rectification accepted by the ratings"),
}
FUNNEL_LABELS = {
    "proposals": _l("Proposals received"),
    "candidates": _l("Candidate projects"),
    "adopted": _l("Adopted by the ballot"),
    "completed": _l("Completed"),
    "rated": _l("Rated"),
}
DATASET_LABELS = {
    "cycles": (_l("Cycles"), _l("Each year's run of the pipeline, its stage and dates.")),
    "proposals": (_l("Proposals"), _l("What residents asked for, without personal data.")),
    "candidates": (_l("Candidate projects"),
                   _l("The shortlist put to the ballot, with costs and source proposals.")),
    "ballots": (_l("Ballot results"),
                _l("Each counted ballot's votes per candidate, with its bulletin.")),
    "projects": (_l("Project progress"),
                 _l("Adopted projects, their schedule, spending and progress.")),
    "satisfaction": (_l("Satisfaction"),
                     _l("Ratings per project and round, as counts only.")),
    "funnel": (_l("From proposals to rated projects"),
               _l("How many items reached each stage.")),
    "categories": (_l("Satisfaction per category"),
                   _l("Ratings of each category's projects, summed.")),
}
_COUNT = _l("Number of ratings")
FIELD_DESCRIPTIONS = {
    "id": _l("Stable number of the item"),
    "title": _l("Title"),
    "year": _l("Year"),
    "stage": _l("Stage code: collection, shortlist, ballot, implementation, evaluation, "
                "closed; in the funnel: proposals, candidates, adopted, completed, rated"),
    "assembly": _l("The assembly that decides"),
    "assembly_kind": _l("congress or council"),
    "collection_starts": _l("Planned start of proposal collection (ISO date)"),
    "shortlist_starts": _l("Planned start of the shortlist (ISO date)"),
    "ballot_starts": _l("Planned start of the ballot (ISO date)"),
    "implementation_starts": _l("Planned start of implementation (ISO date)"),
    "evaluation_starts": _l("Planned start of evaluation (ISO date)"),
    "closes_on": _l("Planned close of the cycle (ISO date)"),
    "budget": _l("Budget in yuan"),
    "seats": _l("Number of projects to adopt"),
    "satisfaction_bar": _l("Satisfaction rate a project must reach, in percent"),
    "cycle_id": _l("Number of the cycle"),
    "description": _l("Description"),
    "category": _l("Category code, e.g. housing, elderly_care"),
    "district": _l("District"),
    "street": _l("Street"),
    "community": _l("Community"),
    "beneficiaries": _l("Estimated number of people who benefit"),
    "channel": _l("How it came in: online, visit, liaison_station, hotline"),
    "status": _l("Status code"),
    "proposer_named": _l("true when the resident chose to be named"),
    "proposer_name": _l("The resident's name, only when they chose to be named; else empty"),
    "received_on": _l("Day the request came in, if not the day entered (ISO date)"),
    "created_at": _l("When it was entered (ISO date and time, UTC)"),
    "cosign_count": _l("Number of co-signs"),
    "comment_count": _l("Number of comments"),
    "merged_into_id": _l("The proposal it was merged into, if any"),
    "candidate_id": _l("The candidate project it became part of, if any"),
    "decline_ground": _l("Why it was not taken up (code), if declined"),
    "decline_reason": _l("The published reason, if declined"),
    "responsible_unit": _l("The department accountable"),
    "estimated_cost": _l("Estimated cost in yuan"),
    "funding_source": _l("Source of funds"),
    "expected_completion": _l("Expected completion (ISO date)"),
    "location": _l("Where"),
    "withdrawn": _l("true when withdrawn by an amendment"),
    "adopted": _l("true when adopted by the ballot"),
    "source_proposal_ids": _l("Numbers of the proposals it was made from (CSV: separated by ;)"),
    "ballot_id": _l("Number of the ballot"),
    "ballot_title": _l("Title of the ballot"),
    "ballot_status": _l("closed (counted) or published (bulletin out)"),
    "valid": _l("false when the ballot was void (e.g. no quorum)"),
    "option_id": _l("Number of the candidate on the ballot"),
    "cost": _l("Cost in yuan"),
    "yes": _l("Yes votes"),
    "no": _l("No votes"),
    "abstain": _l("Abstentions"),
    "base": _l("What half is measured against"),
    "needed": _l("Yes votes needed to pass"),
    "passed": _l("true when it had the votes needed"),
    "outcome": _l("adopted, passed_not_adopted, skipped_budget, tie_pending or failed"),
    "rank": _l("Rank by yes votes"),
    "bulletin_url": _l("The published bulletin, to check the count"),
    "spend_to_date": _l("Spent so far in yuan, as last reported"),
    "start_date": _l("Start (ISO date)"),
    "target_date": _l("Target date (ISO date)"),
    "progress": _l("Progress in percent"),
    "light": _l("on_track, at_risk or overdue"),
    "completed_on": _l("Completion date (ISO date), if completed"),
    "rectifying": _l("true while under rectification"),
    "project_id": _l("Number of the project"),
    "round_no": _l("Round of rating: 1, then 2 after a rectification"),
    "state": _l("open, met_bar or below_bar"),
    "opened_at": _l("When the round opened (ISO, UTC)"),
    "closed_at": _l("When the round closed (ISO, UTC), if closed"),
    "bar": _l("The bar the round is judged by, in percent"),
    "below_bar": _l("true when a group's rate fell below the bar; empty while open"),
    "projects": _l("Number of projects"),
    "count": _l("How many reached the stage"),
}
for _group, _name in (("delegate", _l("delegates")), ("resident", _l("residents")),
                      ("all", _l("all raters"))):
    FIELD_DESCRIPTIONS.update({
        f"{_group}_satisfied": _l("Satisfied ratings by %(who)s", who=_name),
        f"{_group}_basically_satisfied": _l("Basically satisfied ratings by %(who)s", who=_name),
        f"{_group}_dissatisfied": _l("Dissatisfied ratings by %(who)s", who=_name),
        f"{_group}_total": _l("All ratings by %(who)s", who=_name),
        f"{_group}_rate_percent": _l("Satisfaction rate of %(who)s: (satisfied + basically "
                                     "satisfied) / all, in percent with one decimal",
                                     who=_name),
    })


def public_proposer(proposal) -> str:
    """The proposer as the public sees them: their name only if they chose to be named."""
    return proposal.proposer_name if proposal.proposer_named else _("Resident")


JINJA_GLOBALS = {
    "level_labels": LEVEL_LABELS,
    "rater_kind_labels": RATER_KIND_LABELS,
    "round_state_labels": ROUND_STATE_LABELS,
    "evaluation_action_labels": EVALUATION_ACTION_LABELS,
    "funnel_labels": FUNNEL_LABELS,
    "dataset_labels": DATASET_LABELS,
    "field_descriptions": FIELD_DESCRIPTIONS,
    "public_proposer": public_proposer,
}
