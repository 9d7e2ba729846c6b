"""HTML -> PDF with WeasyPrint, fetching nothing but the app's own static files."""

from __future__ import annotations

import gc
import hashlib
import logging
import mimetypes
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text import ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse
from werkzeug.security import safe_join

log = logging.getLogger("advising.roadmap")


class StaticFilesOnly(URLFetcher):
    """Serves ``<base_url><static_url_path>/...`` from the static folder; refuses any other
    URL (no network, no arbitrary files), so a PDF never depends on the outside world."""

    def __init__(self, base_url: str, static_url_path: str, static_folder: str | Path):
        super().__init__(allowed_protocols=())
        base = urlsplit(base_url)
        self._origin = (base.scheme, base.netloc)
        self._prefix = static_url_path.rstrip("/") + "/"
        self._folder = str(static_folder)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self._origin or not parts.path.startswith(self._prefix):
            raise ValueError("only the app's static files are available to PDFs")
        path = safe_join(self._folder, unquote(parts.path[len(self._prefix) :]))
        if path is None or not Path(path).is_file():
            raise ValueError("no such static file")
        mime_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=Path(path).read_bytes(), headers={"Content-Type": mime_type}
        )


# One render at a time per process: WeasyPrint's shared font configuration is not meant for
# threads, and a render holds the interpreter anyway.
_RENDER_LOCK = threading.Lock()


# A render makes hundreds of thousands of short-lived objects (boxes, styles, layouts), few of
# them in cycles: at the usual threshold (700) the young generation is collected hundreds of
# times per render, for 4-8% of its CPU (benchmarks/bench_pdf_render.py measures it).
RENDER_GC_THRESHOLD = 20_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect the young generation only every :data:`RENDER_GC_THRESHOLD` allocations while
    inside (never more often than before), as before afterwards. The thresholds are the
    process's: hold the render lock."""
    before = gc.get_threshold()
    gc.set_threshold(max(RENDER_GC_THRESHOLD, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def fonts_subset_by_harfbuzz() -> bool:
    """Whether WeasyPrint cuts the fonts it embeds down to the glyphs used with HarfBuzz's
    subsetter (C, Debian's ``libharfbuzz-subset0``) rather than fontTools (Python): with
    fontTools a roadmap render costs about 1.8x the CPU (5.1 against 2.9 G instructions for the
    demo roadmap, cachegrind), as it reads each DejaVu font's layout tables whole."""
    return ffi.harfbuzz_subset is not None and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))


@lru_cache(maxsize=1)
def _fonts() -> FontConfiguration:
    return FontConfiguration()


def _static_files(static_folder: str | Path, names: Sequence[str]) -> list[tuple[str, int]]:
    """(path, modification time) of each named static file; ValueError when one is missing."""
    found = []
    for name in names:
        path = safe_join(str(static_folder), name)
        if path is None or not Path(path).is_file():
            raise ValueError(f"no such stylesheet: {name}")
        found.append((path, Path(path).stat().st_mtime_ns))
    return found


def stylesheets_version(static_folder: str | Path, names: Sequence[str]) -> str:
    """A short hash of the stylesheets' contents (worked out again only when one changes)."""
    return _contents_hash(tuple(_static_files(static_folder, names)))


@lru_cache(maxsize=8)
def _contents_hash(files: tuple[tuple[str, int], ...]) -> str:
    digest = hashlib.sha256()
    for path, _modified in files:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=16)
def _stylesheet(path: str, modified_ns: int) -> CSS:
    """A static stylesheet parsed once per process (and again when the file changes)."""
    return CSS(filename=path, font_config=_fonts())


def render_pdf(
    html: str,
    *,
    base_url: str,
    static_url_path: str,
    static_folder: str | Path,
    stylesheets: Sequence[str] = (),
) -> bytes:
    """The PDF of ``html``. ``stylesheets`` (paths in the static folder) are applied as if
    linked, parsed once per process rather than once per render; anything ``html`` itself
    links must lie under ``static_url_path``."""
    fetcher = StaticFilesOnly(base_url, static_url_path, static_folder)
    files = _static_files(static_folder, stylesheets)
    sheets = [_stylesheet(path, modified) for path, modified in files]
    with _RENDER_LOCK, fewer_collections():
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        return document.write_pdf(stylesheets=sheets, font_config=_fonts())
