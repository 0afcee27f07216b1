"""Administration: every action here is an admin's and every change is committed once."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import to_utc
from flask_login import current_user
from sqlalchemy import Select, or_, select

from app.admin import bp
from app.admin.forms import (
    AdvanceForm,
    AssemblyForm,
    AuditFilterForm,
    CycleForm,
    MemberForm,
    MoveBackForm,
    RolesForm,
)
from app.auth.access import allow
from app.auth.accounts import made_by_admin
from app.auth.forms import AdminResetForm, NewAccountForm
from app.auth.reset_notice import find_account, reset_secret, send_reset
from app.db import get_session, writing
from app.forms import choices
from app.messages import domain_message
from app.opendata.downloads import csv_lines
from app.pagination import paginate
from proposals.cycles.models import Cycle
from proposals.cycles.services import advance_cycle, create_cycle, move_cycle_back
from proposals.cycles.services import back_refusals as cycle_back_refusals
from proposals.cycles.services import work_left as cycle_work_left
from proposals.cycles.stages import Stage, next_stage, previous_stage
from proposals.shortlist.adoption import ballots_of_cycle
from votes.audit import AuditEntry, entries
from votes.base import DomainError
from votes.casting import not_voted, turnout
from votes.mobiles import confirmed_owner, masked, normalise_mobile
from votes.people import Assembly, Membership, Role, User, add_member, find_user
from votes.sessions import ResetChannel


@bp.route("/")
@allow("admin")
def index():
    return redirect(url_for("admin.users"))


@bp.route("/users")
@allow("admin")
def users():
    db = get_session()
    q = request.args.get("q", "").strip()[:60]
    stmt = select(User).order_by(User.id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(User.username.ilike(like), User.display_name.ilike(like)))
    page = paginate(db, stmt, current_app.config["PAGE_SIZE"])
    return render_template("admin/users.html", page=page, q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@allow("admin")
def new_user():
    """An account made by the administrator; its holder sets the password by the code or
    link sent to them (the reset), and confirms the mobile number when they sign in."""
    db = get_session()
    form = NewAccountForm()
    if form.validate_on_submit():
        with writing(form, quiet=True) as work:
            made = made_by_admin(db, db.get(User, current_user.id),
                                 username=form.username.data,
                                 display_name=form.display_name.data.strip(),
                                 mobile=form.mobile.data or None, email=form.email.data,
                                 roles=[Role(r) for r in form.roles.data])
            sent = _send_reset(db, made, form.send.data)
        if work.ok:
            flash(_("The account %(username)s is made.", username=made.username), "success")
            _said_sent(form.send.data, sent)
            return redirect(url_for("admin.user", user_id=made.id))
        if work.error.code == "username_taken":
            form.username.errors = [*form.username.errors, _("This username is already taken.")]
        elif work.error.code == "mobile_taken":
            owner = confirmed_owner(db, normalise_mobile(form.mobile.data))
            form.mobile.errors = [*form.mobile.errors, domain_message(DomainError(
                "mobile_owned", username=owner.username if owner else "?"))]
        else:
            target = getattr(form, str(work.error.params.get("field", "")), None) or form.send
            target.errors = [*target.errors, domain_message(work.error)]
    return render_template("admin/user_new.html", form=form)


def _send_reset(db, user: User, how: str | None):
    """A reset code to the account's mobile number or a link to its email, through the
    outbox; None when nothing was asked, "limit" when the account had its fill this hour.
    Asking for a channel the account has no address for is refused."""
    if how in (None, "", "none"):
        return None
    if how == "sms" and not user.mobile:
        raise DomainError("reset_needs_mobile", field="send")
    if how == "email" and not user.email:
        raise DomainError("reset_needs_email", field="send")
    channel = ResetChannel.SMS if how == "sms" else ResetChannel.EMAIL
    sent = send_reset(db, user, channel, reset_secret(current_app), issued_by=current_user)
    return sent or "limit"


def _said_sent(how: str | None, sent) -> None:
    if sent is None:
        return
    if sent == "limit":
        flash(_("This account had three codes this hour; try later."), "error")
    elif how == "sms":
        flash(_("A code to set the password is on its way to the account’s mobile number."),
              "success")
    else:
        flash(_("A link to set the password is on its way to the account’s email."), "success")


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow("admin")
def user(user_id: int):
    db = get_session()
    found = db.get(User, user_id) or abort(404)
    form = RolesForm(
        data={"roles": sorted(found.roles), "active": "1" if found.active else "0"}
        if request.method == "GET" else None
    )
    if form.validate_on_submit():
        wanted = {Role(r) for r in form.roles.data}
        if found.id == current_user.id and (Role.ADMIN not in wanted or form.active.data == "0"):
            flash(_("You cannot remove your own administrator access."), "error")
        else:
            with writing(success=_("Saved.")) as work:
                for role in Role:
                    (found.grant if role in wanted else found.revoke)(role)
                found.active = form.active.data == "1"
                db.flush()
            if work.ok:
                return redirect(url_for("admin.user", user_id=user_id))
    seats = db.scalars(select(Membership).where(Membership.user_id == user_id)).all()
    return render_template("admin/user.html", user=found, form=form, seats=seats,
                           reset_form=AdminResetForm(formdata=None), masked=masked)


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
@allow("admin")
def user_reset(user_id: int):
    """Send the account the same one-time code it could ask for on the sign-in page."""
    db = get_session()
    found = db.get(User, user_id) or abort(404)
    form = AdminResetForm()
    if form.validate_on_submit() and form.channel.data in ("sms", "email"):
        with writing(form, quiet=True) as work:
            sent = _send_reset(db, found, form.channel.data)
        if work.ok:
            _said_sent(form.channel.data, sent)
        else:
            flash(domain_message(work.error), "error")
    elif form.validate_on_submit():
        channel = find_account(db, found.username)[1]
        if channel is None:
            flash(_("This account has no email address or mobile number to send a code to."),
                  "error")
        else:
            with writing() as work:
                sent = send_reset(db, found, channel, reset_secret(current_app),
                                  issued_by=current_user)
            if work.ok:
                flash(_("A code to set a new password is on its way to this account.")
                      if sent else _("This account had three codes this hour; try later."),
                      "success" if sent else "error")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/assemblies", methods=["GET", "POST"])
@allow("admin")
def assemblies():
    db = get_session()
    form = AssemblyForm()
    if form.validate_on_submit():
        assembly = Assembly(
            kind=form.kind.data, name=form.name.data.strip(), area=form.area.data.strip(),
            term_start=form.term_start.data, term_end=form.term_end.data,
        )
        with writing(success=_("Assembly created.")) as work:
            db.add(assembly)
            db.flush()
        if work.ok:
            return redirect(url_for("admin.assembly", assembly_id=assembly.id))
    rows = db.scalars(select(Assembly).order_by(Assembly.kind, Assembly.name)).all()
    return render_template("admin/assemblies.html", assemblies=rows, form=form)


@bp.route("/assemblies/<int:assembly_id>", methods=["GET", "POST"])
@allow("admin")
def assembly(assembly_id: int):
    db = get_session()
    found = db.get(Assembly, assembly_id) or abort(404)
    form = MemberForm()
    if form.validate_on_submit():
        member = find_user(db, form.username.data)
        if member is None:
            form.username.errors.append(_("No account has this username."))
        else:
            # Whatever is refused is about the person named, so it goes next to that field.
            with writing(quiet=True, success=_("%(name)s is now a member.",
                                               name=member.display_name)) as work:
                add_member(
                    db, found, member, current_user, joined_on=form.joined_on.data,
                    title=form.title.data or None,
                )
            if work.ok:
                return redirect(url_for("admin.assembly", assembly_id=assembly_id))
            form.username.errors.append(domain_message(work.error))
    members = db.scalars(
        select(Membership).where(Membership.assembly_id == assembly_id).order_by(Membership.id)
    ).all()
    return render_template("admin/assembly.html", assembly=found, members=members, form=form)


@bp.route("/cycles", methods=["GET", "POST"])
@allow("admin")
def cycles():
    db = get_session()
    form = CycleForm()
    form.assembly_id.choices = choices(
        (a.id, a.name) for a in db.scalars(select(Assembly).order_by(Assembly.name))
    )
    if form.validate_on_submit():
        dates = {
            Stage.COLLECTION: form.collection_starts.data,
            Stage.SHORTLIST: form.shortlist_starts.data,
            Stage.BALLOT: form.ballot_starts.data,
            Stage.IMPLEMENTATION: form.implementation_starts.data,
            Stage.EVALUATION: form.evaluation_starts.data,
            Stage.CLOSED: form.closes_on.data,
        }
        if db.scalar(select(Cycle.id).where(Cycle.title == form.title.data.strip())):
            form.title.errors.append(_("A cycle with this title exists already."))
        else:
            with writing(success=_("Cycle created; it is now collecting proposals.")) as work:
                created = create_cycle(
                    db, current_user, assembly=db.get(Assembly, form.assembly_id.data),
                    title=form.title.data.strip(), year=form.year.data, dates=dates,
                )
            if work.ok:
                return redirect(url_for("public.cycle", cycle_id=created.id))
    rows = db.scalars(select(Cycle).order_by(Cycle.year.desc(), Cycle.id.desc())).all()
    advance_forms = {
        c.id: AdvanceForm(target=next_stage(Stage(c.stage)).value, prefix=f"c{c.id}")
        for c in rows if next_stage(Stage(c.stage))
    }
    left = {c.id: _work_left(db, c) for c in rows if c.id in advance_forms}
    return render_template(
        "admin/cycles.html", cycles=rows, form=form, advance_forms=advance_forms, left=left,
        next_stage=lambda c: next_stage(Stage(c.stage)),
    )


# Where the work a refusal names is done, for the admin to follow (or pass on to officials).
def _work_link(cycle: Cycle, code: str) -> tuple[str, str] | None:
    links = {
        "no_proposals_yet": (url_for("public.cycle", cycle_id=cycle.id),
                             _("The cycle's page: propose, enter or import proposals")),
        "shortlist_not_submitted": (url_for("officials.shortlist_desk", cycle_id=cycle.id),
                                    _("Shortlist desk: submit the shortlist")),
        "shortlist_already_submitted": (url_for("officials.shortlist_desk", cycle_id=cycle.id),
                                        _("Shortlist desk")),
        "no_published_ballot": (url_for("officials.new_ballot", cycle_id=cycle.id),
                                _("Ballot desk")),
        "ballots_unfinished": (url_for("officials.new_ballot", cycle_id=cycle.id),
                               _("Ballot desk")),
        "tie_unsettled": (url_for("officials.new_ballot", cycle_id=cycle.id), _("Ballot desk")),
        "ballot_already_opened": (url_for("public.cycle", cycle_id=cycle.id),
                                  _("The cycle's ballots")),
        "projects_not_started": (url_for("officials.projects_desk"),
                                 _("Projects desk: adopted projects awaiting a plan")),
        "projects_already_started": (url_for("public.projects", cycle=cycle.id),
                                     _("The cycle's projects")),
        "rounds_still_open": (url_for("officials.evaluation_desk", cycle=cycle.id),
                              _("Evaluation desk")),
        "rounds_already_opened": (url_for("officials.evaluation_desk", cycle=cycle.id),
                                  _("Evaluation desk")),
    }
    return links.get(code)


def _explained(cycle: Cycle, missing) -> list[dict]:
    """Each thing in the way: its sentence, and a link to where it is dealt with."""
    rows = []
    for item in missing:
        link = _work_link(cycle, item.code)
        rows.append({"text": domain_message(DomainError(item.code, **item.params)),
                     "href": link[0] if link else None, "label": link[1] if link else None})
    return rows


def _work_left(db, cycle: Cycle) -> list[dict]:
    return _explained(cycle, cycle_work_left(db, cycle))


def _cycle_page(cycle: Cycle, back_form: MoveBackForm | None = None, status: int = 200):
    db = get_session()
    before = previous_stage(Stage(cycle.stage))
    after = next_stage(Stage(cycle.stage))
    if back_form is None and before is not None:
        back_form = MoveBackForm(target=before.value, prefix="back")
    return render_template(
        "admin/cycle.html", cycle=cycle, before=before, after=after,
        advance_form=AdvanceForm(target=after.value, prefix=f"c{cycle.id}") if after else None,
        left=_work_left(db, cycle) if after else [],
        back_form=back_form if before else None,
        back_refused=_explained(cycle, cycle_back_refusals(db, cycle)) if before else [],
    ), status


@bp.route("/cycles/<int:cycle_id>")
@allow("admin")
def cycle(cycle_id: int):
    """One cycle's stages: what is left before it moves on, moving it back, its history."""
    return _cycle_page(get_session().get(Cycle, cycle_id) or abort(404))


