"""Rating a project (满意 / 基本满意 / 不满意): one per person per round, counted as it comes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from proposals.evaluation import satisfaction as rules
from proposals.evaluation.models import COMMENT_MAX, EvaluationRound, Rating, RatingCount
from proposals.evaluation.satisfaction import Level, RaterKind
from proposals.implementation.models import Project
from proposals.implementation.services import may_report
from proposals.implementation.supervision import may_inspect
from votes.base import DomainError, utcnow
from votes.people import Role, User
from votes.residence import is_verified


def my_rating(session: Session, user_id: int, project_id: int, round_no: int
              ) -> Rating | None:
    """The person's rating in that round, if any."""
    return session.scalar(select(Rating).where(
        Rating.project_id == project_id, Rating.round_no == round_no,
        Rating.user_id == user_id))


def rater_kind(session: Session, actor: User, project: Project, today: date
               ) -> RaterKind | None:
    # A district's projects serve the whole district: any verified resident (居民登记)
    # rates as a resident; an account that only typed a community into its profile does not.
    return rules.rater_kind(seated_delegate=may_inspect(session, actor, project, today),
                            resident=actor.has_role(Role.RESIDENT)
                            and is_verified(session, actor))


def _bump(session: Session, project_id: int, round_no: int, kind: str, level: str,
          delta: int) -> None:
    # UPDATE ... SET n = n + delta: concurrent raters never lose a count.
    done = session.execute(
        update(RatingCount).where(
            RatingCount.project_id == project_id, RatingCount.round_no == round_no,
            RatingCount.rater_kind == kind, RatingCount.level == level)
        .values(n=RatingCount.n + delta).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise DomainError("no_open_round")


def rate(session: Session, actor: User, project: Project, level: str,
         comment: str | None = None, *, today: date) -> Rating:
    """Record or change the actor's rating in the open round; counters move with it."""
    try:
        chosen = Level(level).value
    except ValueError:
        raise DomainError("invalid_choice", field="level") from None
    note = (comment or "").strip() or None
    if note is not None and len(note) > COMMENT_MAX:
        raise DomainError("too_long", field="comment", max=COMMENT_MAX)
    if may_report(actor, project):
        raise DomainError("own_project_rating")
    kind = rater_kind(session, actor, project, today)
    if kind is None:
        raise DomainError("not_a_rater")
    # A shared lock on the round: closing it waits for ratings in flight, and vice versa.
    current = session.scalar(select(EvaluationRound).where(
        EvaluationRound.project_id == project.id, EvaluationRound.closed_at.is_(None))
        .with_for_update(read=True))
    if current is None:
        raise DomainError("evaluation_closed")
    mine = my_rating(session, actor.id, project.id, current.round_no)
    if mine is None:
        try:
            with session.begin_nested():
                now = utcnow()  # one moment: a rating never changed has updated_at == created_at
                mine = Rating(project_id=project.id, round_no=current.round_no,
                              user_id=actor.id, rater_kind=kind.value, level=chosen,
                              comment=note, created_at=now, updated_at=now)
                session.add(mine)
        except IntegrityError:  # the same person, twice at once: the second one changes
            mine = my_rating(session, actor.id, project.id, current.round_no)
        else:
            _bump(session, project.id, current.round_no, kind.value, chosen, +1)
            return mine
    return _change(session, mine, chosen, note)


def _change(session: Session, mine: Rating, level: str, note: str | None) -> Rating:
    # The person's own row is locked and read again, so two changes at once take turns
    # and each moves the count from the level the other left.
    mine = session.scalars(select(Rating).where(Rating.id == mine.id).with_for_update()
                           .execution_options(populate_existing=True)).one()
    old = mine.level
    if (old, mine.comment) == (level, note):
        return mine  # saved again as it was: nothing changed, no change time
    mine.level, mine.comment, mine.updated_at = level, note, utcnow()
    session.flush()
    if old != level:
        # Counter rows are locked in one fixed order, so that two raters moving between
        # the same two levels in opposite directions cannot deadlock.
        for each, delta in sorted(((old, -1), (level, +1))):
            _bump(session, mine.project_id, mine.round_no, mine.rater_kind, each, delta)
    return mine
