"""Availability versions: every change to when an advisor is free moves
``AdvisorProfile.availability_version`` in the same transaction.

Cached slots are keyed on that version, so the advisor lookup a slots request makes anyway
tells whether they are still right, in every worker process, with no extra query.

What counts as such a change is declared by the models themselves: a model whose class says
``moves_availability = True`` (bookings, rules, hours, overrides, calendar blocks), or
``"on delete"`` (a calendar source: its blocks go with it), and the advisor profile itself.
Rows added, changed or deleted through the ORM are seen at flush. A bulk ``insert``,
``update`` or ``delete`` statement on such a model must say which advisors it touches, with
``.execution_options(availability_of={advisor_id, ...})``; one that does not is refused
(:class:`UnnamedAvailabilityWrite`), so no writer can forget it and nothing is guessed from
a WHERE clause. Raw SQL is not seen; cached entries expire within minutes anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session

from advising.advisors.models import AdvisorProfile
from advising.extensions import db

CHANGED_KEY = "advising.availability_changed"
OPTION = "availability_of"
_BUMP = "advising.availability_bump"


class UnnamedAvailabilityWrite(RuntimeError):
    """A bulk statement changed availability without naming the advisors it touches."""


def _moves(cls: type, *, deleted: bool) -> bool:
    if issubclass(cls, AdvisorProfile):
        return True
    declared = getattr(cls, "moves_availability", False)
    return declared is True or (declared == "on delete" and deleted)


def _changed(session: Session) -> set[int]:
    return session.info.setdefault(CHANGED_KEY, set())


def _advisor_of(row: Any) -> int | None:
    if isinstance(row, AdvisorProfile):
        return row.id  # None while new: nothing can be cached for it yet
    advisor_id = getattr(row, "advisor_id", None)
    if advisor_id is None and getattr(row, "advisor", None) is not None:
        advisor_id = row.advisor.id
    return advisor_id


def _collect_flush(session: Session, _context: Any, _instances: Any) -> None:
    changed = _changed(session)
    for row in chain(session.new, session.dirty, session.deleted):
        if _moves(type(row), deleted=row in session.deleted):
            advisor_id = _advisor_of(row)
            if advisor_id is not None:
                changed.add(advisor_id)


def _collect_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is None or not _moves(mapper.class_, deleted=state.is_delete):
        return
    options = state.execution_options
    if options.get(_BUMP):
        return
    named = options.get(OPTION)
    if named is None:
        raise UnnamedAvailabilityWrite(
            f"a bulk {state.statement.__visit_name__} on {mapper.class_.__name__} must name the "
            f"advisors it touches: .execution_options({OPTION}={{advisor_id, ...}})"
        )
    _changed(state.session).update(named)


def record(session: Session | scoped_session[Session], advisor_ids: Iterable[int]) -> None:
    """Note advisors whose availability changed in ways the ORM cannot see (for callers that
    write in several statements and name the advisors once)."""
    if isinstance(session, scoped_session):
        session = session()
    _changed(session).update(advisor_ids)


def _bump(session: Session) -> None:
    session.flush()
    changed = session.info.pop(CHANGED_KEY, None)
    if not changed:
        return
    session.execute(
        update(AdvisorProfile)
        .where(AdvisorProfile.id.in_(sorted(changed)))
        .values(availability_version=AdvisorProfile.availability_version + 1),
        execution_options={"synchronize_session": False, _BUMP: True},
    )


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
