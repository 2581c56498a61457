"""Summary of key findings, triangulation by occupation, and what changed since the previous
period."""

from __future__ import annotations

import pandas as pd

from ..confidentiality import cell_table, primary_status
from ..formatting import finite
from . import data as d
from .model import Bullets, Cell, Paragraph, Section, label, number_cell


def summary(ctx) -> Section:
    """The key findings gathered by the other sections, each with its figure."""
    t = ctx.t
    section = Section("summary", t.s_summary)
    if not ctx.findings:
        section.absent = t.f("absent", what=t.absent_summary)
        return section
    section.add(Paragraph(t.f("summary_intro", territory=ctx.settings.territory.name,
                              period=ctx.fmt.period(ctx.period))))
    section.add(Bullets([sentence for _, sentence in sorted(ctx.findings, key=lambda f: f[0])]))
    section.add(Paragraph(t.summary_reading, "note"))
    return section


# --- triangulation ----------------------------------------------------------------------------
VERDICTS = {"accord": ("accord", "agreement"), "désaccord": ("désaccord", "disagreement"),
            "audits seuls": ("audits seuls", "audits only"), "public seul": ("public seul", "public only")}


def triangulation(ctx, order: int) -> Section:
    """Audit evidence (protected) next to public evidence, occupation by occupation."""
    t, fmt = ctx.t, ctx.fmt
    section = Section("triangulation", t.s_triangulation)
    positions = ctx.protected.get("hires_domain_occupation")
    difficult = ctx.protected.get("difficult_domain_occupation")
    tri = ctx.indicator("triangulation") if positions is not None and difficult is not None else None
    if tri is None or tri.empty:
        section.absent = t.f("absent", what=t.absent_triangulation)
        return section
    rows, public_only, counts = [], [], {}
    for _, r in tri.sort_values("occupation").iterrows():
        dom = d.domain_of(r["occupation"])
        try:
            pos = positions.cell(domain=dom, occupation=r["occupation"])
            dif = difficult.cell(domain=dom, occupation=r["occupation"])
        except KeyError:
            continue
        public = [number_cell(fmt, r.get("bmo_difficult_share"), kind="percent"), _tension_cell(ctx, r),
                  number_cell(fmt, r.get("offers_per_jobseeker"), kind="number", digits=2)]
        name = label(d.occupation_label(r["occupation"]))
        if pos["status"] != "V" or dif["status"] != "V" or not pos["value"]:
            # Hidden audit figures: the verdict compares the hidden share with a threshold and
            # would bound it, so the occupation appears with its public evidence only.
            public_only.append([name, *public])
            continue
        fragile = ctx.fragile_companies(pos["n_companies"])
        verdict_text = r["value"] if isinstance(r["value"], str) else "—"
        counts[verdict_text] = counts.get(verdict_text, 0) + 1
        rows.append([name, number_cell(fmt, pos["value"], fragile=fragile),
                     number_cell(fmt, 100 * dif["value"] / pos["value"], kind="percent", fragile=fragile),
                     *public, label(VERDICTS.get(verdict_text, (verdict_text, verdict_text))[ctx.lang != "fr"])])
    thresholds = ctx.settings.triangulation
    notes = [t.f("triangulation_rule", audit=fmt.percent(thresholds.audit_difficult_share, 0),
                 bmo=fmt.percent(thresholds.bmo_difficult_share, 0), tension=thresholds.tension_class)]
    section.add(Paragraph(t.triangulation_intro))
    if rows:
        section.add(ctx.table(t.triangulation_title,
                              [t.occupation, t.planned_positions, t.audit_difficult, t.bmo_difficult,
                               t.tension_class_where, t.offers_per_jobseeker, t.verdict], rows,
                              source=t.source_triangulation, base=t.base_triangulation, notes=notes))
    if public_only:
        section.add(Paragraph(t.f("triangulation_hidden", n=len(public_only),
                                  min_companies=ctx.settings.confidentiality.min_companies)))
        section.add(ctx.table(t.triangulation_public_title,
                              [t.occupation, t.bmo_difficult, t.tension_class_where, t.offers_per_jobseeker],
                              public_only, source=t.source_triangulation, base=t.base_triangulation))
    ctx.finding(order, t.f("finding_triangulation", agree=counts.get("accord", 0),
                           disagree=counts.get("désaccord", 0), shown=len(rows),
                           n=len(rows) + len(public_only)))
    return section


