"""`flask users ...`: manage accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from advising.accounts import services
from advising.accounts.models import Role

users_cli = AppGroup("users", help="Create, list and deactivate user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's display name.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create an account; the password is prompted for unless --password-stdin is given."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(email, name, role, password)
    except services.AccountError as error:
        raise click.ClickException(str(error))
    click.echo(f"Created {user.role} {user.email}.")


@users_cli.command("list")
def list_command() -> None:
    """List every account with its role and state."""
    users = services.list_users()
    if not users:
        click.echo("No accounts yet.")
    for user in users:
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email:40} {user.role:8} {state:11} {user.name}")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Deactivate an account and end its sessions."""
    try:
        user = services.deactivate_user(email)
    except services.AccountError as error:
        raise click.ClickException(str(error))
    click.echo(f"Deactivated {user.email}; their sessions have ended.")
