"""`flask worker` (the long-running deliverer and scheduler) and `flask dev` (web + worker)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from types import FrameType

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext

from advising.process import settle
from advising.worker.loop import Worker

log = logging.getLogger("advising.worker")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
DEV_STOP_TIMEOUT = 45.0  # longer than one SMTP exchange may hang (MAIL_TIMEOUT_SECONDS, 30 s)


@click.command("worker")
@with_appcontext
def worker_command() -> None:
    """Deliver mail as soon as it is queued, queue reminders, sync calendar feeds.

    SIGTERM or Ctrl+C stops it after the message in hand (a second one stops it at once and
    hands that message back). Run as many as you like, on as many hosts.
    """
    from advising.invites.mail import MailConfigError, transport_from_url

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        transport_from_url(app.config["MAIL_URL"]).close()
    except MailConfigError as error:
        raise click.ClickException(f"MAIL_URL: {error}")
    if (nice := int(app.config["WORKER_NICE"])) > 0:
        os.nice(nice)  # background work (PDF renders, mail) yields the CPU to web requests
    worker = Worker(app)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if worker.stopping.is_set():  # asked twice: stop now, the claim is released
            for number in STOP_SIGNALS:
                signal.signal(number, signal.SIG_DFL)
            raise KeyboardInterrupt
        log.info("worker: %s received, stopping", signal.Signals(signum).name)
        worker.stop()

    for number in STOP_SIGNALS:
        signal.signal(number, on_signal)
    settle(app)
    try:
        worker.run()
    except KeyboardInterrupt:
        log.warning("worker: stopped at once; the message in hand was handed back")


@click.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.pass_obj
def dev_command(info: ScriptInfo, host: str, port: int) -> None:
    """Run the development web server and a worker; Ctrl+C stops both. Links in mail, invites
    and PDFs name this server unless PUBLIC_BASE_URL says otherwise."""
    flask = [sys.executable, "-m", "flask", "--app", info.app_import_path or "wsgi"]
    env = dict(os.environ)
    if not env.get("PUBLIC_BASE_URL"):
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
        env["PUBLIC_BASE_URL"] = f"http://{shown}:{port}"
    commands = {
        "web": [*flask, "run", "--host", host, "--port", str(port)],
        "worker": [*flask, "worker"],
    }
    # Their own process groups: Ctrl+C reaches only this launcher, which then asks each
    # child once to stop (a second signal would make the worker drop the message in hand).
    children = {
        name: subprocess.Popen(command, process_group=0, env=env)  # noqa: S603  (our flask)
        for name, command in commands.items()
    }
    for name, child in children.items():
        click.echo(f"{name}: pid {child.pid}")
    click.echo(f"Serving on http://{host}:{port} with a worker (Ctrl+C stops both)")
    stopping = False

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    for number in STOP_SIGNALS:
        signal.signal(number, on_signal)
    while not stopping and all(child.poll() is None for child in children.values()):
        time.sleep(0.2)
    failed = [name for name, child in children.items() if child.poll() not in (None, 0)]
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + DEV_STOP_TIMEOUT
    for name, child in children.items():
        try:
            child.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            click.echo(f"{name} did not stop in time; killing it", err=True)
            child.kill()
            child.wait()
    if failed and not stopping:
        raise click.ClickException(f"{', '.join(failed)} exited; stopped the rest")
