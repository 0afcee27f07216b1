"""Exported cells: a resident's text can never run as a spreadsheet formula."""

import pytest

from proposals.sheets import safe_cell


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)",
                                  "\tx", "\rx"])
def test_formula_starts_are_made_inert(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["加装电梯", "12345 热线", 42, None, "a=b"])
def test_other_values_are_left_alone(value):
    assert safe_cell(value) == value
