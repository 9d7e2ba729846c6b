"""`flask calendars ...`: import a file for an advisor, sync every calendar, expand a file."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from flask.cli import AppGroup
from sqlalchemy import or_, select

from advising.advisors.models import AdvisorProfile
from advising.calendars.ics import AvailabilityMarkers, IcsError, Interval, Limits, read_calendar
from advising.calendars.services import describe_ics_error, skipped_heading

calendars_cli = AppGroup("calendars", help="Import, sync and expand advisors' calendars.")

LARGE_FILE_BYTES = 512 * 1024  # show progress for files at least this big even off a terminal


def _utc_text(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror or error}")


def _find_advisor(key: str) -> AdvisorProfile:
    from advising.accounts.models import User
    from advising.extensions import db

    advisor = db.session.scalar(
        select(AdvisorProfile)
        .join(AdvisorProfile.user)
        .where(or_(AdvisorProfile.slug == key, User.email == key.strip().lower()))
    )
    if advisor is None:
        raise click.ClickException(f"No advisor with the address or email {key!r}.")
    return advisor


@calendars_cli.command("import")
@click.argument("advisor")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--label", help="Name of the calendar (default: the file's name).")
@click.option("--keywords", help="Availability keywords, comma-separated (default: kept).")
@click.option("--categories", help="Availability categories, comma-separated (default: kept).")
def import_command(
    advisor: str, file: str, label: str | None, keywords: str | None, categories: str | None
) -> None:
    """Import an .ics FILE for ADVISOR (public address or email); the same name replaces."""
    from advising.calendars import services

    profile = _find_advisor(advisor)
    data = _read_file(file)
    try:
        source = services.import_upload(
            profile,
            data,
            label or Path(file).stem,
            services.split_markers(keywords) if keywords is not None else None,
            services.split_markers(categories) if categories is not None else None,
        )
    except services.CalendarError as error:
        raise click.ClickException(f"{file}: {error}")
    click.echo(
        f"Imported {source.block_count} blocks from {file} into {source.label!r} "
        f"for {profile.display_name} ({profile.slug})."
    )
    _echo_skipped(file, source.import_warnings)


def _echo_skipped(file: str, warnings: list[str] | None) -> None:
    """The events an import or expansion skipped, one a line on stderr."""
    if warnings:
        click.echo(f"{file}: {skipped_heading(len(warnings))}:", err=True)
        for warning in warnings:
            click.echo(f"  {warning}", err=True)


@calendars_cli.command("sync")
def sync_command() -> None:
    """Sync every calendar: fetch feeds, re-expand uploads. Exit 1 if any failed."""
    from advising.calendars import sync

    def report(done: int, total: int, result: sync.SyncResult) -> None:
        line = f"[{done}/{total}] {result.advisor} / {result.label}: {result.status}"
        if result.status in (sync.UPDATED, sync.UNCHANGED):
            line += f", {result.blocks} blocks"
        if result.message:
            line += f": {result.message}"
        click.echo(line)

    summary = sync.sync_all(progress=report)
    click.echo(f"Synced {summary}.")
    if summary.failed:
        sys.exit(1)


def _window(start: date, end: date, zone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    return (
        datetime.combine(start, time(0), tz).astimezone(UTC),
        datetime.combine(end, time(0), tz).astimezone(UTC),
    )


class _Progress:
    """``on_progress`` for the parser: a progress bar on stderr, drawn from the first report."""

    def __init__(self, label: str):
        self.label = label
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(max(0, done - self.done))
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _progress(size: int, label: str) -> _Progress | None:
    """Progress for a terminal, or for a large file; None when nobody would care."""
    if sys.stderr.isatty() or size >= LARGE_FILE_BYTES:
        return _Progress(label)
    return None


@calendars_cli.command("expand", with_appcontext=False)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day.")
@click.option(
    "--end", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Day after the last day."
)
@click.option("--tz", "zone", default="UTC", show_default=True, help="Zone of floating times.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of intervals.")
@click.option("--keywords", help="Availability keywords, comma-separated (default: built in).")
@click.option("--categories", help="Availability categories, comma-separated.")
def expand_command(
    file: str,
    start: datetime,
    end: datetime,
    zone: str,
    as_json: bool,
    keywords: str | None,
    categories: str | None,
) -> None:
    """Print the busy and available intervals FILE yields from --start to --end (UTC).

    Days are midnights in --tz (the window ends at the start of --end). Damaged events are
    skipped and listed on stderr (exit 0); a file that is not a calendar exits 1. Needs no
    database.
    """
    try:
        ZoneInfo(zone)
    except (ValueError, KeyError):
        raise click.ClickException(f"unknown time zone {zone!r}")
    if end <= start:
        raise click.ClickException("--end must be after --start")
    data = _read_file(file)
    defaults = AvailabilityMarkers()
    markers = AvailabilityMarkers(
        _split(keywords) if keywords is not None else defaults.keywords,
        _split(categories) if categories is not None else defaults.categories,
    )
    window_start, window_end = _window(start.date(), end.date(), zone)
    progress = _progress(len(data), f"Expanding {Path(file).name}")
    try:
        result = read_calendar(
            data, window_start, window_end, zone, markers, Limits(), on_progress=progress
        )
    except IcsError as error:
        raise click.ClickException(f"{file}: {describe_ics_error(error)}")
    finally:
        if progress is not None:
            progress.close()
    _print_intervals(result.intervals, as_json)
    _echo_skipped(file, [str(skipped) for skipped in result.skipped])


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _print_intervals(intervals: list[Interval], as_json: bool) -> None:
    if as_json:
        rows = [
            {
                "start": _utc_text(i.start),
                "end": _utc_text(i.end),
                "kind": i.kind,
                "uid": i.uid,
            }
            for i in intervals
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for i in intervals:
        click.echo(f"{_utc_text(i.start)}  {_utc_text(i.end)}  {i.kind:9}  {i.uid}")