def _ballot_turnout(db, cycle: Cycle) -> list[tuple]:
    """Each of the cycle's ballots past its draft: (ballot, cast, entitled, not voted)."""
    return [(b, *turnout(db, b), not_voted(db, b)) for b in ballots_of_cycle(db, cycle.id)
            if b.status != "draft"]


@bp.route("/cycles/<int:cycle_id>/advance", methods=["GET", "POST"])
@allow("admin")
def advance(cycle_id: int):
    """Move the cycle one stage on, once confirmed on the page that says what that does."""
    db = get_session()
    found = db.get(Cycle, cycle_id) or abort(404)
    after = next_stage(Stage(found.stage))
    if request.method == "GET":
        if after is None:
            return redirect(url_for("admin.cycle", cycle_id=cycle_id))
        return render_template(
            "admin/cycle_advance.html", cycle=found, after=after,
            advance_form=AdvanceForm(target=after.value, prefix=f"c{cycle_id}"),
            left=_work_left(db, found), ballots=_ballot_turnout(db, found))
    form = AdvanceForm(prefix=f"c{cycle_id}")
    if not form.validate_on_submit():
        flash(_("The request was incomplete; nothing changed."), "error")
        return redirect(url_for("admin.cycles"))
    if request.form.get("confirm") != "y":
        flash(_("Nothing has changed yet: tick the box to confirm, then press the button "
                "again."), "error")
        return redirect(url_for("admin.advance", cycle_id=cycle_id))
    with writing() as work:
        transition = advance_cycle(db, found, current_user, form.target.data)
    if work.ok:
        from app.templating import STAGE_LABELS

        flash(
            _("%(cycle)s moved to: %(stage)s.", cycle=found.title,
              stage=STAGE_LABELS[transition.to_stage]),
            "success",
        )
        return redirect(url_for("admin.cycles"))
    # Refused: the cycle's own page lists everything still to do, each with its link.
    return redirect(url_for("admin.cycle", cycle_id=cycle_id))


