"""`flask mail ...`: deliver the outbox and queue reminders (idempotent; run from cron)."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from advising.invites import outbox, reminders
from advising.invites.mail import MailConfigError

mail_cli = AppGroup("mail", help="Deliver queued mail and queue consultation reminders.")


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("use an ISO 8601 instant, e.g. 2026-03-01T09:00:00Z")
    if parsed.tzinfo is None:
        raise click.BadParameter("give the instant's zone or offset, e.g. ...Z or ...+01:00")
    return parsed.astimezone(UTC)


NOW_OPTION = click.option(
    "--now", "now_text", metavar="INSTANT", help="Act as if it were this instant (testing)."
)


@mail_cli.command("deliver")
@click.option("--limit", default=outbox.MAX_PER_RUN, show_default=True, help="Most messages.")
@NOW_OPTION
def deliver_command(limit: int, now_text: str | None) -> None:
    """Send the messages that are due; failures wait and are tried again later."""
    now = _instant(now_text)
    try:
        report = outbox.deliver(now=now, limit=limit)
    except MailConfigError as error:
        raise click.ClickException(f"MAIL_URL: {error}")
    purged = outbox.purge_sent(now)
    for line in report.errors:
        click.echo(line, err=True)
    click.echo(f"Mail: {report}." + (f" Removed {purged} old sent messages." if purged else ""))


@mail_cli.command("reminders")
@NOW_OPTION
def reminders_command(now_text: str | None) -> None:
    """Queue the reminders due now (24 hours and 1 hour before), each once."""
    count = reminders.queue_reminders(_instant(now_text))
    click.echo(f"Queued {count} reminder{'s' if count != 1 else ''}.")
