"""Flask extensions, created unbound and initialised by the app factory, and the app's event bus."""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from advising.database import Base
from advising.shared.events import EventBus

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


EVENTS_KEY = "advising.events"


def events(app: Flask | None = None) -> EventBus:
    """The app's event bus (see :mod:`advising.shared.events`), made on first use."""
    target = app if app is not None else current_app
    return target.extensions.setdefault(EVENTS_KEY, EventBus())
