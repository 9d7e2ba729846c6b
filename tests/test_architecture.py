"""The pure core imports neither Flask nor SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE_MODULES = [
    "advising.calendars.ics",
    "advising.scheduling.slots",
    "advising.roadmap.engine",
    "advising.invites.ical",
    "advising.invites.message",
]


@pytest.mark.parametrize("module", PURE_MODULES)
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
