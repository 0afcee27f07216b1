"""Who takes part: accounts with their roles, assemblies and the rosters of their delegates."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from votes.base import Base, DomainError, utcnow

if TYPE_CHECKING:
    from votes.places import Place


class Role(enum.StrEnum):
    RESIDENT = "resident"
    DELEGATE = "delegate"
    OFFICIAL = "official"
    ADMIN = "admin"


class AssemblyKind(enum.StrEnum):
    CONGRESS = "congress"  # 人民代表大会
    COUNCIL = "council"  # 居民议事会


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(254))
    # Where SMS notices go (proposals/notices), when the person gave a number. Once a code
    # sent to it confirms it (votes/mobiles.py), it is 11 digits and no other account's.
    mobile: Mapped[str | None] = mapped_column(String(20))
    mobile_confirmed_at: Mapped[datetime | None]
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    # An official's department (e.g. 区住建委): who may report on a project of that unit.
    unit: Mapped[str | None] = mapped_column(String(80))
    # The community a person says they live in (votes/places.py), by key; `community` is its
    # name, kept in step as a label. Only the register of residents proves it.
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("places.id", ondelete="SET NULL"), index=True)
    community: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of every session's and remember-me cookie's account id: raising it ends every
    # session of the account at once (each sign-in's own row is in votes/sessions.py).
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The privacy notice agreed to at registration (proposals/personal/consent.py), and when
    # the account was deleted: its personal fields wiped, what it wrote kept public.
    consented_at: Mapped[datetime | None]
    consent_version: Mapped[str | None] = mapped_column(String(20))
    deleted_at: Mapped[datetime | None]
    # Made at a service counter by an official for a resident without a phone (who made
    # it is kept); its first password is printed and must be changed at first sign-in.
    assisted: Mapped[bool] = mapped_column(default=False, server_default=false())
    assisted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The sign-in (votes.sessions.AccountSession) this object was loaded for, set by the web
    # shell: its token is the last part of the id Flask-Login keeps. Not a column.
    session_token = None
    account_session_id = None

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="user")
    assisted_by: Mapped[User | None] = relationship(remote_side=[id])
    place: Mapped[Place | None] = relationship("Place", foreign_keys=[place_id])

    __table_args__ = (
        # One person, one account: a confirmed number belongs to one account at most.
        Index("uq_users_mobile_confirmed", "mobile", unique=True,
              sqlite_where=text("mobile_confirmed_at IS NOT NULL"),
              postgresql_where=text("mobile_confirmed_at IS NOT NULL")),
    )

    # The account protocol Flask-Login expects, written out so the domain imports no Flask.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}:{self.session_token or ''}"

    def end_sessions(self) -> None:
        """Every session signed in until now stops working, wherever its cookie is."""
        self.session_version = (self.session_version or 1) + 1

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)

    def has_role(self, *roles: Role | str) -> bool:
        mine = {r.role for r in self.role_rows}
        return any(str(r) in mine for r in roles)

    def grant(self, role: Role) -> None:
        if not self.has_role(role):
            self.role_rows.append(UserRole(role=str(role)))

    def revoke(self, role: Role) -> None:
        self.role_rows[:] = [r for r in self.role_rows if r.role != str(role)]

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class Assembly(Base):
    """A people's congress or a resident council, with its members for one term."""

    __tablename__ = "assemblies"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    area: Mapped[str] = mapped_column(String(120))
    term_start: Mapped[date]
    term_end: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="assembly", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("name", "term_start"),)


class Membership(Base):
    """A delegate's seat in an assembly for its term: the roster a ballot freezes."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str | None] = mapped_column(String(40))  # e.g. 主任, 召集人
    joined_on: Mapped[date]
    left_on: Mapped[date | None]

    assembly: Mapped[Assembly] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")

    __table_args__ = (UniqueConstraint("assembly_id", "user_id"),)


def add_member(
    session: Session, assembly: Assembly, user: User, actor: User, *, joined_on: date,
    title: str | None = None,
) -> Membership:
    """Seat a user in an assembly; they become a delegate. Only an admin may do this."""
    if not actor.has_role(Role.ADMIN):
        raise DomainError("forbidden")
    existing = session.scalar(
        select(Membership).filter_by(assembly_id=assembly.id, user_id=user.id)
    )
    if existing is not None:
        raise DomainError("already_member", user=user.display_name)
    membership = Membership(assembly=assembly, user=user, joined_on=joined_on, title=title)
    session.add(membership)
    user.grant(Role.DELEGATE)
    session.flush()
    return membership


def roster(session: Session, assembly_id: int, on: date) -> list[User]:
    """The delegates seated in an assembly on a given day, in a stable order."""
    stmt = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.assembly_id == assembly_id,
            Membership.joined_on <= on,
            (Membership.left_on.is_(None)) | (Membership.left_on >= on),
            User.active.is_(True),
        )
        .order_by(User.id)
    )
    return list(session.scalars(stmt))


def active_with_role(session: Session, role: Role) -> list[User]:
    """Active accounts holding `role`, by name: whom a task can be given to."""
    return list(session.scalars(
        select(User).join(UserRole).where(UserRole.role == role.value, User.active.is_(True))
        .order_by(User.display_name)))


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip().lower()))


def register_user(
    session: Session, *, username: str, display_name: str, password_hash: str,
    email: str | None = None, roles: tuple[Role, ...] = (Role.RESIDENT,),
) -> User:
    """Create an account; usernames are kept lower-case so 'Wang' and 'wang' are one name."""
    username = username.strip().lower()
    if find_user(session, username) is not None:
        raise DomainError("username_taken", username=username)
    user = User(
        username=username, display_name=display_name.strip(), email=(email or None),
        password_hash=password_hash,
    )
    for role in roles:
        user.grant(role)
    session.add(user)
    session.flush()
    return user
