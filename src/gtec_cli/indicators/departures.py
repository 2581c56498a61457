"""End-of-career departures and what they put at risk (indicators.md § 2).

Rule (indicators.md): a person leaves within the horizon H when age + H ≥ A, the retirement age
assumption (`assumptions.retirement_age`, scenarios `assumptions.retirement_scenarios`). Ages come
in bands and are assumed spread evenly within a band, so the band 60-64 with A = 64 and H = 2
(leavers aged 62 or more) counts for 3/5. An audited company that filled the departures sheet is
taken at its word: its declared retirements replace the estimate for all its occupations (none
declared for an occupation means none expected), and the result says which companies declared and
which were estimated. Declared horizons (<1an, 1-3ans, 3-5ans, 5-10ans) are spread evenly in time
when H cuts one (H = 2 takes half of 1-3ans).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..settings import Settings
from . import common as c
from .ageing import SCOPE_DIMS, workforce_scopes
from .bands import band_sums
from .occupations import levels

INF = math.inf
#: Declared horizons of the audit template, as (start, end) in years from now.
HORIZON_YEARS = {"<1an": (0.0, 1.0), "1-3ans": (1.0, 3.0), "3-5ans": (3.0, 5.0), "5-10ans": (5.0, 10.0)}
DEPARTURE_DIMS = tuple(dict.fromkeys([*SCOPE_DIMS["territoire"], *SCOPE_DIMS["audits"]]))


def horizon_fraction(horizon: pd.Series, years: float) -> pd.Series:
    """Share of a declared horizon band that falls within `years` (uniform in time)."""
    def share(h: object) -> float:
        if h not in HORIZON_YEARS:
            return float("nan")
        lo, hi = HORIZON_YEARS[h]
        return min(max((years - lo) / (hi - lo), 0.0), 1.0)

    return horizon.map(share).astype("float64")


def scenarios(settings: Settings, horizons: Sequence[int] | None = None,
              ages: Sequence[int] | None = None) -> list[tuple[int, int, str]]:
    """(horizon, retirement age, `central` or `scénario`) combinations to compute."""
    a = settings.assumptions
    ages = list(ages) if ages else list(dict.fromkeys([a.retirement_age, *a.retirement_scenarios]))
    hs = list(horizons) if horizons else list(a.horizons)
    return [(h, age, "central" if age == a.retirement_age else "scénario") for h in hs for age in ages]


def _targets(combos) -> dict[str, tuple[float, float]]:
    return {f"d_{h}_{age}": (age - h, INF) for h, age, _ in combos}


def _long(sums: pd.DataFrame, keys: list[str], combos, extra: Sequence[str] = ()) -> pd.DataFrame:
    """One row per (group, horizon, retirement age) from the d_H_A columns."""
    parts = []
    for h, age, label in combos:
        part = sums[[*keys, *extra]].copy()
        part["horizon_years"] = h
        part["retirement_age"] = age
        part["scenario"] = label
        part["value"] = sums[f"d_{h}_{age}"].to_numpy()
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _territory_part(scope, s: Settings, combos) -> pd.DataFrame:
    sums = band_sums(scope.frame, scope.keys, scope.value, _targets(combos),
                     open_width=s.assumptions.open_age_band_width, notes_per_target=True)
    sums = sums.rename(columns={"total": "n_people"})
    out = _long(sums, scope.keys, combos, ["n_people"])
    out["approximation"] = _long_notes(sums, combos)
    out.insert(0, "scope", "territoire")
    return out


def _long_notes(sums: pd.DataFrame, combos) -> np.ndarray:
    """The approximation note of each (group, H, A) row, in :func:`_long` order."""
    return np.concatenate([sums[f"approximation_d_{h}_{age}"].to_numpy() for h, age, _ in combos])


def audit_departures_by_company(workforce: pd.DataFrame | None, departures: pd.DataFrame | None,
                                companies: pd.DataFrame | None, keys: list[str], s: Settings,
                                combos) -> pd.DataFrame:
    """Per company and cell: departures within each (H, A), `basis` declared or estimated, and the
    company's headcount in the cell (0 when it declared departures without a workforce sheet)."""
    wf = workforce if workforce is not None else pd.DataFrame()
    dp = departures if departures is not None else pd.DataFrame()
    cell = [*keys, "siret"]
    frames = []
    if not wf.empty:
        w = c.fill_dims(c.with_company_attributes(wf, companies), keys)
        est = band_sums(w, cell, "headcount", _targets(combos), open_width=s.assumptions.open_age_band_width,
                        notes_per_target=True)
        frames.append(est.rename(columns={"total": "headcount"}))
    declared_sirets = set(dp["siret"]) if not dp.empty else set()
    if not dp.empty:
        d = c.fill_dims(c.with_company_attributes(dp, companies), keys)
        retirements = c.as_float(d["retirements"]).fillna(0.0)
        cols = {}
        for h, age, _ in combos:
            d[f"decl_{h}_{age}"] = retirements * horizon_fraction(d["horizon"], h).fillna(0.0)
            cols[f"decl_{h}_{age}"] = True
        frames.append(c.group_sum(d, cell, list(cols)))
    if not frames:
        return pd.DataFrame()
    merged = frames[0]
    for extra in frames[1:]:
        merged = merged.merge(extra, on=cell, how="outer")
    merged["declared"] = merged["siret"].isin(declared_sirets)
    merged["headcount"] = merged.get("headcount", pd.Series(0.0, index=merged.index)).fillna(0.0)
    for h, age, _ in combos:
        est_col = merged.get(f"d_{h}_{age}", pd.Series(0.0, index=merged.index)).fillna(0.0)
        decl_col = merged.get(f"decl_{h}_{age}", pd.Series(0.0, index=merged.index)).fillna(0.0)
        merged[f"d_{h}_{age}"] = np.where(merged["declared"], decl_col, est_col)
        # An approximation note only matters where the estimate was used.
        note = merged.get(f"approximation_d_{h}_{age}", pd.Series("", index=merged.index)).fillna("")
        merged[f"approximation_d_{h}_{age}"] = note.where(~merged["declared"], "")
    merged["basis"] = np.where(merged["declared"], "déclaré", "estimé")
    return merged


