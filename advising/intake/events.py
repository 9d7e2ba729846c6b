"""What intake tells the features above it: an intake was made (typed, explicit)."""

from __future__ import annotations

from dataclasses import dataclass

from advising.intake.models import Intake


@dataclass(frozen=True)
class IntakeCreated:
    """Published inside the intake's transaction, before its commit. Subscribers must not
    pass on the answers: they are the visitor's personal data."""

    intake: Intake
