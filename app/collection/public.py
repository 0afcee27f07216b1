"""Public proposal pages: browse, search, read, and the discussion actions of signed-in users."""

from __future__ import annotations

import time

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import PUBLIC, SIGNED_IN, allow
from app.collection.forms import ActionForm, CommentForm, ReportForm
from app.db import get_session, writing
from app.extensions import talisman
from app.numbers import arg_int, whole_number
from app.pagination import paginate
from app.public import bp
from app.uploads import PHOTO_POLICY, send_photo
from proposals.collection import moderation
from proposals.collection import services as collection
from proposals.collection.models import Comment, Proposal, ProposalPhoto
from proposals.collection.queries import SORTS, ProposalFilter, distinct_places, proposals_query
from proposals.collection.queries import similar_proposals as find_similar
from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage
from proposals.implementation.models import Project
from proposals.shortlist.models import CandidateSource
from votes.people import Role


def can_see_hidden(proposal_or_comment) -> bool:
    if not current_user.is_authenticated:
        return False
    if current_user.has_role(Role.OFFICIAL):
        return True
    owner = getattr(proposal_or_comment, "proposer_id", None) or getattr(
        proposal_or_comment, "author_id", None)
    return owner == current_user.id


# The location filter's choices need a scan of every proposal; they change slowly, so each
# worker keeps them for a minute instead of scanning on every page view.
PLACES_TTL = 60.0


def places_for(db, cycle_id: int | None) -> list[tuple[str, str]]:
    cache = current_app.extensions.setdefault("yishi.places", {})
    now = time.monotonic()
    cached = cache.get(cycle_id)
    if cached is None or cached[0] < now:
        cached = (now + PLACES_TTL, distinct_places(db, cycle_id))
        cache[cycle_id] = cached
    return cached[1]


def current_filter() -> ProposalFilter:
    args = request.args
    sort = args.get("sort", "newest")
    return ProposalFilter(
        cycle_id=arg_int("cycle"), category=args.get("category") or None,
        street=args.get("street") or None, community=args.get("community") or None,
        status=args.get("status") or None, channel=args.get("channel") or None,
        q=args.get("q", "")[:100], sort=sort if sort in SORTS else "newest",
    )


@bp.route("/proposals")
@allow(PUBLIC)
def proposals():
    db = get_session()
    f = current_filter()
    counted = current_app.config["PROPOSALS_COUNTED"]
    page = paginate(db, proposals_query(db, f), current_app.config["PAGE_SIZE"],
                    cap=counted, key=Proposal.id,
                    listing=lambda total: proposals_query(db, f, many=total >= counted))
    cycles = db.scalars(select(Cycle).order_by(Cycle.year.desc(), Cycle.id.desc())).all()
    return render_template(
        "public/proposals.html", page=page, f=f, cycles=cycles, sorts=SORTS,
        places=places_for(db, f.cycle_id),
        filtered=any(request.args.get(k) for k in
                     ("cycle", "category", "street", "community", "status", "channel", "q")),
    )