@bp.route("/cycles/<int:cycle_id>/back", methods=["POST"])
@allow("admin")
def move_back(cycle_id: int):
    db = get_session()
    found = db.get(Cycle, cycle_id) or abort(404)
    form = MoveBackForm(prefix="back")
    if not form.validate_on_submit():
        return _cycle_page(found, form, 422)
    with writing(form) as work:
        transition = move_cycle_back(db, found, current_user, form.target.data,
                                     form.reason.data)
    if not work.ok:
        return _cycle_page(found, form, 422)
    from app.templating import STAGE_LABELS

    flash(_("%(cycle)s moved back to: %(stage)s.", cycle=found.title,
            stage=STAGE_LABELS[transition.to_stage]), "success")
    return redirect(url_for("admin.cycle", cycle_id=cycle_id))


AUDIT_FIELDS = ("id", "at_utc", "actor", "actor_roles", "action", "method", "path",
                "object_ids", "fields", "outcome", "remote_addr", "user_agent")


def _day_start(day: date) -> datetime:
    """Midnight of a day as the admin reads dates (the app's time zone), in UTC."""
    return to_utc(datetime.combine(day, time.min)).replace(tzinfo=UTC)


def _audit_filter() -> tuple[AuditFilterForm, Select]:
    """The filter typed in the query string, and the entries it selects; a field that does
    not read (a date that is no date) is shown as wrong and left out of the filter."""
    form = AuditFilterForm(request.args)
    form.validate()
    ok = {name: getattr(form, name).data if not getattr(form, name).errors else None
          for name in ("actor", "since", "until")}
    stmt = entries(
        actor=(ok["actor"] or "").strip() or None,
        since=_day_start(ok["since"]) if ok["since"] else None,
        # The end date is included: entries before the next day's midnight.
        until=_day_start(ok["until"] + timedelta(days=1)) if ok["until"] else None,
    )
    return form, stmt


