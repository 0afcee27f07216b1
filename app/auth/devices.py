"""The account's "Signed-in devices": each live session, this one marked; end one, or the rest."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.auth import bp
from app.auth.access import SIGNED_IN, allow
from app.auth.forms import EndSessionForm
from app.db import KEEPS_PAGES, get_session
from votes.sessions import end_session, end_sessions, live_sessions


@bp.route("/sessions", methods=["GET", "POST"])
@allow(SIGNED_IN)
def sessions():
    form = EndSessionForm()
    this_one = current_user.account_session_id
    if form.validate_on_submit():
        db = get_session()
        db.info[KEEPS_PAGES] = True  # no public page shows who is signed in
        if form.others.data:
            count = end_sessions(db, current_user.id, keep=this_one)
            db.commit()
            flash(_("Signed out on every other device (%(n)d).", n=count), "success")
        elif form.session_id.data is not None:
            ended = end_session(db, current_user.id, form.session_id.data)
            db.commit()
            if ended and form.session_id.data == this_one:
                logout_user()
                flash(_("You have signed out."), "success")
                return redirect(url_for("public.home"))
            # Someone else's session, or one ended already: the same plain answer.
            flash(_("Signed out on that device.") if ended
                  else _("That device was signed out already."), "success" if ended else "info")
        return redirect(url_for("auth.sessions"))
    rows = live_sessions(get_session(), current_user.id)
    return render_template("auth/sessions.html", rows=rows, this_one=this_one, form=form)
