"""Summary of key findings and triangulation by occupation (what changed since the previous
period is :mod:`.sections_changes`)."""

from __future__ import annotations

from ..formatting import finite
from . import data as d
from .model import Bullets, Paragraph, Section, label, number_cell


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
