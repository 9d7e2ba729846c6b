"""Advisors: public profiles and the advisor's own settings."""

from flask import Flask


def register(app: Flask) -> None:
    from advising.accounts.events import RoleGiven
    from advising.advisors import availability, models  # noqa: F401
    from advising.advisors.routes import bp
    from advising.advisors.services import draft_profile_for
    from advising.extensions import events
    from advising.web import NavItem, add_nav

    availability.install()
    events(app).subscribe(RoleGiven, draft_profile_for)
    app.register_blueprint(bp)
    add_nav(app, NavItem("Advisors", "advisors.advisor_list"))
    add_nav(
        app,
        NavItem(
            "My profile",
            "advisors.edit_profile",
            ("advisor",),
            tile="Your public page, specialties, time zone and video link.",
            menu="account",
        ),
    )
