"""The list of places in a form: a <select> of communities grouped by street (<optgroup>s,
which need no script), or of any place (a district, a street, a community). Shared by every
form that says where something is; the records are votes/places.py."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from app.db import get_session
from app.forms import CHOOSE
from votes.places import Level, community_choices, place_choices

OTHER = _l("Other")


def community_options(blank=CHOOSE) -> list[SelectChoice]:
    """Every community by name (names are unique), grouped by street; `blank` first (None:
    no blank option)."""
    found = [SelectChoice("", blank)] if blank is not None else []
    for street, names in community_choices(get_session()):
        found += [SelectChoice(value, label, optgroup=street or str(OTHER))
                  for value, label in names]
    return found


def place_options(blank=CHOOSE) -> list[SelectChoice]:
    """Every place by id: each district, then each street with its communities."""
    found = [SelectChoice("", blank)] if blank is not None else []
    for group, members in place_choices(get_session()):
        for place in members:
            label = place.name
            if place.level == Level.DISTRICT:
                label = _("%(name)s (the whole district)", name=place.name)
            elif place.level == Level.STREET:
                label = _("%(name)s (the whole street)", name=place.name)
            found.append(SelectChoice(str(place.id), label, optgroup=group))
    return found
