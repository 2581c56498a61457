"""The company audits, aggregated under statistical secrecy (confidentiality.md).

Every figure here comes from a cell protected by :func:`gtec_cli.confidentiality.protect`: tables
that share margins (positions by domain and horizon, by domain and occupation for the
triangulation…) are protected together. A hidden cell prints `s`, is drawn as `s` in charts and
is left empty in the attached CSV. No company name, SIRET, file name or free-text comment of a
single company reaches this part of the report.
"""

from __future__ import annotations

import pandas as pd

from ..confidentiality import TOTAL, TableSpec, protect_settings
from . import charts
from . import data as d
from .model import Cell, Paragraph, Section, label, number_cell

HORIZONS = ("<1an", "1-3ans", "3-5ans", "5-10ans")
HORIZON_LABELS = {
    "fr": {"<1an": "moins d'1 an", "1-3ans": "1 à 3 ans", "3-5ans": "3 à 5 ans", "5-10ans": "5 à 10 ans"},
    "en": {"<1an": "under 1 year", "1-3ans": "1–3 years", "3-5ans": "3–5 years", "5-10ans": "5–10 years"},
}
THEME_LABELS = {
    "recrutement": ("Recrutement", "Recruitment"), "integration": ("Accueil et intégration", "Onboarding"),
    "formation": ("Formation", "Training"), "transmission": ("Transmission des savoir-faire", "Know-how transfer"),
    "management": ("Management", "Management"), "organisation": ("Organisation du travail", "Work organisation"),
    "conditions de travail": ("Conditions de travail", "Working conditions"),
    "attractivite": ("Attractivité", "Attractiveness"), "mobilite": ("Mobilité, transport", "Mobility, transport"),
    "logement": ("Logement", "Housing"), "dialogue social": ("Dialogue social", "Social dialogue"),
    "numerique": ("Numérique", "Digital"),
}
COOPERATION_LABELS = {
    "tutorat": ("Tutorat", "Tutoring"), "formation mutualisee": ("Formation mutualisée", "Pooled training"),
    "groupement d employeurs": ("Groupement d'employeurs", "Employer group"),
    "pret de main d oeuvre": ("Prêt de main-d'œuvre", "Staff lending"),
    "accueil insertion": ("Accueil de personnes en insertion", "Hosting people in integration schemes"),
    "partage d equipements": ("Partage d'équipements", "Equipment sharing"),
}


