"""Connect every context's handlers to the events of the others (proposals.events).

Nothing is connected by importing a module: create_app calls connect_contexts(), and so
must any program that uses the services without the web app and wants the contexts to
react to each other (the first evaluation round opening by itself, say).
"""

from __future__ import annotations

from proposals import events
from proposals.collection import cycle_work as collection_work
from proposals.collection import services as collection
from proposals.council import services as councils
from proposals.evaluation import cycle_work as evaluation_work
from proposals.evaluation import rounds
from proposals.implementation import cycle_work as implementation_work
from proposals.requests import services as requests
from votes.places import place_renamed

# (signal, receiver): who listens to what. Receivers are module-level functions, connected
# strongly, so they stay connected for the life of the process.
HANDLERS = (
    (events.cycle_stage_changed, rounds.on_cycle_stage_changed),
    (events.project_completed, rounds.on_project_completed),
    (events.cycle_work_asked, collection_work.on_cycle_work_asked),
    (events.cycle_work_asked, implementation_work.on_cycle_work_asked),
    (events.cycle_work_asked, evaluation_work.on_cycle_work_asked),
    # The kernel's own signal: the rows that keep a renamed place's name beside its key.
    (place_renamed, collection.on_place_renamed),
    (place_renamed, requests.on_place_renamed),
    (place_renamed, councils.on_place_renamed),
)


def connect_contexts() -> None:
    """Connect every handler; idempotent, as blinker connects a receiver once per signal."""
    for signal, receiver in HANDLERS:
        signal.connect(receiver, weak=False)


def disconnect_contexts() -> None:
    """Undo connect_contexts (tests use it to show a Session does nothing by itself)."""
    for signal, receiver in HANDLERS:
        signal.disconnect(receiver)
