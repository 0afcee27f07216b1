"""The account's page of notice choices: by email (each, a daily digest, none) and by SMS."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import bp
from app.auth.access import SIGNED_IN, allow
from app.db import get_session, writing
from app.notices.forms import NoticeChoicesForm
from proposals.notices.services import choices_of, choose_channels, mobile_of
from votes.people import User


@bp.route("/notices", methods=["GET", "POST"])
@allow(SIGNED_IN)
def notice_choices():
    """One's own choices only: the page takes no account id, it is always the signed-in one."""
    session = get_session()
    user = session.get(User, current_user.id)
    form = NoticeChoicesForm()
    if request.method == "GET":
        chosen = choices_of(session, user.id)
        form.email.data, form.sms.data = chosen.email.value, chosen.sms.value
    if form.validate_on_submit():
        with writing(form, success=_("Saved. Notices will reach you as you chose.")) as work:
            choose_channels(get_session(), user, email=form.email.data, sms=form.sms.data)
        if work.ok:
            return redirect(url_for("auth.notice_choices"))
    return render_template("notices/choices.html", form=form, email=user.email,
                           mobile=mobile_of(user))
