"""HTML -> PDF with WeasyPrint, fetching nothing but the app's own static files."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
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


def render_pdf(
    html: str, *, base_url: str, static_url_path: str, static_folder: str | Path
) -> bytes:
    """The PDF of ``html`` (which links its stylesheet under ``static_url_path``)."""
    fetcher = StaticFilesOnly(base_url, static_url_path, static_folder)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