@bp.route("/proposals/<int:proposal_id>")
@allow(PUBLIC)
def proposal(proposal_id: int):
    db = get_session()
    found = db.get(Proposal, proposal_id) or abort(404)
    comments = db.scalars(
        select(Comment).where(Comment.proposal_id == proposal_id)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    me = current_user.id if current_user.is_authenticated else None
    return render_template(
        "public/proposal.html", proposal=found, children=children,
        show_content=not found.hidden or can_see_hidden(found),
        can_see_hidden=can_see_hidden,
        cosigned=me is not None and collection.has_cosigned(db, me, proposal_id),
        following=me is not None and collection.is_following(db, me, proposal_id),
        collecting=found.cycle.stage == Stage.COLLECTION,
        may_edit=me is not None and collection.may_change(current_user, found, editing=True),
        may_withdraw=me is not None and collection.may_change(current_user, found),
        # Earlier texts: for the author and officials; the public sees only "edited on".
        versions=found.versions if me is not None and (
            me == found.proposer_id or current_user.has_role(Role.OFFICIAL)) else [],
        # Forms only for someone who may use them: making one draws a CSRF token into the
        # session, which would keep a visitor's page out of the page cache (app/caching.py).
        comment_form=CommentForm() if me is not None else None,
        report_form=ReportForm() if me is not None else None,
        action_form=ActionForm() if me is not None else None,
        candidate=(candidate := source.candidate
                   if (source := db.get(CandidateSource, proposal_id)) else None),
        project=db.scalar(select(Project).where(Project.candidate_id == candidate.id))
        if candidate else None,
        similar=find_similar(db, found.title, cycle_id=found.cycle_id, exclude_id=found.id,
                             limit=3) if current_user.is_authenticated
        and current_user.has_role(Role.OFFICIAL) else [],
    )


@bp.route("/proposals/similar")
@allow(PUBLIC)
def similar_proposals():
    """Proposals like a title being typed: JSON for the form's live suggestions."""
    title = request.args.get("title", "").strip()[:80]
    db = get_session()
    found = find_similar(db, title, cycle_id=arg_int("cycle"), limit=5) if len(title) >= 2 else []
    return jsonify([
        {"id": p.id, "title": p.title, "url": url_for("public.proposal", proposal_id=p.id),
         "cosigns": p.cosign_count, "score": round(score, 2)}
        for p, score in found
    ])


@bp.route("/photos/<key>")
@allow(PUBLIC)
@talisman(content_security_policy=PHOTO_POLICY)
def photo(key: str):
    db = get_session()
    found = db.scalar(select(ProposalPhoto).where(ProposalPhoto.key == key))
    if found is None or (found.proposal.hidden and not can_see_hidden(found.proposal)):
        abort(404)
    return send_photo(key, found.content_type, public=not found.proposal.hidden)


def _back(proposal_id: int, anchor: str = ""):
    return redirect(url_for("public.proposal", proposal_id=proposal_id) + anchor)


@bp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
@allow(SIGNED_IN)
def comment(proposal_id: int):
    db = get_session()
    found = db.get(Proposal, proposal_id) or abort(404)
    form = CommentForm()
    if not form.validate_on_submit():
        flash(_("Please write a comment of at most 1000 characters."), "error")
        return _back(proposal_id, "#discussion")
    parent = None
    parent_id = whole_number(form.parent_id.data)
    if parent_id is not None:
        parent = db.get(Comment, parent_id)
    with writing(success=_("Your comment is posted.")) as work:
        created = collection.add_comment(db, current_user, found, form.body.data, parent)
    if not work.ok:
        return _back(proposal_id, "#discussion")
    return _back(proposal_id, f"#comment-{created.id}")


@bp.route("/proposals/<int:proposal_id>/follow", methods=["POST"])
@allow(SIGNED_IN)
def follow(proposal_id: int):
    db = get_session()
    found = db.get(Proposal, proposal_id) or abort(404)
    if ActionForm().validate_on_submit():
        stop = bool(request.form.get("stop"))
        said = (_("You no longer follow this proposal.") if stop
                else _("You follow this proposal and will be told of its news."))
        with writing(success=said):
            if stop:
                collection.unfollow(db, current_user, found)
            else:
                collection.follow(db, current_user, found)
    return _back(proposal_id)


@bp.route("/proposals/<int:proposal_id>/report", methods=["POST"])
@allow(SIGNED_IN)
def report(proposal_id: int):
    db = get_session()
    db.get(Proposal, proposal_id) or abort(404)
    form = ReportForm()
    target_id = whole_number(form.target_id.data)
    if not form.validate_on_submit() or target_id is None:
        flash(_("Please say briefly why this should be looked at."), "error")
        return _back(proposal_id)
    with writing(success=_("Thank you. Moderators will look at it.")):
        moderation.report(db, current_user, form.target_type.data, target_id,
                          form.reason.data)
    return _back(proposal_id)


@bp.route("/hot-topics")
@allow(PUBLIC)
def hot_topics():
    """未诉先办: what residents ask for most, as charts with the same numbers in tables."""
    from app import charts
    from app.templating import CATEGORY_LABELS
    from proposals.collection import insights

    db = get_session()
    cycle_id = arg_int("cycle")
    categories = [(str(CATEGORY_LABELS.get(c, c)), n)
                  for c, n in insights.by_category(db, cycle_id)]
    places = insights.by_place(db, cycle_id)
    months = insights.by_month(db, cycle_id)
    terms = insights.frequent_terms(db, cycle_id)
    figures = {
        "categories": charts.bar_chart([c for c, _ in categories], [n for _, n in categories],
                                       title=_("Proposals by category"), horizontal=True),
        "places": charts.bar_chart([p for p, _ in places], [n for _, n in places],
                                   title=_("Proposals by community"), horizontal=True),
        "months": charts.line_chart([m for m, _ in months],
                                    {_("Proposals"): [n for _, n in months]},
                                    title=_("Proposals per month")),
        "terms": charts.bar_chart([t for t, _ in terms], [n for _, n in terms],
                                  title=_("Most frequent terms"), horizontal=True),
    }
    cycles = db.scalars(select(Cycle).order_by(Cycle.year.desc(), Cycle.id.desc())).all()
    return render_template(
        "public/hot_topics.html", figures=figures, categories=categories, places=places,
        months=months, terms=terms, cycles=cycles, cycle_id=cycle_id,
    )
