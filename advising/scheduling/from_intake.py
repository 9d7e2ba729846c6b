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
    """``{"intake": token}`` when the request carries a well-formed roadmap token (links
    carry it on)."""
    token = request.args.get("intake", "")
    return {"intake": token} if well_formed(token) else {}


def visitor_roadmap() -> str | None:
    """The roadmap this request books from: the one its address carries, else the one this
    browser opened in this session (the visitor came by the menu or the advisors list)."""
    return intake_param().get("intake") or remembered_roadmap()


def prefill(form: BookingForm, token: str | None, *, details: bool = True) -> None:
    """Link the form to the intake behind ``token`` and, with ``details``, fill name, email
    and (unless chosen) time zone from it. A roadmap only remembered by the browser brings
    no details: on a shared computer the next person must not meet the last one's name."""
    intake = services.intake_by_token(token)
    if intake is None:
        return
    form.intake.data = token
    if not details:
        return
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
