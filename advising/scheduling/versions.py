"""Availability versions: every change to when an advisor is free bumps
``AdvisorProfile.availability_version`` in the same transaction.

Cached slots are keyed on that version, so the advisor lookup a slots request makes anyway
tells whether they are still right, in every worker process, with no extra query. The bump
is made by session events rather than by each service, so no writer can forget it: rows added,
changed or deleted through the ORM, and ORM ``insert``/``update``/``delete`` statements on the
tables below. A statement whose advisor cannot be read from its parameters or its ``WHERE
advisor_id = ...`` bumps every advisor: slower, never stale. Raw SQL is not seen.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter

from advising.advisors.models import AdvisorProfile
from advising.calendars.models import CalendarBlock, CalendarSource
from advising.extensions import db
from advising.scheduling.models import Booking, BookingSettings, DateOverride, WeeklyHoursRange

CHANGED_KEY = "advising.availability_changed"
EVERY_ADVISOR = -1

# Rows whose every change may move an advisor's slots. A calendar source matters only when it
# goes (its blocks go with it, by cascade); its fetch state does not.
AVAILABILITY_MODELS = (Booking, BookingSettings, WeeklyHoursRange, DateOverride, CalendarBlock)
AVAILABILITY_TABLES = {model.__table__ for model in AVAILABILITY_MODELS}
SOURCE_TABLES = {CalendarSource.__table__}  # sets: statements carry annotated copies


def _changed(session: Session) -> set[int]:
    return session.info.setdefault(CHANGED_KEY, set())


def _advisor_of(row: Any) -> int | None:
    advisor_id = getattr(row, "advisor_id", None)
    if advisor_id is None and getattr(row, "advisor", None) is not None:
        advisor_id = row.advisor.id
    return advisor_id


def _collect_flush(session: Session, _context: Any, _instances: Any) -> None:
    changed = _changed(session)
    for row in chain(session.new, session.dirty, session.deleted):
        if isinstance(row, AVAILABILITY_MODELS) or (
            isinstance(row, CalendarSource) and row in session.deleted
        ):
            advisor_id = _advisor_of(row)
        elif isinstance(row, AdvisorProfile):
            advisor_id = row.id  # None while new: nothing can be cached for it yet
        else:
            continue
        changed.add(EVERY_ADVISOR if advisor_id is None else advisor_id)


def _advisor_in_where(statement: Any) -> int | None:
    """``X`` when the statement's WHERE clause says ``advisor_id = X``."""
    where = getattr(statement, "whereclause", None)
    if where is None:
        return None
    for element in visitors.iterate(where):
        if (
            isinstance(element, BinaryExpression)
            and element.operator is operators.eq
            and getattr(element.left, "name", None) == "advisor_id"
            and isinstance(element.right, BindParameter)
        ):
            return element.right.effective_value
    return None


def _advisors_of_insert(state: ORMExecuteState) -> set[int] | None:
    parameters = state.parameters
    rows = parameters if isinstance(parameters, list) else [parameters] if parameters else []
    if not rows:
        rows = [state.statement.compile().params]
    ids = {row.get("advisor_id") for row in rows}
    return None if None in ids else ids


def _collect_statement(state: ORMExecuteState) -> None:
    if state.is_select or not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table not in AVAILABILITY_TABLES and not (table in SOURCE_TABLES and state.is_delete):
        return
    changed = _changed(state.session)
    if state.is_insert:
        ids = _advisors_of_insert(state)
        changed.update(ids if ids is not None else {EVERY_ADVISOR})
    else:
        advisor_id = _advisor_in_where(state.statement)
        changed.add(EVERY_ADVISOR if advisor_id is None else advisor_id)


def _bump(session: Session) -> None:
    session.flush()
    changed = session.info.pop(CHANGED_KEY, None)
    if not changed:
        return
    statement = update(AdvisorProfile).values(
        availability_version=AdvisorProfile.availability_version + 1
    )
    if EVERY_ADVISOR not in changed:
        statement = statement.where(AdvisorProfile.id.in_(sorted(changed)))
    session.execute(statement, execution_options={"synchronize_session": False})


def has_pending_changes(session: Session | scoped_session[Session]) -> bool:
    """Whether ``session`` holds availability changes not yet committed (flushed or not)."""
    if isinstance(session, scoped_session):
        if not session.registry.has():
            return False  # no session was opened in this context, so nothing is pending
        session = session()
    return bool(session.info.get(CHANGED_KEY) or session.new or session.dirty or session.deleted)


def _forget(session: Session, *_: Any) -> None:
    session.info.pop(CHANGED_KEY, None)


def install() -> None:
    """Listen on the app's sessions (once per process)."""
    if event.contains(db.session, "before_commit", _bump):
        return
    event.listen(db.session, "before_flush", _collect_flush)
    event.listen(db.session, "do_orm_execute", _collect_statement)
    event.listen(db.session, "before_commit", _bump)
    event.listen(db.session, "after_rollback", _forget)
