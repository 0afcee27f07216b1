"""Every <int:...> slot of every route refuses numbers no database column can hold (issue #16).

Flask's own `int` converter let 2**63 (SQLite) and 2**31 (PostgreSQL INTEGER) reach the
database, which rejected the bound value with a 500; app.numbers.IdConverter replaces it.
"""

import re

import pytest

from app.auth.access import ROLES
from app.numbers import ID_MAX, IdConverter

BAD_IDS = ("²", "①", str(ID_MAX + 1), str(2**63), "99999999999999999999", "0", "-1", "+1")
SLOT = re.compile(r"<(?:(?P<converter>[a-z_]+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def int_rules(app):
    found = [rule for rule in app.url_map.iter_rules()
             if any(isinstance(c, IdConverter) for c in rule._converters.values())]
    return sorted(found, key=lambda rule: (rule.rule, rule.endpoint))


def url_with(rule, bad_slot: str, bad_value: str) -> str:
    """The rule's path with `bad_value` in one int slot, 1 in the others, a valid word elsewhere."""

    def fill(match: re.Match) -> str:
        name = match["name"]
        if isinstance(rule._converters[name], IdConverter):
            return bad_value if name == bad_slot else "1"
        if match["converter"] == "any":
            return match["args"].split(",")[0].strip().strip("'\"")
        return "sample"

    return SLOT.sub(fill, rule.rule)


def test_every_int_slot_uses_the_one_converter(app):
    rules = int_rules(app)
    assert len(rules) >= 50
    for rule in app.url_map.iter_rules():
        for converter in rule._converters.values():
            assert type(converter).__name__ != "IntegerConverter", rule.rule


@pytest.mark.parametrize("who", ["anonymous", "everyone"])
def test_no_int_slot_answers_500_for_a_number_out_of_range(app, client, make_user, login, who):
    if who == "everyone":
        login(make_user(*ROLES))  # admin, official, delegate and resident at once
    checked = 0
    for rule in int_rules(app):
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        slots = [n for n, c in rule._converters.items() if isinstance(c, IdConverter)]
        for slot in slots:
            for value in BAD_IDS:
                url = url_with(rule, slot, value)
                for method in methods:
                    response = client.open(url, method=method)
                    assert response.status_code in (404, 302, 403, 405), (
                        rule.endpoint, method, url, response.status_code)
                    checked += 1
    assert checked >= 50 * len(BAD_IDS)


def test_a_good_id_still_reaches_its_view(app, client, cycle):
    assert client.get(f"/cycles/{cycle.id}").status_code == 200
    assert client.get(f"/cycles/{ID_MAX}").status_code == 404  # in range, but no such cycle
    assert client.get(f"/cycles/{ID_MAX + 1}").status_code == 404
