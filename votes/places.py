"""Places as records: the district, its streets (街道) and their communities (社区).

A place has a code (the statistical division code an operator uses, e.g. 110105001001) and
a name; a community sits in a street, a street in a district. A community's name is unique
in the site, so that a form, an import or a hotline export may name it. Every table that
says where something is points at a place by key (users, proposals, requests, councils,
projects, the register of residents); the names they keep beside the key are labels, kept
in step: renaming a place sends `place_renamed`, and each context relabels its own rows.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from blinker import Namespace
from sqlalchemy import ForeignKey, String, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from votes.base import Base, DomainError, utcnow
from votes.people import Role, User

NAME_MAX = 40
CODE_MAX = 20
CODE_SHAPE = re.compile(r"^[0-9A-Za-z-]{1,20}$")

place_renamed = Namespace().signal("place-renamed", doc=(
    "Sent by rename_place once the new name is flushed: sender=the Place, session=, "
    "old_name=. Each context that keeps a place's name beside its key relabels its rows "
    "(connected by proposals.wiring); a receiver flushes and never commits."))


class Level(enum.StrEnum):
    DISTRICT = "district"  # 区
    STREET = "street"  # 街道 / 乡镇
    COMMUNITY = "community"  # 社区 / 村


PARENT_LEVEL = {Level.STREET: Level.DISTRICT, Level.COMMUNITY: Level.STREET}


class Place(Base):
    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(12))
    code: Mapped[str] = mapped_column(String(CODE_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Place | None] = relationship(remote_side=[id])

    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    @property
    def street(self) -> Place | None:
        return self.parent if self.level == Level.COMMUNITY else None

    def __repr__(self) -> str:
        return f"<Place {self.level} {self.name}>"


class PlaceKeeper(Base):
    """An official who keeps the register of residents of a place (a street covers its
    communities), named by the admin."""

    __tablename__ = "place_keepers"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    place_id: Mapped[int] = mapped_column(
        ForeignKey("places.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    place: Mapped[Place] = relationship()


@dataclass(frozen=True)
class PlaceRow:
    """One place as an import or a form gives it: the parent named by its code."""

    level: str
    code: str
    name: str
    parent_code: str | None = None


def require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise DomainError("forbidden")


def _clean(row: PlaceRow) -> PlaceRow:
    try:
        level = Level(row.level)
    except ValueError:
        raise DomainError("invalid_choice", field="level") from None
    code, name = (row.code or "").strip(), (row.name or "").strip()
    if not CODE_SHAPE.match(code):
        raise DomainError("place_code_shape", place=code)
    if not name:
        raise DomainError("required", field="name")
    if len(name) > NAME_MAX:
        raise DomainError("too_long", field="name", max=NAME_MAX)
    parent = (row.parent_code or "").strip() or None
    if level == Level.DISTRICT and parent:
        raise DomainError("place_district_parent")
    if level != Level.DISTRICT and not parent:
        raise DomainError("place_parent_needed")
    return PlaceRow(level.value, code, name, parent)


def by_code(session: Session, code: str) -> Place | None:
    return session.scalar(select(Place).where(Place.code == code.strip()))


def community_named(session: Session, name: str | None) -> Place | None:
    if not name:
        return None
    return session.scalar(select(Place).where(
        Place.level == Level.COMMUNITY.value, Place.name == name.strip()))


def require_community(session: Session, community: Place | str | None, *,
                      field: str = "community") -> Place:
    """The community a form, an import or a service names: a Place passes if it is a
    community; a name is looked up (names are unique). Refused with `unknown_community`
    when the list of places has none of that name."""
    if isinstance(community, Place):
        if community.level != Level.COMMUNITY.value:
            raise DomainError("place_not_a_community", field=field, community=community.name)
        return community
    name = (community or "").strip()
    if not name:
        raise DomainError("required", field=field)
    found = community_named(session, name)
    if found is None:
        raise DomainError("unknown_community", field=field, community=name[:NAME_MAX])
    return found


def labels(community: Place) -> tuple[str, str, str]:
    """(district, street, community): the names a row keeps beside a community's key."""
    street = community.parent
    district = street.parent if street is not None else None
    return (district.name if district else "", street.name if street else "", community.name)


