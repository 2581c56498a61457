"""Framing, population, economy, labour market and training: the public and observatory figures.

Public statistics are published as received (their producers protect them): masked cells stay
missing (`—`) and figures come from the indicator registry, with the territory each figure
really describes when a source only publishes a wider or different mesh.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import nomenclatures as nom
from ..formatting import finite
from . import charts
from . import data as d
from .model import Paragraph, Section, label, number_cell

OMPHALE_MIN_POPULATION = 50_000  # Insee publishes no Omphale projection below this (indicators.md)


def _present(df: pd.DataFrame) -> bool:
    return df is not None and not df.empty


def _year_text(values) -> str:
    years = sorted({int(y) for y in values if finite(y)})
    return "–".join(str(y) for y in (years[0], years[-1])) if len(years) > 1 else (str(years[0]) if years else "")


def _source_note(ctx, table: str, territory: str) -> str | None:
    """`Pays de Langres : figures of epci:200072999` when the source describes another mesh."""
    df = ctx.frame(table)
    if not _present(df) or "source_territory" not in df:
        return None
    read = sorted(set(df.loc[df["territory"] == territory, "source_territory"].dropna()) - {territory})
    if not read:
        return None
    return ctx.t.f("read_from", territory=ctx.territory_label(territory), codes=", ".join(read))


# --- framing -----------------------------------------------------------------------------------
def framing(ctx, order: int) -> Section:
    """Territory, meshes, comparisons and the sources used, with their vintages."""
    from ..ingest.kinds import all_kinds
    from ..status import coverage

    t, fmt, s = ctx.t, ctx.fmt, ctx.settings.territory
    section = Section("framing", t.s_framing)
    mesh = s.code.partition(":")[0] if s.code else ""
    rows = [
        [label(t.territory), label(s.name)],
        [label(t.code), label(s.code or t.f("custom_territory", n=len(s.communes)))],
        [label(t.mesh), label(nom.MESHES.get(mesh, mesh) if s.code else t.f("custom_territory", n=len(s.communes)))],
        [label(t.comparisons), label(", ".join(f"{ctx.territory_label(c)} ({c})" for c in s.comparisons) or t.none)],
    ]
    if s.aliases:
        rows.append([label(t.aliases), label(", ".join(s.aliases))])
    rows.append([label(t.period), label(fmt.period(ctx.period))])
    section.add(ctx.table(t.framing_title, [t.item, t.value], rows, source="gtec.toml"))
    kinds = all_kinds()
    by_kind: dict[str, list] = {}
    for drop in ctx.drops:
        by_kind.setdefault(drop.kind, []).append(drop)
    rows = []
    for kind, drops in sorted(by_kind.items()):
        vintages = sorted({str(x.metadata["vintage"]) for x in drops if x.metadata.get("vintage")})
        rows.append([label(kinds[kind].label if kind in kinds else kind), number_cell(fmt, len(drops)),
                     label(", ".join(sorted({x.period for x in drops}))), label(coverage(drops)),
                     label(", ".join(vintages) or "—")])
    if rows:
        section.add(ctx.table(t.sources_title, [t.kind, t.drops, t.periods, t.coverage, t.vintage],
                              rows, source="gtec", notes=[t.sources_note]))
    else:
        section.add(Paragraph(t.f("absent", what=t.absent_sources), "absent"))
    return section


# --- population --------------------------------------------------------------------------------
def population(ctx, order: int) -> Section:
    """Key population figures, the age pyramid, the ageing index and its trend."""
    t, fmt = ctx.t, ctx.fmt
    section = Section("population", t.s_population)
    ageing = ctx.indicator("ageing_index")
    if not _present(ctx.frame("population")) or not _present(ageing):
        section.absent = t.f("absent", what=t.absent_population)
        return section
    s60, s75 = ctx.indicator("share_60_plus"), ctx.indicator("share_75_plus")
    rows = []
    for code in ctx.chain:
        a = ageing[ageing["territory"] == code]
        if a.empty:
            continue
        r = a.iloc[0]
        p60 = s60[s60["territory"] == code]["value"]
        p75 = s75[s75["territory"] == code]["value"]
        rows.append([label(ctx.territory_label(code)), label(str(int(r["year"]))),
                     number_cell(fmt, r["n_people"]), number_cell(fmt, r["value"], kind="number"),
                     number_cell(fmt, p60.iloc[0] if len(p60) else None, kind="percent"),
                     number_cell(fmt, p75.iloc[0] if len(p75) else None, kind="percent")])
    notes = [n for n in (_source_note(ctx, "population", c) for c in ctx.chain) if n]
    approx = sorted({a for a in ageing.get("approximation", pd.Series(dtype=object)).dropna() if a})
    notes += [t.f("approximation", text=a) for a in approx]
    section.add(ctx.table(t.population_title, [t.territory, t.year, t.population, t.ageing_index,
                                               t.share_60, t.share_75], rows,
                          source=t.source_census, vintage=_year_text(ageing["year"]),
                          base=t.base_inhabitants, notes=notes))
    own = ageing[ageing["territory"] == ctx.territory]
    first = own.iloc[0] if not own.empty else ageing.iloc[0]
    others = ageing[ageing["territory"] != first["territory"]]
    comparison = "" if others.empty else " ({})".format(t.f(
        "versus", value=fmt.number(others.iloc[0]["value"]),
        territory=ctx.territory_label(others.iloc[0]["territory"])))
    ctx.finding(order, t.f("finding_ageing", territory=ctx.territory_label(first["territory"]),
                           value=fmt.number(first["value"]), year=int(first["year"]), comparison=comparison))
    _pyramid(ctx, section)
    _ageing_trend(ctx, section)
    if not own.empty and own.iloc[0]["n_people"] < OMPHALE_MIN_POPULATION:
        section.add(Paragraph(t.omphale_note, "note"))
    return section


def _pyramid(ctx, section: Section) -> None:
    t, fmt = ctx.t, ctx.fmt
    pop = ctx.frame("population")
    found = [(code, *d.pyramid(pop, code)) for code in ctx.chain]
    found = [f for f in found if f[1] is not None and not f[2].empty]
    if not found:
        section.add(Paragraph(t.f("absent", what=t.absent_pyramid), "absent"))
        return
    code, year, bands = found[0]
    total = bands[["men", "women"]].sum().sum()
    men, women = (100 * bands["men"] / total).tolist(), (100 * bands["women"] / total).tolist()
    comparison = None
    if len(found) > 1:
        ccode, _cy, cb = found[1]
        if list(cb["age_band"]) == list(bands["age_band"]):
            ctot = cb[["men", "women"]].sum().sum()
            comparison = ((100 * cb["men"] / ctot).tolist(), (100 * cb["women"] / ctot).tolist(),
                          ctx.territory_label(ccode))
    rows = [[label(b), number_cell(fmt, m), number_cell(fmt, w), number_cell(fmt, m + w),
             number_cell(fmt, 100 * (m + w) / total, kind="percent")]
            for b, m, w in zip(bands["age_band"], bands["men"], bands["women"])]
    rows.append([label(t.total), number_cell(fmt, bands["men"].sum(), total=True),
                 number_cell(fmt, bands["women"].sum(), total=True), number_cell(fmt, total, total=True),
                 number_cell(fmt, 100.0, kind="percent", total=True)])
    table = ctx.table(t.f("pyramid_title", territory=ctx.territory_label(code), year=year),
                      [t.age, t.men, t.women, t.total, t.share_of_population], rows,
                      source=t.source_census, vintage=str(year), base=t.base_inhabitants,
                      notes=[n for n in [_source_note(ctx, "population", code)] if n],
                      total_rows={len(rows) - 1})
    oldest = bands.iloc[-1]
    alt = t.f("pyramid_alt", territory=ctx.territory_label(code), year=year,
              total=fmt.integer(total), band=oldest["age_band"],
              share=fmt.percent(100 * (oldest["men"] + oldest["women"]) / total),
              comparison=t.f("pyramid_alt_comparison", territory=comparison[2]) if comparison else "")
    highs = [None if not finite(h) else float(h) for h in bands["age_max"]]
    chart = charts.age_pyramid("pyramid", list(bands["age_band"]), bands["age_min"].astype(float).tolist(),
                               highs, men, women, fmt=fmt, table=table, alt=alt,
                               xlabel=t.share_per_year, legend=(t.men, t.women), comparison=comparison)
    section.add(ctx.figure(chart, table.title))


def _ageing_trend(ctx, section: Section) -> None:
    t, fmt = ctx.t, ctx.fmt
    trend = ctx.indicator("ageing_index", ("period",))
    if not _present(trend):
        return
    series, years = [], sorted({int(y) for y in trend["year"]})
    for code in ctx.chain:
        part = trend[trend["territory"] == code].sort_values("year")
        if len(part) >= 2:
            series.append((ctx.territory_label(code), part["year"].astype(int).tolist(), part["value"].tolist()))
    if not series:
        return
    rows = []
    for name, xs, ys in series:
        by_year = dict(zip(xs, ys))
        rows.append([label(name), *[number_cell(fmt, by_year.get(y), kind="number") for y in years]])
    table = ctx.table(t.ageing_trend_title, [t.territory, *[str(y) for y in years]], rows,
                      source=t.source_census, vintage=_year_text(years), base=t.base_inhabitants)
    name, xs, ys = series[0]
    alt = t.f("ageing_trend_alt", territory=name, start=fmt.number(ys[0]), y0=xs[0], end=fmt.number(ys[-1]),
              y1=xs[-1])
    section.add(ctx.figure(charts.lines("ageing-trend", series, fmt=fmt, table=table, alt=alt,
                                        ylabel=t.ageing_index), t.ageing_trend_title))
    change = ctx.indicator("population_change")
    if _present(change):
        total = change[change["age_band"] == "total"]
        rows = [[label(ctx.territory_label(r["territory"])), label(f"{int(r['year_from'])}–{int(r['year_to'])}"),
                 number_cell(fmt, r["people_from"]), number_cell(fmt, r["people_to"]),
                 number_cell(fmt, r["value"], kind="percent"), number_cell(fmt, r["annual_rate"], kind="percent", digits=2)]
                for _, r in total.iterrows()]
        if rows:
            section.add(ctx.table(t.population_change_title, [t.territory, t.years, t.population_start,
                                                              t.population_end, t.change, t.annual_rate],
                                  rows, source=t.source_census, vintage=_year_text(total["year_to"]),
                                  base=t.base_inhabitants))


# --- economy and employment --------------------------------------------------------------------
def economy(ctx, order: int) -> Section:
    """Employment by sector, establishments, workforce ageing and expected departures."""
    t, fmt = ctx.t, ctx.fmt
    section = Section("economy", t.s_economy)
    employed = ctx.indicator("employment")
    found = [(code, employed[employed["territory"] == code]) for code in ctx.chain
             if not employed.empty]
    found = [f for f in found if not f[1].empty]
    if found:
        code, sectors = found[0]
        year = int(sectors["year"].iloc[0])
        total = sectors["value"].sum()
        top = sectors.head(12)
        names = [d.naf_label(x) for x in top["sector"]]
        rows = [[label(n), number_cell(fmt, p), number_cell(fmt, share, kind="percent")]
                for n, p, share in zip(names, top["value"], top["share"])]
        if len(sectors) > len(top):
            rest = sectors["value"].iloc[len(top):].sum()
            rows.append([label(t.other_sectors), number_cell(fmt, rest),
                         number_cell(fmt, 100 * rest / total, kind="percent")])
        rows.append([label(t.total), number_cell(fmt, total, total=True),
                     number_cell(fmt, 100.0, kind="percent", total=True)])
        table = ctx.table(t.f("sectors_title", territory=ctx.territory_label(code), year=year),
                          [t.sector, t.employed, t.share], rows, source=t.source_observatory,
                          vintage=str(year), base=t.base_employed, total_rows={len(rows) - 1})
        alt = t.f("sectors_alt", sector=names[0], share=rows[0][2].text, total=fmt.integer(total))
        section.add(ctx.figure(charts.hbars("sectors", names, top["value"].tolist(), fmt=fmt, table=table,
                                            alt=alt, xlabel=t.employed), table.title))
    else:
        section.add(Paragraph(t.f("absent", what=t.absent_employment), "absent"))
    _establishments(ctx, section)
    _workforce_ageing(ctx, section, order)
    _expected_departures(ctx, section, order)
    return section


def _establishments(ctx, section: Section) -> None:
    t, fmt = ctx.t, ctx.fmt
    counts = ctx.indicator("establishments")
    for code in ctx.chain:
        sizes = counts[counts["territory"] == code] if not counts.empty else counts
        if sizes.empty:
            continue
        year = int(sizes["year"].iloc[0])
        total = sizes["value"].sum()
        rows = [[label(s), number_cell(fmt, n), number_cell(fmt, share, kind="percent")]
                for s, n, share in zip(sizes["size_class"], sizes["value"], sizes["share"])]
        rows.append([label(t.total), number_cell(fmt, total, total=True),
                     number_cell(fmt, 100.0, kind="percent", total=True)])
        section.add(ctx.table(t.f("establishments_title", territory=ctx.territory_label(code), year=year),
                              [t.size_class, t.establishments, t.share], rows, source=t.source_observatory,
                              vintage=str(year), base=t.base_establishments, total_rows={len(rows) - 1}))
        return


def _workforce_ageing(ctx, section: Section, order: int) -> None:
    from ..confidentiality import cell_table, primary_status

    t, fmt = ctx.t, ctx.fmt
    s50, s55 = ctx.indicator("workforce_share_50_plus"), ctx.indicator("workforce_share_55_plus")
    ratio = ctx.indicator("junior_senior_ratio")
    if not _present(s55):
        return
    audit_status = "V"
    workforce = ctx.frame("workforce")
    if _present(workforce):  # the audit row is one cell built from companies: secrecy applies
        contrib = workforce.assign(scope="audits", value=pd.to_numeric(workforce["headcount"], errors="coerce"))
        cells = cell_table(contrib, ("scope",), margins=False)
        conf = ctx.settings.confidentiality
        audit_status = primary_status(cells, min_companies=conf.min_companies,
                                      dominance_share=conf.dominance_share).iloc[0]
    labels = {"territoire": t.scope_territory, "audits": t.scope_audits, "national": t.scope_national}
    rows = []
    for _, r in s55.iterrows():
        scope = r.get("scope", "territoire")
        status = audit_status if scope == "audits" else "V"

        def pick(df, col="value"):
            m = df[(df.get("scope") == scope) & (df["territory"] == r["territory"])] if "scope" in df else df
            return m[col].iloc[0] if len(m) else None

        rows.append([label(f"{labels.get(scope, scope)} — {ctx.territory_label(r['territory'])}"),
                     number_cell(fmt, pick(s50), kind="percent", status=status),
                     number_cell(fmt, r["value"], kind="percent", status=status),
                     number_cell(fmt, pick(ratio), kind="number", digits=2, status=status),
                     number_cell(fmt, r["n_people"], status=status)])
    section.add(ctx.table(t.workforce_ageing_title, [t.scope, t.share_50, t.share_55, t.junior_senior,
                                                     t.employed], rows,
                          source=t.source_workforce, vintage=_year_text(s55.get("year", pd.Series(dtype=float)).dropna()),
                          base=t.base_employed, notes=[t.national_check]))
    own = s55[(s55.get("scope") == "territoire")] if "scope" in s55 else s55
    if not own.empty:
        ctx.finding(order + 1, t.f("finding_55", share=fmt.percent(own.iloc[0]["value"]),
                                   territory=ctx.territory_label(own.iloc[0]["territory"])))


def _expected_departures(ctx, section: Section, order: int) -> None:
    t, fmt = ctx.t, ctx.fmt
    dep, rate = ctx.indicator("expected_departures"), ctx.indicator("replacement_rate")
    if not _present(dep):
        return
    scope = "territoire" if (dep.get("scope") == "territoire").any() else dep["scope"].iloc[0]
    dep = dep[dep["scope"] == scope]
    rate = rate[rate["scope"] == scope] if _present(rate) else rate
    ages = sorted(set(dep["retirement_age"].astype(int)))
    horizons = sorted(set(dep["horizon_years"].astype(int)))
    rows = []
    for h in horizons:
        cells = [label(t.f("within_years", h=h))]
        for a in ages:
            m = dep[(dep["horizon_years"] == h) & (dep["retirement_age"] == a)]
            rr = rate[(rate["horizon_years"] == h) & (rate["retirement_age"] == a)] if _present(rate) else rate
            cells.append(number_cell(fmt, m["value"].iloc[0] if len(m) else None))
            cells.append(number_cell(fmt, rr["value"].iloc[0] if _present(rr) else None, kind="percent"))
        rows.append(cells)
    central = ctx.settings.assumptions.retirement_age
    columns = [t.horizon]
    for a in ages:
        mark = f" ({t.central})" if a == central else ""
        columns += [t.f("departures_at", age=a) + mark, t.f("replacement_at", age=a)]
    notes = sorted({x for x in dep.get("approximation", pd.Series(dtype=object)).dropna() if x})
    section.add(ctx.table(t.departures_public_title, columns, rows, source=t.source_departures,
                          vintage=_year_text(dep.get("year", pd.Series(dtype=float)).dropna()),
                          base=t.base_employed, notes=[t.departures_method, *[t.f("approximation", text=n) for n in notes[:3]]]))
    main = ctx.settings.assumptions.main_horizon
    m = dep[(dep["horizon_years"] == main) & (dep["retirement_age"] == central)]
    rr = rate[(rate["horizon_years"] == main) & (rate["retirement_age"] == central)] if _present(rate) else rate
    if len(m) and _present(rr):
        ctx.finding(order + 2, t.f("finding_departures_public", n=fmt.integer(m["value"].iloc[0]), h=main,
                                   share=fmt.percent(rr["value"].iloc[0]), age=central))


# --- labour market -----------------------------------------------------------------------------
def labour(ctx, order: int) -> Section:
    """Job seekers and offers, BMO hiring projects and difficulty, tension classes and factors."""
    t = ctx.t
    section = Section("labour", t.s_labour)
    parts = [_offers(ctx), _bmo(ctx, order), _tension(ctx, order)]
    for part in parts:
        section.blocks.extend(part)
    if not any(b.block_type != "paragraph" for b in section.blocks):
        section.blocks = []
        section.absent = t.f("absent", what=t.absent_labour)
    return section


def _occupation_name(ctx, code: str) -> str:
    labels = ctx._fap_labels
    if labels is None:
        nat = ctx.frame("workforce_age_national")
        labels = dict(zip(nat["occupation"], nat["label"])) if _present(nat) and "label" in nat else {}
        ctx._fap_labels = labels
    if code in labels and isinstance(labels[code], str):
        return f"{code} {labels[code]}"
    return d.occupation_label(code)


def _offers(ctx) -> list:
    t, fmt = ctx.t, ctx.fmt
    res = ctx.indicator("offers_per_jobseeker", ("occupation",))
    if not _present(res):
        return [Paragraph(t.f("absent", what=t.absent_offers), "absent")]
    res = res[res["territory"] == res["territory"].iloc[0]]
    key = "jobseekers" if res["jobseekers"].notna().any() else "offers"
    res = res.sort_values([key, "occupation"], ascending=[False, True], na_position="last").head(15)
    rows = [[label(_occupation_name(ctx, r["occupation"])), number_cell(fmt, r["jobseekers"]),
             number_cell(fmt, r["offers"]), number_cell(fmt, r["value"], kind="number", digits=2,
                                                        fragile=ctx.fragile_people(r["n_people"]))]
            for _, r in res.iterrows()]
    cats = res["jobseeker_categories"].dropna().iloc[0] if res["jobseeker_categories"].notna().any() else ""
    return [ctx.table(t.f("offers_title", territory=ctx.territory_label(res["territory"].iloc[0])),
                      [t.occupation, t.f("jobseekers_cat", cats=cats), t.offers, t.offers_per_jobseeker],
                      rows, source=str(res["source"].iloc[0]), vintage=_year_text(
                          pd.to_numeric(res["period"].astype(str).str[:4], errors="coerce").dropna()),
                      base=t.base_jobseekers)]


def _bmo(ctx, order: int) -> list:
    t, fmt = ctx.t, ctx.fmt
    share = ctx.indicator("bmo_difficult_share")
    if not _present(share):
        return [Paragraph(t.f("absent", what=t.absent_bmo), "absent")]
    seasonal = ctx.indicator("bmo_seasonal_share")
    projects = ctx.indicator("bmo_projects")
    rows = []
    for _, r in share.iterrows():
        p = projects[projects["territory"] == r["territory"]]
        sz = seasonal[seasonal["territory"] == r["territory"]]
        rows.append([label(ctx.territory_label(r["territory"])), label(str(int(r["year"]))),
                     number_cell(fmt, p["value"].iloc[0] if len(p) else None),
                     number_cell(fmt, r["value"], kind="percent", fragile=bool(r["fragile"])),
                     number_cell(fmt, sz["value"].iloc[0] if len(sz) else None, kind="percent"),
                     number_cell(fmt, r["n_masked_rows"])])
    out = [ctx.table(t.bmo_title, [t.territory, t.year, t.bmo_projects, t.difficult_share, t.seasonal_share,
                                   t.masked_rows], rows, source=t.source_bmo,
                     vintage=_year_text(share["year"]), base=t.base_projects, notes=[t.bmo_note])]
    own = share.iloc[0]
    ctx.finding(order, t.f("finding_bmo", territory=ctx.territory_label(own["territory"]),
                           share=fmt.percent(own["value"]), year=int(own["year"])))
    occ = ctx.indicator("bmo_difficult_share", ("occupation",))
    if _present(occ):
        occ = occ[occ["territory"] == own["territory"]].sort_values("n_projects", ascending=False).head(15)
        names = [(r["occupation_label"] if isinstance(r.get("occupation_label"), str) else r["occupation"])
                 for _, r in occ.iterrows()]
        rows = [[label(n), number_cell(fmt, r["n_projects"]), number_cell(fmt, r["difficult"]),
                 number_cell(fmt, r["value"], kind="percent", fragile=bool(r["fragile"]))]
                for n, (_, r) in zip(names, occ.iterrows())]
        table = ctx.table(t.f("bmo_occupations_title", territory=ctx.territory_label(own["territory"])),
                          [t.occupation, t.bmo_projects, t.difficult_projects, t.difficult_share], rows,
                          source=t.source_bmo, vintage=str(int(own["year"])), base=t.base_projects,
                          notes=[t.bmo_note])
        if rows:
            alt = t.f("bmo_alt", occupation=names[0], projects=rows[0][1].text, share=rows[0][3].text)
            out.append(ctx.figure(charts.hbars("bmo-occupations", names, occ["n_projects"].tolist(), fmt=fmt,
                                               second=occ["difficult"].tolist(), table=table, alt=alt,
                                               legend=(t.bmo_projects, t.difficult_projects),
                                               xlabel=t.bmo_projects), table.title))
    return out


def _tension(ctx, order: int) -> list:
    t, fmt = ctx.t, ctx.fmt
    classes = ctx.indicator("tension_class")
    if not _present(classes):
        return [Paragraph(t.f("absent", what=t.absent_tension), "absent")]
    known = classes.dropna(subset=["value"])
    where = next((c for c in ctx.chain if (known["territory"] == c).any()), None)
    if where is None:
        return [Paragraph(t.f("absent", what=t.absent_tension), "absent")]
    here = known[known["territory"] == where]
    source = "france-travail" if (here["source"] == "france-travail").any() else here["source"].iloc[0]
    here = here[here["source"] == source]
    level = here["occupation_level"].mode().iloc[0]
    here = here[here["occupation_level"] == level]
    year = int(here["year"].max())
    counts = here["value"].astype(int).value_counts()
    total = int(counts.sum())
    rows = [[label(t.f("tension_class_n", n=k)), number_cell(fmt, counts.get(k, 0)),
             number_cell(fmt, 100 * counts.get(k, 0) / total, kind="percent")] for k in range(1, 6)]
    rows.append([label(t.total), number_cell(fmt, total, total=True), number_cell(fmt, 100.0, kind="percent", total=True)])
    src = t.source_tension_ft if source == "france-travail" else t.source_tension_dares
    out = [ctx.table(t.f("tension_distribution_title", territory=ctx.territory_label(where)),
                     [t.tension_class, t.occupations, t.share], rows, source=src, vintage=str(year),
                     base=t.f("base_occupations", level=level), notes=[t.tension_note],
                     total_rows={len(rows) - 1})]
    factors = ctx.indicator("tension_factors")
    top = here.sort_values(["value", "tension_value"], ascending=False).head(15)
    if _present(factors) and not top.empty:
        f = factors[(factors["territory"] == where) & (factors["source"] == source)]
        order_f = list(dict.fromkeys(f["factor_label"]))
        rows = []
        for _, r in top.iterrows():
            ff = f[f["occupation"] == r["occupation"]].set_index("factor_label")["value"]
            vals = [ff.get(k, np.nan) for k in order_f]
            rows.append([label(_occupation_name(ctx, r["occupation"])), number_cell(fmt, r["value"]),
                         *[number_cell(fmt, v if finite(v) else None) for v in vals]])
        # The heat map is the table itself: the class and each factor on the source's 1-5 scale.
        out.append(ctx.table(t.f("tension_factors_title", territory=ctx.territory_label(where)),
                             [t.occupation, t.tension_class, *order_f], rows, source=src, vintage=str(year),
                             base=t.f("base_occupations", level=level), notes=[t.tension_note],
                             heat=ctx.heat_scale("tension", t.tension_class, [2, 3, 4, 5]),
                             reading=t.f("tension_alt", n=len(rows), territory=ctx.territory_label(where))))
    share5 = 100 * counts.get(5, 0) / total if total else None
    ctx.finding(order + 1, t.f("finding_tension", share=fmt.percent(share5), territory=ctx.territory_label(where),
                               year=year))
    return out


# --- training -----------------------------------------------------------------------------------
def training(ctx, order: int) -> Section:
    """Training supply: each programme with its leavers, graduates, apprentices and insertion."""
    t, fmt = ctx.t, ctx.fmt
    section = Section("training", t.s_training)
    df = ctx.frame("training")
    if not _present(df):
        section.absent = t.f("absent", what=t.absent_training)
        return section
    code = next((c for c in ctx.chain if (df["territory"] == c).any()), df["territory"].iloc[0])
    df = df[df["territory"] == code]
    year = int(df["year"].max())
    df = df[df["year"] == year].sort_values("graduates", ascending=False)
    rows = [[label(r["title"]), label(r["level"] or "—"), label(d.occupation_label(r["occupation"])),
             number_cell(fmt, r["leavers"]), number_cell(fmt, r["graduates"]), number_cell(fmt, r["apprentices"]),
             number_cell(fmt, r["insertion_rate_6m"], kind="percent")]
            for _, r in df.iterrows()]
    section.add(ctx.table(t.f("training_title", territory=ctx.territory_label(code), year=year),
                          [t.programme, t.level, t.occupation, t.leavers, t.graduates, t.apprentices,
                           t.insertion], rows, source=t.source_training, vintage=str(year),
                          base=t.f("base_programmes", n=len(rows))))
    ctx.finding(order, t.f("finding_training", n=len(rows), graduates=fmt.integer(df["graduates"].sum()),
                           year=year))
    return section
