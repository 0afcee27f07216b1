"""Named domain events between contexts (blinker signals); this module imports no context.

A context sends its signal after the change is flushed, passing what changed as the sender
and the rest as keywords; receivers are connected explicitly by proposals.wiring, never by
importing a module. A receiver works in the sender's Session and transaction: like a
service it may flush, and it never commits.
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

cycle_stage_changed = signals.signal("cycle-stage-changed", doc=(
    "Sent by cycles (advance_cycle, move_cycle_back) when a cycle moves on or back: "
    "sender=the Cycle, session=, actor=, from_stage=, to_stage= (stage codes)."))

cycle_work_asked = signals.signal("cycle-work-asked", doc=(
    "Sent by cycles (stage_work) before a cycle moves on or back, to learn how far its work "
    "has got: sender=the Cycle, session=. Each receiver returns a dict of the counts it "
    "knows, named as the fields of proposals.cycles.stages.StageWork; it changes nothing."))

project_completed = signals.signal("project-completed", doc=(
    "Sent by implementation when a project becomes completed (completed_on set): "
    "sender=the Project, session=, actor=."))
