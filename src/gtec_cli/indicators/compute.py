"""Load what indicators need from the store, then run their pure functions.

The one path the CLI (`gtec indicators`), the Python API and the reports share, so that they give
identical figures. Rules of loading:

- `period` P means "as known at P": drops of P or earlier. Each audited company counts once, from
  its latest audit up to P (a company re-audited in 2026 replaces its 2025 answers). Likewise each
  slice of a statistical table (a territory's year of population, a source's year of tension
  indicators) counts once, from the latest drop that holds it: the next quarter's observatory
  workbook repeating the 2021 census replaces it instead of doubling it.
- Public tables keep the rows of the requested territory, or of the workspace territory and its
  comparisons (`territories.select`); the national Dares age table is kept unless another
  territory than France is asked. `territory="*"` keeps every territory as stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from ..periods import parse_period
from ..settings import Settings
from . import territories as terr
from .common import finish
from .registry import REGISTRY, Indicator, get

AUDIT_TABLES = ("companies", "workforce", "departures", "hires", "missing_skills", "assessments",
                "cooperation")
TERRITORIAL_TABLES = ("population", "employment", "establishments", "jobseekers", "offers",
                      "training", "bmo", "tension")
#: `territory="*"`: every territory of the data, as stored, without selection or relabelling.
ALL_TERRITORIES = "*"
#: Above this many rows, employment counts are first added up over the columns the request
#: needs: one pass over the big table, then every indicator works on the small one.
COMPACT_ROWS = 200_000


def tables_for(names: Iterable[str]) -> list[str]:
    """Store tables the indicators read."""
    return list(dict.fromkeys(t for n in names for _, t in get(n).inputs))


def _allowed_drops(store, period: str | None) -> dict[int, str]:
    """Active drops (id -> period) of `period` or earlier."""
    limit = parse_period(period) if period else None
    return {d.id: d.period for d in store.drops()
            if limit is None or parse_period(d.period) <= limit}


def _latest_audits(frames: dict[str, pd.DataFrame], drops: dict[int, str]) -> dict[str, pd.DataFrame]:
    """Keep, for each company, the rows of its latest audit drop."""
    parts = [f[["siret", "drop_id"]] for t, f in frames.items()
             if t in AUDIT_TABLES and not f.empty and "siret" in f.columns]
    if not parts:
        return frames
    pairs = pd.concat(parts, ignore_index=True)
    pairs = pairs.drop_duplicates()
    pairs["_key"] = pairs["drop_id"].map(lambda i: (parse_period(drops[i]), i))
    chosen = pairs.sort_values("_key").drop_duplicates("siret", keep="last")
    keep = set(zip(chosen["siret"], chosen["drop_id"]))
    out = dict(frames)
    for t, f in frames.items():
        if t in AUDIT_TABLES and not f.empty:
            mask = [(s, d) in keep for s, d in zip(f["siret"], f["drop_id"])]
            out[t] = f[mask].reset_index(drop=True)
    return out


#: What identifies a slice of each statistical table: a later drop holding the same slice replaces it.
SLICES = {
    "population": ("territory", "year"), "employment": ("territory", "year"),
    "establishments": ("territory", "year"), "training": ("territory", "year"),
    "jobseekers": ("territory", "period"), "offers": ("territory", "period"),
    "bmo": ("territory", "year"), "tension": ("source", "territory", "year"),
    "workforce_age_national": ("period",),
}


def _latest_slices(frames: dict[str, pd.DataFrame], drops: dict[int, str]) -> dict[str, pd.DataFrame]:
    """Keep, for each slice of a statistical table, the rows of the latest drop holding it."""
    order = {i: rank for rank, i in enumerate(sorted(drops, key=lambda i: (parse_period(drops[i]), i)))}
    out = dict(frames)
    for table, keys in SLICES.items():
        f = frames.get(table)
        if f is None or f.empty or "drop_id" not in f.columns:
            continue
        keys = [k for k in keys if k in f.columns]
        pairs = f[[*keys, "drop_id"]].drop_duplicates()
        if pairs["drop_id"].nunique() < 2:
            continue
        best = (pairs.assign(_rank=pairs["drop_id"].map(order)).sort_values("_rank")
                .drop_duplicates(keys, keep="last")[[*keys, "drop_id"]])
        out[table] = f.merge(best, on=[*keys, "drop_id"], how="inner")
    return out


def load(store, settings: Settings, tables: Iterable[str], *, territory: str | None = None,
         period: str | None = None) -> dict[str, pd.DataFrame]:
    """The store tables indicators read, filtered as described in the module docstring."""
    drops = _allowed_drops(store, period)
    frames: dict[str, pd.DataFrame] = {}
    # Only the rows `prepare` may select are read: a national tension file holds every
    # département, a report needs its territory and a few comparisons.
    wanted = None if territory == ALL_TERRITORIES else terr.candidates(settings, territory)
    for table in dict.fromkeys(tables):
        if table not in store.tables():
            frames[table] = pd.DataFrame()
            continue
        where = {"territory": wanted} if wanted is not None and table in TERRITORIAL_TABLES \
            and table != "bmo" and "territory" in store.columns(table) else None
        df = store.read(table, where=where)
        df = df[df["drop_id"].isin(list(drops))].drop(columns=["sheet", "row"], errors="ignore")
        frames[table] = df.reset_index(drop=True)
    return prepare(_latest_slices(_latest_audits(frames, drops), drops), settings, territory)


def prepare(frames: dict[str, pd.DataFrame], settings: Settings,
            territory: str | None = None) -> dict[str, pd.DataFrame]:
    """Rows of the requested territories, labelled with them; audited companies labelled with the
    workspace territory. Frames already prepared (they carry `source_territory`) pass as they are,
    so callers that load frames themselves (reports) get the same figures as the CLI."""
    chain = terr.requested(settings, territory)
    out = dict(frames)
    for table, df in frames.items():
        if df is None or df.empty:
            continue
        if table in TERRITORIAL_TABLES and territory == ALL_TERRITORIES:
            continue
        if table in TERRITORIAL_TABLES and "source_territory" not in df.columns:
            out[table] = terr.select(df, chain, settings, table=table)
        elif table == "workforce_age_national" and territory not in (None, "fr", ALL_TERRITORIES):
            out[table] = df.iloc[0:0]
        elif table == "companies" and "territory" not in df.columns:
            out[table] = df.assign(territory=settings.territory.code or settings.territory.name)
    return out


def compact(df: pd.DataFrame, keep: Sequence[str], value: str = "people") -> pd.DataFrame:
    """Add up `value` over the columns in `keep` (masked counts kept in `_n_masked`).

    Groups on the age band label rather than on age_min/age_max (NaN for open bands, slow to hash):
    the store's labels are canonical (`25-29`, `60+`, `<25`), so the bounds are parsed back from
    the few labels left. Labels that do not parse fall back to grouping on the bounds."""
    keep = [k for k in keep if k in df.columns]
    keys = list(keep)
    bounds = None
    if "age_band" in df.columns and {"age_min", "age_max"} <= set(keep):
        keys = [k for k in keep if k not in ("age_min", "age_max")] + ["age_band"]
    masked = df[value].isna()
    work = df[keys].assign(**{value: df[value]})
    if masked.any():
        work["_n_masked"] = masked.astype("int64")
    out = (work.groupby(keys, dropna=False, sort=False, observed=True).sum(min_count=0)
           .reset_index())
    if "_n_masked" not in out.columns:
        out["_n_masked"] = 0
    if "age_band" in keys and "age_band" not in keep:
        bounds = _band_bounds(out["age_band"])
        if bounds is None:
            return compact(df.drop(columns="age_band"), keep, value)
        out["age_min"], out["age_max"] = bounds
        out = out.drop(columns="age_band")
    return out


def _band_bounds(labels: pd.Series):
    """age_min/age_max arrays parsed from canonical band labels, or None if one does not parse."""
    from ..ingest.values import BadValue, parse_age_band

    table = {}
    for label in pd.unique(labels.astype(object)):
        if not isinstance(label, str):
            table[label] = (float("nan"), float("nan"))
            continue
        try:
            canonical, lo, hi = parse_age_band(label)
        except BadValue:
            return None
        if canonical != label:
            return None
        table[label] = (float(lo), float("nan") if hi is None else float(hi))
    pairs = labels.astype(object).map(table)
    return pairs.map(lambda t: t[0]).astype("float64"), pairs.map(lambda t: t[1]).astype("float64")


def _employment_columns(by: Sequence[str]) -> list[str]:
    cols = ["territory", "year", "sex", "age_min", "age_max", "source_territory"]
    if "occupation" in by:
        cols += ["occupation", "occupation_system"]
    if "sector" in by:
        cols.append("naf")
    return cols


def run(indicator: Indicator, frames: dict[str, pd.DataFrame], settings: Settings, *,
        by: Sequence[str] | None = None, territories: Sequence[str] = ()) -> pd.DataFrame:
    """One indicator on loaded frames, with `indicator` and `unit` columns first."""
    dims = list(by) if by else list(indicator.default_by)
    kwargs = {param: frames.get(table, pd.DataFrame()) for param, table in indicator.inputs}
    if indicator.territories:
        kwargs["territories"] = list(territories)
    result = indicator.fn(**kwargs, by=dims, settings=settings)
    result = result.copy()
    result.insert(0, "unit", indicator.unit)
    result.insert(0, "indicator", indicator.name)
    return result


def compute_frames(frames: dict[str, pd.DataFrame], settings: Settings, names: Sequence[str], *,
                   by: Sequence[str] | None = None, territory: str | None = None) -> dict[str, pd.DataFrame]:
    """Each indicator's result from already loaded frames (benchmarks, tests, the store path)."""
    indicators = [get(n) for n in names]
    frames = prepare(frames, settings, territory)
    emp = frames.get("employment")
    if emp is not None and len(emp) > COMPACT_ROWS:
        dims = list(by) if by else [d for ind in indicators for d in ind.default_by]
        frames["employment"] = compact(emp, _employment_columns(dims))
    chain = terr.requested(settings, territory)
    return {ind.name: run(ind, frames, settings, by=by, territories=chain) for ind in indicators}


def compute_each(store, settings: Settings, names: Sequence[str], *, by: Sequence[str] | None = None,
                 territory: str | None = None, period: str | None = None) -> dict[str, pd.DataFrame]:
    """Each indicator's result, by name, from the store."""
    for n in names:
        get(n)
    frames = load(store, settings, tables_for(names), territory=territory, period=period)
    return compute_frames(frames, settings, names, by=by, territory=territory)


def compute(store, settings: Settings, names: Sequence[str], by: Sequence[str] | None = None,
            territory: str | None = None, period: str | None = None) -> pd.DataFrame:
    """The indicators `names` from the store as one DataFrame (column `indicator` tells them apart;
    columns an indicator lacks are empty)."""
    results = compute_each(store, settings, names, by=by, territory=territory, period=period)
    parts = [r for r in results.values() if not r.empty]
    if not parts:
        return pd.DataFrame({"indicator": pd.Series(dtype=object)})
    if len(parts) == 1:
        return parts[0].reset_index(drop=True)
    # Stacking frames turns whole-number columns an indicator lacks into floats: restore them.
    return finish(pd.concat(parts, ignore_index=True), ["indicator", "unit"])


def all_names() -> list[str]:
    """Registered indicator names, in registry order."""
    return list(REGISTRY)
