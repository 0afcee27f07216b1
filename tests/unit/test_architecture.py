"""The import rules between packages and between contexts, checked from the source with ast.

- The domain packages (proposals, votes) stay free of Flask and of the web shell, so they
  can be reused alone; the ballot engine (votes) knows nothing of proposals.
- Within proposals/, a context imports only the contexts its arrow allows (CONTEXT_ARROWS).
- In app/, a view module (one with a `.route(` decorator) is imported only by the audience
  blueprint packages' __init__.py, which hang each context's views on their blueprint.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "flask_login", "flask_wtf", "flask_babel", "flask_limiter", "werkzeug",
             "app")

# Which contexts of proposals/ each context may import. A context may always import itself,
# the shared modules (SHARED) and the ballot engine (votes). docs quote this table.
CONTEXT_ARROWS = {
    "cycles": set(),
    "notices": set(),
    "collection": {"cycles", "notices"},
    "shortlist": {"collection", "cycles"},
    "implementation": {"shortlist", "collection", "cycles"},
    "evaluation": {"implementation", "shortlist", "collection", "cycles", "notices"},
    "council": {"collection", "cycles"},
    "requests": {"collection"},
    "opendata": {"cycles", "collection", "shortlist", "implementation", "evaluation", "council"},
    "assisted": {"collection", "implementation", "evaluation"},
    "personal": {"cycles", "notices", "collection", "shortlist", "implementation", "evaluation",
                 "council", "requests", "opendata", "assisted"},
}
# Modules at the top of proposals/ that every context may import; they import no context.
SHARED = {"sheets", "events"}
# proposals/wiring.py connects the contexts to each other's events: it may import anything.
WIRING = "wiring"

AUDIENCES = ("public", "residents", "delegates", "officials", "admin", "api", "auth")


# --- the scanner ------------------------------------------------------------------------------

def imported_modules(path: Path) -> set[str]:
    """The top-level packages a module imports, anywhere in it (functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path, root: Path = ROOT) -> set[str]:
    """The dotted names a module imports, anywhere in it, relative imports resolved.

    `from a.b import c` gives both a.b and a.b.c, as c may be a module.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def python_files(*packages: str, root: Path = ROOT) -> list[Path]:
    return sorted(p for package in packages for p in (root / package).rglob("*.py"))


def ids(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- proposals and votes know nothing of the web ----------------------------------------------

DOMAIN_FILES = python_files("proposals", "votes")
VOTES_FILES = python_files("votes")


def test_there_are_domain_modules_to_check():
    assert len(DOMAIN_FILES) >= 4


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=ids)
def test_domain_module_imports_no_web_code(path):
    bad = imported_modules(path) & set(FORBIDDEN)
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_check_catches_a_flask_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom flask import request\nfrom app.db import get_session\n")
    assert imported_modules(sample) & set(FORBIDDEN) == {"flask", "app"}


@pytest.mark.parametrize("path", VOTES_FILES, ids=ids)
def test_the_ballot_engine_imports_no_proposals_and_no_app(path):
    bad = imported_modules(path) & {"proposals", "app"}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_check_catches_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def later():\n    from proposals.cycles import services\n")
    assert imported_modules(sample) & {"proposals", "app"} == {"proposals"}


# --- the arrows between the contexts of proposals/ --------------------------------------------

def context_of(path: Path, root: Path = ROOT) -> str:
    """cycles for proposals/cycles/..., sheets for proposals/sheets.py, and so on."""
    return path.relative_to(root / "proposals").with_suffix("").parts[0]


def arrow_violations(path: Path, root: Path = ROOT) -> list[str]:
    """The proposals.<context> imports of one module of proposals/ that its arrow forbids."""
    source = context_of(path, root)
    if source == WIRING:
        return []
    if source in CONTEXT_ARROWS:
        allowed = CONTEXT_ARROWS[source] | {source} | SHARED
    else:  # a shared module (sheets, events, the package itself) imports no context
        allowed = set()
    targets = {name.split(".")[1] for name in imported_names(path, root)
               if name.startswith("proposals.")}
    return sorted(f"proposals.{target}" for target in targets - allowed)


PROPOSALS_FILES = python_files("proposals")


def test_every_context_has_an_arrow():
    contexts = {p.name for p in (ROOT / "proposals").iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    assert contexts == set(CONTEXT_ARROWS)
    for allowed in CONTEXT_ARROWS.values():
        assert allowed <= set(CONTEXT_ARROWS)


@pytest.mark.parametrize("path", PROPOSALS_FILES, ids=ids)
def test_a_context_imports_only_the_contexts_its_arrow_allows(path):
    bad = arrow_violations(path)
    source = context_of(path)
    assert not bad, (f"{path.relative_to(ROOT)} ({source}) imports {bad}; "
                     f"{source} may import {sorted(CONTEXT_ARROWS.get(source, set()))}")


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_check_catches_a_context_breaking_its_arrow(tmp_path):
    backwards = write(tmp_path, "proposals/cycles/services.py",
                      "from proposals.shortlist.models import Candidate\n"
                      "from proposals import sheets\n"
                      "def later():\n"
                      "    from ..collection import models\n")
    assert arrow_violations(backwards, tmp_path) == ["proposals.collection",
                                                     "proposals.shortlist"]
    forward = write(tmp_path, "proposals/shortlist/services.py",
                    "from proposals.collection.models import Proposal\n"
                    "from proposals.cycles import stages\nfrom proposals.events import x\n"
                    "from . import models\nfrom .budget import budget_view\n"
                    "from votes.casting import create_ballot\n")
    assert arrow_violations(forward, tmp_path) == []


def test_the_check_catches_a_shared_module_importing_a_context(tmp_path):
    shared = write(tmp_path, "proposals/sheets.py", "from proposals.cycles import models\n")
    assert arrow_violations(shared, tmp_path) == ["proposals.cycles"]
    wiring = write(tmp_path, "proposals/wiring.py", "from proposals.evaluation import rounds\n")
    assert arrow_violations(wiring, tmp_path) == []


# --- app/: views are hung on the blueprints by the audience packages only ---------------------

def is_view_module(path: Path) -> bool:
    """A module with a `@<something>.route(...)` decorator."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr == "route"
        for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for decorator in node.decorator_list
    )


