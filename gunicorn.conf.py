"""Gunicorn settings shipped with the app: `gunicorn --config gunicorn.conf.py wsgi:app`.

Access and error lines go through :class:`advising.web.RedactSecrets`: the secret in a manage,
roadmap, API or feed path (and anything token-shaped, and email addresses) is replaced by
``[redacted]``. The access line logs the path without its query string or referer.
"""

import os

# Threads in each worker process: a request that waits (for a PDF the worker is rendering, for
# a slow database) holds a thread, not the process, so the requests queued behind it go on.
# Waiting threads cost little (they sleep), hence many.
# Worker processes: gunicorn's rule of thumb, 2 per core plus one (WEB_CONCURRENCY overrides).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "64"))
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))

# Remote address, time, method, path (no query string), status, bytes, milliseconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
accesslog = "-"
errorlog = "-"

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "advising.web.RedactSecrets"}},
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s",
            "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
        },
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["redact"],
            "stream": "ext://sys.stderr",
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "filters": ["redact"],
            "stream": "ext://sys.stdout",
        },
    },
    # The app's own loggers (and SQLAlchemy's, the rate limiter's) propagate to the root.
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {
            "level": "INFO",
            "handlers": ["console"],
            "filters": ["redact"],
            "propagate": False,
        },
        "gunicorn.access": {
            "level": "INFO",
            "handlers": ["access_console"],
            "filters": ["redact"],
            "propagate": False,
        },
    },
}


def post_worker_init(worker) -> None:
    """Each worker, once it has loaded the app, freezes its start-up heap
    (:func:`advising.process.settle`; without the warm-ups: a web process renders a PDF only
    when no background worker does). The app is loaded in each worker, not in the master
    (no ``preload_app``): with preloading, a collection here would touch every inherited
    object and copy the master's pages into each worker, so nothing is frozen then."""
    from flask import Flask

    from advising.process import settle

    app = getattr(worker, "wsgi", None)
    if isinstance(app, Flask) and not worker.cfg.preload_app:
        settle(app, warm_ups=False)
