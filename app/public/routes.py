"""Public pages: what is being decided, by whom, and where each cycle stands."""

from flask import abort, current_app, redirect, render_template, request, session, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.auth.access import PUBLIC, allow, is_safe_next
from app.db import get_session
from app.implementation.support import today
from app.pagination import paginate
from app.public import bp
from proposals.collection.models import Proposal
from proposals.collection.queries import proposal_counts
from proposals.cycles.models import Cycle
from proposals.cycles.queries import current_cycles, cycles_of_year, latest_year, stage_window
from proposals.cycles.stages import ORDER
from proposals.evaluation.rounds import latest_ratings
from proposals.implementation.services import projects_of_cycles, standing
from proposals.shortlist.adoption import ballots_of_cycle
from votes.ballots import BallotStatus
from votes.people import Assembly, Membership, User

# The home page lists this many of the year's projects; the projects page has them all.
HOME_PROJECTS = 9


@bp.route("/")
@allow(PUBLIC)
def home():
    """At a glance: where each open cycle stands and what residents can do in it now, and
    the year's adopted projects with their progress and satisfaction. A fixed number of
    queries, however many cycles, proposals and projects there are."""
    db = get_session()
    day = today()
    current = current_cycles(db)
    year = latest_year(db, day.year)
    of_year = cycles_of_year(db, year) if year is not None else []
    counts = proposal_counts(db, [c.id for c in of_year])
    found = projects_of_cycles(db, [c.id for c in of_year])
    ratings = latest_ratings(db, [p.id for p in found])
    projects = [(p, standing(p, day), ratings.get(p.id)) for p in found]
    return render_template(
        "public/home.html", current=[(c, stage_window(c)) for c in current], year=year,
        of_year=of_year, today=day,
        heard=sum(heard for heard, _adopted in counts.values()),
        adopted=sum(adopted for _heard, adopted in counts.values()),
        projects=projects[:HOME_PROJECTS], project_total=len(projects),
        with_projects={p.cycle_id for p in found}, stages=ORDER)


@bp.route("/cycles")
@allow(PUBLIC)
def cycles():
    db = get_session()
    page = paginate(
        db, select(Cycle).options(selectinload(Cycle.assembly))
        .order_by(Cycle.year.desc(), Cycle.id.desc()),
        current_app.config["PAGE_SIZE"],
    )
    return render_template("public/cycles.html", page=page)


@bp.route("/cycles/<int:cycle_id>")
@allow(PUBLIC)
def cycle(cycle_id: int):
    db = get_session()
    found = db.get(Cycle, cycle_id) or abort(404)
    by_category = db.execute(
        select(Proposal.category, func.count())
        .where(Proposal.cycle_id == cycle_id)
        .group_by(Proposal.category)
        .order_by(func.count().desc(), Proposal.category)
    ).all()
    latest = db.scalars(
        select(Proposal).where(Proposal.cycle_id == cycle_id)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc()).limit(10)
    ).all()
    ballots = [b for b in ballots_of_cycle(db, cycle_id) if b.status != BallotStatus.DRAFT]
    return render_template(
        "public/cycle.html", cycle=found, stages=ORDER, by_category=by_category, latest=latest,
        total=sum(n for _, n in by_category), ballots=ballots,
    )


@bp.route("/assemblies")
@allow(PUBLIC)
def assemblies():
    db = get_session()
    rows = db.execute(
        select(Assembly, func.count(Membership.id))
        .outerjoin(Membership)
        .group_by(Assembly.id)
        .order_by(Assembly.kind, Assembly.name)
    ).all()
    return render_template("public/assemblies.html", rows=rows)


@bp.route("/assemblies/<int:assembly_id>")
@allow(PUBLIC)
def assembly(assembly_id: int):
    db = get_session()
    found = db.get(Assembly, assembly_id) or abort(404)
    members = db.execute(
        select(User.display_name, Membership.title)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.assembly_id == assembly_id)
        .order_by(Membership.title.is_(None), User.id)
    ).all()
    cycles = db.scalars(
        select(Cycle).where(Cycle.assembly_id == assembly_id).order_by(Cycle.year.desc())
    ).all()
    return render_template(
        "public/assembly.html", assembly=found, members=members, cycles=cycles
    )


@bp.route("/lang/<code>")
@allow(PUBLIC)
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("public.home"))


@bp.route("/healthz")
@allow(PUBLIC)
def healthz():
    """Alive: the process answers (and reaches its database)."""
    get_session().execute(select(1))
    return {"status": "ok"}


@bp.route("/readyz")
@allow(PUBLIC)
def readyz():
    """Ready for traffic: the database answers and, where REDIS_URL is set, Redis does (the
    shared rate-limit counts live there). 503 with what failed, so a balancer skips us."""
    checks = {}
    try:
        get_session().execute(select(1))
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means not ready; the detail goes to the log
        current_app.logger.exception("readiness: the database does not answer")
        checks["database"] = "unavailable"
    url = current_app.config.get("REDIS_URL")
    if url:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
            checks["redis"] = "ok"
        except redis.RedisError:
            current_app.logger.warning("readiness: Redis does not answer at the configured URL")
            checks["redis"] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    return {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503
