"""`flask intake ...`: the command group (retention, ``purge``, is added by scheduling)."""

from __future__ import annotations

from flask.cli import AppGroup

intake_cli = AppGroup("intake", help="Career intakes and their roadmaps.")
