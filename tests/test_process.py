"""Start-up of long-running processes: warm-ups, then the start-up heap frozen."""

from __future__ import annotations

import gc
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

from advising.process import WARM_UPS, on_warm_up, settle
from advising.roadmap import pdf, prerender

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def thawed():
    """Tests here freeze the test process's heap; give it back to the collector after."""
    yield
    gc.unfreeze()


@pytest.fixture
def empty_render_caches():
    pdf._stylesheet.cache_clear()
    yield
    pdf._stylesheet.cache_clear()


def test_settle_can_freeze_without_the_warm_ups(app, thawed):
    gc.unfreeze()
    ran: list[str] = []
    on_warm_up(app, lambda _app: ran.append("warm-up"))
    settle(app, warm_ups=False)
    assert ran == [] and gc.get_freeze_count() > 1000


def test_settle_runs_the_warm_ups_then_freezes_what_is_alive(app, thawed, caplog):
    gc.unfreeze()
    seen: list[tuple[str, int]] = []
    made_by_warm_up: list[object] = []

    def failing(_app):
        raise RuntimeError("no fonts here")

    def building(warmed):
        seen.append((warmed.name, gc.get_freeze_count()))
        made_by_warm_up.append({"kept": ["for the process"]})

    on_warm_up(app, failing)
    on_warm_up(app, building)
    caplog.set_level(logging.INFO, logger="advising.process")
    settle(app)
    assert seen == [(app.name, 0)]  # ran, and before the freeze
    assert gc.get_freeze_count() > 1000
    # What the warm-up built is frozen: no longer among the objects the collector tracks.
    assert not any(obj is made_by_warm_up[0] for obj in gc.get_objects())
    assert "warm-up failing failed; skipped" in caplog.text
    assert "objects frozen" in caplog.text


def test_the_roadmap_warm_up_parses_the_print_stylesheets_and_renders(
    app, thawed, empty_render_caches, monkeypatch
):
    renders: list[str] = []
    real_render = pdf.render_pdf

    def counting(html, **kwargs):
        renders.append(html)
        return real_render(html, **kwargs)

    monkeypatch.setattr(prerender, "render_pdf", counting)
    assert prerender.warm_up in app.extensions[WARM_UPS]
    settle(app)
    assert len(renders) == 1 and "print-document" in renders[0]
    assert pdf._stylesheet.cache_info().currsize == len(prerender.PRINT_STYLESHEETS)


def test_gunicorn_workers_settle_once_they_have_loaded_the_app(app, thawed, monkeypatch):
    settled: list[tuple[object, bool]] = []
    monkeypatch.setattr(
        "advising.process.settle", lambda app, *, warm_ups: settled.append((app, warm_ups))
    )
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    def worker(wsgi_app, preload_app=False):
        return SimpleNamespace(wsgi=wsgi_app, cfg=SimpleNamespace(preload_app=preload_app))

    config["post_worker_init"](worker(app))
    assert settled == [(app, False)]  # frozen, without the PDF warm-up
    config["post_worker_init"](worker(app, preload_app=True))
    config["post_worker_init"](worker(lambda environ, start_response: []))
    assert settled == [(app, False)]  # a preloaded or wrapped app is left as it is