def view_imports(root: Path = ROOT) -> list[str]:
    """`importer -> view` for every import of a view module the rule forbids."""
    files = python_files("app", root=root)
    views = {module_name(p, root) for p in files if is_view_module(p)}
    allowed = {root / "app" / audience / "__init__.py" for audience in AUDIENCES}
    return sorted(
        f"{module_name(path, root)} -> {view}"
        for path in files if path not in allowed
        for view in sorted(imported_names(path, root) & views)
    )


def test_there_are_view_modules_to_check():
    assert sum(is_view_module(p) for p in python_files("app")) >= 7


def test_only_the_audience_packages_import_view_modules():
    bad = view_imports()
    assert not bad, "view modules imported outside app/<audience>/__init__.py:\n" + "\n".join(bad)


def test_the_check_catches_a_view_imported_elsewhere(tmp_path):
    write(tmp_path, "app/ballots/public.py",
          "from app.public import bp\n\n@bp.route('/b')\ndef show():\n    return ''\n")
    write(tmp_path, "app/ballots/forms.py", "X = 1\n")
    write(tmp_path, "app/public/__init__.py", "from app.ballots import public  # allowed\n")
    write(tmp_path, "app/demo/seed.py",
          "from app.ballots import forms\ndef later():\n    from app.ballots.public import show\n")
    write(tmp_path, "app/council/public.py", "from ..ballots import public\n")
    assert view_imports(tmp_path) == ["app.council.public -> app.ballots.public",
                                      "app.demo.seed -> app.ballots.public"]
