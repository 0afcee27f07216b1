"""Ballot services up to the count: create, open, check in, cast, and turnout while open."""

from __future__ import annotations

import hmac
import json
import secrets
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from votes import ledger, sealing
from votes.ballots import (
    Ballot,
    BallotKeyShare,
    BallotMode,
    BallotOption,
    BallotRosterEntry,
    BallotSeal,
    BallotStatus,
    CastBallot,
    PaperIssue,
    RollCallVote,
    SealedBallot,
    VoterRecord,
)
from votes.base import DomainError, utcnow
from votes.people import Assembly, Role, User, roster
from votes.rules import ABSTAIN, BallotRules, InvalidBallot, validate_choices

# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
TRACKER_LENGTH = 10  # 50 random bits, shown as ABCD-EFGH-JK
CHECK_IN_CODE_LENGTH = 6
OPTION_FIELDS = frozenset({"title", "cost", "unit", "description", "ref_id"})
CYCLE_BALLOT = "cycle"  # the subject type of a cycle's ballot on its shortlist


# --- helpers shared with votes.closing and votes.bulletin -------------------------------------


def require_official(actor: User) -> None:
    if not actor.has_role(Role.OFFICIAL):
        raise DomainError("forbidden")


def may_run(actor: User, ballot: Ballot) -> bool:
    """Officials run ballots; so does a ballot's named teller (a council's convenor for the
    council's own motions), who is recorded on the ballot and in its ledger."""
    return actor.has_role(Role.OFFICIAL) or (
        ballot.teller_id is not None and ballot.teller_id == actor.id)


def require_teller(actor: User, ballot: Ballot) -> None:
    if not may_run(actor, ballot):
        raise DomainError("forbidden")


