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
    n = len(sums)
    labels = pd.DataFrame({"horizon_years": [h for h, _, _ in combos],
                           "retirement_age": [age for _, age, _ in combos],
                           "scenario": [label for _, _, label in combos]})
    out = pd.concat([pd.concat([sums[[*keys, *extra]]] * len(combos), ignore_index=True),
                     labels.take(np.repeat(np.arange(len(combos)), n)).reset_index(drop=True)], axis=1)
    out["value"] = np.concatenate([sums[f"d_{h}_{age}"].to_numpy() for h, age, _ in combos])
    return out


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
        retirements = c.as_float(d["retirements"]).fillna(0.0).to_numpy()
        share = {h: horizon_fraction(d["horizon"], h).fillna(0.0).to_numpy()
                 for h in dict.fromkeys(h for h, _, _ in combos)}
        decl = pd.DataFrame({f"decl_{h}_{age}": retirements * share[h] for h, age, _ in combos})
        work = pd.concat([d[cell].reset_index(drop=True), decl], axis=1)
        frames.append(c.group_sum(work, cell, list(decl.columns)))
    if not frames:
        return pd.DataFrame()
    merged = frames[0]
    for extra in frames[1:]:
        merged = merged.merge(extra, on=cell, how="outer")
    # New values replace the columns in place, or follow them in this order.
    columns = {col: merged[col] for col in merged.columns}
    declared = merged["siret"].isin(declared_sirets)
    columns["declared"] = declared
    columns["headcount"] = merged.get("headcount", pd.Series(0.0, index=merged.index)).fillna(0.0)
    zero = pd.Series(0.0, index=merged.index)
    for h, age, _ in combos:
        est_col = merged.get(f"d_{h}_{age}", zero).fillna(0.0)
        decl_col = merged.get(f"decl_{h}_{age}", zero).fillna(0.0)
        columns[f"d_{h}_{age}"] = np.where(declared, decl_col, est_col)
        # An approximation note only matters where the estimate was used.
        note = merged.get(f"approximation_d_{h}_{age}", pd.Series("", index=merged.index)).fillna("")
        columns[f"approximation_d_{h}_{age}"] = note.where(~declared, "")
    columns["basis"] = np.where(declared, "déclaré", "estimé")
    return pd.DataFrame(columns, index=merged.index)


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
    if long.empty:
        out = out.merge(pd.DataFrame(columns=group), on=group, how="left")
    else:
        # Same group-by as `out` (sorted keys, missing kept): the lists line up with its rows.
        codes = long.groupby(group, dropna=False, sort=True, observed=True).ngroup().to_numpy()
        for col, values in _company_lists(codes, out.index, long).items():
            out[col] = values
    if not without.empty:
        out = out.merge(without, on=group, how="left")
    if "n_companies_without_workforce" in out.columns:
        out["n_companies_without_workforce"] = out["n_companies_without_workforce"].fillna(0).astype("int64")
    out.insert(0, "scope", "audits")
    return out


def _company_lists(codes: np.ndarray, index: pd.Index, long: pd.DataFrame) -> dict[str, pd.Series]:
    """Per group (row `codes` of `index`): companies, declared and estimated (counts and sorted
    SIRET lists), and the distinct approximation notes."""
    n_groups = len(index)
    declared = [set() for _ in range(n_groups)]
    estimated = [set() for _ in range(n_groups)]
    notes = [set() for _ in range(n_groups)]
    for g, siret, is_declared, note in zip(codes.tolist(), long["siret"].tolist(),
                                           long["declared"].tolist(), long["approximation"].tolist()):
        (declared if is_declared else estimated)[g].add(siret)
        if note:
            notes[g].add(note)

    def column(values, dtype=None):
        return pd.Series(values, index=index, dtype=dtype)

    return {
        "n_companies": column([len(d | e) for d, e in zip(declared, estimated)], "int64"),
        "n_companies_declared": column([len(d) for d in declared], "int64"),
        "n_companies_estimated": column([len(e) for e in estimated], "int64"),
        "companies_declared": column([";".join(sorted(d)) for d in declared]),
        "companies_estimated": column([";".join(sorted(e)) for e in estimated]),
        "approximation": column([" ; ".join(sorted(x)) for x in notes]),
    }