def communities_within(place: Place):
    """A SELECT of the ids of the communities in `place`: itself, a street's, a district's."""
    if place.level == Level.STREET:
        return select(Place.id).where(Place.parent_id == place.id)
    if place.level == Level.DISTRICT:
        streets = select(Place.id).where(Place.parent_id == place.id)
        return select(Place.id).where(Place.parent_id.in_(streets))
    return select(Place.id).where(Place.id == place.id)


def lineage(place: Place) -> list[Place]:
    """The place and the places above it, itself first (community, street, district)."""
    found: list[Place] = []
    at: Place | None = place
    while at is not None:
        found.append(at)
        at = at.parent
    return found


def common_place(session: Session, place_ids) -> Place | None:
    """The smallest place that covers every given place: their one community, else their
    one street, else their one district; None when they share none (or none is given)."""
    chosen = [session.get(Place, i) for i in dict.fromkeys(place_ids) if i is not None]
    chosen = [p for p in chosen if p is not None]
    if not chosen:
        return None
    shared = [p.id for p in lineage(chosen[0])]
    for other in chosen[1:]:
        above = {p.id for p in lineage(other)}
        shared = [i for i in shared if i in above]
    return session.get(Place, shared[0]) if shared else None


def set_home(session: Session, user: User, community: Place | str | None) -> None:
    """The community a person says they live in: its key, and its name as the label. None
    (or an empty name) clears both; an unknown name is refused."""
    if community is None or (isinstance(community, str) and not community.strip()):
        user.place_id, user.place, user.community = None, None, None
        return
    place = require_community(session, community)
    user.place, user.place_id, user.community = place, place.id, place.name


def problems(session: Session, rows: Sequence[PlaceRow]) -> list[tuple[int, DomainError]]:
    """Every row's problem (1-based row number, error), as if the rows were added in order
    (a parent before its children). Nothing is written."""
    found: list[tuple[int, DomainError]] = []
    pending: dict[str, PlaceRow] = {}
    names: set[tuple[str, str]] = set()  # (parent code, name) taken by an earlier row
    communities: set[str] = set()
    for n, raw in enumerate(rows, start=1):
        try:
            row = _clean(raw)
            if row.code in pending or by_code(session, row.code) is not None:
                raise DomainError("place_code_taken", place=row.code)
            if row.parent_code:
                earlier = pending.get(row.parent_code)
                existing = None if earlier else by_code(session, row.parent_code)
                if earlier is None and existing is None:
                    raise DomainError("place_parent_unknown", place=row.parent_code)
                level = earlier.level if earlier else existing.level
                if level != PARENT_LEVEL[Level(row.level)]:
                    raise DomainError("place_parent_level", place=row.parent_code)
                if (row.parent_code, row.name) in names or (existing is not None and (
                        session.scalar(select(Place.id).where(
                            Place.parent_id == existing.id, Place.name == row.name)))):
                    raise DomainError("place_name_taken", name=row.name)
            if row.level == Level.COMMUNITY:
                if row.name in communities or community_named(session, row.name):
                    raise DomainError("community_name_taken", name=row.name)
        except DomainError as error:
            found.append((n, error))
            continue
        pending[row.code] = row
        names.add((row.parent_code or "", row.name))
        if row.level == Level.COMMUNITY:
            communities.add(row.name)
    return found


def add_places(session: Session, actor: User, rows: Sequence[PlaceRow]) -> list[Place]:
    """Add places in order (a parent before its children); all or none. The first problem
    is raised, with its row number in `row`, before anything is written."""
    require_admin(actor)
    wrong = problems(session, rows)
    if wrong:
        n, error = wrong[0]
        error.params.setdefault("row", n)
        raise error
    added: dict[str, Place] = {}
    for raw in rows:
        row = _clean(raw)
        parent = None
        if row.parent_code:
            parent = added.get(row.parent_code) or by_code(session, row.parent_code)
        place = Place(level=row.level, code=row.code, name=row.name, parent=parent)
        session.add(place)
        added[row.code] = place
    session.flush()
    return list(added.values())


