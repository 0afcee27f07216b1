"""Cells for CSV/XLSX exports: text a spreadsheet would run as a formula is made inert."""

# Spreadsheet programs run cells starting with these as formulas (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A resident's words starting with = or @ stay words in Excel: a leading ' shows them."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
