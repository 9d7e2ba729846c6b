"""Career intake: the form, the stored answers and the roadmap built from them, retention.
The roadmap's pages live in :mod:`advising.roadmap`, on top of everything."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, has_request_context, request, url_for


@dataclass(frozen=True)
class HomeAction:
    url: str
    label: str
    class_: str = "button-primary"


def _home_actions() -> dict[str, object]:
    if not has_request_context() or request.endpoint != "web.home":
        return {}
    return {"home_actions": [HomeAction(url_for("intake.start"), "Get my free roadmap")]}


def register(app: Flask) -> None:
    from advising.intake import models  # noqa: F401  (tables registered with the metadata)
    from advising.intake.cli import intake_cli
    from advising.intake.routes import bp as intake_bp
    from advising.intake.services import format_budget, format_date
    from advising.web import NavItem, add_nav

    app.register_blueprint(intake_bp)
    app.cli.add_command(intake_cli)
    app.jinja_env.filters["roadmap_date"] = format_date
    app.jinja_env.filters["budget"] = format_budget
    app.context_processor(_home_actions)
    add_nav(app, NavItem("Career roadmap", "intake.start"))