def _word(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


# --- protection -------------------------------------------------------------------------------
def protect_audits(ctx) -> dict:
    """Build and protect, jointly, every audit table the report prints."""
    hires = d.hires_contributions(ctx.frame("hires"))
    hires["domain"] = hires["occupation"].map(d.domain_of)
    difficult = hires.assign(value=hires["difficult_value"])
    departures = d.departures_contributions(ctx.frame("departures"))
    departures["domain"] = departures["occupation"].map(d.domain_of)
    skills, skill_labels = d.skills_contributions(ctx.frame("missing_skills"),
                                                  ctx.settings.confidentiality.min_companies,
                                                  ctx.t.other_skills)
    ctx.skill_labels = skill_labels
    companies = ctx.frame("companies")
    company_groups = pd.DataFrame({
        "siret": companies["siret"].astype(str) if not companies.empty else [],
        "group": companies["company_type"].map(d.TYPE_GROUPS).fillna(d.NOT_GIVEN)
        if not companies.empty else [], "value": 1.0})
    specs = []

    def add(name, frame, dims, measure, **kw):
        if frame is not None and not frame.empty:
            specs.append(TableSpec(name, frame, dims, measure, **kw))

    add("hires_domain_horizon", hires, ("domain", "horizon"), "positions")
    # Occupations nest in domains: the occupation table's domain totals are the same figures as
    # the domain table's, so both are protected as one system (shared measure and margins).
    add("hires_domain_occupation", hires, ("domain", "occupation"), "positions", margins=("occupation",))
    add("difficult_domain", difficult, ("domain",), "difficult_positions")
    add("difficult_domain_occupation", difficult, ("domain", "occupation"), "difficult_positions",
        margins=("occupation",))
    add("departures_domain_horizon", departures, ("domain", "horizon"), "departures")
    add("retirements_domain", departures.assign(value=departures.get("retirements")), ("domain",),
        "retirements")
    add("reasons", d.reasons_contributions(ctx.frame("hires")), ("reason",), "reason_positions",
        margins=False)
    add("skills", skills, ("skill",), "skill_people")
    # Scores and cooperation counts come from their indicators by company: a cell of the protected
    # table adds up its companies' figures, which gives the indicator's figure for that cell (the
    # mean score is the cell's sum over its number of companies; tests hold the two together).
    scores = ctx.indicator("assessment_mean_score", ("theme", "company_group", "company"))
    add("themes", d.indicator_contributions(scores, {"theme": "theme", "company_group": "group"},
                                            "score_sum"),
        ("theme", "group"), "score", margins=("group",), magnitude=False)
    declared = ctx.indicator("cooperation_declarations", ("cooperation_type", "direction", "company"))
    add("cooperation", d.indicator_contributions(declared, {"cooperation_type": "cooperation_type",
                                                            "direction": "direction"}, "value",
                                                 given=("direction",)),
        ("cooperation_type", "direction"), "cooperating_companies", margins=False, magnitude=False)
    add("companies_by_type", company_groups, ("group",), "companies", magnitude=False)
    ctx.protected = protect_settings(specs, ctx.settings) if specs else {}
    return ctx.protected


def _cell(ctx, table: str, kind: str = "integer", **keys) -> Cell:
    """The printed cell of a protected table (`—` when the table or the cell does not exist)."""
    protected = ctx.protected.get(table)
    if protected is None:
        return number_cell(ctx.fmt, None)
    try:
        row = protected.cell(**keys)
    except KeyError:
        return number_cell(ctx.fmt, 0 if kind == "integer" else None)
    total = all(k == TOTAL for k in keys.values()) or not keys
    return number_cell(ctx.fmt, row["value"], kind=kind, status=row["status"],
                       fragile=ctx.fragile_companies(row["n_companies"]), total=total)


def _share(ctx, num: Cell, den: Cell, n_companies) -> Cell:
    """num / den in % when both are published; hidden when either is."""
    if num.status != "V" or den.status != "V":
        return Cell("s", kind="suppressed", status=num.status if num.status != "V" else den.status)
    if not den.raw:
        return number_cell(ctx.fmt, None)
    return number_cell(ctx.fmt, 100.0 * float(num.raw) / float(den.raw), kind="percent",
                       fragile=ctx.fragile_companies(n_companies))


def _domains(ctx, table: str) -> list[str]:
    protected = ctx.protected.get(table)
    if protected is None:
        return []
    keys = [k for k in protected.cells["domain"].unique() if k != TOTAL]
    return sorted(keys, key=lambda k: (k == d.NOT_GIVEN, k))


def _horizons(ctx, table: str) -> list[str]:
    present = set(ctx.protected[table].cells["horizon"]) - {TOTAL}
    return [h for h in HORIZONS if h in present] + sorted(present - set(HORIZONS))


def _published_first(frame: pd.DataFrame, status, name: str, *, value: str = "value",
                     descending: bool = True):
    """Rows with a published value, sorted by it, then hidden rows in alphabetical order: sorting
    hidden cells by their value would print their rank."""
    rows = [r for _, r in frame.iterrows()]
    shown = sorted((r for r in rows if status(r) == "V"), key=lambda r: r[value], reverse=descending)
    hidden = sorted((r for r in rows if status(r) != "V"), key=lambda r: str(r[name]))
    return [(None, r) for r in shown + hidden]


# --- sections ----------------------------------------------------------------------------------
def build(ctx, order: int) -> Section:
    """The audits section: companies, hires, reasons, departures, skills, themes."""
    t = ctx.t
    section = Section("audits", t.s_audits)
    companies = ctx.frame("companies")
    if companies.empty:
        section.absent = t.f("absent", what=t.absent_audits)
        return section
    protect_audits(ctx)
    n = companies["siret"].nunique()
    section.add(Paragraph(t.f("audits_intro", n=ctx.fmt.integer(n), period=ctx.fmt.period(ctx.period),
                              min_companies=ctx.settings.confidentiality.min_companies,
                              dominance=ctx.fmt.integer(ctx.settings.confidentiality.dominance_share * 100))))
    section.add(_companies_table(ctx, n))
    for builder in (_hires, _reasons, _departures, _skills, _themes):
        section.subsections.append(builder(ctx, order))
    return section


def _companies_table(ctx, n: int):
    t = ctx.t
    groups = [g for g in d.TYPE_ORDER if g in set(ctx.protected["companies_by_type"].cells["group"])]
    rows = [[label(g), _cell(ctx, "companies_by_type", group=g)] for g in groups]
    rows.append([label(t.total), _cell(ctx, "companies_by_type", group=TOTAL)])
    return ctx.table(t.companies_by_type, [t.company_type, t.companies], rows, source=ctx.audit_source,
                     base=t.f("base_companies", n=ctx.fmt.integer(n)), total_rows={len(rows) - 1})


def _hires(ctx, order: int) -> Section:
    t, fmt = ctx.t, ctx.fmt
    sub = Section("audit-hires", t.s_audit_hires)
    if "hires_domain_horizon" not in ctx.protected:
        sub.absent = t.f("absent", what=t.absent_hires)
        return sub
    horizons = _horizons(ctx, "hires_domain_horizon")
    hl = HORIZON_LABELS[ctx.lang]
    rows, chart_rows = [], []
    for dom in [*_domains(ctx, "hires_domain_horizon"), TOTAL]:
        name = t.total if dom == TOTAL else d.domain_label(dom, ctx.lang)
        cells = [_cell(ctx, "hires_domain_horizon", domain=dom, horizon=h) for h in horizons]
        total = _cell(ctx, "hires_domain_horizon", domain=dom, horizon=TOTAL)
        diff = _cell(ctx, "difficult_domain", domain=dom)
        n_comp = ctx.protected["hires_domain_horizon"].cell(domain=dom)["n_companies"]
        rows.append([label(name), *cells, total, diff, _share(ctx, diff, total, n_comp)])
        if dom != TOTAL:
            chart_rows.append((name, total, diff))
    columns = [t.domain, *[hl.get(h, h) for h in horizons], t.total, t.of_which_difficult, t.difficult_share]
    table = ctx.table(t.hires_title, columns, rows, source=ctx.audit_source,
                      base=_base(ctx, "hires_domain_horizon"), total_rows={len(rows) - 1})
    chart_rows.sort(key=lambda r: -(r[1].raw or 0))
    chart = charts.hbars(
        "audit-hires", [r[0] for r in chart_rows], [r[1].raw for r in chart_rows], fmt=fmt,
        second=[r[2].raw for r in chart_rows], hidden=[r[1].status != "V" for r in chart_rows],
        legend=(t.planned_positions, t.of_which_difficult), xlabel=t.planned_positions,
        table=table, alt=_hires_alt(ctx, rows[-1]))
    sub.add(ctx.figure(chart, t.hires_title))
    _hires_finding(ctx, order)
    return sub


def _base(ctx, table: str, key: str = "base_positions") -> str:
    grand = ctx.protected[table].cell()
    return ctx.t.f(key, n=ctx.fmt.integer(grand["n_companies"]))


def _hires_alt(ctx, total_row) -> str:
    total, diff, share = total_row[-3], total_row[-2], total_row[-1]
    if total.status != "V":
        return ctx.t.hires_alt_hidden
    return ctx.t.f("hires_alt", total=total.text, difficult=diff.text, share=share.text)


def _hires_finding(ctx, order: int) -> None:
    """Headline of the audits, from the indicator, printed only if its cells are publishable."""
    ind = ctx.indicator("audit_difficult_share")
    grand = ctx.protected["hires_domain_horizon"].cell()
    diff = ctx.protected["difficult_domain"].cell() if "difficult_domain" in ctx.protected else None
    if ind.empty or grand["status"] != "V" or diff is None or diff["status"] != "V":
        return
    row = ind.iloc[0]
    ctx.finding(order, ctx.t.f(
        "finding_hires", n=ctx.fmt.integer(row["n_companies"]), positions=ctx.fmt.integer(row["n_positions"]),
        share=ctx.fmt.percent(row["value"])))


def _reasons(ctx, order: int) -> Section:
    t, fmt = ctx.t, ctx.fmt
    sub = Section("audit-reasons", t.s_audit_reasons)
    ind = ctx.indicator("audit_difficulty_reasons")
    if "reasons" not in ctx.protected or ind.empty:
        sub.absent = t.f("absent", what=t.absent_reasons)
        return sub
    protected = ctx.protected["reasons"]
    concerned = float(ind["concerned_positions"].iloc[0])
    rows, bars = [], []
    for _, r in _published_first(ind, lambda r: protected.cell(reason=r["reason"])["status"],
                                 "reason_label"):
        cell = protected.cell(reason=r["reason"])
        status = cell["status"]
        fragile = ctx.fragile_companies(cell["n_companies"])
        positions = number_cell(fmt, r["value"], status=status, fragile=fragile)
        share = number_cell(fmt, r["share_positions"], kind="percent", status=status, fragile=fragile)
        companies = number_cell(fmt, r["n_companies"], status=status)
        rows.append([label(r["reason_label"]), companies, positions, share])
        bars.append((r["reason_label"], share))
    table = ctx.table(t.reasons_title, [t.reason, t.companies, t.positions, t.share_of_concerned], rows,
                      source=ctx.audit_source, notes=[t.reasons_note],
                      base=t.f("base_concerned", n=fmt.integer(concerned)))
    top = next((b for b in bars if b[1].status == "V"), None)
    alt = t.f("reasons_alt", reason=top[0], share=top[1].text) if top else t.hires_alt_hidden
    chart = charts.hbars("audit-reasons", [b[0] for b in bars], [b[1].raw for b in bars], fmt=fmt,
                         kind="percent", hidden=[b[1].status != "V" for b in bars],
                         xlabel=t.share_of_concerned, table=table, alt=alt, color=charts.ACCENT)
    sub.add(ctx.figure(chart, t.reasons_title))
    if top:
        ctx.finding(order, t.f("finding_reasons", reason=top[0].lower(), share=top[1].text))
    return sub


def _departures(ctx, order: int) -> Section:
    t = ctx.t
    sub = Section("audit-departures", t.s_audit_departures)
    if "departures_domain_horizon" not in ctx.protected:
        sub.absent = t.f("absent", what=t.absent_departures)
        return sub
    horizons = _horizons(ctx, "departures_domain_horizon")
    hl = HORIZON_LABELS[ctx.lang]
    rows = []
    for dom in [*_domains(ctx, "departures_domain_horizon"), TOTAL]:
        name = t.total if dom == TOTAL else d.domain_label(dom, ctx.lang)
        cells = [_cell(ctx, "departures_domain_horizon", domain=dom, horizon=h) for h in horizons]
        rows.append([label(name), *cells, _cell(ctx, "departures_domain_horizon", domain=dom, horizon=TOTAL),
                     _cell(ctx, "retirements_domain", domain=dom)])
    columns = [t.domain, *[hl.get(h, h) for h in horizons], t.total, t.of_which_retirements]
    sub.add(ctx.table(t.departures_title, columns, rows, source=ctx.audit_source,
                      base=_base(ctx, "departures_domain_horizon", "base_departures"),
                      total_rows={len(rows) - 1}))
    risk = ctx.indicator("single_holder_risk")
    main = ctx.settings.assumptions.main_horizon
    here = risk[risk["horizon_years"] == main] if not risk.empty else risk
    if not here.empty and here.iloc[0]["n_companies"] >= ctx.settings.confidentiality.min_companies:
        r = here.iloc[0]
        sub.add(Paragraph(t.f("single_holder", value=ctx.fmt.number(r["value"]), h=main,
                              pairs=ctx.fmt.integer(r["n_pairs"]), n=ctx.fmt.integer(r["n_companies"]))))
    total = rows[-1][-2]
    if total.status == "V":
        ctx.finding(order + 1, t.f("finding_departures", total=total.text, retirements=rows[-1][-1].text))
    return sub


def _skills(ctx, order: int) -> Section:
    t, fmt = ctx.t, ctx.fmt
    sub = Section("audit-skills", t.s_audit_skills)
    if "skills" not in ctx.protected:
        sub.absent = t.f("absent", what=t.absent_skills)
        return sub
    protected = ctx.protected["skills"]
    ind = ctx.indicator("missing_skills")
    by_key = {d.skill_key(s): r for s, r in zip(ind["skill"], ind.itertuples())} if not ind.empty else {}
    inner = protected.interior()
    other = t.other_skills
    ordered = [r["skill"] for _, r in _published_first(inner, lambda r: r["status"], "skill")
               if r["skill"] != other] + ([other] if other in set(inner["skill"]) else [])
    rows, bars = [], []
    for key in ordered:
        cell = protected.cell(skill=key)
        status, n_comp = cell["status"], cell["n_companies"]
        fragile = ctx.fragile_companies(n_comp)
        ir = by_key.get(key)
        crit = number_cell(fmt, getattr(ir, "mean_criticality", None) if ir is not None else None,
                           kind="number", status=status)
        score = number_cell(fmt, getattr(ir, "value", None) if ir is not None and key != other else None,
                            kind="integer", status=status)
        rows.append([label(ctx.skill_labels.get(key, key)), number_cell(fmt, n_comp, status=status),
                     number_cell(fmt, cell["value"], status=status, fragile=fragile), crit, score])
        if key != other:
            bars.append((ctx.skill_labels.get(key, key), score))
    rows.append([label(t.total), number_cell(fmt, protected.cell()["n_companies"], total=True),
                 _cell(ctx, "skills", skill=TOTAL), number_cell(fmt, None), number_cell(fmt, None)])
    table = ctx.table(t.skills_title, [t.skill, t.companies, t.people_concerned, t.mean_criticality,
                                       t.skill_score], rows, source=ctx.audit_source,
                      notes=[t.f("skills_note", n=ctx.settings.confidentiality.min_companies)],
                      total_rows={len(rows) - 1})
    # The chart plots the score: published scores from the highest, hidden ones (drawn `s`) last.
    bars = sorted(bars, key=lambda b: (b[1].status != "V", -(b[1].raw or 0) if b[1].status == "V" else 0))[:12]
    if bars:
        top = bars[0]
        chart = charts.hbars("audit-skills", [b[0] for b in bars], [b[1].raw for b in bars], fmt=fmt,
                             hidden=[b[1].status != "V" for b in bars], xlabel=t.skill_score,
                             table=table, alt=t.f("skills_alt", skill=top[0], score=top[1].text))
        sub.add(ctx.figure(chart, t.skills_title))
        if top[1].status == "V":
            ctx.finding(order + 2, t.f("finding_skills", skill=top[0], n=len(ordered) - (other in ordered)))
    else:
        sub.add(table)
    return sub


def _themes(ctx, order: int) -> Section:
    t, fmt = ctx.t, ctx.fmt
    sub = Section("audit-themes", t.s_audit_themes)
    if "themes" not in ctx.protected:
        sub.absent = t.f("absent", what=t.absent_themes)
        return sub
    protected = ctx.protected["themes"]
    groups = [g for g in d.TYPE_ORDER if g in set(protected.cells["group"])]
    groups += sorted(set(protected.cells["group"]) - set(groups) - {TOTAL})
    cols = [*groups, TOTAL]
    # A cell's mean is the indicator's: Σ of its companies' scores / number of companies.
    totals = protected.cells[protected.cells["group"] == TOTAL].assign(
        mean=lambda f: f["value"] / f["n_companies"].clip(lower=1))
    themes = [r["theme"] for _, r in _published_first(totals, lambda r: r["status"], "theme",
                                                        value="mean", descending=False)]
    rows = []
    for th in themes:
        row_cells = []
        for g in cols:
            c = protected.cell(theme=th, group=g)
            mean = c["value"] / c["n_companies"] if c["n_companies"] else None
            row_cells.append(number_cell(fmt, mean, kind="number", status=c["status"],
                                         fragile=ctx.fragile_companies(c["n_companies"]), total=g == TOTAL))
        name = _word(THEME_LABELS.get(th, (th, th)), ctx.lang)
        rows.append([label(name), *row_cells])
    headers = [t.theme, *groups, t.all_companies]
    weakest = rows[0][0].text
    # The heat map is the table itself: scores 1 to 4 in six classes, red (weakness) to green.
    scale = ctx.heat_scale("score", t.mean_score, [1.5, 2.0, 2.5, 3.0, 3.5])
    sub.add(ctx.table(t.themes_title, headers, rows, source=ctx.audit_source, notes=[t.themes_note],
                      base=t.f("base_companies", n=fmt.integer(protected.cell(theme=themes[0])["n_companies"])),
                      heat=scale, reading=t.f("themes_alt", weakest=weakest, strongest=rows[-1][0].text)))
    ctx.finding(order + 3, t.f("finding_themes", weakest=weakest.lower(), score=rows[0][-1].text))
    return sub


# --- cooperation ------------------------------------------------------------------------------
def cooperation(ctx, order: int) -> Section:
    """Offers and needs of cooperation between audited companies (counts of companies)."""
    t, fmt = ctx.t, ctx.fmt
    section = Section("cooperation", t.s_cooperation)
    protected = ctx.protected.get("cooperation")
    if protected is None:
        section.absent = t.f("absent", what=t.absent_cooperation)
        return section
    types = sorted(set(protected.cells["cooperation_type"]))
    rows = []
    opportunities = []
    for ty in types:
        cells = {}
        for direction in ("offre", "besoin"):
            try:
                c = protected.cell(cooperation_type=ty, direction=direction)
                cells[direction] = number_cell(fmt, c["value"], status=c["status"])
            except KeyError:
                cells[direction] = number_cell(fmt, 0)
        both = (cells["offre"].raw != 0 or cells["offre"].status != "V") and \
               (cells["besoin"].raw != 0 or cells["besoin"].status != "V")
        name = _word(COOPERATION_LABELS.get(ty, (ty, ty)), ctx.lang)
        rows.append([label(name), cells["offre"], cells["besoin"], label(t.yes if both else t.no)])
        if both:
            opportunities.append(name.lower())
    section.add(ctx.table(t.cooperation_title, [t.cooperation_type, t.offering, t.needing, t.opportunity],
                          rows, source=ctx.audit_source, notes=[t.cooperation_note]))
    if opportunities:
        section.add(Paragraph(t.f("cooperation_text", list=", ".join(opportunities))))
        ctx.finding(order, t.f("finding_cooperation", n=len(opportunities), list=", ".join(opportunities)))
    return section