@bp.route("/audit")
@allow("admin")
def audit():
    form, stmt = _audit_filter()
    page = paginate(get_session(), stmt, current_app.config["PAGE_SIZE"])
    filters = {k: v for k, v in request.args.items() if k in ("actor", "since", "until") and v}
    return render_template("admin/audit.html", page=page, form=form, filters=filters)


def _audit_row(entry: AuditEntry) -> dict:
    return {"id": entry.id, "at_utc": entry.at.astimezone(UTC) if entry.at.tzinfo
            else entry.at.replace(tzinfo=UTC), "actor": entry.actor.username,
            "actor_roles": entry.actor_roles, "action": entry.action, "method": entry.method,
            "path": entry.path, "object_ids": entry.object_ids, "fields": entry.fields,
            "outcome": entry.outcome, "remote_addr": entry.remote_addr,
            "user_agent": entry.user_agent}


@bp.route("/audit.csv")
@allow("admin")
def audit_csv():
    _form, stmt = _audit_filter()
    # Read while the response is sent, after the request's session has closed: a session
    # of its own, closed with the last row.
    session = current_app.extensions["yishi.sessionmaker"]()

    def rows() -> Iterator[dict]:
        try:
            for entry in session.scalars(stmt.execution_options(yield_per=500)):
                yield _audit_row(entry)
        finally:
            session.close()

    body = csv_lines(AUDIT_FIELDS, rows())
    return Response((chunk.encode("utf-8") for chunk in body), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit-log.csv"})
