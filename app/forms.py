"""Form helpers shared by the blueprints."""

from collections.abc import Iterable, Mapping

from wtforms.fields.choices import SelectChoice


def choices(pairs: Mapping | Iterable[tuple]) -> list[SelectChoice]:
    """SelectField options from (value, label) pairs or a {value: label} mapping."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [SelectChoice(value, label) for value, label in items]
