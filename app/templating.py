"""What every template may use: labels of the domain's codes, the language switch, bidi filters."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from babel.dates import format_date as babel_date
from babel.dates import format_skeleton, format_time, get_datetime_format
from flask import Flask, request, url_for
from flask_babel import get_locale, lazy_pgettext, to_user_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from app.assisted import messages as assisted_words
from app.auth.forms import LogoutForm
from app.ballots.forms import BASE_LABELS, MAJORITY_LABELS, METHOD_LABELS
from app.charts import figure_json
from app.council import messages as council_words
from app.db import get_session
from app.evaluation import messages as evaluation_words
from app.forms import form_problems
from app.implementation import messages as implementation_words
from app.implementation.support import today
from app.messages import import_error_text, notification_text
from app.money import yuan
from app.shortlist.forms import DECLINE_GROUNDS
from proposals.collection.services import unread_count
from votes.people import Assembly, Membership

STAGE_LABELS = {
    "collection": _l("Proposal collection"),
    "shortlist": _l("Shortlist"),
    "ballot": _l("Ballot"),
    "implementation": _l("Implementation"),
    "evaluation": _l("Evaluation"),
    "closed": _l("Closed"),
}
ROLE_LABELS = {
    "resident": _l("Resident"),
    "delegate": _l("Delegate"),
    "official": _l("Official"),
    "admin": _l("Administrator"),
}
ASSEMBLY_KIND_LABELS = {
    "congress": _l("People's congress"),
    "council": _l("Resident council"),
}
CATEGORY_LABELS = {
    "education": _l("Education"),
    "health": _l("Health care"),
    "elderly_care": _l("Elderly care"),
    "transport": _l("Transport"),
    "environment": _l("Environment"),
    "housing": _l("Housing and old estate renewal"),
    "culture_sports": _l("Culture and sports"),
    "employment": _l("Jobs and business"),
    "food_safety": _l("Food safety"),
    "public_safety": _l("Public safety"),
    "other": _l("Other"),
}
CHANNEL_LABELS = {
    "online": _l("Online"),
    "visit": _l("Offline visit"),
    "liaison_station": _l("Liaison station"),
    "hotline": _l("12345 hotline"),
}
PROPOSAL_STATUS_LABELS = {
    "submitted": _l("Submitted"),
    "under_review": _l("Under review"),
    "accepted": _l("Shortlisted"),
    "merged": _l("Merged"),
    "declined": _l("Declined"),
    "adopted": _l("Adopted"),
    "withdrawn": _l("Withdrawn"),
}


MODERATION_ACTION_LABELS = {
    "hide": _l("Hidden"),
    "unhide": _l("Shown again"),
    "dismiss": _l("Report dismissed"),
    "merge": _l("Merged"),
}


BUDGET_WARNING_LABELS = {
    "no_budget": _l("The budget is not set."),
    "no_seats": _l("The number of projects to adopt is not set."),
    "no_candidates": _l("There is no candidate project yet."),
    "not_competitive": _l("There are not more candidates than projects to adopt: the ballot "
                          "would not be competitive (差额)."),
    "cannot_fit": _l("Even the cheapest selection of candidates costs more than the budget."),
    "candidate_over_budget": _l("A candidate alone costs more than the whole budget."),
}
AMENDMENT_LABELS = {
    "add": _l("Candidate added"),
    "change": _l("Candidate changed"),
    "withdraw": _l("Candidate withdrawn"),
}


BALLOT_STATUS_LABELS = {
    "draft": _l("Draft"),
    "open": _l("Voting open"),
    "closed": _l("Closed and counted"),
    "published": _l("Result published"),
}
OUTCOME_LABELS = {
    "adopted": _l("Adopted"),
    "passed_not_adopted": _l("Passed, not within the seats"),
    "skipped_budget": _l("Passed, over the remaining budget"),
    "tie_pending": _l("Tie: awaiting run-off"),
    "failed": _l("Did not pass"),
}
RESULT_REASON_LABELS = {
    "quorum_not_met": _l("The quorum was not met: the ballot is void and nothing is adopted."),
    "more_ballots_than_voters": _l("More ballots than voters: the ballot is void."),
}
MARK_LABELS = {
    "yes": _l("Yes"),
    "no": _l("No"),
    "abstain": _l("Abstain"),
    "unmarked": _l("Not ticked"),
}


# A council's ballot counts its members, not delegates: the words for its base.
MEMBER_BASE_LABELS = {
    "entitled": _l("All members on the roster"),
    "present": _l("Members present"),
}
# A council votes on a motion and residents elect people: not "each candidate project".
VOTER_METHOD_LABELS = {
    "members": {"YNA": _l("Yes, no or abstain on the motion"),
                "YN": _l("Yes or no on the motion")},
    "residents": {"Y": lazy_pgettext("a person standing",
                                     "Approval: tick the candidates you support")},
}


def ballot_voters(ballot) -> str:
    """Who votes in a ballot, for its wording: "delegates" of a congress, "members" of a
    council (a motion) or "residents" (a council election, by the community's residents)."""
    if ballot.subject_type == "election":
        return "residents"
    return "members" if ballot.assembly.kind == "council" else "delegates"


def dateformat(value, format: str = "medium") -> str:  # noqa: A002 (the filter's own word)
    """A day in the one style of the page's language: 2026年12月1日, Dec 1, 2026.

    Every format gives that style ("short" no longer means 2026/12/1); "full" adds the
    weekday (2026年12月1日周二, Tue, Dec 1, 2026).
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    locale = get_locale()
    if format == "full":
        return format_skeleton("yMMMEd", value, locale=locale)
    return babel_date(value, "medium", locale=locale)


def datetimeformat(value, format: str = "short") -> str:  # noqa: A002, ARG001
    """A moment as the day in the one date style and the minute: 2026年12月1日 09:05,
    Dec 1, 2026, 9:05 AM, in the site's time zone."""
    if value is None:
        return ""
    moment = to_user_timezone(value) if isinstance(value, datetime) else value
    locale = get_locale()
    day = babel_date(moment if isinstance(moment, date) else moment.date(), "medium",
                     locale=locale)
    return get_datetime_format("medium", locale=locale).replace(
        "{1}", day).replace("{0}", format_time(moment, "short", locale=locale))


def seat_kinds(user) -> set[str]:
    """The kinds of assembly (congress, council) a delegate sits in today: which desks to show."""
    day = today()
    return set(get_session().scalars(
        select(Assembly.kind).join(Membership, Membership.assembly_id == Assembly.id).where(
            Membership.user_id == user.id, Membership.joined_on <= day,
            Membership.left_on.is_(None) | (Membership.left_on >= day)).distinct()))


def cycle_ballots(cycle_id: int) -> list:
    from proposals.shortlist.adoption import ballots_of_cycle

    return ballots_of_cycle(get_session(), cycle_id)


def colon() -> str:
    """A label's colon in the page's language: full-width in Chinese, ': ' in English."""
    from flask import g

    return "：" if getattr(g, "locale", "zh_Hans").startswith("zh") else ": "


def paren(text) -> Markup:
    """An aside in brackets in the page's language: "（编号 157）" right after the Chinese it
    explains, " (No. 157)" with its space in English. Text is escaped unless already Markup."""
    from flask import g

    if getattr(g, "locale", "zh_Hans").startswith("zh"):
        return Markup("（%s）") % text
    return Markup(" (%s)") % text


def page_url(number: int) -> str:
    """The current page's address with another page number, keeping filters and sorting."""
    args = {**(request.view_args or {}), **request.args.to_dict(), "page": number}
    return url_for(request.endpoint, **args)


# The embedding (LRE, RLE), pop (PDF), override (LRO, RLO) and isolate (LRI, RLI, FSI, PDI)
# controls: the ones that change the direction of the text after them until terminated.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


# Text of these bidi classes can reorder the words next to it: right-to-left letters (and the
# RLM mark), Arabic digits, and the embedding, override and isolate controls.
TURNING = {"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}


def bdi(value) -> Markup:
    """User text, escaped, in a <bdi> when it could turn the words beside it.

    The site's languages run left to right, so text with none of the TURNING characters
    (Chinese, English, digits) cannot move its neighbours: it is left bare, and sentences
    read (and compare) as before. None and "" give nothing, not the word "None".
    """
    if value is None or value == "":
        return Markup("")
    text = escape(value)
    if any(unicodedata.bidirectional(ch) in TURNING for ch in text):
        return Markup("<bdi>%s</bdi>") % text
    return text


def plain_text(value) -> str:
    """User text without its bidi controls, where a <bdi> cannot go: <title>, attributes, <option>.

    It stays a plain string (a Markup stays Markup), so autoescaping still escapes it.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return text.translate(BIDI_CONTROLS)


def notification_html(notification) -> Markup:
    """notification_text with every name, title and reason it quotes passed through bdi()."""
    # Known notices come back as Markup (escaped template, isolated quotes); escape() keeps
    # them and escapes the bare code of an unknown kind.
    return Markup.escape(notification_text(notification, quote=bdi))


def notification_url(notification) -> str | None:
    """The page of the item a notice is about: the council topic or the project it names,
    else the comment or the proposal; None for a notice about nothing in particular."""
    params = notification.params or {}
    if params.get("topic") is not None:
        return url_for("public.council_topic", topic_id=params["topic"])
    if params.get("project") is not None:
        return url_for("public.project", project_id=params["project"])
    if params.get("number") is not None and notification.kind.startswith("request"):
        return url_for("public.request_page", request_number=params["number"])
    if notification.proposal_id is None:
        return None
    url = url_for("public.proposal", proposal_id=notification.proposal_id)
    if params.get("comment") is not None:
        url += f"#comment-{params['comment']}"
    return url


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["cycle_ballots"] = cycle_ballots
    app.jinja_env.globals["colon"] = colon
    app.jinja_env.globals["paren"] = paren
    app.jinja_env.filters["yuan"] = yuan
    app.jinja_env.globals["form_problems"] = form_problems
    app.jinja_env.filters["bdi"] = bdi
    app.jinja_env.filters["plain_text"] = plain_text
    app.jinja_env.filters["dateformat"] = dateformat
    app.jinja_env.filters["datetimeformat"] = datetimeformat
    app.jinja_env.globals["ballot_voters"] = ballot_voters

    # Globals, not context, so imported macros see them too.
    app.jinja_env.globals.update(
        stage_labels=STAGE_LABELS,
        role_labels=ROLE_LABELS,
        assembly_kind_labels=ASSEMBLY_KIND_LABELS,
        category_labels=CATEGORY_LABELS,
        channel_labels=CHANNEL_LABELS,
        proposal_status_labels=PROPOSAL_STATUS_LABELS,
        moderation_action_labels=MODERATION_ACTION_LABELS,
        notification_text=notification_text,
        notification_html=notification_html,
        notification_url=notification_url,
        import_error_text=import_error_text,
        figure_json=figure_json,
        budget_warning_labels=BUDGET_WARNING_LABELS,
        amendment_labels=AMENDMENT_LABELS,
        decline_ground_labels=DECLINE_GROUNDS,
        ballot_status_labels=BALLOT_STATUS_LABELS,
        outcome_labels=OUTCOME_LABELS,
        result_reason_labels=RESULT_REASON_LABELS,
        mark_labels=MARK_LABELS,
        method_labels=METHOD_LABELS,
        base_labels=BASE_LABELS,
        member_base_labels=MEMBER_BASE_LABELS,
        voter_method_labels=VOTER_METHOD_LABELS,
        majority_labels=MAJORITY_LABELS,
    )
    for words in (implementation_words, evaluation_words, council_words, assisted_words):
        app.jinja_env.globals.update(words.JINJA_GLOBALS)

    @app.context_processor
    def inject():
        return {
            "logout_form": LogoutForm() if current_user.is_authenticated else None,
            "unread": unread_count(get_session(), current_user.id)
            if current_user.is_authenticated else 0,
            "here": request.full_path.rstrip("?") if request else "/",
            "seat_kinds": seat_kinds(current_user)
            if current_user.is_authenticated and current_user.has_role("delegate") else set(),
        }