def _tension_cell(ctx, r):
    tension, where = r.get("tension_class"), r.get("tension_territory")
    if not finite(tension) or not isinstance(where, str):
        return number_cell(ctx.fmt, None)
    return label(f"{ctx.fmt.integer(tension)} ({ctx.territory_label(where)})")


# --- changes since the previous period -----------------------------------------------------------
CHANGE_INDICATORS = (
    ("audit_companies", "companies"), ("audit_positions", "positions"), ("audit_difficult_share", "%"),
    ("ageing_index", "index"), ("bmo_difficult_share", "%"),
)


def changes(ctx, order: int) -> Section:
    """Headline figures of this period next to the previous period's, when there is one."""
    t, fmt = ctx.t, ctx.fmt
    section = Section("changes", t.s_changes)
    previous = ctx.previous_period
    if previous is None or ctx.load_previous is None:
        section.absent = t.no_previous_period
        return section
    before = ctx.load_previous(previous)
    now_values, before_values = _headline(ctx, ctx.frames), _headline(ctx, before)
    rows = []
    for key, unit in CHANGE_INDICATORS:
        a, b = before_values.get(key), now_values.get(key)
        if a is None and b is None:
            continue
        kind = "percent" if unit == "%" else ("number" if unit == "index" else "integer")
        diff = None if (a is None or b is None or a[0] is None or b[0] is None) else b[0] - a[0]
        status = "V" if all(x is None or x[1] == "V" for x in (a, b)) else "A"
        change = (number_cell(fmt, None) if diff is None else
                  Cell(fmt.points(diff) if unit == "%" else fmt.signed(diff, 1 if kind != "integer" else 0),
                       raw=diff) if status == "V" else Cell("s", kind="suppressed", status="A"))
        rows.append([label(getattr(t, f"change_{key}")),
                     number_cell(fmt, a[0] if a else None, kind=kind, status=a[1] if a else "V"),
                     number_cell(fmt, b[0] if b else None, kind=kind, status=b[1] if b else "V"), change])
    section.add(ctx.table(t.f("changes_title", before=fmt.period(previous), now=fmt.period(ctx.period)),
                          [t.indicator, fmt.period(previous), fmt.period(ctx.period), t.change], rows,
                          source=t.source_changes, notes=[t.changes_note]))
    return section


def _headline(ctx, frames: dict) -> dict:
    """A few overall figures of a period (value, secrecy status) from its loaded frames."""
    from ..indicators import compute_frames

    out = {}
    names = ["audit_difficult_share", "ageing_index", "bmo_difficult_share"]
    res = compute_frames(frames, ctx.settings, names)
    hires = frames.get("hires", pd.DataFrame())
    status = "V"
    if not hires.empty:
        contrib = d.hires_contributions(hires).assign(cell="all")
        conf = ctx.settings.confidentiality
        status = primary_status(cell_table(contrib, ("cell",), margins=False),
                                min_companies=conf.min_companies,
                                dominance_share=conf.dominance_share).iloc[0]
    a = res["audit_difficult_share"]
    if not a.empty:
        out["audit_companies"] = (float(a["n_companies"].iloc[0]), "V")
        out["audit_positions"] = (float(a["n_positions"].iloc[0]), status)
        out["audit_difficult_share"] = (float(a["value"].iloc[0]), status)
    for name in ("ageing_index", "bmo_difficult_share"):
        r = res[name]
        r = r[r["territory"] == ctx.territory] if not r.empty else r
        if not r.empty:
            out[name] = (float(r["value"].iloc[0]), "V")
    return out

