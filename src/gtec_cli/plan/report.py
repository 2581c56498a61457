"""The action-plan PDF (`gtec report plan`): actions by horizon with their rationale, a timeline,
the collaboration opportunities and, from the second period on, the follow-up since the last
committee.

It reuses the report machinery of the diagnostic: Jinja2 with autoescape and strict undefined
(:mod:`gtec_cli.report.render`), WeasyPrint behind the restricted URL fetcher, the report model's
tables (:mod:`gtec_cli.report.model`), the chart style, the French formatting module and the
provenance helpers. Every figure printed comes from :func:`gtec_cli.plan.document.plan_document`,
so the committee edition names no company and applies statistical secrecy.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..formatting import Formatter
from .build import Plan, build_plan
from .catalogue import HORIZON_LABELS, HORIZON_ORDER
from .document import plan_document
from .followup import period_end

#: Indicative duration of each horizon on the timeline, in years (long term is open-ended).
TIMELINE_YEARS = {"court": 1, "moyen": 3, "long": 5}
HORIZON_COLORS = {"court": "#1f4e79", "moyen": "#5b8c5a", "long": "#d9822b"}
LATE = "#b3261e"
TITLE = "Plan d'action emploi-compétences"


@dataclass
class PlanReport:
    """Everything the template needs, and what the PDF embeds."""

    context: dict
    charts: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    tables: list = field(default_factory=list)


def _cell(text, raw=None, kind="label"):
    from ..report.model import Cell

    return Cell("" if text is None else str(text), kind=kind, raw=raw if raw is not None else text)


def _table(number: int, title: str, columns: list[str], rows: list[list], source: str, base: str = ""):
    from ..report.model import Table

    return Table(id=f"tab-{number}", title=title, columns=columns, rows=rows, source=source, base=base,
                 number=number)


def timeline_chart(doc: dict, start: _dt.date, fmt: Formatter):
    """A Gantt-like chart: one bar per action from the plan's start to the end of its horizon,
    the due date the committee set as a diamond (red when late). Returns a report `Chart`."""
    import matplotlib

    matplotlib.use("Agg")
    import io

    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from ..report.charts import DPI, INK, STYLE, WIDTH_IN, Chart

    actions = [a for h in HORIZON_ORDER for a in doc["actions"] if a["horizon"] == h]
    rows, labels = [], []
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.28 * max(len(actions), 1) + 0.9))
        for i, a in enumerate(actions):
            y = len(actions) - 1 - i
            end = _add_years(start, TIMELINE_YEARS[a["horizon"]])
            ax.barh(y, mdates.date2num(end) - mdates.date2num(start), left=mdates.date2num(start),
                    color=HORIZON_COLORS[a["horizon"]], height=0.6,
                    alpha=1.0 if a["fired"] else 0.45)
            f = a["followup"]
            if f and f["due_date"]:
                due = _dt.date.fromisoformat(f["due_date"])
                ax.plot(mdates.date2num(due), y, marker="D", markersize=4.5, linestyle="none",
                        color=LATE if f["late"] else INK)
            labels.append(a["title"] if len(a["title"]) <= 46 else a["title"][:45].rstrip() + "…")
            rows.append([_cell(a["title"]), _cell(HORIZON_LABELS[a["horizon"]]),
                         _cell(fmt.date(start), start.isoformat(), "num"),
                         _cell(fmt.date(end) + (" et au-delà" if a["horizon"] == "long" else ""),
                               end.isoformat(), "num"),
                         _cell(f["due_text"] if f else "—", f["due_date"] if f else None, "num"),
                         _cell((f["status"] + (" — en retard" if f["late"] else "")) if f else "—")])
        ax.set_yticks(range(len(actions) - 1, -1, -1), labels)
        ax.xaxis_date()
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.grid(axis="y", visible=False)
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        handles = [Patch(color=HORIZON_COLORS[h], label=HORIZON_LABELS[h]) for h in HORIZON_ORDER]
        handles += [Line2D([], [], marker="D", linestyle="none", color=INK, label="Échéance fixée par le comité"),
                    Line2D([], [], marker="D", linestyle="none", color=LATE, label="Échéance dépassée")]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.04,
                    metadata={"Software": None})
        plt.close(fig)
    counts = {h: sum(a["horizon"] == h for a in actions) for h in HORIZON_ORDER}
    late = sum(bool(a["followup"] and a["followup"]["late"]) for a in actions)
    alt = (f"Calendrier des {len(actions)} actions à partir du {fmt.date(start)} : "
           f"{counts['court']} de court terme (moins d'un an), {counts['moyen']} de moyen terme "
           f"(1 à 3 ans), {counts['long']} de long terme (plus de 3 ans)"
           + (f" ; {late} échéance(s) dépassée(s)" if late else "") + ".")
    table = _table(0, "Calendrier des actions",
                   ["Action", "Horizon", "Début", "Fin indicative", "Échéance", "Statut"], rows,
                   source="Catalogue d'actions gtec ; classeur de suivi du comité")
    return Chart("plan-timeline", buf.getvalue(), alt, table)


def _add_years(day: _dt.date, years: int) -> _dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _opportunity_rows(doc: dict, fmt: Formatter, internal: bool) -> list[list]:
    rows = []
    for o in doc["opportunities"]:
        if o.get("detail_hidden"):
            rows.append([_cell(o["type_label"]), _cell("détail masqué (secret statistique)"),
                         _cell(o["companies_text"]), _cell("—")])
            continue
        figures = "; ".join(f"{f['label']} : {f['text']}" for f in o["figures"].values())
        members = o["companies_text"]
        if internal:
            members = "\n".join(f"{m['name']} ({m['siret']}) — {', '.join(m['roles'])}"
                                for m in o["members"])
        rows.append([_cell(o["type_label"]), _cell(f"{o['label']} ({o['basis']})"),
                     _cell(members, o["companies"]),
                     _cell(figures or "—")])
    return rows


def build_report(plan: Plan, *, settings, drops: list, internal: bool = False,
                 lang: str = "fr", output: str = "pdf") -> PlanReport:
    """The template context of the action-plan report (charts drawn, tables built)."""
    import base64

    fmt = Formatter(lang)
    doc = plan_document(plan, internal=internal, lang=lang)
    start = period_end(plan.period) + _dt.timedelta(days=1)
    chart = timeline_chart(doc, start, fmt) if doc["actions"] else None
    report = PlanReport(context={})
    tables = []
    figure = None
    if chart is not None:
        report.charts[chart.name] = (chart.png, "image/png")
        src = ("data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
               if output == "html" else f"gtec-chart:{chart.name}")
        chart.table.number = 1
        tables.append(chart.table)
        figure = {"src": src, "alt": chart.alt, "table": chart.table}
    audit_source = f"Audits d'entreprises gtec, période {fmt.period(plan.period)}"
    opp_table = _table(len(tables) + 1, "Opportunités de coopération entre entreprises",
                       ["Type", "Sujet", "Entreprises" if not internal else "Membres", "Chiffres"],
                       _opportunity_rows(doc, fmt, internal), source=audit_source,
                       base=f"{plan.audited} entreprise(s) auditée(s)")
    tables.append(opp_table)
    trends = [[_cell(a["title"]), _cell(f["rationale"]), _cell(f["previous_text"] or "—", None, "num"),
               _cell(f["trend"] or "—")]
              for a in doc["actions"] for f in [*a["findings"], *a["resolved"]] if f["trend"]]
    trend_table = _table(len(tables) + 1, "Évolution des constats déclencheurs depuis la période précédente",
                         ["Action", "Constat (valeur actuelle)", "Valeur précédente", "Évolution"],
                         trends, source=audit_source) if trends else None
    if trend_table:
        tables.append(trend_table)
    followed = [a for a in doc["actions"] if a["followup"]]
    follow_table = None
    if followed:
        rows = [[_cell(a["title"]), _cell(a["followup"]["previous_status"] or "—"),
                 _cell(a["followup"]["status"]), _cell(a["followup"]["due_text"], None, "num"),
                 _cell("en retard" if a["followup"]["late"] else ("a bougé" if a["followup"]["moved"] else "—")),
                 _cell(a["followup"]["progress"] or "—")] for a in followed]
        follow_table = _table(len(tables) + 1, "Suivi des actions depuis le dernier comité",
                              ["Action", "Statut au dernier comité", "Statut", "Échéance", "Signal",
                               "Avancement"], rows,
                              source=f"Classeur de suivi du comité ({doc['followup']['file']})")
        tables.append(follow_table)
    report.tables = tables
    report.context = {
        "doc": doc, "lang": lang, "internal": internal, "title": TITLE, "version": __version__,
        "territory": settings.territory.name, "period_label": fmt.period(plan.period),
        "previous_label": fmt.period(plan.previous_period) if plan.previous_period else None,
        "edited": f"Édité le {fmt.date(_dt.date.today())} avec gtec {__version__}",
        "start": fmt.date(start), "as_of": fmt.date(plan.as_of),
        "figure": figure, "opportunities": opp_table, "trends": trend_table, "follow": follow_table,
        "horizons": doc["horizons"], "measures": _measures(plan),
        "summary": _summary(doc, fmt), "provenance": _provenance(settings, drops, internal),
        "secret_note": (f"s : chiffre masqué au titre du secret statistique (moins de "
                        f"{doc['confidentiality']['min_companies']} entreprises, ou une entreprise "
                        f"représentant {fmt.number(100 * doc['confidentiality']['dominance_share'], 0)} % "
                        "ou plus de la valeur)."),
        "toc": _toc(doc, bool(followed or trends or doc["previous_period"])),
        "show_followup": bool(followed or trends or doc["previous_period"]),
    }
    return report


def _summary(doc: dict, fmt: Formatter) -> list[str]:
    fired = [a for a in doc["actions"] if a["fired"]]
    items = [f"{len(fired)} action(s) proposée(s) à partir des audits de {doc['audited_companies']} "
             f"entreprise(s) : " + ", ".join(
                 f"{sum(a['horizon'] == h for a in fired)} de {HORIZON_LABELS[h].split(' (')[0].lower()}"
                 for h in HORIZON_ORDER) + "."]
    for a in fired[:3]:
        items.append(f"Priorité {a['priority_text']} : {a['title']} — "
                     + (a["findings"][0]["rationale"] if a["findings"] else ""))
    n_opp = len(doc["opportunities"])
    if n_opp:
        items.append(f"{n_opp} opportunité(s) de coopération entre entreprises repérée(s).")
    f = doc["followup"]
    if f["file"]:
        items.append(f"Suivi du dernier comité : {f['actions']} action(s) suivie(s), {f['moved']} "
                     f"statut(s) changé(s), {f['late']} action(s) en retard.")
    return items


def _measures(plan: Plan) -> list[dict]:
    from .measures import MEASURES

    used = {r.indicator for a in plan.catalogue.actions for r in a.rules}
    return [{"name": m.name, "label": m.label, "formula": m.formula, "concerned": m.concerned,
             "owner": "indicateur du registre gtec" if m.owner == "indicators" else "mesure propre au plan"}
            for name, m in MEASURES.items() if name in used]


def _provenance(settings, drops: list, internal: bool) -> dict:
    from ..report.provenance import settings_rows

    rows = []
    for d in drops:
        name = d.file_name if (internal or d.kind != "audit") else f"classeur d'audit n° {d.id}"
        rows.append({"kind": d.kind, "period": d.period, "file": name, "sha256": d.sha256,
                     "stored": d.ingested_at[:16].replace("T", " ")})
    return {"drops": rows, "settings": settings_rows(settings)}


def _toc(doc: dict, followup: bool) -> list[dict]:
    entries = [("synthese", "Synthèse"), ("methode", "Comment le plan est construit"),
               ("calendrier", "Calendrier des actions")]
    entries += [(f"horizon-{h['horizon']}", f"Actions de {h['label'][0].lower()}{h['label'][1:]}")
                for h in doc["horizons"]]
    entries.append(("opportunites", "Opportunités de coopération entre entreprises"))
    if followup:
        entries.append(("suivi", "Suivi depuis le dernier comité"))
    entries.append(("annexes", "Annexes : méthode et provenance"))
    out = []
    for i, (ident, title) in enumerate(entries, 1):
        subs = []
        if ident.startswith("horizon-"):
            h = ident.split("-", 1)[1]
            subs = [{"id": f"action-{a['id']}", "title": a["title"]}
                    for a in doc["actions"] if a["horizon"] == h]
        out.append({"id": ident, "number": str(i), "title": title,
                    "subs": [{**s, "number": f"{i}.{j}"} for j, s in enumerate(subs, 1)]})
    return out


@dataclass
class PlanReportResult:
    """A rendered action plan: where it is and the URLs the fetcher refused (should be none)."""

    path: Path
    format: str
    refused_urls: list[str] = field(default_factory=list)
    actions: int = 0
    opportunities: int = 0


def render_plan(store, period: str, out: Path, *, settings, workspace_root: Path | None = None,
                internal: bool = False, fmt: str = "pdf", lang: str | None = None) -> PlanReportResult:
    """Build the plan of `period` and write its report (PDF, or HTML with `fmt="html"`)."""
    from markupsafe import Markup

    from ..errors import UsageError
    from ..report.provenance import tables_csv
    from ..report.render import assets_dir, render_html, write_html, write_pdf

    if fmt not in ("pdf", "html"):
        raise UsageError(f"Format inconnu : {fmt!r}. Choisissez pdf ou html.")
    lang = lang or settings.report.language
    plan = build_plan(store, period, settings=settings, workspace_root=workspace_root)
    periods = {plan.period, *([plan.previous_period] if plan.previous_period else [])}
    drops = [d for d in store.drops() if d.kind == "audit" and d.period in periods]
    if plan.followup_drop is not None:
        drops.append(plan.followup_drop)
    report = build_report(plan, settings=settings, drops=drops, internal=internal, lang=lang, output=fmt)
    context = dict(report.context)
    # gtec's own style sheet, read from the assets folder: trusted, so not escaped.
    css = (assets_dir() / "report.css").read_text(encoding="utf-8") if fmt == "html" else None
    context["inline_css"] = Markup(css) if css else None
    html = render_html("plan/report.html.j2", context)
    result = PlanReportResult(Path(out), fmt, actions=sum(a.fired for a in plan.actions),
                              opportunities=len(plan.opportunities))
    if fmt == "html":
        result.path = write_html(html, out)
        return result
    attachment = ("plan-tableaux.csv", tables_csv(report.tables),
                  "Tableaux du plan d'action (valeurs publiées ; cellules masquées vides)")
    pdf = write_pdf(html, out, charts=report.charts, attachments=[attachment])
    result.path, result.refused_urls = pdf.path, list(pdf.refused)
    return result


def render_plan_report(ws, store, *, period: str | None = None, lang: str | None = None,
                       fmt: str = "pdf", out: Path | None = None,
                       internal: bool = False) -> PlanReportResult:
    """`gtec report plan`: the action plan of a workspace's period, written next to the diagnostic
    (`reports/<territory>/<period>/plan[-interne].pdf`) unless `out` is given."""
    from ..periods import normalise_period
    from ..report.diagnostic import report_path

    period = normalise_period(period or ws.default_period())
    lang = lang or ws.settings.report.language
    path = Path(out) if out else report_path(ws, period, name="plan", lang=lang, internal=internal,
                                               fmt=fmt)
    return render_plan(store, period, path, settings=ws.settings, workspace_root=ws.root,
                       internal=internal, fmt=fmt, lang=lang)


def default_output(ws, period: str, *, internal: bool = False, fmt: str = "pdf") -> Path:
    """`reports/<territory>/<period>/plan[-interne].pdf`, next to the diagnostic."""
    from ..report.diagnostic import report_path

    return report_path(ws, period, name="plan", internal=internal, fmt=fmt)
