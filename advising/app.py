"""The application factory."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from advising.config import load_config
from advising.database import (
    configure_postgresql,
    configure_sqlite,
    discard_connections_the_server_closed,
)
from advising.extensions import csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def build_app(config: dict[str, Any] | None = None) -> Flask:
    """See :func:`advising.create_app`."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    instance_path = Path((config or {}).get("INSTANCE_PATH", app.instance_path))
    app.instance_path = str(instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(load_config(instance_path))
    if config:
        app.config.from_mapping(config)

    _set_up_logging(app)

    if app.config["TRUST_PROXY"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations"), compare_type=True, render_as_batch=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from advising import web
    from advising.accounts import register as register_accounts
    from advising.advisors import register as register_advisors
    from advising.api.routes import register as register_api
    from advising.calendars.routes import register as register_calendars
    from advising.consultations import register as register_consultations
    from advising.demo import register as register_demo
    from advising.intake import register as register_intake
    from advising.invites import register as register_invites
    from advising.outbox import register as register_outbox
    from advising.roadmap.routes import register as register_roadmap
    from advising.scheduling.routes import register as register_scheduling
    from advising.staff import register as register_staff
    from advising.webhooks import register as register_webhooks
    from advising.worker import register as register_worker

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
        else:
            discard_connections_the_server_closed(db.engine)
        if db.engine.dialect.name == "postgresql":
            configure_postgresql(db.engine)

    web.register(app)
    register_accounts(app)
    register_advisors(app)
    register_calendars(app)
    register_outbox(app)
    register_scheduling(app)
    register_consultations(app)
    register_invites(app)
    register_staff(app)
    register_intake(app)
    register_demo(app)
    register_api(app)
    register_roadmap(app)
    register_webhooks(app)
    register_worker(app)
    return app


def _set_up_logging(app: Flask) -> None:
    """Logs carry neither URL secrets nor personal data: paths and messages are redacted on the
    loggers that write them (and on our own handlers), SQL parameters are never logged or put
    into error messages, result rows never logged. Gunicorn's loggers: ``gunicorn.conf.py``."""
    from advising.web import PATH_LOGGERS, install_log_redaction

    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
        install_log_redaction(*logging.getLogger().handlers)
        logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its progress is noise
    names = (*PATH_LOGGERS, "flask-limiter", "sqlalchemy.engine.Engine")
    install_log_redaction(app.logger, *(logging.getLogger(name) for name in names))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "hide_parameters": True,
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    }
