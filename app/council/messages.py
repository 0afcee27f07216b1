"""Words of the resident council: error messages, notices and the labels of its states."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

MESSAGES = {
    "not_a_council": _l("This assembly is not a resident council."),
    "council_exists": _l("This community or assembly already has a council."),
    "members_only": _l("Only members of the council's current term can do this."),
    "convenor_only": _l("Only the council's convenor (召集人) can do this."),
    "election_pending": _l("An election for this council is already under way."),
    "candidate_not_resident": _l("%(name)s is not a resident registered in this community."),
    "too_few_candidates": _l("Name at least %(seats)s candidates, one for every seat."),
    "term_exists": _l("A term of this council already starts on that day."),
    "no_election": _l("This term was not elected in Yishi."),
    "no_electorate": _l("No resident is registered in %(community)s yet, so nobody could "
                        "vote."),
    "already_seated": _l("The elected members have already taken their seats."),
    "election_void": _l("The election is void (the quorum was not met); nobody is elected."),
    "election_tied": _l("A tie at the last seat is not resolved yet."),
    "nobody_elected": _l("No candidate received more than half of the ballots cast."),
    "illegal_step": _l("This step does not fit the topic's present state."),
    "not_schedulable": _l("Only a received, deferred or reopened topic can go on an agenda."),
    "meeting_in_past": _l("A meeting cannot be planned for a day that has passed."),
    "no_term": _l("The council has no seated term on that day."),
    "meeting_closed": _l("The minutes of this meeting are approved; the meeting is closed."),
    "agenda_closed": _l("The meeting has begun; comments on its agenda are closed."),
    "meeting_not_yet": _l("The meeting has not taken place yet."),
    "item_settled": _l("This agenda item has already been voted on or deferred."),
    "no_attendance": _l("Record the attendance first."),
    "no_quorum": _l("No quorum: %(present)s members present, %(needed)s needed. The motion "
                    "cannot be put to the vote."),
    "items_unsettled": _l("Every agenda item must be voted on or deferred before the minutes "
                          "are approved."),
    "not_decided": _l("Action items follow a decision; this topic has none yet."),
    "motion_not_carried": _l("The motion was not carried, so there is no work to split up."),
    "no_assignee": _l("Give the task to a member or to an outside party."),
    "assignee_not_member": _l("The task can only be given to a member of the council."),
    "due_in_past": _l("The due date has passed already."),
    "already_done": _l("This task is done already."),
    "actions_open": _l("%(n)s action items are still open; finish them before reporting "
                       "back."),
    "not_your_topic": _l("Only the resident who raised the topic can rate its handling."),
    "record_final": _l("The council's record cannot be changed."),
}

NOTIFICATIONS = {
    "council_scheduled": _l("Your topic “%(title)s” is on the agenda of the council meeting "
                            "on %(date)s at %(place)s."),
    "council_carried": _l("The council carried a motion on your topic “%(title)s”: "
                          "%(note)s"),
    "council_rejected": _l("The council voted on your topic “%(title)s”; the motion was not "
                           "carried: %(note)s"),
    "council_deferred": _l("The council deferred your topic “%(title)s”. Reason: %(note)s"),
    "council_in_progress": _l("Work has begun on your topic “%(title)s”: %(note)s"),
    "council_reported": _l("The council reports back on your topic “%(title)s”: %(note)s — "
                           "please rate how it was handled."),
    "council_closed": _l("Your topic “%(title)s” is closed."),
    "council_reopened": _l("Your topic “%(title)s” is reopened for the next meeting."),
}

TOPIC_STATE_LABELS = {
    "received": _l("Received (受理)"),
    "scheduled": _l("On an agenda"),
    "decided": _l("Decided"),
    "deferred": _l("Deferred"),
    "in_progress": _l("In hand (办理)"),
    "reported": _l("Reported back (反馈)"),
    "rated": _l("Rated (评价)"),
    "closed": lazy_pgettext("council topic", "Closed"),
    "reopened": _l("Reopened (改进)"),
}
TOPIC_EVENT_LABELS = {
    "raise": _l("Raised and received"),
    "schedule": _l("Put on an agenda"),
    "decide": _l("Voted on"),
    "defer": _l("Deferred"),
    "start": _l("Work began"),
    "report": _l("Reported back"),
    "rate": _l("Rated"),
    "close": lazy_pgettext("council topic", "Closed"),
    "reopen": _l("Reopened"),
}
LOOP_STEP_LABELS = {
    "accept": _l("Accept (受理)"),
    "handle": _l("Handle (办理)"),
    "report": _l("Report back (反馈)"),
    "rate": _l("Rate (评价)"),
    "improve": _l("Improve (改进)"),
}
RATING_LABELS = {
    "satisfied": _l("Satisfied (满意)"),
    "basically_satisfied": _l("Basically satisfied (基本满意)"),
    "dissatisfied": _l("Dissatisfied (不满意)"),
}
ITEM_OUTCOME_LABELS = {
    "carried": _l("Motion carried"),
    "rejected": _l("Motion not carried"),
    "deferred": _l("Deferred"),
}
ACTION_LIGHT_LABELS = {
    "open": _l("Open"),
    "overdue": _l("Overdue"),
    "done": _l("Done"),
    "done_late": _l("Done late"),
}
RESOLUTION_BUCKET_LABELS = {
    "week": _l("Within a week"),
    "month": _l("8–30 days"),
    "quarter": _l("31–90 days"),
    "longer": _l("More than 90 days"),
}

JINJA_GLOBALS = {
    "topic_state_labels": TOPIC_STATE_LABELS,
    "topic_event_labels": TOPIC_EVENT_LABELS,
    "loop_step_labels": LOOP_STEP_LABELS,
    "rating_labels": RATING_LABELS,
    "item_outcome_labels": ITEM_OUTCOME_LABELS,
    "action_light_labels": ACTION_LIGHT_LABELS,
}
