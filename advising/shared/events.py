"""Typed events: how a lower feature tells the features above it that something happened,
without importing them. The app holds one :class:`EventBus`; features subscribe when they
register and services publish inside their transaction, before the commit, so whatever a
subscriber writes (mail in the outbox, a webhook) commits or rolls back with the change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

E = TypeVar("E")
Handler = Callable[[Any], None]


class EventBus:
    """Subscribers by event type, called in the order they subscribed."""

    def __init__(self) -> None:
        self._handlers: defaultdict[type, list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type[E], handler: Callable[[E], None]) -> None:
        """Call ``handler`` with every published ``event_type`` (once, however often asked)."""
        if handler not in self._handlers[event_type]:
            self._handlers[event_type].append(handler)

    def unsubscribe(self, event_type: type[E], handler: Callable[[E], None]) -> None:
        if handler in self._handlers[event_type]:
            self._handlers[event_type].remove(handler)

    def handlers(self, event_type: type) -> tuple[Handler, ...]:
        return tuple(self._handlers[event_type])

    def publish(self, event: object) -> None:
        """Run every subscriber of ``type(event)``; an exception propagates to the publisher."""
        for handler in self._handlers[type(event)]:
            handler(event)