def _departures(frames: dict, by, settings, horizons, ages, name: str, *, rate: bool) -> pd.DataFrame:
    s = c.settings_or_default(settings)
    by = c.check_by(by, DEPARTURE_DIMS, name)
    combos = scenarios(s, horizons, ages)
    parts = []
    for scope in workforce_scopes(by, employment=frames.get("employment"), name=name,
                                  scopes=("territoire",)) if set(by) <= set(SCOPE_DIMS["territoire"]) else []:
        parts.append(_territory_part(scope, s, combos))
    if set(by) <= set(SCOPE_DIMS["audits"]) - {"sex"}:
        keys = c.territory_first(by)
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


def _leave_probability(pairs, departures, workforce, companies, s: Settings,
                       horizons: Sequence[int]) -> dict[int, tuple[list[float], list[str]]]:
    """P(the single holder leaves within H) per pair, and the basis of that probability, for
    each horizon H (in `pairs` order)."""
    from ..ingest.values import norm_text

    horizons = list(dict.fromkeys(horizons))
    age = s.assumptions.retirement_age
    dp = departures if departures is not None else pd.DataFrame(columns=["siret"])
    declared = set(dp["siret"])
    est = audit_departures_by_company(workforce, None, companies, ["occupation"], s,
                                      [(h, age, "central") for h in horizons])
    # (siret, occupation) -> (headcount, {H: estimated departures within H})
    est_by = {}
    if not est.empty:
        figures = zip(*[est[f"d_{h}_{age}"].tolist() for h in horizons])
        for siret, occupation, people, row in zip(est["siret"].tolist(), est["occupation"].tolist(),
                                                  est["headcount"].tolist(), figures):
            est_by[(siret, occupation)] = (people, dict(zip(horizons, row)))
    rows_of: dict[str, list[int]] = {}
    if not dp.empty:
        share = {h: horizon_fraction(dp["horizon"], h).fillna(0.0).to_numpy() for h in horizons}
        leavers = (c.as_float(dp["retirements"]).fillna(0.0)
                   + c.as_float(dp.get("other_departures", pd.Series(0.0, index=dp.index))).fillna(0.0)
                   ).to_numpy()
        knowhow = [norm_text(t) if isinstance(t, str) else ""
                   for t in dp.get("knowhow_at_risk", pd.Series("", index=dp.index)).tolist()]
        dp_occupation = dp["occupation"].tolist()
        for i, siret in enumerate(dp["siret"].tolist()):
            if pd.notna(siret):  # a missing SIRET matches no pair
                rows_of.setdefault(siret, []).append(i)
    out = {h: ([], []) for h in horizons}

    def put(h, probability, basis):
        out[h][0].append(probability)
        out[h][1].append(basis)

    for siret, skill_key, occupation in zip(pairs["siret"].tolist(), pairs["skill_key"].tolist(),
                                            pairs["occupation"].tolist()):
        occupation = occupation if isinstance(occupation, str) else None
        if siret in declared:
            rows = rows_of.get(siret, [])
            cited = [i for i in rows if skill_key and skill_key in knowhow[i]]
            same = [i for i in rows if dp_occupation[i] == occupation] if occupation is not None else []
            people = est_by.get((siret, occupation), (0.0, {}))[0]
            for h in horizons:
                if cited:
                    put(h, float(max(share[h][i] for i in cited)), "savoir-faire cité")
                elif occupation is None:
                    put(h, float("nan"), "inconnu")
                else:
                    left = float((leavers[same] * share[h][same]).sum())
                    put(h, min(1.0, left / people) if people > 0 else min(1.0, left), "départs déclarés")
            continue
        people, estimate = est_by.get((siret, occupation), (0.0, {}))
        for h in horizons:
            if occupation is None or not people > 0:
                put(h, float("nan"), "inconnu")
            else:
                put(h, min(1.0, float(estimate[h]) / float(people)), "estimé")
    return out


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
    keys = c.territory_first(by)
    cols = [*keys, "horizon_years", "value", "n_pairs", "n_unknown", "n_companies", "fragile"]
    if missing_skills is None or missing_skills.empty:
        return c.empty(cols)
    pairs = _holder_pairs(missing_skills)
    if pairs.empty:
        return c.empty(cols)
    horizons = list(horizons) if horizons else s.assumptions.horizons
    probabilities = _leave_probability(pairs, departures, workforce, companies, s, horizons) \
        if horizons else {}
    p = c.fill_dims(c.with_company_attributes(pairs, companies), keys)
    # The same pairs and groups at every horizon: companies are counted once.
    n_companies = c.group_count_distinct(p, keys, "siret", "n_companies")["n_companies"].to_numpy()
    bases = ("savoir-faire cité", "départs déclarés", "estimé")
    parts = []
    for h in horizons:
        probability, basis = (np.asarray(x) for x in probabilities[h])
        unknown = np.isnan(probability)
        counts = pd.DataFrame({
            **{k: p[k] for k in keys},
            "value": np.where(unknown, 0.0, probability), "n_pairs": np.ones(len(p), dtype="int64"),
            "n_unknown": unknown.astype("int64"),
            "n_pairs_knowhow_cited": (basis == bases[0]).astype("int64"),
            "n_pairs_declared": (basis == bases[1]).astype("int64"),
            "n_pairs_estimated": (basis == bases[2]).astype("int64")}, index=p.index)
        out = c.group_sum(counts, keys, [col for col in counts.columns if col not in keys])
        out["n_companies"] = n_companies
        out["horizon_years"] = h
        parts.append(out)
    out = pd.concat(parts, ignore_index=True)
    if "occupation" in keys:
        out["occupation_level"] = levels(out["occupation"])
    return c.finish(c.flag(out, "n_companies", s.small_numbers.min_companies), [*keys, "horizon_years"])


