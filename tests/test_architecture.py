"""The apps' import order (README, *Architecture*): ``portal`` → ``audit`` → ``calls``,
``associations`` → ``grants`` → ``conventions`` → ``reports`` → ``home`` → ``seeding``. An app
imports only the apps before it, so there is no cycle between apps; ``portal`` (settings,
wiring, shared helpers) imports none of them. Every import counts: at module level, inside a
function, under ``TYPE_CHECKING``, relative, and ``importlib.import_module`` /
``apps.get_model`` with a literal (except a migration's ``apps.get_model``, which reads the
historical models). Wiring by dotted string (``include("grants.urls")``, ``INSTALLED_APPS``) is
not an import.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

#: Each layer may import the layers before it, never a layer after it nor a sibling in its own.
LAYERS: list[set[str]] = [
    {"portal"},
    {"audit"},  # the audit log: portal's signals, logins, the admin
    {"calls", "associations"},
    {"grants"},
    {"conventions", "integrity"},  # integrity: signals read from calls, associations, grants
    {"reports"},
    {"privacy"},  # personal data: export, erasure, retention of every app's records
    {"home"},
    {"seeding"},
]
RANK = {app: rank for rank, layer in enumerate(LAYERS) for app in layer}
NOT_APPS = {"tests", "bench", "bin", "deploy"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    """``from ..x import y`` in ``grants/services/followup.py`` → ``grants.x``."""
    if not node.level:
        return node.module or ""
    package = module.split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _literal(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def imported_modules(source: str, path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every module the source imports, wherever the import is."""
    module = _module_name(path)
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, _absolute(module, path, node)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            # a migration's apps.get_model() reads the historical state, not the code
            wanted = (
                {"import_module"} if "migrations" in path.parts else {"import_module", "get_model"}
            )
            if name in wanted and (target := _literal(node)):
                found.append((node.lineno, target))
    return found


def violations(source: str, path: Path) -> list[str]:
    """``path:line imports name`` for each import of an app not before the file's own app."""
    app = path.relative_to(ROOT).parts[0]
    rank = RANK[app]
    wrong = []
    for line, name in imported_modules(source, path):
        target = name.split(".")[0]
        if target != app and target in RANK and RANK[target] >= rank:
            wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return wrong


def _app_files():
    for app in sorted(RANK):
        yield from sorted((ROOT / app).rglob("*.py"))


def test_every_app_has_a_place_in_the_order():
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_APPS and not path.parent.name.startswith(".")
    }
    local_apps = {app.split(".")[0] for app in settings.INSTALLED_APPS} & packages
    # a new app takes its place in LAYERS (and in the README's Architecture) first
    assert packages == set(RANK)
    assert local_apps <= set(RANK)


def test_no_app_imports_an_app_after_it_and_portal_imports_none():
    wrong = [error for path in _app_files() for error in violations(path.read_text(), path)]

    assert wrong == []


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        (
            "grants/services/followup.py",
            "def f():\n    from conventions.models import Convention\n",
            ["grants/services/followup.py:2 imports conventions.models"],
        ),
        (
            "portal/views.py",
            "from reports import selectors\n",
            ["portal/views.py:1 imports reports"],
        ),
        (
            "calls/views.py",
            "import associations.models\n",
            ["calls/views.py:1 imports associations.models"],
        ),
        (
            "conventions/models.py",
            "if TYPE_CHECKING:\n    from reports.models import Bilan\n",
            ["conventions/models.py:2 imports reports.models"],
        ),
        (
            "grants/views/apply.py",
            "from django.apps import apps\nGrant = apps.get_model('conventions', 'Convention')\n",
            ["grants/views/apply.py:2 imports conventions"],
        ),
        ("grants/services/followup.py", "from . import apply\nfrom .. import signals\n", []),
        ("conventions/services.py", "from grants.conventions import convention_pdf\n", []),
        ("home/views.py", "from reports import selectors\nfrom calls.models import Call\n", []),
    ],
)
def test_an_import_up_the_order_is_caught(path, source, expected):
    assert violations(source, ROOT / path) == expected


def test_relative_imports_are_read_from_their_package():
    source = "from ..models import Grant\nfrom . import apply\nfrom .apply import submit\n"

    found = imported_modules(source, ROOT / "grants/services/followup.py")

    assert found == [(1, "grants.models"), (2, "grants.services"), (3, "grants.services.apply")]
