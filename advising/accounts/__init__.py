"""Accounts: users, roles, sign-in and sessions."""

from flask import Flask

from advising.extensions import login_manager


def register(app: Flask) -> None:
    from advising.accounts import models  # noqa: F401  (models registered with the metadata)
    from advising.accounts.cli import users_cli
    from advising.accounts.routes import bp
    from advising.accounts.sessions import load_user

    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    from advising.web import NavItem, add_nav

    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
    add_nav(
        app,
        NavItem(
            "Password",
            "accounts.change_password",
            ("advisor", "staff", "admin"),
            tile="Change your password; other devices are signed out.",
            menu="account",
        ),
    )
    add_nav(
        app,
        NavItem(
            "Time zone",
            "accounts.time_zone",
            ("staff", "admin"),
            tile="The zone staff pages show dates and times in.",
            menu="account",
        ),
    )
    add_nav(
        app,
        NavItem(
            "Accounts",
            "accounts.admin_users",
            ("admin",),
            tile="Invite people, change roles, deactivate accounts; every change is recorded.",
        ),
    )