def rename_place(session: Session, actor: User, place: Place, name: str) -> None:
    require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError("required", field="name")
    if len(name) > NAME_MAX:
        raise DomainError("too_long", field="name", max=NAME_MAX)
    if name == place.name:
        return
    if place.level == Level.COMMUNITY and community_named(session, name):
        raise DomainError("community_name_taken", name=name)
    if session.scalar(select(Place.id).where(Place.parent_id == place.parent_id,
                                             Place.name == name, Place.id != place.id)):
        raise DomainError("place_name_taken", name=name)
    old = place.name
    place.name = name
    if place.level == Level.COMMUNITY:
        # The accounts living there keep its name as a label: it follows the record (an
        # account that named it before it had a key is matched by the old name).
        session.execute(update(User).where(
            (User.place_id == place.id) | (User.place_id.is_(None) & (User.community == old)))
            .values(community=name, place_id=place.id).execution_options(
                synchronize_session="fetch"))
    session.flush()
    place_renamed.send(place, session=session, old_name=old)


def all_places(session: Session) -> list[Place]:
    """Every place, each district followed by its streets, each by its communities."""
    rows = list(session.scalars(select(Place).order_by(Place.code)))
    children: dict[int | None, list[Place]] = {}
    for place in rows:
        children.setdefault(place.parent_id, []).append(place)
    ordered: list[Place] = []

    def walk(parent_id: int | None) -> None:
        for place in children.get(parent_id, []):
            ordered.append(place)
            walk(place.id)

    walk(None)
    return ordered


def communities(session: Session) -> list[Place]:
    """Every community, by street then name: what a form offers."""
    return [p for p in all_places(session) if p.level == Level.COMMUNITY]


def community_choices(session: Session) -> list[tuple[str, list[tuple[str, str]]]]:
    """(street name, [(community name, community name)]) for a grouped <select>."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for place in communities(session):
        street = place.parent.name if place.parent else ""
        groups.setdefault(street, []).append((place.name, place.name))
    return list(groups.items())


def place_choices(session: Session) -> list[tuple[str, list[Place]]]:
    """(group name, places) for a grouped <select> of any place: each district alone, then
    each street followed by its communities."""
    groups: dict[int, tuple[str, list[Place]]] = {}
    for place in all_places(session):
        head = place.parent if place.level == Level.COMMUNITY else place
        if head is None:
            continue
        groups.setdefault(head.id, (head.name, []))[1].append(place)
    return list(groups.values())


def covers(place: Place, community: Place) -> bool:
    """Whether `place` is `community` or one of the places above it."""
    at: Place | None = community
    while at is not None:
        if at.id == place.id:
            return True
        at = at.parent
    return False


def keeps_register(session: Session, actor: User, community: Place) -> bool:
    """Whether the actor may keep this community's register: an official named for the
    community or its street (or district), or an admin."""
    if actor.has_role(Role.ADMIN):
        return True
    if not actor.has_role(Role.OFFICIAL):
        return False
    kept = session.scalars(select(PlaceKeeper).where(PlaceKeeper.user_id == actor.id))
    return any(covers(k.place, community) for k in kept)


def kept_communities(session: Session, actor: User) -> list[Place]:
    return [c for c in communities(session) if keeps_register(session, actor, c)]


def name_keeper(session: Session, actor: User, official: User, place: Place) -> None:
    require_admin(actor)
    if not official.has_role(Role.OFFICIAL):
        raise DomainError("keeper_not_official", name=official.display_name)
    if session.get(PlaceKeeper, (official.id, place.id)) is None:
        session.add(PlaceKeeper(user_id=official.id, place_id=place.id))
        session.flush()


def remove_keeper(session: Session, actor: User, official_id: int, place_id: int) -> None:
    require_admin(actor)
    keeper = session.get(PlaceKeeper, (official_id, place_id))
    if keeper is not None:
        session.delete(keeper)
        session.flush()


def keepers(session: Session) -> list[PlaceKeeper]:
    return list(session.scalars(select(PlaceKeeper).order_by(PlaceKeeper.place_id,
                                                             PlaceKeeper.user_id)))