def _audit_part(workforce, departures, companies, keys, s, combos, *, rate: bool) -> pd.DataFrame:
    per = audit_departures_by_company(workforce, departures, companies, keys, s, combos)
    if per.empty:
        return per
    long = _long(per, [*keys, "siret"], combos, ["headcount", "declared"])
    long["approximation"] = _long_notes(per, combos)
    group = [*keys, "horizon_years", "retirement_age", "scenario"]
    without = pd.DataFrame()
    if rate:
        # A rate compares departures with the workforce they come from: companies without a
        # workforce sheet are left out, and counted.
        lacking = long.groupby("siret")["headcount"].transform("sum") <= 0
        without = c.group_count_distinct(long[lacking], group, "siret", "n_companies_without_workforce")
        long = long[~lacking]
    long["_decl"] = long["value"].where(long["declared"], 0.0)
    long["_est"] = long["value"].where(~long["declared"], 0.0)
    out = c.group_sum(long, group, ["value", "headcount", "_decl", "_est"])
    out = out.rename(columns={"headcount": "n_people", "_decl": "declared", "_est": "estimated"})
    companies_of = long.groupby(group, dropna=False, sort=True)
    lists = companies_of.apply(lambda g: pd.Series({
        "n_companies": g["siret"].nunique(),
        "n_companies_declared": g.loc[g["declared"], "siret"].nunique(),
        "n_companies_estimated": g.loc[~g["declared"], "siret"].nunique(),
        "companies_declared": ";".join(sorted(set(g.loc[g["declared"], "siret"]))),
        "companies_estimated": ";".join(sorted(set(g.loc[~g["declared"], "siret"]))),
        "approximation": " ; ".join(sorted({a for a in g["approximation"] if a})),
    }), include_groups=False).reset_index() if not long.empty else pd.DataFrame(columns=group)
    out = out.merge(lists, on=group, how="left")
    if not without.empty:
        out = out.merge(without, on=group, how="left")
    if "n_companies_without_workforce" in out.columns:
        out["n_companies_without_workforce"] = out["n_companies_without_workforce"].fillna(0).astype("int64")
    out.insert(0, "scope", "audits")
    return out


