"""The territorial diagnostic: data from the store, figures from the indicator registry, secrecy
on every audit figure, rendered to PDF (or HTML) through the restricted fetcher.

    from gtec_cli.report.diagnostic import render_diagnostic
    result = render_diagnostic(ws, store, period="2026-T4")   # -> DiagnosticResult(path, ...)
"""

from __future__ import annotations

import datetime as _dt
import gc
import time
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from .. import __version__
from ..errors import UsageError
from ..periods import normalise_period, parse_period
from .context import ReportContext
from .model import number_blocks

#: Store tables the diagnostic reads besides those the indicators declare.
EXTRA_TABLES = ("companies", "assessments", "cooperation", "population", "employment", "establishments",
                "training", "workforce_age_national")
TEMPLATE = "diagnostic/report.html.j2"


@dataclass
class DiagnosticResult:
    """A rendered diagnostic: where it is, what it used, how long each step took."""

    path: Path
    format: str
    refused_urls: list[str] = field(default_factory=list)
    suppressed: dict[str, int] = field(default_factory=dict)
    drops: list[int] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    html: str = ""
    #: The chart images the HTML names (`gtec-chart:NAME` -> (PNG bytes, MIME type)).
    charts: dict = field(default_factory=dict)


def report_path(ws, period: str, *, name: str = "diagnostic", territory: str | None = None,
                lang: str | None = None, internal: bool = False, fmt: str = "pdf") -> Path:
    """`<workspace>/reports/<territory>/<period>/diagnostic.pdf` (the folder `gtec refresh` uses);
    other languages and the internal edition get a suffix so they never overwrite the committee's."""
    code = territory or ws.settings.territory.code or ws.settings.territory.name
    suffix = ("-en" if lang == "en" and ws.settings.report.language != "en" else "") + \
             ("-interne" if internal else "")
    return ws.folder("output_dir") / code.replace(":", "-") / period / f"{name}{suffix}.{fmt}"


def _settings_for(ws, territory: str | None):
    """The workspace settings, or those of another territory (`--territory`, batches): its code
    and name, and comparisons taken from its own footprint (an area of the Côte-d'Or is compared
    with the Côte-d'Or, not with the workspace's département)."""
    settings = ws.settings
    if territory and territory != settings.territory.code:
        from .. import nomenclatures as nom

        try:
            code = nom.territory(territory)
        except ValueError as exc:
            raise UsageError(f"Territoire invalide {territory!r} : {exc}") from None
        mesh, _, value = code.partition(":")
        name = "France" if code == "fr" else f"{nom.MESHES.get(mesh, mesh)} {value}"
        footprint = nom.territory_footprint(code) if code != "fr" else None
        comparisons = settings.territory.comparisons
        if footprint is not None and (footprint.departements or footprint.regions):
            wider = [*(footprint.departements if len(footprint.departements) == 1 else ()),
                     *(footprint.regions if len(footprint.regions) == 1 else ()), "fr"]
            comparisons = [c for c in dict.fromkeys(wider) if c != code]
        block = settings.territory.model_copy(update={"code": code, "name": name, "communes": [],
                                                      "aliases": [], "comparisons": comparisons})
        settings = settings.model_copy(update={"territory": block})
    return settings


def _audits_within(frames: dict, code: str) -> dict:
    """Audit rows of the companies located in `code` (by their commune). The workspace's audits
    describe its own territory: another territory's diagnostic keeps only its own companies, and
    none when its communes are not known (arrondissements, EPCI, zones d'emploi)."""
    from .. import nomenclatures as nom
    from ..indicators.compute import AUDIT_TABLES

    companies = frames.get("companies")
    if code == "fr" or companies is None or companies.empty:
        return frames
    inside = set(nom.territory_footprint(code).communes)
    keep = set(companies.loc[companies["commune"].astype(str).isin(inside), "siret"])
    return {table: (frame[frame["siret"].isin(keep)].reset_index(drop=True)
                    if table in AUDIT_TABLES and not frame.empty and "siret" in frame.columns else frame)
            for table, frame in frames.items()}


def _previous_period(store, period: str) -> str | None:
    """The latest earlier period holding audits or an observatory workbook."""
    key = parse_period(period)
    earlier = {d.period for d in store.drops() if d.kind in ("audit", "opeq") and parse_period(d.period) < key}
    return max(earlier, key=parse_period) if earlier else None


