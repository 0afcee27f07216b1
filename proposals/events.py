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
    "Sent by cycles (advance_cycle) when a cycle moves: sender=the Cycle, session=, actor=, "
    "from_stage=, to_stage= (stage codes)."))

project_completed = signals.signal("project-completed", doc=(
    "Sent by implementation when a project becomes completed (completed_on set): "
    "sender=the Project, session=, actor=."))