def _departures(frames: dict, by, settings, horizons, ages, name: str, *, rate: bool) -> pd.DataFrame:
    s = c.settings_or_default(settings)
    by = c.check_by(by, DEPARTURE_DIMS, name)
    combos = scenarios(s, horizons, ages)
    parts = []
    for scope in workforce_scopes(by, employment=frames.get("employment"), name=name,
                                  scopes=("territoire",)) if set(by) <= set(SCOPE_DIMS["territoire"]) else []:
        parts.append(_territory_part(scope, s, combos))
    if set(by) <= set(SCOPE_DIMS["audits"]) - {"sex"}:
        keys = ["territory", *[d for d in by if d != "territory"]]
        part = _audit_part(frames.get("workforce"), frames.get("departures"), frames.get("companies"),
                           keys, s, combos, rate=rate)
        if not part.empty:
            parts.append(part)
    if not parts:
        return c.empty(["scope", "territory", "horizon_years", "retirement_age", "scenario", "value",
                        "n_people", "fragile"])
    out = pd.concat(parts, ignore_index=True)
    if "occupation" in out.columns:
        out["occupation_level"] = levels(out["occupation"])
    return out


def expected_departures(employment=None, workforce=None, departures=None, companies=None, *,
                        by: Sequence[str] = (), settings: Settings | None = None,
                        horizons: Sequence[int] | None = None,
                        retirement_ages: Sequence[int] | None = None) -> pd.DataFrame:
    """End-of-career departures within H: people whose age + H ≥ A (ages spread evenly within
    bands), for each horizon and retirement age; audited companies' declared retirements win
    over the estimate from their workforce."""
    s = c.settings_or_default(settings)
    out = _departures(dict(employment=employment, workforce=workforce, departures=departures,
                           companies=companies), by, s, horizons, retirement_ages,
                      "expected_departures", rate=False)
    if out.empty:
        return out
    threshold = np.where(out["scope"] == "audits", s.small_numbers.min_companies, s.small_numbers.min_people)
    base = np.where(out["scope"] == "audits", out.get("n_companies", np.nan), out["n_people"])
    out["fragile"] = (pd.isna(base) | (base < threshold) | out["value"].isna()).astype(bool)
    return c.finish(out, ["scope", "territory", "year", "period"])


def replacement_rate(employment=None, workforce=None, departures=None, companies=None, *,
                     by: Sequence[str] = (), settings: Settings | None = None,
                     horizons: Sequence[int] | None = None,
                     retirement_ages: Sequence[int] | None = None) -> pd.DataFrame:
    """Departures to replace relative to the current workforce: 100 × expected_departures(H) /
    workforce, over the same people (audited companies without a workforce sheet left out)."""
    s = c.settings_or_default(settings)
    out = _departures(dict(employment=employment, workforce=workforce, departures=departures,
                           companies=companies), by, s, horizons, retirement_ages,
                      "replacement_rate", rate=True)
    if out.empty:
        return out
    out = out.rename(columns={"value": "departures"})
    out["value"] = c.ratio(out["departures"], out["n_people"], 100.0)
    return c.finish(c.flag(out, "n_people", s.small_numbers.min_people), ["scope", "territory", "year", "period"])


# --- single holders --------------------------------------------------------------------------------
HOLDER_DIMS = ("territory", "occupation", "sector", "size_class", "company", "period")


def _holder_pairs(missing_skills: pd.DataFrame) -> pd.DataFrame:
    """(company, skill) pairs whose know-how only one person holds, with the skill's occupation."""
    from ..ingest.values import norm_text

    df = missing_skills.copy()
    single = pd.to_numeric(df.get("single_holder"), errors="coerce") == 1
    df = df[single].copy()
    df["skill_key"] = df["skill"].map(lambda t: norm_text(t) if isinstance(t, str) else "")
    df = df.sort_values("occupation", na_position="last", kind="stable")
    keep = ["siret", "skill_key", "skill", "occupation", *[x for x in ("period",) if x in df.columns]]
    return df[keep].drop_duplicates(["siret", "skill_key"]).reset_index(drop=True)