def build(ws, store, period: str, *, lang: str, internal: bool = False, output: str = "pdf",
          territory: str | None = None):
    """Load the data and build every section; returns (context, sections)."""
    from ..indicators import REGISTRY
    from ..indicators.compute import load, tables_for
    from . import (
        sections_annex,
        sections_audit,
        sections_changes,
        sections_public,
        sections_synthesis,
    )

    settings = _settings_for(ws, territory)
    tables = list(dict.fromkeys([*tables_for(REGISTRY), *EXTRA_TABLES]))
    own = settings is ws.settings

    def load_period(p: str) -> dict:
        frames = load(store, settings, tables, period=p)
        return frames if own else _audits_within(frames, settings.territory.code)

    frames = load_period(period)
    used = set()
    for frame in frames.values():
        if not frame.empty and "drop_id" in frame:
            used.update(int(i) for i in frame["drop_id"].dropna().unique())
    drops = [drop for drop in store.drops() if drop.id in used]
    ctx = ReportContext(root=ws.root, settings=settings, period=period, lang=lang, internal=internal,
                        frames=frames, drops=drops, output=output)
    ctx.previous_period = _previous_period(store, period)
    ctx.load_previous = load_period
    code = settings.territory.code or settings.territory.name
    ctx.attachment_name = f"gtec-diagnostic-{code.replace(':', '-')}-{period}.csv"

    # Audits first: the other sections (triangulation) read their protected tables.
    audits = sections_audit.build(ctx, 60)
    body = [
        sections_public.framing(ctx, 10),
        sections_public.population(ctx, 20),
        sections_public.economy(ctx, 30),
        sections_public.labour(ctx, 40),
        sections_public.training(ctx, 50),
        audits,
        sections_synthesis.triangulation(ctx, 70),
        sections_audit.cooperation(ctx, 80),
    ]
    # What changed comes first after the summary: the committee reads it before the portrait.
    # Built after the audits, whose protected tables it reuses for this period's figures.
    changed = sections_changes.section(ctx, 5, drops=store.drops())
    sections = [sections_synthesis.summary(ctx), changed, *body]
    number_blocks(sections)
    tables_shown = [tb for s in sections for tb in s.tables()]
    sections.append(sections_annex.annexes(ctx, tables_shown))
    number_blocks(sections)
    return ctx, sections


def render_diagnostic(ws, store, *, period: str | None = None, territory: str | None = None,
                      lang: str | None = None, fmt: str = "pdf", out: Path | None = None,
                      internal: bool = False) -> DiagnosticResult:
    """Build the diagnostic of `period` and write it as PDF (default) or HTML."""
    if fmt not in ("pdf", "html"):
        raise UsageError(f"Format inconnu : {fmt!r}. Choisissez pdf ou html.")
    lang = lang or ws.settings.report.language
    if lang not in ("fr", "en"):
        raise UsageError(f"Langue inconnue : {lang!r}. Choisissez fr ou en.")
    period = normalise_period(period or ws.default_period())
    # Everything alive now (imported modules, the caller's data) is left out of garbage
    # collections while the report is built: they find nothing to free there, only time to lose.
    gc.freeze()
    try:
        return _render(ws, store, period, lang=lang, fmt=fmt, out=out, internal=internal,
                       territory=territory)
    finally:
        gc.unfreeze()


def _render(ws, store, period, *, lang, fmt, out, internal, territory) -> DiagnosticResult:
    from . import render
    from .i18n import Text
    from .provenance import tables_csv

    timings: dict[str, float] = {}
    start = time.perf_counter()
    ctx, sections = build(ws, store, period, lang=lang, internal=internal, output=fmt,
                          territory=territory)
    timings["data_and_charts"] = time.perf_counter() - start
    t = Text(lang)
    conf, small = ctx.settings.confidentiality, ctx.settings.small_numbers
    name = ctx.settings.territory.name
    today = _dt.date.today()
    doc = {
        "title": t.doc_title, "territory_name": name, "territory_code": ctx.territory,
        "period": period, "period_label": ctx.fmt.period(period), "internal": internal,
        "version": __version__,
        "edited": t.f("edited_on", date=ctx.fmt.date(today), version=__version__),
        "territory_line": ctx.territory_label(ctx.territory) + (f" ({ctx.territory})" if ctx.territory != name else ""),
        "footer": f"gtec {__version__}",  # territory and period are in the running header
    }
    css = (render.assets_dir() / "report.css").read_text(encoding="utf-8") if fmt == "html" else None
    context = {
        "lang": lang, "t": t, "doc": doc, "sections": sections,
        "secret_note": t.f("secret_note", min_companies=conf.min_companies,
                           dominance=ctx.fmt.integer(conf.dominance_share * 100)),
        "fragile_note": t.f("fragile_note", companies=small.min_companies, people=small.min_people),
        # Our own style sheet, read from the assets folder: trusted, so not escaped.
        "inline_css": Markup(css) if css else None,
    }
    start = time.perf_counter()
    html = render.render_html(TEMPLATE, context)
    timings["templating"] = time.perf_counter() - start
    path = Path(out) if out else report_path(ws, period, territory=territory, lang=lang,
                                            internal=internal, fmt=fmt)
    result = DiagnosticResult(path=path, format=fmt, drops=[d.id for d in ctx.drops],
                              suppressed=ctx.secrecy_totals, timings=timings, html=html)
    start = time.perf_counter()
    if fmt == "html":
        render.write_html(html, path)
    else:
        tables = [tb for s in sections for tb in s.tables()]
        attachment = (ctx.attachment_name, tables_csv(tables), t.attachment_description)
        written = render.write_pdf(html, path, charts=ctx.charts, attachments=[attachment])
        result.refused_urls = written.refused
    timings["weasyprint"] = time.perf_counter() - start
    result.charts = dict(ctx.charts)
    return result
