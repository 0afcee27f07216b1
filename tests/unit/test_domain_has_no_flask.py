"""The domain packages stay free of Flask and of the web shell, so they can be reused alone."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "flask_login", "flask_wtf", "flask_babel", "flask_limiter", "werkzeug",
             "app")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


DOMAIN_FILES = sorted(
    p for package in ("proposals", "votes") for p in (ROOT / package).rglob("*.py")
)


def test_there_are_domain_modules_to_check():
    assert len(DOMAIN_FILES) >= 4


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_module_imports_no_web_code(path):
    bad = imported_modules(path) & set(FORBIDDEN)
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_check_catches_a_flask_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom flask import request\nfrom app.db import get_session\n")
    assert imported_modules(sample) & set(FORBIDDEN) == {"flask", "app"}
