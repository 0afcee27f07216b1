"""Words of implementation: error messages, notices, CSV row errors and the labels of states."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "not_responsible_unit": _l("Only the responsible unit (%(unit)s) and the lead official can "
                               "do this."),
    "not_implementing": _l("This cycle is not in the implementation stage."),
    "not_adopted": _l("Only a candidate adopted by the ballot becomes a project."),
    "project_exists": _l("This candidate already has a project."),
    "lead_not_official": _l("The lead official must be an official."),
    "target_before_start": _l("The target date cannot be before the start date."),
    "too_many_milestones": _l("At most %(max)d milestones."),
    "milestone_done_kept": _l("The milestone “%(title)s” has been reached; it cannot be "
                              "removed."),
    "bad_weight": _l("A milestone's weight is a whole number from 1 to %(max)d."),
    "milestone_outside_schedule": _l("The milestone “%(title)s” must fall between the "
                                     "project's start and target dates."),
    "before_last_report": _l("The date is before the last report (%(last)s)."),
    "bad_spend": _l("Enter the amount spent so far, 0 or more."),
    "spend_decreased": _l("Spending to date cannot be less than in the last report "
                          "(%(last)s)."),
    "spend_over_budget": _l("This is more than the project's budget of %(budget)s. "
                            "Check the figure; if it is right, tick “The spending exceeds "
                            "the budget” and publish again."),
    "milestone_already_done": _l("The milestone “%(title)s” has already been reached."),
    "percent_not_manual": _l("This project's progress comes from its milestones; mark the "
                             "milestone reached instead of a percentage."),
    "delegates_only": _l("Only delegates can record inspections."),
    "not_in_assembly": _l("Only delegates of the assembly that adopted this project can "
                          "inspect it."),
    "too_many_follow_ups": _l("At most %(max)d follow-up requests per inspection."),
    "due_before_inspection": _l("A follow-up cannot be due before the inspection."),
    "already_answered": _l("This has already been answered."),
    "own_project": _l("The responsible unit cannot escalate its own project."),
    "no_grounds": _l("These grounds for escalation do not hold for this project today."),
    "already_escalated": _l("An escalation on these grounds is still awaiting its answer."),
}

NOTIFICATIONS = {
    "project_report": _l("New progress report on the project “%(title)s” (No. %(project)s)."),
    "project_completed": _l("The project “%(title)s” (No. %(project)s) is completed."),
    "follow_up_requested": _l("Delegates inspected “%(title)s” (No. %(project)s) and asked "
                              "for %(n)d follow-ups."),
    "follow_up_answered": _l("The responsible unit answered your follow-up on “%(title)s” "
                             "(No. %(project)s)."),
    "escalated": _l("The project “%(title)s” (No. %(project)s) is under supervision (督办); "
                    "an answer is expected."),
    "escalation_answered": _l("The supervision (督办) of “%(title)s” (No. %(project)s) was "
                              "answered."),
}

IMPORT_ERRORS = {
    "unknown_project": _l("There is no project number %(value)s."),
    "not_your_project": _l("Project %(value)s is not one of your unit's projects."),
    "percent_range": _l("Progress is a whole percentage from 0 to 100."),
    "percent_not_manual": _l("This project's progress comes from milestones; leave the "
                             "percentage empty and name the milestone reached."),
    "before_last_report": _l("The date is before the project's last report (%(last)s)."),
    "spend_decreased": _l("Less than the spending in the last report (%(last)s)."),
    "spend_over_budget": _l("More than the project's budget of %(budget)s. A file cannot "
                            "confirm an overrun: check the figure, or report it on the "
                            "project's report form."),
    "unknown_milestone": _l("The project has no milestone “%(value)s”; use its number or "
                            "title."),
    "milestone_done": _l("The milestone “%(value)s” has already been reached."),
}

PROJECT_STATUS_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "delayed": _l("Delayed"),
    "rectification": _l("Under rectification"),
}
LIGHT_LABELS = {
    "on_track": _l("On track"),
    "at_risk": _l("At risk"),
    "overdue": _l("Overdue"),
}
GROUNDS_LABELS = {
    "overdue": _l("Overdue beyond the threshold"),
    "unanswered": _l("Follow-ups left unanswered"),
}
PROGRESS_MODE_LABELS = {
    "milestones": _l("Weighted milestones"),
    "manual": _l("A reported percentage"),
}

JINJA_GLOBALS = {
    "project_status_labels": PROJECT_STATUS_LABELS,
    "light_labels": LIGHT_LABELS,
    "grounds_labels": GROUNDS_LABELS,
    "progress_mode_labels": PROGRESS_MODE_LABELS,
}
