"""The privacy notice (隐私政策): what Yishi keeps about a person, why, who sees it, for how
long, and the person's rights. Its version is kept with each consent at registration."""

from datetime import timedelta

from flask import render_template

from app.auth.access import PUBLIC, allow
from app.public import bp
from proposals.personal.consent import NOTICE_VERSION
from votes.sessions import RESET_LIFETIME


@bp.route("/privacy")
@allow(PUBLIC)
def privacy():
    return render_template("public/privacy.html", version=NOTICE_VERSION,
                           reset_minutes=RESET_LIFETIME // timedelta(minutes=1))
