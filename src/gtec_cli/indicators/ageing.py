"""Demographic ageing of the population and of the workforce (indicators.md § 2).

Population figures come from the `population` table (census POP T0 bands or observatory bands);
workforce figures from three scopes, each labelled in a `scope` column: the territory's employment
(`employment`, observatory), the audited companies (`workforce`) and France (`workforce_age_national`,
Dares). Counts arrive in age bands: :mod:`.bands` sums them, exactly when the bands allow, otherwise
with ages spread evenly within the straddling band, and the `approximation` column says which.
Departures and their derived rates live in :mod:`.departures`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..settings import Settings
from . import common as c
from .bands import band_sums
from .occupations import levels

INF = math.inf
POPULATION_DIMS = ("territory", "sex", "period")
SCOPE_DIMS = {
    "territoire": ("territory", "occupation", "sector", "sex", "period"),
    "audits": ("territory", "occupation", "sector", "size_class", "company", "sex", "period"),
    "national": ("territory", "occupation", "period"),
}
WORKFORCE_DIMS = tuple(dict.fromkeys(d for dims in SCOPE_DIMS.values() for d in dims))


# --- population ------------------------------------------------------------------------------------
def collapse_sex(df: pd.DataFrame, by: Sequence[str], keys: Sequence[str]) -> pd.DataFrame:
    """Rows to add up without counting anyone twice: H and F when `sex` is asked; otherwise the
    `T` (both sexes) rows of a group when it has them, else its H and F rows. A missing sex is T."""
    if "sex" not in df.columns:
        return df.assign(sex="T")
    sex = df["sex"].astype(object).where(df["sex"].notna(), "T")
    df = df.assign(sex=sex)
    if "sex" in by:
        return df[sex != "T"]
    has_total = (sex == "T")
    if not has_total.any():
        return df
    group_keys = [k for k in keys if k != "sex"]
    any_total = has_total.groupby([df[k] for k in group_keys], dropna=False).transform("any") \
        if group_keys else pd.Series(True, index=df.index)
    return df[has_total | ~any_total]


def _population(population: pd.DataFrame, by: list[str]) -> tuple[pd.DataFrame, list[str]]:
    keys = ["territory", "year", *(["sex"] if "sex" in by else [])]
    df = population
    if "period" not in by:
        df = c.latest(df, "year", ["territory"])
    return collapse_sex(df, by, keys), keys


def ageing_index(population: pd.DataFrame, *, by: Sequence[str] = (),
                 settings: Settings | None = None) -> pd.DataFrame:
    """Indice de vieillissement (Insee): 100 × population aged 65+ / population under 20."""
    s = c.settings_or_default(settings)
    by = c.check_by(by, POPULATION_DIMS, "ageing_index")
    if population.empty:
        return c.empty(["territory", "year", "value", "p65_plus", "p_under_20", "n_people", "fragile"])
    df, keys = _population(population, by)
    sums = band_sums(df, keys, "people", {"p65_plus": (65, INF), "p_under_20": (0, 20)}, floor=0)
    sums["value"] = c.ratio(sums["p65_plus"], sums["p_under_20"], 100.0)
    sums["n_people"] = sums.pop("total")
    return c.finish(c.flag(sums, "n_people", s.small_numbers.min_people), keys)


def _population_share(population: pd.DataFrame, age: int, by, settings, name: str) -> pd.DataFrame:
    s = c.settings_or_default(settings)
    by = c.check_by(by, POPULATION_DIMS, name)
    part = f"p{age}_plus"
    if population.empty:
        return c.empty(["territory", "year", "value", part, "n_people", "fragile"])
    df, keys = _population(population, by)
    sums = band_sums(df, keys, "people", {part: (age, INF)}, floor=0)
    sums["value"] = c.ratio(sums[part], sums["total"], 100.0)
    sums["n_people"] = sums.pop("total")
    return c.finish(c.flag(sums, "n_people", s.small_numbers.min_people), keys)


def share_60_plus(population: pd.DataFrame, *, by: Sequence[str] = (),
                  settings: Settings | None = None) -> pd.DataFrame:
    """Share of the population aged 60 or more: 100 × P(60+) / P."""
    return _population_share(population, 60, by, settings, "share_60_plus")


def share_75_plus(population: pd.DataFrame, *, by: Sequence[str] = (),
                  settings: Settings | None = None) -> pd.DataFrame:
    """Share of the population aged 75 or more: 100 × P(75+) / P."""
    return _population_share(population, 75, by, settings, "share_75_plus")


def population_change(population: pd.DataFrame, *, by: Sequence[str] = (),
                      settings: Settings | None = None) -> pd.DataFrame:
    """Change between census years, in total and by age band: 100 × (P₂ − P₁) / P₁, and the mean
    annual rate 100 × ((P₂ / P₁)^(1 / (y₂ − y₁)) − 1). Pairs: each year with the next one, and the
    first with the last when there are more than two years. A band missing in one year is left
    out of the band rows (and named in `note`), never compared with zero."""
    s = c.settings_or_default(settings)
    by = c.check_by(by, POPULATION_DIMS, "population_change")
    cols = ["territory", "age_band", "year_from", "year_to", "value", "annual_rate", "people_from",
            "people_to", "n_people", "fragile"]
    if population.empty:
        return c.empty(cols)
    keys = ["territory", "year", *(["sex"] if "sex" in by else [])]
    df = collapse_sex(population, by, keys)
    total = band_sums(df, keys, "people", {}, floor=0)[[*keys, "total"]].rename(columns={"total": "people"})
    total["age_band"] = "total"
    bands = df.assign(age_band=df["age_band"].astype(object).where(df["age_band"].notna(), "total"))
    bands = bands[bands["age_band"] != "total"]
    per_band = c.group_sum(bands, [*keys, "age_band"], ["people"])
    table = pd.concat([total, per_band], ignore_index=True)
    group = ["territory", *(["sex"] if "sex" in by else []), "age_band"]
    rows = []
    for gkey, part in table.groupby(group, dropna=False, sort=False):
        years = sorted(part["year"].unique())
        pairs = list(zip(years, years[1:])) + ([(years[0], years[-1])] if len(years) > 2 else [])
        by_year = part.set_index("year")["people"]
        for y1, y2 in pairs:
            rows.append({**dict(zip(group, gkey if isinstance(gkey, tuple) else (gkey,))),
                         "year_from": int(y1), "year_to": int(y2),
                         "people_from": float(by_year[y1]), "people_to": float(by_year[y2])})
    out = pd.DataFrame(rows)
    if out.empty:
        return c.empty(cols)
    out["value"] = c.ratio(out["people_to"] - out["people_from"], out["people_from"], 100.0)
    growth = c.ratio(out["people_to"], out["people_from"])
    span = out["year_to"] - out["year_from"]
    out["annual_rate"] = 100.0 * (np.power(growth, 1.0 / span) - 1.0)
    out["n_people"] = out["people_from"]
    all_bands = set(per_band["age_band"])
    years_per_band = per_band.groupby("age_band")["year"].nunique()
    missing = sorted(b for b in all_bands if years_per_band[b] < per_band["year"].nunique())
    out["note"] = ("tranches absentes certaines années : " + ", ".join(missing)) if missing else ""
    order = {"total": -1}
    out = out.sort_values(["territory", "age_band", "year_from", "year_to"],
                          key=lambda col: col.map(lambda v: order.get(v, 0)) if col.name == "age_band" else col,
                          kind="stable")
    return c.finish(c.flag(out, "n_people", s.small_numbers.min_people),
                    ["territory", *(["sex"] if "sex" in by else []), "age_band", "year_from", "year_to"])


# --- workforce scopes ------------------------------------------------------------------------------
@dataclass
class Scope:
    """One source of workforce counts by age: its rows, the group keys and the count column."""

    name: str
    frame: pd.DataFrame
    keys: list[str]
    value: str


def workforce_scopes(by: list[str], *, employment=None, workforce=None, companies=None,
                     national=None, name: str, scopes: Sequence[str] = tuple(SCOPE_DIMS)) -> list[Scope]:
    """The scopes that have data and support every requested dimension (at least one must)."""
    supported = tuple(dict.fromkeys(d for sc in scopes for d in SCOPE_DIMS[sc]))
    by = c.check_by(by, supported, name)
    out = []
    if "territoire" in scopes and employment is not None and not employment.empty \
            and set(by) <= set(SCOPE_DIMS["territoire"]):
        df = employment.copy()
        if "period" not in by:
            df = c.latest(df, "year", ["territory"])
        df["sector"] = c.sector(df["naf"]) if "naf" in df.columns else c.NOT_GIVEN
        keys = ["territory", "year", *[d for d in by if d not in ("territory", "period")]]
        df = collapse_sex(c.fill_dims(df, keys), by, keys)
        out.append(Scope("territoire", df, keys, "people"))
    if "audits" in scopes and workforce is not None and not workforce.empty \
            and set(by) <= set(SCOPE_DIMS["audits"]):
        df = c.with_company_attributes(workforce, companies)
        keys = c.territory_first(by)
        df = collapse_sex(c.fill_dims(df, keys), by, keys)
        out.append(Scope("audits", df, keys, "headcount"))
    if "national" in scopes and national is not None and not national.empty \
            and set(by) <= set(SCOPE_DIMS["national"]):
        df = national.copy()
        level = "fap225" if "occupation" in by else "all"
        df = df[df["level"] == level]
        if "period" not in by:
            df = c.latest(df, "period")
        # Dares counts thousands of people: bases and thresholds are in people.
        df = df.assign(territory="fr", people=c.as_float(df["employed_thousands"]) * 1000.0)
        keys = ["territory", "period", *(["occupation"] if "occupation" in by else [])]
        out.append(Scope("national", df, keys, "people"))
    return out


def _scoped(by, targets, compute, *, name, settings, **frames) -> pd.DataFrame:
    """Run `compute(sums)` on each scope's band sums and stack the scopes."""
    s = c.settings_or_default(settings)
    parts = []
    for scope in workforce_scopes(list(by), name=name, **frames):
        sums = band_sums(scope.frame, scope.keys, scope.value, targets,
                         open_width=s.assumptions.open_age_band_width)
        sums = compute(sums)
        sums.insert(0, "scope", scope.name)
        if "occupation" in scope.keys:
            sums["occupation_level"] = levels(sums["occupation"])
        if scope.name == "audits":
            counts = c.group_count_distinct(scope.frame, scope.keys, "siret", "n_companies")
            sums = sums.merge(counts, on=scope.keys, how="left") if scope.keys else sums.assign(
                n_companies=counts["n_companies"].iloc[0])
        parts.append(c.flag(sums, "n_people", s.small_numbers.min_people))
    if not parts:
        return c.empty(["scope", "territory", "value", "n_people", "fragile"])
    return c.finish(pd.concat(parts, ignore_index=True), ["scope", "territory", "year", "period"])


