"""The shape of the code: the pure core imports neither Flask nor SQLAlchemy, and each
package imports only the layers below it (at module level and inside functions alike)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "advising"

PURE_MODULES = [
    "advising.shared",
    "advising.calendars.ics",
    "advising.scheduling.slots",
    "advising.scheduling.defaults",
    "advising.scheduling.pooled",
    "advising.roadmap.engine",
    "advising.invites.ical",
    "advising.invites.message",
]

# Bottom up. A module belongs to the layer of the longest prefix that names it; it may import
# its own package and anything in a lower layer. Packages side by side in one layer (the top
# features) may not import each other; the shell's modules may.
LAYERS: list[tuple[str, ...]] = [
    ("advising.shared",),
    (
        "advising.config",
        "advising.database",
        "advising.extensions",
        "advising.forms",
        "advising.process",
        "advising.web",
    ),
    ("advising.outbox",),
    ("advising.accounts",),
    ("advising.advisors",),
    ("advising.calendars",),
    ("advising.roadmap.engine",),
    ("advising.intake",),
    ("advising.scheduling",),
    ("advising.consultations",),
    ("advising.invites",),
    (
        "advising.staff",
        "advising.api",
        "advising.webhooks",
        "advising.roadmap",
        "advising.demo",
        "advising.worker",
    ),
    ("advising.app",),  # the factory; the package's __init__ only calls it
]
SHELL_LAYER = 1


def _layer_of(module: str) -> tuple[int, str]:
    """(layer index, the prefix that placed it) for a module of the package."""
    best: tuple[int, str] | None = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > len(best[1])
            ):
                best = (index, prefix)
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of the package in the file, wherever it stands."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # "from advising.x import y" imports the submodule y when there is one
            submodules = [f"{node.module}.{a.name}" for a in node.names]
            submodules = [name for name in submodules if _is_module(name)]
            found += [(node.lineno, name) for name in submodules or [node.module]]
    return [(line, name) for line, name in found if name.startswith("advising.")]


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def violations_in(path: Path, importer: str) -> list[str]:
    """The imports in ``path`` (module ``importer``) that go up or sideways."""
    own_layer, own_prefix = _layer_of(importer)
    problems = []
    for line, imported in _imports(path):
        layer, prefix = _layer_of(imported)
        upward = layer > own_layer
        sideways = layer == own_layer and prefix != own_prefix and layer != SHELL_LAYER
        if upward or sideways:
            problems.append(f"{path.name}:{line} {importer} -> {imported}")
    return problems


def test_each_package_imports_only_the_layers_below_it():
    problems = [
        problem
        for path in sorted(PACKAGE.rglob("*.py"))
        if (importer := _module_name(path)) != "advising"
        for problem in violations_in(path, importer)
    ]
    assert problems == []


def test_the_layering_check_sees_imports_inside_functions_and_sideways(tmp_path: Path):
    """A lazy upward import (scheduling reaching into consultations) is found, and so is a
    top feature importing another (staff -> api); importing a lower layer is fine."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from advising.calendars import models\n"
        "def f():\n    from advising.consultations import services\n"
    )
    assert violations_in(probe, "advising.scheduling.probe") == [
        "probe.py:3 advising.scheduling.probe -> advising.consultations.services"
    ]
    probe.write_text("from advising.api import schemas\n")
    assert violations_in(probe, "advising.staff.probe") != []
    assert violations_in(probe, "advising.app") == []


def _with_submodules(names: list[str]) -> list[str]:
    """Each pure module, and every module inside a pure package."""
    found = []
    for name in names:
        path = ROOT.joinpath(*name.split("."))
        found.append(name)
        if path.is_dir():
            found += sorted(_module_name(p) for p in path.rglob("*.py") if p.stem != "__init__")
    return found


@pytest.mark.parametrize("module", _with_submodules(PURE_MODULES))
def test_pure_core_module_imports_no_web_or_database_framework(module: str):
    frameworks = "{'flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug', 'wtforms', 'flask_wtf'}"
    code = (
        "import sys, importlib; importlib.import_module(sys.argv[1]); "
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {frameworks}); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, module], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{module} pulls in {result.stdout.strip()}"