def begin_write(session: Session) -> Connection:
    """Start the session's transaction as a writer (SQLite: BEGIN IMMEDIATE).

    Every service that writes calls this first, before it touches the actor or the ballot
    (an expired object would otherwise open a plain reading transaction). It only takes effect
    at the start of a transaction, so views commit or roll back before calling a service. If a
    transaction is already running, the unique keys and the ballot row lock still keep the
    data right, but under contention SQLite may answer "database is locked" at once instead
    of waiting its turn, since a reader cannot always be upgraded to a writer.
    """
    if session.in_transaction():
        return session.connection()
    return session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def lock_ballot(session: Session, ballot_id: int) -> Ballot:
    """The ballot row, freshly read and locked (PostgreSQL FOR UPDATE) until the transaction ends.

    Every status change and every cast takes this lock, so a ballot cannot close between
    the check that it is open and the insert of a ballot.
    """
    ballot = session.scalar(
        select(Ballot).where(Ballot.id == ballot_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if ballot is None:
        raise DomainError("ballot_not_found", ballot_id=ballot_id)
    return ballot


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_tracker() -> str:
    raw = random_code(TRACKER_LENGTH)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(text: str) -> str:
    return "".join(str(text).split()).replace("-", "").upper().translate(_MISREAD)


def normalise_tracker(text: str) -> str | None:
    """The tracker as stored, from what a delegate typed (any case, spaces, O for 0), or None."""
    raw = normalise_code(text)
    if len(raw) != TRACKER_LENGTH or any(c not in ALPHABET for c in raw):
        return None
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def roster_hash(user_ids: Sequence[int]) -> str:
    return ledger.sha256_hex(ledger.canonical_json(sorted(user_ids)))


def choices_json(normalised: Mapping[int | str, str]) -> str:
    return ledger.canonical_json({str(k): v for k, v in normalised.items()})


def ballot_hash(tracker: str, choices: str) -> str:
    return ledger.sha256_hex(tracker + choices)


def options_of(session: Session, ballot: Ballot) -> list[BallotOption]:
    return list(session.scalars(
        select(BallotOption).where(BallotOption.ballot_id == ballot.id)
        .order_by(BallotOption.position)
    ))


def check_rules_fit(rules: BallotRules, option_count: int) -> None:
    try:
        rules.validate()
    except ValueError as exc:
        raise DomainError("invalid_rules", detail=str(exc)) from None
    if option_count < 1:
        raise DomainError("no_options")
    if rules.seats > option_count:
        raise DomainError("seats_exceed_options", seats=rules.seats, options=option_count)
    if rules.min_selections > option_count:
        raise DomainError("min_selections_exceed_options", min=rules.min_selections,
                          options=option_count)


# --- draft ----------------------------------------------------------------------------------


def _option(spec: Mapping[str, object], position: int) -> BallotOption:
    unknown = set(spec) - OPTION_FIELDS
    if unknown:
        raise DomainError("unknown_option_field", fields=", ".join(sorted(unknown)))
    title = str(spec.get("title") or "").strip()
    if not title:
        raise DomainError("option_title_required", position=position + 1)
    cost = spec.get("cost", 0)
    if not isinstance(cost, int) or isinstance(cost, bool) or cost < 0:
        raise DomainError("invalid_cost", position=position + 1)
    ref_id = spec.get("ref_id")
    if ref_id is not None and (not isinstance(ref_id, int) or isinstance(ref_id, bool)):
        raise DomainError("invalid_ref_id", position=position + 1)
    return BallotOption(title=title, cost=cost, unit=(spec.get("unit") or None),
                        description=str(spec.get("description") or ""), ref_id=ref_id,
                        position=position)


def create_ballot(
    session: Session, actor: User, assembly: Assembly, subject_type: str, subject_id: int | None,
    title: str, rules: BallotRules, options: Sequence[Mapping[str, object]],
    teller: User | None = None,
) -> Ballot:
    """A draft ballot with its options and rules; an official may still change the rules.

    `teller` names the one person besides officials who runs this ballot (opens, checks in,
    closes, publishes). Officials may name anyone; anyone else may only name themselves, and
    the calling service answers for that (the council's motions: only its convenor).
    """
    begin_write(session)
    if not (actor.has_role(Role.OFFICIAL) or (teller is not None and teller.id == actor.id)):
        raise DomainError("forbidden")
    title = (title or "").strip()
    if not title:
        raise DomainError("title_required")
    if not subject_type or len(subject_type) > 20:
        raise DomainError("invalid_subject_type")
    check_rules_fit(rules, len(options))
    ballot = Ballot(
        assembly_id=assembly.id, subject_type=subject_type, subject_id=subject_id, title=title,
        status=BallotStatus.DRAFT.value, mode=BallotMode.ELECTRONIC.value,
        rules_json=rules.canonical_json(), rules_hash=rules.rules_hash(), created_by_id=actor.id,
        teller_id=teller.id if teller else None,
        options=[_option(spec, i) for i, spec in enumerate(options)],
    )
    session.add(ballot)
    session.flush()
    created = {
        "title": title, "subject_type": subject_type, "subject_id": subject_id,
        "rules_hash": ballot.rules_hash,
        "options": [{"id": o.id, "title": o.title, "cost": o.cost, "unit": o.unit,
                     "ref_id": o.ref_id} for o in ballot.options],
    }
    if teller is not None:
        created["teller_id"] = teller.id
    ledger.append(session, ballot.id, "created", created)
    return ballot


def update_rules(session: Session, actor: User, ballot: Ballot, rules: BallotRules) -> Ballot:
    """Change a draft's rules; once the ballot has opened this raises rules_frozen."""
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_teller(actor, ballot)
    if ballot.status != BallotStatus.DRAFT:
        raise DomainError("rules_frozen")
    check_rules_fit(rules, len(options_of(session, ballot)))
    ballot.rules_json = rules.canonical_json()
    ballot.rules_hash = rules.rules_hash()
    ledger.append(session, ballot.id, "rules_changed", {"rules_hash": ballot.rules_hash})
    return ballot


# --- open -----------------------------------------------------------------------------------


def sealing_required(session: Session, ballot: Ballot) -> bool:
    """A secret ballot of a cycle, or a run-off settling one, is sealed for its tellers."""
    if not ballot.rules.secret:
        return False
    if ballot.subject_type == "runoff" and ballot.subject_id is not None:
        parent = session.get(Ballot, ballot.subject_id)
        return parent is not None and sealing_required(session, parent)
    return ballot.subject_type == CYCLE_BALLOT


def _check_tellers(tellers: Sequence[tuple[User, str]],
                   threshold: int) -> None:
    ids = [user.id for user, _ in tellers]
    if len(set(ids)) != len(ids):
        raise DomainError("teller_twice")
    if not 2 <= threshold <= len(tellers) <= sealing.MAX_TELLERS:
        raise DomainError("invalid_threshold", threshold=threshold, tellers=len(tellers),
                          most=sealing.MAX_TELLERS)
    for user, passphrase in tellers:
        if not user.active:
            raise DomainError("teller_inactive", name=user.display_name)
        if len(passphrase or "") < sealing.MIN_PASSPHRASE:
            raise DomainError("passphrase_too_short", name=user.display_name,
                              length=sealing.MIN_PASSPHRASE)


def _seal(session: Session, ballot: Ballot, tellers: Sequence[tuple[User, str]],
          threshold: int) -> dict[str, object]:
    """Make the ballot's key, keep its public half and each teller's wrapped share."""
    public, shares = sealing.new_key([p for _, p in tellers], threshold)
    session.add(BallotSeal(ballot_id=ballot.id, public_key=public.hex(), threshold=threshold))
    session.add_all(
        BallotKeyShare(ballot_id=ballot.id, teller_id=user.id, share_index=share.index,
                       salt=share.salt.hex(), wrapped=share.stored())
        for (user, _), share in zip(tellers, shares, strict=True))
    return {"public_key": public.hex(), "threshold": threshold,
            "tellers": sorted(user.id for user, _ in tellers)}


def open_ballot(
    session: Session, actor: User, ballot: Ballot, on: date | None = None,
    voters: Sequence[User] | None = None, *,
    tellers: Sequence[tuple[User, str]] = (), threshold: int | None = None,
) -> Ballot:
    """Freeze the roster of `on` (default today) and the rules; issue the hall's check-in code.

    `voters`, when given, is the roster instead of the assembly's delegates: a council
    motion's members present, or the residents who elect a council. A run-off without
    `voters` is put to the roster of the ballot it settles: the same electorate decides.

    `tellers` are (person, passphrase) pairs: when given, the ballot's choices are sealed
    for them and `threshold` of them (default: a majority, at least two) must type their
    passphrases to count it. A ballot that sealing_required() names must be sealed.
    """
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_teller(actor, ballot)
    if ballot.status != BallotStatus.DRAFT:
        raise DomainError("not_draft")
    rules = ballot.rules
    if rules.rules_hash() != ballot.rules_hash:
        raise DomainError("rules_hash_mismatch")
    check_rules_fit(rules, len(options_of(session, ballot)))
    day = on or date.today()
    if voters is None and ballot.subject_type == "runoff" and ballot.subject_id is not None:
        voters = list(session.scalars(
            select(User).join(BallotRosterEntry, BallotRosterEntry.user_id == User.id)
            .where(BallotRosterEntry.ballot_id == ballot.subject_id)))
    if voters is None:
        members = roster(session, ballot.assembly_id, day)
    else:  # one entry per active person, in the same stable order as roster()
        members = sorted({u.id: u for u in voters if u.active}.values(), key=lambda u: u.id)
    if not members:
        raise DomainError("empty_roster")
    if ballot.subject_type == CYCLE_BALLOT and ballot.teller_id in {u.id for u in members}:
        raise DomainError("forbidden", why="teller_on_roster")  # a voter never counts the vote
    if tellers and not rules.secret:
        raise DomainError("roll_call_not_sealed")
    if ballot.mode == BallotMode.MIXED and not rules.secret:
        raise DomainError("roll_call_not_mixed")  # a paper ballot carries no name
    if not tellers and sealing_required(session, ballot):
        raise DomainError("tellers_required")
    if tellers:
        threshold = threshold if threshold is not None else max(2, len(tellers) // 2 + 1)
        _check_tellers(tellers, threshold)
    session.add_all(BallotRosterEntry(ballot_id=ballot.id, user_id=u.id) for u in members)
    ballot.roster_hash = roster_hash([u.id for u in members])
    ballot.entitled = len(members)
    ballot.check_in_code = random_code(CHECK_IN_CODE_LENGTH)
    ballot.opened_at = utcnow()
    ballot.status = BallotStatus.OPEN.value
    session.flush()
    sealed = _seal(session, ballot, tellers, threshold) if tellers else None
    ledger.append(session, ballot.id, "opened", {
        "rules_hash": ballot.rules_hash, "roster_hash": ballot.roster_hash,
        "entitled": ballot.entitled, "roster_date": day.isoformat(),
        "at": iso(ballot.opened_at),
        # Only explicit rosters say so, so the ledgers of existing ballots read as before.
        **({"roster_source": "explicit"} if voters is not None else {}),
        **({"sealing": sealed} if sealed else {}),
    })
    return ballot


def iso(moment: datetime | None) -> str | None:
    """UTC, to the second, with a Z; SQLite hands datetimes back without their zone (UTC)."""
    if moment is None:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def roster_entry(session: Session, ballot_id: int, user_id: int) -> BallotRosterEntry | None:
    # Fresh from the database: another request may have checked this delegate in meanwhile.
    return session.scalar(
        select(BallotRosterEntry)
        .where(BallotRosterEntry.ballot_id == ballot_id, BallotRosterEntry.user_id == user_id)
        .execution_options(populate_existing=True)
    )


def check_in(
    session: Session, actor: User, ballot: Ballot, *, delegate: User | None = None,
    code: str | None = None,
) -> BallotRosterEntry:
    """Record attendance: an official for anyone on the roster, or a delegate with the hall code.

    Guessing codes is slowed down by the web layer's rate limit, not here.
    """
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    if ballot.status != BallotStatus.OPEN:
        raise DomainError("not_open")
    target = delegate or actor
    if code is None and may_run(actor, ballot):
        checked_in_by = actor.id
    else:
        if target.id != actor.id:
            raise DomainError("forbidden")
        expected = ballot.check_in_code or ""
        if not code or not hmac.compare_digest(normalise_code(code), expected):
            raise DomainError("wrong_code")
        checked_in_by = None
    entry = roster_entry(session, ballot.id, target.id)
    if entry is None:
        raise DomainError("not_on_roster")
    if not entry.present:
        entry.present = True
        entry.checked_in_by_id = checked_in_by
        session.flush()
    return entry


# --- cast -----------------------------------------------------------------------------------


def _keyed_by_option(choices: Mapping[object, object]) -> dict[int | str, object]:
    # Forms and JSON send option ids as strings; the rules engine compares them as ints.
    out: dict[int | str, object] = {}
    for key, mark in choices.items():
        if isinstance(key, str) and key.strip().isdigit():
            key = int(key.strip())
        out[key] = mark  # type: ignore[index]
    return out


def cast_ballot(
    session: Session, ballot_id: int, voter: User, choices: Mapping[object, object], *,
    tracker: str | None = None,
) -> str:
    """Record one delegate's ballot and return its tracker (the receipt code); final once cast.

    `tracker`, when given, is the receipt code the delegate was already shown (the web layer
    draws it with `new_tracker` for the review page and answers for it being theirs);
    otherwise one is drawn here.

    Call it at the start of a fresh transaction (a view commits or rolls back first), so that
    on SQLite it begins with BEGIN IMMEDIATE. Whatever the caller did before, the unique key
    on voter_records refuses a second ballot from the same delegate.
    """
    begin_write(session)
    ballot = lock_ballot(session, ballot_id)
    voter_id = voter.id  # read after BEGIN: an expired voter would otherwise start a reader
    if ballot.status != BallotStatus.OPEN or ballot.mode not in (BallotMode.ELECTRONIC,
                                                                  BallotMode.MIXED):
        raise DomainError("not_open")
    entry = roster_entry(session, ballot.id, voter_id)
    if entry is None:
        raise DomainError("not_on_roster")
    if ballot.mode == BallotMode.MIXED and session.get(PaperIssue, (ballot.id, voter_id)):
        raise DomainError("took_paper_ballot")  # one delegate, one ballot: theirs is on paper
    rules = ballot.rules
    if rules.check_in_required and not entry.present:
        # Attendance must be established independently of voting (always so where those
        # present are the base): the frozen rules say whether it is.
        raise DomainError("not_checked_in")
    if session.get(VoterRecord, (ballot.id, voter_id)) is not None:
        raise DomainError("already_voted")
    option_ids = [o.id for o in options_of(session, ballot)]
    try:
        normalised = validate_choices(rules, option_ids, _keyed_by_option(choices))
    except InvalidBallot as exc:
        raise DomainError(exc.code, **exc.params) from None

    if tracker is None:
        tracker = new_tracker()
    elif normalise_tracker(tracker) != tracker:
        raise DomainError("invalid_tracker")
    # Abstentions are left out: an unmarked option counts as abstain (YNA, YN) or unticked (Y),
    # so the stored ballot reads back through validate_choices under every method.
    marks = choices_json({k: v for k, v in normalised.items() if v != ABSTAIN})
    seal = session.get(BallotSeal, ballot.id)
    try:
        with session.begin_nested():
            session.add(VoterRecord(ballot_id=ballot.id, user_id=voter_id))
            if seal is not None:  # the tracker and the marks go inside the box
                box = sealing.seal(bytes.fromhex(seal.public_key), tracker, marks,
                                   len(option_ids))
                session.add(SealedBallot(id=uuid.uuid4().hex, ballot_id=ballot.id,
                                         box=box.hex()))
            else:
                session.add(CastBallot(id=uuid.uuid4().hex, ballot_id=ballot.id,
                                       tracker=tracker, choices=marks,
                                       hash=ballot_hash(tracker, marks)))
            if not rules.secret:
                session.add(RollCallVote(ballot_id=ballot.id, user_id=voter_id, choices=marks))
            if not entry.present:
                entry.present = True  # whoever cast a ballot took part in the vote
    except IntegrityError:
        if session.get(VoterRecord, (ballot.id, voter_id)) is not None:
            raise DomainError("already_voted") from None
        raise
    return tracker


def turnout(session: Session, ballot: Ballot) -> tuple[int, int]:
    """(ballots cast, entitled): the only figure about the vote visible while it is open."""
    if ballot.status == BallotStatus.DRAFT:
        raise DomainError("not_open")
    if ballot.ballots_cast is not None:
        return ballot.ballots_cast, ballot.entitled or 0
    cast = session.scalar(
        select(func.count()).select_from(VoterRecord).where(VoterRecord.ballot_id == ballot.id)
    )
    return cast or 0, ballot.entitled or 0


def decode_choices(text: str) -> dict[int | str, str]:
    return _keyed_by_option(json.loads(text))  # type: ignore[return-value]


def not_voted(session: Session, ballot: Ballot) -> list[tuple[int, User]]:
    """(roster number, person) of everyone on the roster with no ballot cast, for the desk.

    The number is the person's place on the roster frozen at opening (ordered by account, as
    the bulletin lists it), so officials can call it out in the hall. Who voted is known from
    the voter records even in a secret ballot; what they voted is not.
    """
    voted = set(session.scalars(select(VoterRecord.user_id)
                                .where(VoterRecord.ballot_id == ballot.id)))
    members = session.scalars(
        select(User).join(BallotRosterEntry, BallotRosterEntry.user_id == User.id)
        .where(BallotRosterEntry.ballot_id == ballot.id).order_by(BallotRosterEntry.user_id))
    return [(number, person) for number, person in enumerate(members, start=1)
            if person.id not in voted]
