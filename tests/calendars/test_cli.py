"""`flask calendars expand | import | sync`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from advising.advisors.models import AdvisorProfile
from advising.calendars import cli
from advising.calendars.models import CalendarSource
from advising.extensions import db
from tests.calendars.test_feeds import Route, feed_server, two_meetings  # noqa: F401 (fixture)
from tests.calendars.test_services import DAMAGED_EVENT, GOOGLE, MALFORMED, blocks_of
from tests.factories import make_advisor


def expand(*args: str):
    return CliRunner().invoke(cli.expand_command, list(args))


# --- expand: pure, no app or database -----------------------------------------------------------


def test_expand_prints_json_intervals_in_utc():
    result = expand(
        str(GOOGLE), "--start", "2026-03-02", "--end", "2026-03-09", "--json", "--tz", "UTC"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(set(row) == {"start", "end", "kind", "uid"} for row in rows)
    assert {row["kind"] for row in rows} == {"busy", "available"}
    monday = next(row for row in rows if row["uid"] == "therapy-series@google.com")
    assert (monday["start"], monday["end"]) == ("2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z")
    starts = [datetime.fromisoformat(row["start"]) for row in rows]
    assert starts == sorted(starts) and all(s.tzinfo == UTC for s in starts)
    assert min(starts) >= datetime(2026, 3, 2, tzinfo=UTC)
    assert max(starts) < datetime(2026, 3, 9, tzinfo=UTC)


def test_expand_prints_one_line_per_interval_and_honours_markers():
    result = expand(
        str(GOOGLE), "--start", "2026-03-02", "--end", "2026-03-03", "--keywords", "therapy"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "2026-03-02T15:00:00Z  2026-03-02T16:00:00Z  available  therapy-series@google.com"
    ]


def test_expand_window_days_are_midnights_in_the_given_zone():
    args = (str(GOOGLE), "--start", "2026-03-02", "--end", "2026-03-03", "--json")
    late = json.loads(expand(*args, "--tz", "Pacific/Kiritimati").stdout)  # UTC+14
    assert all(row["start"] >= "2026-03-01T10:00:00Z" for row in late)
    assert not any(row["uid"] == "therapy-series@google.com" for row in late)


def test_expand_fails_with_one_line_for_a_file_it_cannot_read(tmp_path):
    result = expand(str(MALFORMED), "--start", "2026-01-01", "--end", "2026-02-01")
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Error: {MALFORMED}: Line 10: ")

    result = expand(str(tmp_path / "missing.ics"), "--start", "2026-01-01", "--end", "2026-02-01")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: cannot read {tmp_path / 'missing.ics'}: No such file or directory"
    ]
    result = expand(str(GOOGLE), "--start", "2026-02-01", "--end", "2026-01-01")
    assert result.exit_code == 1 and "--end must be after --start" in result.output


def test_progress_is_shown_only_on_a_terminal_or_for_large_files():
    assert cli._progress(1000, "x") is None  # small file, and stderr is not a terminal here
    progress = cli._progress(cli.LARGE_FILE_BYTES, "x")
    assert progress is not None
    progress(5, 10)
    progress(10, 10)
    progress.close()
    assert progress.bar.pos == 10


# --- import and sync ---------------------------------------------------------------------------


def test_import_by_slug_or_email(runner, ctx):
    advisor = make_advisor(slug="maria-lopez", email="maria@example.org")
    result = runner.invoke(args=["calendars", "import", "maria-lopez", str(GOOGLE)])
    assert result.exit_code == 0, result.output
    source = db.session.scalar(db.select(CalendarSource))
    assert source.label == "web_google_private" and source.block_count > 50
    assert f"Imported {source.block_count} blocks" in result.output

    result = runner.invoke(
        args=["calendars", "import", "MARIA@example.org", str(GOOGLE), "--keywords", "therapy"]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(db.select(CalendarSource)).one().keywords == ["therapy"]
    assert advisor.id == source.advisor_id

    result = runner.invoke(args=["calendars", "import", "nobody", str(GOOGLE)])
    assert result.exit_code == 1 and "No advisor" in result.output
    result = runner.invoke(args=["calendars", "import", "maria-lopez", str(MALFORMED)])
    assert result.exit_code == 1 and "Line " in result.output


def test_sync_reports_each_source_and_fails_when_one_fails(runner, ctx, feed_server):  # noqa: F811
    good = feed_server.serve("/good.ics", Route(two_meetings()))
    bad_route = Route(two_meetings())
    bad = feed_server.serve("/bad.ics", bad_route)
    from advising.calendars import services

    services.add_feed(make_advisor(name="Ann Good"), good, "Good feed", None, None)
    source = services.add_feed(make_advisor(name="Bob Bad"), bad, "Bad feed", None, None)
    blocks = blocks_of(source.id)
    db.session.commit()

    result = runner.invoke(args=["calendars", "sync"])
    assert result.exit_code == 0, result.output
    assert "[1/2] Ann Good / Good feed: updated, 2 blocks" in result.output
    assert "Synced 2 calendar(s): 2 updated, 0 unchanged, 0 failed" in result.output

    bad_route.status = 500
    result = runner.invoke(args=["calendars", "sync"])
    assert result.exit_code == 1
    assert "[2/2] Bob Bad / Bad feed: failed: The feed answered 500" in result.output
    assert "1 updated, 0 unchanged, 1 failed" in result.output
    assert blocks_of(source.id) == blocks


def test_demo_seed_gives_each_demo_advisor_a_calendar_once(runner, ctx):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    sources = list(db.session.scalars(db.select(CalendarSource)))
    assert len(sources) == 3 and {s.advisor_id for s in sources} == {
        a.id for a in db.session.scalars(db.select(AdvisorProfile))
    }
    soon = datetime.now(UTC) + timedelta(days=14)
    for source in sources:
        kinds = {kind for start, _, kind, _ in blocks_of(source.id) if start < soon}
        assert kinds == {"busy", "available"}, source.advisor.display_name


# --- damaged events and files that are not calendars ------------------------------------------


def test_expand_skips_a_damaged_event_lists_it_on_stderr_and_exits_0():
    result = expand(str(DAMAGED_EVENT), "--start", "2026-01-01", "--end", "2026-02-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "2026-01-05T15:00:00Z  2026-01-05T16:00:00Z  busy       ok-1"
    ]
    assert result.stderr.splitlines() == [
        f"{DAMAGED_EVENT}: 1 event was skipped:",
        '  line 12: DTSTART "not-a-date" is not a valid date or date and time.',
    ]


def test_expand_still_refuses_what_is_not_a_calendar(tmp_path):
    for name, data in (
        ("page.ics", b"<!DOCTYPE html><html><body>Sign in</body></html>"),
        ("binary.ics", bytes(range(256)) * 4),
        ("events-only.ics", b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        result = expand(str(path), "--start", "2026-01-01", "--end", "2026-02-01")
        assert result.exit_code == 1, name
        (line,) = result.output.strip().splitlines()
        assert line.startswith(f"Error: {path}: "), line


def test_import_reports_skipped_events_on_stderr(runner, ctx):
    make_advisor(slug="maria-lopez")
    result = runner.invoke(args=["calendars", "import", "maria-lopez", str(DAMAGED_EVENT)])
    assert result.exit_code == 0, result.output
    assert "line 12: DTSTART" in result.stderr and "1 event was skipped" in result.stderr
