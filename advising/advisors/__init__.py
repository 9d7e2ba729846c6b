"""Advisors: public profiles and the advisor's own settings."""

from flask import Flask


def register(app: Flask) -> None:
    from advising.advisors import availability, models  # noqa: F401
    from advising.advisors.routes import bp
    from advising.web import NavItem, add_nav

    availability.install()
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
