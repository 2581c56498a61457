"""HTML from templates, PDF from HTML: Jinja2 with autoescaping everywhere, WeasyPrint behind
gtec's restricted URL fetcher.

Templates live in the repository's top-level `templates/` folder (or `$GTEC_TEMPLATES_DIR`), found
the way :func:`gtec_cli.nomenclatures.data_dir` finds `data/`. Every value a template prints is
escaped, whatever the file name of the template: a company name such as `<img src=…>` prints as
text. Undefined variables are errors, not blanks.
"""

from __future__ import annotations

import gc
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .fetcher import AssetFetcher


def templates_dir() -> Path:
    """The repository's `templates/` folder (or `$GTEC_TEMPLATES_DIR`)."""
    from ..paths import shipped_folder

    return shipped_folder("templates", "assets", "GTEC_TEMPLATES_DIR")


def assets_dir() -> Path:
    """The only folder a report may read files from."""
    return templates_dir() / "assets"


def environment(folder: Path | None = None) -> jinja2.Environment:
    """The Jinja2 environment of every gtec report: autoescape on for all templates (even those
    rendered from strings), undefined variables raise."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder or templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render_html(template: str, context: dict, *, folder: Path | None = None) -> str:
    """Render one template with the report context."""
    return environment(folder).get_template(template).render(**context)


@dataclass
class PdfResult:
    """What the PDF writer did: the file, the URLs it refused (template bugs or injections)."""

    path: Path
    refused: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def write_pdf(html: str, out: Path, *, charts: dict[str, tuple[bytes, str]] | None = None,
              attachments: list[tuple[str, bytes, str]] = (), fetcher: AssetFetcher | None = None
              ) -> PdfResult:
    """Lay out `html` and write the PDF atomically (temporary file, then rename).

    `attachments` are (file name, bytes, description) embedded from memory: they never go through
    a URL, so they cannot be pointed at a file.
    """
    import weasyprint

    fetcher = fetcher or AssetFetcher(assets_dir(), charts)
    base_url = assets_dir().as_uri() + "/"
    embedded = [weasyprint.Attachment(string=data, name=name, description=description,
                                      url_fetcher=fetcher)
                for name, data, description in attachments]
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    # Layout creates millions of short-lived objects; without this, each full garbage collection
    # also walks every object the caller holds (DataFrames, the report model): measured 25-40 %
    # of WeasyPrint's time in a report process. Frozen objects are simply not scanned until
    # `unfreeze`, nothing is leaked.
    gc.freeze()
    logger.addHandler(collect)
    previous = logger.propagate
    logger.propagate = False  # refusals are reported once, by gtec, not as raw log lines
    try:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = _temporary(out)
        try:
            document.write_pdf(tmp, attachments=embedded, pdf_variant=None)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        gc.unfreeze()
        logger.removeHandler(collect)
        logger.propagate = previous
    return PdfResult(out, list(fetcher.refused), list(fetcher.served))


def write_html(html: str, out: Path) -> Path:
    """Write the HTML edition atomically; its style sheet link points at gtec's assets."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(out)
    try:
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _temporary(out: Path) -> Path:
    """A hidden temporary name beside `out`, unique to this process: two renders of the same
    report (a batch and a manual run, which take no lock) never write into each other's file."""
    return out.with_name(f".{out.name}.{os.getpid()}.tmp")
