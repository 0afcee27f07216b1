"""Words of 接诉即办: refusals, and the labels of statuses, steps, channels and the three rates;
the hotline import's row problems."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

MESSAGES = {
    "arrangement_entered_meanwhile": _l("Another administrator entered the arrangement for "
                                        "%(year)s a moment ago. Open the page again to see it "
                                        "before replacing it."),
    "calendar_unknown": _l("The working-day calendar for %(year)s is not known yet "
                           "(chinesecalendar knows %(first)s to %(last)s, and no holiday "
                           "arrangement has been entered for %(year)s), so this deadline "
                           "cannot be set. Once the State Council announces the year’s "
                           "holidays, an administrator enters them on the page "
                           "Requests: working-day calendar (/admin/requests/holidays)."),
    "bad_limit": _l("Enter a limit within the range allowed."),
    "admins_only": _l("Only an administrator can do this."),
    "unit_needs_official": _l("Give the username of an official account."),
    "unit_exists": _l("A unit of this name exists already."),
    "official_has_unit": _l("This official already signs for another unit."),
    "requester_not_resident": _l("The requester must be a resident's account."),
    "already_dispatched": _l("This request has been dispatched already."),
    "not_your_unit": _l("Only the unit this request was dispatched to can do this."),
    "not_awaiting_signature": _l("This request is not waiting to be signed for."),
    "not_pausable": _l("Only a request signed for and being handled can wait for the "
                       "requester."),
    "already_overdue": _l("The deadline has passed already; waiting now would not stop the "
                          "clock."),
    "not_paused": _l("The clock of this request is not stopped."),
    "still_paused": _l("The clock is stopped while you wait for the requester; start it "
                       "again before replying."),
    "not_replyable": _l("This request is not being handled now, so it takes no reply."),
    "not_your_request": _l("Only the resident who raised this request can rate it."),
    "already_rated": _l("You have rated this reply already."),
    "not_rateable": _l("There is no reply to rate yet."),
    # Merging a duplicate into the request about the same thing (proposals/requests/merging.py).
    "request_merge_unknown": _l("There is no request of this number: type it as its page "
                                "shows it, e.g. 2026-000123."),
    "request_merge_itself": _l("A request cannot be merged into itself: give the number of "
                               "the other request about the same thing."),
    "request_already_merged": _l("This request has been merged already, into request "
                                 "%(number)s."),
    "request_merge_duplicate_closed": _l("This request is closed: a closed request is not "
                                         "merged."),
    "request_merge_chain": _l("Request %(number)s was itself merged into request %(into)s: "
                              "merge into request %(into)s instead."),
    "request_merge_target_closed": _l("Request %(number)s is closed: merge only into a "
                                      "request still open."),
    "request_merge_other_community": _l("Request %(number)s is a request of %(community)s: "
                                        "only requests of the same community are merged."),
    "request_merge_has_duplicates": _l("Other requests were merged into this one "
                                       "(%(count)s): merge the other request into this one "
                                       "instead."),
    "request_not_co_requester": _l("Only the residents who raised this request, or a request "
                                   "merged into it, can rate it."),
    "ticket_imported_meanwhile": _l("Ticket %(ticket)s was imported by someone else a moment "
                                    "ago, so nothing from this file was kept. Upload it again: "
                                    "the check will name the rows already imported."),
    # A year's holiday arrangement, item by item (app/requests/admin.py adds the line).
    "holiday_not_a_date": _l("This is not a date: write a day as 2027-01-01 (year-month-day) "
                             "and a range as 2027-02-05..2027-02-13."),
    "holiday_range_backwards": _l("The range ends before it starts."),
    "holiday_range_too_long": _l("A range of more than %(max)s days is more likely a typing "
                                 "slip than a holiday: check the dates, or type it as two "
                                 "ranges."),
    "holiday_not_in_year": _l("Every day must be in %(year)s, the year being entered."),
    "holiday_duplicate": _l("%(day)s is in the list already."),
    "holiday_off_and_workday": _l("%(day)s is also a day off: a day is either off or worked."),
    "holiday_make_up_weekday": _l("%(day)s is a weekday, a working day anyway: make-up "
                                  "workdays are the Saturdays and Sundays worked instead."),
    "holiday_no_days_off": _l("Enter the year’s days off."),
    "holiday_bad_year": _l("Enter a year from %(min)s to %(max)s."),
    "holiday_year_in_library": _l("chinesecalendar knows %(year)s already (it knows %(first)s "
                                  "to %(last)s) and its days are the ones counted: enter an "
                                  "arrangement only for a year it does not know."),
}

NOTIFICATIONS = {
    "request_merged": _l("Your request %(duplicate)s is about the same thing as request "
                         "%(number)s “%(title)s” and was merged into it: you will be told of "
                         "its reply, and may rate it."),
    "request_merged_unit": _l("Request %(number)s “%(title)s” was merged into request "
                              "%(main)s, about the same thing: it needs no answer of its own."),
    "request_replied_co": _l("Request %(number)s “%(title)s”, into which your request "
                             "%(duplicate)s was merged, has a reply. You may rate how it was "
                             "handled."),
    "request_closed_co": _l("Request %(number)s “%(title)s”, into which your request "
                            "%(duplicate)s was merged, is closed."),
    "request_dispatched": _l("Request %(number)s “%(title)s” is dispatched to your unit: sign "
                             "for it, and answer it by %(due)s."),
    "request_signed": _l("Your request %(number)s “%(title)s” is signed for; the answer is due "
                         "by %(due)s."),
    "request_replied": _l("Your request %(number)s “%(title)s” has a reply. Please rate how it "
                          "was handled."),
    "request_reopened": _l("Request %(number)s “%(title)s” was rated unsatisfied: it is reopened "
                           "under supervision, to be answered again by %(due)s."),
}

STATUS_LABELS = {
    "raised": lazy_pgettext("request status", "Received"),
    "dispatched": lazy_pgettext("request status", "Dispatched"),
    "signed": lazy_pgettext("request status", "Being handled"),
    "waiting": lazy_pgettext("request status", "Waiting for the requester"),
    "replied": lazy_pgettext("request status", "Replied"),
    "reopened": lazy_pgettext("request status", "Reopened"),
    "closed": lazy_pgettext("request status", "Closed"),
    "merged": lazy_pgettext("request status", "Merged"),
}
URGENCY_LABELS = {
    "normal": lazy_pgettext("request urgency", "Normal"),
    "urgent": lazy_pgettext("request urgency", "Urgent"),
}
CHANNEL_LABELS = {
    "online": lazy_pgettext("request channel", "Online"),
    "grid_worker": lazy_pgettext("request channel", "Grid worker"),
    "liaison_station": lazy_pgettext("request channel", "Liaison station"),
    "hotline": lazy_pgettext("request channel", "12345 hotline"),
}
RATING_LABELS = {
    "satisfied": lazy_pgettext("request rating", "Satisfied"),
    "basically_satisfied": lazy_pgettext("request rating", "Basically satisfied"),
    "unsatisfied": lazy_pgettext("request rating", "Unsatisfied"),
}
EVENT_LABELS = {
    "raised": lazy_pgettext("request step", "Received"),
    "dispatched": lazy_pgettext("request step", "Dispatched to a unit"),
    "signed": lazy_pgettext("request step", "Signed for"),
    "paused": lazy_pgettext("request step", "Clock stopped: waiting for the requester"),
    "resumed": lazy_pgettext("request step", "Clock started again"),
    "replied": lazy_pgettext("request step", "Replied"),
    "rated": lazy_pgettext("request step", "Rated"),
    "reopened": lazy_pgettext("request step", "Reopened"),
    "supervised": lazy_pgettext("request step", "Put under supervision"),
    # The history links the other request (its number is the step's note).
    "merged": lazy_pgettext("request step", "Merged into request %(number)s"),
    "merged_in": lazy_pgettext("request step", "Request %(number)s merged into this one"),
}
# Who acted, as the public sees it: a role, never a person.
ACTOR_LABELS = {
    "requester": lazy_pgettext("request actor", "The requester"),
    "dispatcher": lazy_pgettext("request actor", "The dispatch desk"),
    "unit": lazy_pgettext("request actor", "The responsible unit"),
    "hotline": lazy_pgettext("request actor", "The 12345 hotline"),
    "liaison_station": lazy_pgettext("request actor", "A liaison station"),
    "grid_worker": lazy_pgettext("request actor", "A grid worker"),
    "system": lazy_pgettext("request actor", "The rules of 接诉即办"),
    "co_requester": lazy_pgettext("request actor", "The requester of a merged request"),
}
GROUND_LABELS = {
    "sign_overdue": _l("Not signed for within the time limit"),
    "resolve_overdue": _l("Not answered within the time limit"),
    "unsatisfied": _l("The requester was unsatisfied"),
}
RATE_LABELS = {
    "response": _l("Response rate"),
    "resolution": _l("Resolution rate"),
    "satisfaction": _l("Satisfaction rate"),
}
RATE_DEFINITIONS = {
    "response": _l("Of the requests dispatched to the unit in the month (signed for, or whose "
                   "sign-for limit has passed), the share signed for within the limit."),
    "resolution": _l("Of the handlings whose resolution deadline fell in the month (answered, "
                     "or whose deadline has passed), the share answered by the deadline. A "
                     "request reopened after an unsatisfied rating is due again."),
    "satisfaction": _l("Of the unit’s answers first rated in the month, the share rated "
                       "satisfied or basically satisfied. Each request counts once, by its "
                       "first rating."),
    # Shown under the three (proposals/requests/rates.py says why).
    "merged": _l("A request merged into another about the same thing is left out of all "
                 "three rates: the request it was merged into counts once. Its requester may "
                 "rate that request’s reply once, and the rating counts in the satisfaction "
                 "rate as a first rating of its own."),
}

# The hotline import's row problems (proposals/requests/hotline.py); the shared ones (empty
# cell, unknown category, missing column, …) are in app/messages.py.
IMPORT_ERRORS = {
    "hotline_unknown_community": _l("No community of this name or code is on the list of "
                                    "places: correct it, or ask an administrator to add the "
                                    "community."),
    "hotline_unknown_urgency": _l("Unknown urgency; use 一般 or 紧急."),
    "hotline_bad_phone": _l("Not a phone number: digits, with + - ( ) and spaces, at most 20."),
    "bad_ticket": _l("Not a ticket number: letters, digits and - _ / . only."),
    "ticket_scientific": _l("The spreadsheet wrote this ticket number as %(value)s and lost "
                            "its digits: format the column as text and export again."),
    "ticket_imported": _l("Ticket %(value)s is imported already, as request %(number)s."),
    "ticket_twice": _l("Ticket %(value)s is in row %(first_row)d already."),
    "bad_call_time": _l("Not a date and time; write it as 2026-09-29 10:05."),
    "future_call_time": _l("The time of the call is in the future."),
}

LABELS = {
    "status": STATUS_LABELS, "urgency": URGENCY_LABELS, "channel": CHANNEL_LABELS,
    "rating": RATING_LABELS, "event": EVENT_LABELS, "actor": ACTOR_LABELS,
    "ground": GROUND_LABELS, "rate": RATE_LABELS, "definition": RATE_DEFINITIONS,
}
