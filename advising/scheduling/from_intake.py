"""Booking from a roadmap: the booking pages carry ``?intake=<token>`` through, prefill the
form from the intake and attach the intake to the booking."""

from __future__ import annotations

import json

from flask import current_app, request

from advising.database import utcnow
from advising.intake import services
from advising.intake.models import Intake
from advising.scheduling.cache import DEFAULT_MAX_AGE
from advising.scheduling.forms import BookingForm
from advising.scheduling.matching import Wants
from advising.scheduling.services import SLOT_CACHE_KEY
from advising.shared.tokens import well_formed
from advising.web import remembered_roadmap


def intake_param() -> dict[str, str]:
    """``{"intake": token}`` when the request carries a well-formed roadmap token, or else
    when this browser opened a roadmap in this session (the visitor came by the menu)."""
    token = request.args.get("intake", "")
    if not well_formed(token):
        token = remembered_roadmap() or ""
    return {"intake": token} if token else {}


def prefill(form: BookingForm, token: str | None) -> None:
    """Fill name, email and (unless chosen) time zone from the intake behind ``token``."""
    intake = services.intake_by_token(token)
    if intake is None:
        return
    form.intake.data = token
    form.name.data = form.name.data or intake.name
    form.email.data = form.email.data or intake.email
    if not form.tz.data:
        form.tz.data = intake.timezone


def intake_id_for(token: str | None) -> int | None:
    """The id of the intake behind ``token``, to attach to the booking being made."""
    intake = services.intake_by_token(token)
    return intake.id if intake is not None else None


def wants_of(token: str | None) -> Wants | None:
    """What the roadmap behind ``token`` asks an advisor for: its credentials (the recommended
    one first), the specialties the visitor picked and the setting they aim for. Kept per
    process (in the slot cache) for each version of the answers, which the roadmap is made
    from, so "any advisor" and the pages after it do not read the whole roadmap again."""
    intake = services.intake_by_token(token)
    if intake is None:
        return None
    cache = current_app.extensions[SLOT_CACHE_KEY]
    now = utcnow()
    key = ("wants", intake.id, intake.content_version, json.dumps(intake.answers, sort_keys=True))
    if (kept := cache.get(key, now)) is not None:
        return kept
    wants = _wants_from(intake)
    cache.put(key, wants, now, now + DEFAULT_MAX_AGE)
    return wants


def _wants_from(intake: Intake) -> Wants:
    answers = services.answers_of(intake)
    labels = services.content().labels("specialties")
    return Wants(
        credentials=services.credential_codes_of(intake),
        specialties=tuple((key, labels.get(key, key)) for key in answers.specialties),
        setting=answers.target_setting,
    )