KNOWHOW_DIMS = ("territory", "occupation", "horizon", "sector", "size_class", "company_type",
                "company_group", "company", "period")


def knowhow_at_risk(departures: pd.DataFrame, companies: pd.DataFrame | None = None, *,
                    by: Sequence[str] = (), settings: Settings | None = None) -> pd.DataFrame:
    """Know-how threatened by departures, as the audits declare it: the departure rows (any
    horizon) whose `knowhow_at_risk` names at least one know-how. value = companies declaring one;
    `n_rows` those rows, `n_items` the know-how they name (`;`-separated lists), `retirements`
    Σ retirements of those rows (missing: 0)."""
    from .skillkeys import split_items

    s = c.settings_or_default(settings)
    by = c.check_by(by, KNOWHOW_DIMS, "knowhow_at_risk")
    keys = c.territory_first(by)
    cols = [*keys, "value", "n_rows", "n_items", "retirements", "n_companies", "fragile"]
    if departures is None or departures.empty or "knowhow_at_risk" not in departures.columns:
        return c.empty(cols)
    items = departures["knowhow_at_risk"].map(lambda t: len(split_items(t)))
    df = departures[items > 0].assign(_items=items[items > 0])
    df = c.fill_dims(c.with_company_attributes(df, companies), keys)
    df["_retirements"] = c.as_float(df["retirements"]).fillna(0.0)
    out = c.aggregate(df, keys, distinct={"value": "siret"}, count="n_rows",
                      sums={"n_items": "_items", "retirements": "_retirements"})
    out = out[cols[:-2]]
    out["n_companies"] = out["value"]
    if "occupation" in keys:
        out["occupation_level"] = levels(out["occupation"])
    return c.finish(c.flag(out, "n_companies", s.small_numbers.min_companies), keys)