def _leave_probability(pairs, departures, workforce, companies, s: Settings, horizon: int) -> pd.DataFrame:
    """P(the single holder leaves within H) per pair, and the basis of that probability."""
    from ..ingest.values import norm_text

    dp = departures if departures is not None else pd.DataFrame(columns=["siret"])
    declared = set(dp["siret"])
    est = audit_departures_by_company(workforce, None, companies, ["occupation"], s,
                                      [(horizon, s.assumptions.retirement_age, "central")])
    col = f"d_{horizon}_{s.assumptions.retirement_age}"
    est_by = {(r.siret, r.occupation): (getattr(r, col), r.headcount) for r in est.itertuples()} \
        if not est.empty else {}
    if not dp.empty:
        dp = dp.assign(_share=horizon_fraction(dp["horizon"], horizon).fillna(0.0),
                       _leavers=c.as_float(dp["retirements"]).fillna(0.0)
                       + c.as_float(dp.get("other_departures", pd.Series(0.0, index=dp.index))).fillna(0.0),
                       _knowhow=dp.get("knowhow_at_risk", pd.Series("", index=dp.index)).map(
                           lambda t: norm_text(t) if isinstance(t, str) else ""))
    probs, bases = [], []
    for pair in pairs.itertuples():
        rows = dp[dp["siret"] == pair.siret] if pair.siret in declared else None
        occupation = pair.occupation if isinstance(pair.occupation, str) else None
        if rows is not None:
            cited = rows[rows["_knowhow"].map(lambda k: bool(pair.skill_key) and pair.skill_key in k)]
            if not cited.empty:
                probs.append(float(cited["_share"].max()))
                bases.append("savoir-faire cité")
                continue
            if occupation is None:
                probs.append(float("nan"))
                bases.append("inconnu")
                continue
            leavers = float((rows.loc[rows["occupation"] == occupation, "_leavers"]
                             * rows.loc[rows["occupation"] == occupation, "_share"]).sum())
            people = est_by.get((pair.siret, occupation), (0.0, 0.0))[1]
            probs.append(min(1.0, leavers / people) if people > 0 else min(1.0, leavers))
            bases.append("départs déclarés")
            continue
        leavers, people = est_by.get((pair.siret, occupation), (float("nan"), 0.0))
        if occupation is None or not people > 0:
            probs.append(float("nan"))
            bases.append("inconnu")
        else:
            probs.append(min(1.0, float(leavers) / float(people)))
            bases.append("estimé")
    return pairs.assign(probability=probs, basis=bases)


def single_holder_risk(missing_skills: pd.DataFrame, departures=None, workforce=None, companies=None,
                       *, by: Sequence[str] = (), settings: Settings | None = None,
                       horizons: Sequence[int] | None = None) -> pd.DataFrame:
    """Critical know-how held by one person who will leave within H: the expected number of
    (company, skill) pairs marked `single_holder` whose holder leaves within H.

    Probability per pair: the departure sheet names the know-how (share of its horizon within H);
    otherwise the company's declared departures in the skill's occupation over its headcount there;
    otherwise, for a company without a departures sheet, its estimated departures (age + H ≥ A,
    central A) over its headcount in the occupation. Pairs without occupation or headcount are
    `n_unknown`, never counted as 0."""
    s = c.settings_or_default(settings)
    by = c.check_by(by, HOLDER_DIMS, "single_holder_risk")
    keys = ["territory", *[d for d in by if d != "territory"]]
    cols = [*keys, "horizon_years", "value", "n_pairs", "n_unknown", "n_companies", "fragile"]
    if missing_skills is None or missing_skills.empty:
        return c.empty(cols)
    pairs = _holder_pairs(missing_skills)
    if pairs.empty:
        return c.empty(cols)
    parts = []
    for h in (list(horizons) if horizons else s.assumptions.horizons):
        p = _leave_probability(pairs, departures, workforce, companies, s, h)
        p = c.fill_dims(c.with_company_attributes(p, companies), keys)
        p["_known"] = p["probability"].notna().astype("int64")
        p["_unknown"] = 1 - p["_known"]
        p["_pair"] = 1
        for basis in ("savoir-faire cité", "départs déclarés", "estimé"):
            p[f"_b_{basis}"] = (p["basis"] == basis).astype("int64")
        out = c.group_sum(p.assign(probability=p["probability"].fillna(0.0)), keys,
                          ["probability", "_pair", "_unknown",
                           *[f"_b_{b}" for b in ("savoir-faire cité", "départs déclarés", "estimé")]])
        out = out.merge(c.group_count_distinct(p, keys, "siret", "n_companies"), on=keys, how="left") \
            if keys else out.assign(n_companies=p["siret"].nunique())
        out = out.rename(columns={"probability": "value", "_pair": "n_pairs", "_unknown": "n_unknown",
                                  "_b_savoir-faire cité": "n_pairs_knowhow_cited",
                                  "_b_départs déclarés": "n_pairs_declared",
                                  "_b_estimé": "n_pairs_estimated"})
        out["horizon_years"] = h
        parts.append(out)
    out = pd.concat(parts, ignore_index=True)
    if "occupation" in keys:
        out["occupation_level"] = levels(out["occupation"])
    return c.finish(c.flag(out, "n_companies", s.small_numbers.min_companies), [*keys, "horizon_years"])
