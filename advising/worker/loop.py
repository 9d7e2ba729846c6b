"""The worker's loop: outbox delivery in the calling thread, periodic jobs in threads.

Delivery waits for :mod:`advising.outbox.wakeup` (NOTIFY on PostgreSQL, polling on SQLite) or
for the next retry or lease end, whichever comes first. Slow channels (roadmap PDFs) are
delivered in a thread of their own that polls, so a queue of renders never holds up mail.
:meth:`Worker.stop` (SIGTERM/SIGINT in ``flask worker``) ends the loop after the message in
hand: it is marked sent or scheduled for a retry like any other, and nothing else is claimed.
Several workers on several hosts share the outbox through its claims, and the periodic jobs
through their own idempotence (reminders are recorded once each, calendar sources are leased).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from advising.database import utcnow
from advising.extensions import db

if TYPE_CHECKING:
    from flask import Flask

    from advising.outbox.delivery import ChannelFilter

log = logging.getLogger("advising.worker")

ERROR_PAUSE = 5.0  # after delivery itself failed (database unreachable, bad MAIL_URL)
JOIN_TIMEOUT = 10.0  # how long stopping waits for a periodic job in progress
HOUR = 3600.0


@dataclass(frozen=True)
class Job:
    """``run`` every ``every`` seconds (first at start-up), in an application context."""

    name: str
    every: float
    run: Callable[[], object]


def _queue_reminders() -> object:
    from advising.invites.reminders import queue_reminders

    return queue_reminders()


def _sync_calendars() -> object:
    from advising.calendars.sync import sync_all

    return sync_all()


def _purge_sent() -> object:
    from advising.outbox.delivery import purge_sent

    return purge_sent()


def default_jobs(config: dict) -> list[Job]:
    """Reminders, calendar sync and the sent-mail purge; a period of 0 turns a job off."""
    jobs = [
        Job("reminders", float(config["WORKER_REMINDERS_SECONDS"]), _queue_reminders),
        Job("calendar sync", float(config["WORKER_SYNC_MINUTES"]) * 60, _sync_calendars),
        Job("purge sent mail", HOUR, _purge_sent),
    ]
    return [job for job in jobs if job.every > 0]


class Worker:
    def __init__(self, app: Flask, jobs: list[Job] | None = None):
        self.app = app
        self.jobs = default_jobs(app.config) if jobs is None else jobs
        self.stopping = threading.Event()
        self.started = threading.Event()  # listening (or polling): a commit now wakes it
        self.poll = float(app.config.get("WORKER_POLL_SECONDS", 0.5))
        self.listen_timeout = float(app.config.get("WORKER_LISTEN_TIMEOUT_SECONDS", 60))
        self._threads: list[threading.Thread] = []

    def stop(self) -> None:
        """Finish the message in hand, claim no other, end :meth:`run`."""
        self.stopping.set()

    def run(self) -> None:
        """Deliver and run the periodic jobs until :meth:`stop`."""
        from advising.outbox import slow_channels
        from advising.outbox.delivery import ChannelFilter
        from advising.outbox.wakeup import open_wakeup

        slow = slow_channels(self.app)
        self._threads = [
            threading.Thread(target=self._repeat, args=(job,), name=job.name, daemon=True)
            for job in self.jobs
        ]
        if slow:
            self._threads.append(
                threading.Thread(
                    target=self._deliver_slow,
                    args=(ChannelFilter(only=slow),),
                    name="slow outbox",
                    daemon=True,
                )
            )
        fast = ChannelFilter(skip=slow)
        with self.app.app_context():
            wakeup = open_wakeup(db.engine, self.stopping, self.poll)
            log.info("worker started: outbox %s; %s", wakeup, self._describe_jobs())
            for thread in self._threads:
                thread.start()
            self.started.set()
            try:
                while not self.stopping.is_set():
                    wakeup.wait(self._deliver_due(fast))
            finally:
                wakeup.close()
                db.session.remove()
        for thread in self._threads:
            thread.join(JOIN_TIMEOUT)
            if thread.is_alive():
                log.warning("worker: %s still running at exit; its leases expire", thread.name)
        log.info("worker stopped")

    def _describe_jobs(self) -> str:
        return ", ".join(f"{job.name} every {job.every:g} s" for job in self.jobs) or "no jobs"

    def _deliver_slow(self, channels: ChannelFilter) -> None:
        """The slow channels' loop: deliver what is due, else look again after the poll."""
        with self.app.app_context():
            try:
                while not self.stopping.wait(min(self._deliver_due(channels), self.poll)):
                    pass
            finally:
                db.session.remove()

    def _deliver_due(self, channels: ChannelFilter) -> float:
        """Deliver while something of ``channels`` is due; return how long to wait before
        looking again."""
        from advising.outbox.delivery import deliver, next_due

        try:
            while not self.stopping.is_set():
                due = next_due(channels=channels)
                if due is None:
                    return self.listen_timeout
                wait = (due - utcnow()).total_seconds()
                if wait > 0:
                    return min(wait, self.listen_timeout)
                report = deliver(stop=self.stopping.is_set, channels=channels)
                if not (report.sent or report.retrying or report.failed):
                    return min(self.poll, 0.1)  # another deliverer holds it this instant
        except Exception:
            log.exception("worker: outbox delivery failed; trying again in %g s", ERROR_PAUSE)
            db.session.rollback()
            return ERROR_PAUSE
        return 0

    def _repeat(self, job: Job) -> None:
        next_run = time.monotonic()
        while not self.stopping.wait(max(next_run - time.monotonic(), 0)):
            with self.app.app_context():
                try:
                    result = job.run()
                    log.debug("worker: %s: %s", job.name, result)
                except Exception:
                    log.exception("worker: %s failed", job.name)
                    db.session.rollback()
                finally:
                    db.session.remove()
            next_run = max(next_run + job.every, time.monotonic())
