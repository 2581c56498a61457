"""The only door WeasyPrint has to the outside world while gtec renders a report.

By default WeasyPrint fetches whatever the HTML names: http URLs, `file:///etc/passwd`, files
named by `<a rel="attachment">` (tech-notes.md). gtec's fetcher serves exactly two things:

* files inside gtec's own `templates/assets/` folder (style sheet, logo), by `file:` URL, after
  resolving symbolic links and `..`;
* the charts gtec drew for this report, by `gtec-chart:NAME` URLs registered by the renderer
  (no `data:` URLs at all, so nothing in the HTML can smuggle content in).

Everything else is refused with an exception WeasyPrint catches and logs: the render goes on
without the resource, and the refusal is recorded in :attr:`AssetFetcher.refused`.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

CHART_SCHEME = "gtec-chart"


class RefusedURL(ValueError):
    """A URL outside what a gtec report may read; WeasyPrint logs it and skips the resource."""


class AssetFetcher(URLFetcher):
    """A WeasyPrint URL fetcher restricted to one assets folder and the report's own charts."""

    def __init__(self, assets_dir: Path, charts: dict[str, tuple[bytes, str]] | None = None):
        # No network handler is ever used: `fetch` below never calls the parent's opener.
        super().__init__(timeout=1, allowed_protocols={"file", CHART_SCHEME},
                         allow_redirects=False, fail_on_errors=False)
        self.root = Path(assets_dir).resolve()
        self.charts: dict[str, tuple[bytes, str]] = dict(charts or {})
        self.refused: list[str] = []
        self.served: list[str] = []

    def add_chart(self, name: str, data: bytes, mime_type: str = "image/png") -> str:
        """Register a chart image and return the URL to put in `<img src>`."""
        self.charts[name] = (data, mime_type)
        return f"{CHART_SCHEME}:{name}"

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Serve an asset or a registered chart; refuse anything else (never crashes the render)."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return self._refuse(url)
        scheme = parts.scheme.lower()
        if scheme == CHART_SCHEME:
            name = unquote(parts.path)
            if name in self.charts:
                data, mime = self.charts[name]
                self.served.append(url)
                return URLFetcherResponse(url, data, {"Content-Type": mime})
            return self._refuse(url)
        if scheme == "file" and parts.netloc in ("", "localhost") and not parts.query:
            path = self._inside_assets(Path(url2pathname(parts.path)))
            if path is not None:
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                self.served.append(url)
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        return self._refuse(url)

    def _inside_assets(self, path: Path) -> Path | None:
        try:
            real = path.resolve(strict=True)  # follows symlinks: a link out of assets is refused
        except (OSError, RuntimeError):
            return None
        if real.is_file() and real.is_relative_to(self.root):
            return real
        return None

    def _refuse(self, url: str):
        self.refused.append(url)
        raise RefusedURL(f"gtec n'autorise pas cette ressource dans un rapport : {url[:120]}")