def _share(age: int, by, settings, frames, name) -> pd.DataFrame:
    part = f"p{age}_plus"

    def compute(sums):
        sums["value"] = c.ratio(sums[part], sums["total"], 100.0)
        sums["n_people"] = sums.pop("total")
        return sums

    return _scoped(by, {part: (age, INF)}, compute, name=name, settings=settings, **frames)


def workforce_share_50_plus(employment=None, workforce=None, companies=None, national=None, *,
                            by: Sequence[str] = (), settings: Settings | None = None) -> pd.DataFrame:
    """Share of people in employment aged 50 or more: 100 × employed 50+ / employed, per scope
    (territory employment, audited companies, France)."""
    return _share(50, by, settings, dict(employment=employment, workforce=workforce,
                                         companies=companies, national=national),
                  "workforce_share_50_plus")


def workforce_share_55_plus(employment=None, workforce=None, companies=None, national=None, *,
                            by: Sequence[str] = (), settings: Settings | None = None) -> pd.DataFrame:
    """Share of people in employment aged 55 or more: 100 × employed 55+ / employed, per scope."""
    return _share(55, by, settings, dict(employment=employment, workforce=workforce,
                                         companies=companies, national=national),
                  "workforce_share_55_plus")


def junior_senior_ratio(employment=None, workforce=None, companies=None, national=None, *,
                        by: Sequence[str] = (), settings: Settings | None = None) -> pd.DataFrame:
    """Renewal of the age pyramid: employed under 30 / employed 55 or more (a ratio, not a %)."""
    def compute(sums):
        sums["value"] = c.ratio(sums["p_under_30"], sums["p55_plus"])
        sums["n_people"] = sums.pop("total")
        return sums

    return _scoped(by, {"p_under_30": (0, 30), "p55_plus": (55, INF)}, compute,
                   name="junior_senior_ratio", settings=settings, employment=employment,
                   workforce=workforce, companies=companies, national=national)
