"""Words of the cycle's stage machine: what is left before a move on, what stops a move back."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    # Work left before the cycle may move on (proposals.cycles.stages.work_left).
    "no_proposals_yet": _l("No proposal has been received yet; the shortlist needs at least "
                           "one to screen."),
    "shortlist_not_submitted": _l("The shortlist has not been submitted to the assembly yet; "
                                  "only a submitted shortlist can be put to the vote."),
    "no_published_ballot": _l("The result of the ballot has not been published yet; it says "
                              "which projects are adopted."),
    "ballots_unfinished": _l("Ballots still open, or counted but not published: %(n)d."),
    "tie_unsettled": _l("A tie in the result of the ballot is still to be settled by a resolution "
                        "or a run-off."),
    "projects_not_started": _l("Adopted projects still without an implementation plan: "
                               "%(n)d."),
    "rounds_still_open": _l("Evaluation rounds still open: %(n)d; close them first."),
    # What stops a move back (proposals.cycles.stages.back_refusals).
    "nothing_before": _l("Collection is the first stage; there is no stage before it."),
    "back_one_stage": _l("A cycle moves back one stage at a time."),
    "shortlist_already_submitted": _l("The shortlist has been submitted to the assembly, so "
                                      "the cycle cannot go back to collecting proposals."),
    "ballot_already_opened": _l("The ballot has opened and its votes are on record, so the "
                                "cycle cannot go back to the shortlist."),
    "projects_already_started": _l("Projects have started (%(n)d), so the cycle cannot go "
                                   "back to the ballot."),
    "rounds_already_opened": _l("Evaluation rounds have opened (%(n)d) and their ratings are "
                                "on record, so the cycle cannot go back to implementation."),
}
