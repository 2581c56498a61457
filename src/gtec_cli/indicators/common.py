"""What every indicator family shares: dimensions, ratios, small-number flags, company attributes.

Ratios are ratios of sums (indicators.md): a helper divides two summed columns and returns NaN,
never ±inf, when the denominator is zero or missing, so the row stays visible and is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..settings import Settings

#: Label of a dimension value that was not given (a hire without occupation, a company without NAF).
NOT_GIVEN = "(non renseigné)"

#: Dimensions `--by` accepts, with their French label (usage messages, --list).
DIMENSIONS: dict[str, str] = {
    "territory": "territoire",
    "occupation": "métier (ROME ou FAP, niveau indiqué dans occupation_level)",
    "family": "famille de métiers BMO",
    "sector": "secteur (division NAF, 2 chiffres)",
    "size_class": "taille d'entreprise (0, 1-9, 10-49, 50-249, 250+)",
    "company": "entreprise (SIRET ; usage interne, jamais dans un rapport)",
    "company_type": "type d'entreprise déclaré dans l'audit (TPE, PME, ETI, GE, SIAE, public, association)",
    "company_group": "type d'entreprise regroupé (TPE ; PME, ETI, GE ; SIAE, public, associations)",
    "theme": "thème du diagnostic RH des audits (recrutement, formation, transmission…)",
    "skill": "compétence manquante (code, sinon libellé normalisé)",
    "cooperation_type": "type de coopération déclaré dans les audits (tutorat, prêt de main-d'œuvre…)",
    "direction": "sens de la coopération (offre, besoin)",
    "cadre": "cadre / non-cadre",
    "horizon": "horizon déclaré dans l'audit (<1an, 1-3ans)",
    "sex": "sexe",
    "period": "période ou année (toutes au lieu de la plus récente)",
}

#: Company size classes of the establishments table (data-sources.md), from companies.headcount.
SIZE_CLASSES = ("0", "1-9", "10-49", "50-249", "250+")

#: Company types of the audit template, grouped so that each group holds enough companies for
#: statistical secrecy (one ETI or GE alone would make a column of `s`): the `company_group` dimension.
TYPE_GROUPS = {"TPE": "TPE", "PME": "PME, ETI, GE", "ETI": "PME, ETI, GE", "GE": "PME, ETI, GE",
               "SIAE": "SIAE, public, associations", "public": "SIAE, public, associations",
               "association": "SIAE, public, associations"}
TYPE_ORDER = ("TPE", "PME, ETI, GE", "SIAE, public, associations")


def settings_or_default(settings: Settings | None) -> Settings:
    """The given settings, or the defaults of an empty `gtec.toml` (tests, quick analyses)."""
    return settings if settings is not None else Settings()


def check_by(by: Iterable[str] | None, supported: Sequence[str], indicator: str) -> list[str]:
    """The requested dimensions, in order, or a usage error naming the ones not supported."""
    wanted = list(dict.fromkeys(by or ()))
    unknown = [d for d in wanted if d not in DIMENSIONS]
    if unknown:
        raise UsageError(
            f"Dimension inconnue : {', '.join(unknown)}. Dimensions possibles : "
            f"{', '.join(DIMENSIONS)}."
        )
    unsupported = [d for d in wanted if d not in supported]
    if unsupported:
        raise UsageError(
            f"L'indicateur {indicator} ne se décline pas par {', '.join(unsupported)} ; "
            f"dimensions possibles : {', '.join(supported) or 'aucune'}."
        )
    return wanted


def territory_first(by: Sequence[str]) -> list[str]:
    """Grouping keys of a result: `territory` first (every result row says which territory it
    describes), then the requested dimensions in their order."""
    return ["territory", *[d for d in by if d != "territory"]]


def ratio(numerator, denominator, scale: float = 1.0):
    """`scale × numerator / denominator`; NaN (never inf) where the denominator is 0 or missing."""
    num = pd.Series(numerator).astype("float64")
    den = pd.Series(denominator).astype("float64")
    den = den.where(den != 0)
    return scale * num / den


def flag(df: pd.DataFrame, base: str, threshold: int, *, value: str = "value") -> pd.DataFrame:
    """Add `fragile`: the base is under the small-number threshold, or the value is missing
    (zero denominator, masked or unpublished figure)."""
    base_values = pd.to_numeric(df[base], errors="coerce")
    df["fragile"] = (base_values.isna() | (base_values < threshold) | df[value].isna()).astype(bool)
    return df


def size_class(headcount: pd.Series) -> pd.Series:
    """The establishments-table size class (0, 1-9, 10-49, 50-249, 250+) of a headcount."""
    h = pd.to_numeric(headcount, errors="coerce")
    v = h.to_numpy(dtype="float64", na_value=np.nan)
    bounds = [v == 0, (v > 0) & (v < 10), (v >= 10) & (v < 50), (v >= 50) & (v < 250), v >= 250]
    classes = np.select(bounds, ["0", "1-9", "10-49", "50-249", "250+"], NOT_GIVEN)
    return pd.Series(classes.astype(object), index=h.index, dtype=object)


def sector(naf: pd.Series) -> pd.Series:
    """The NAF division (2 digits) of any NAF code (`25.73A` -> `25`); sections stay as letters."""
    def division(code: object) -> str:
        if not isinstance(code, str) or not code.strip():
            return NOT_GIVEN
        return code[:2] if code[:2].isdigit() else code

    return naf.astype(object).map(division)


def with_company_attributes(df: pd.DataFrame, companies: pd.DataFrame | None,
                            territory: str = "") -> pd.DataFrame:
    """Join the companies' sector, size class, type (and its group) and territory to audit rows
    (by SIRET).

    Rows whose company sheet is missing keep `(non renseigné)`, so they are counted, not dropped.
    """
    columns: dict[str, object] = {}
    if companies is not None and not companies.empty:
        comp = companies.drop_duplicates("siret", keep="last")
        # Attributes are worked out once per company, then spread to the rows in one take.
        kinds = comp["company_type"].tolist() if "company_type" in comp.columns else [None] * len(comp)
        attributes = {
            "sector": sector(comp["naf"]).to_numpy(dtype=object),
            "size_class": size_class(comp["headcount"]).to_numpy(dtype=object),
            "company_type": np.array([k if isinstance(k, str) else NOT_GIVEN for k in kinds], dtype=object),
            "company_group": np.array([TYPE_GROUPS.get(k, NOT_GIVEN) if isinstance(k, str) else NOT_GIVEN
                                       for k in kinds], dtype=object)}
        at = pd.Index(comp["siret"]).get_indexer(df["siret"])
        found = at >= 0
        rows = np.where(found, at, 0)
        for name, values in attributes.items():
            columns[name] = np.where(found, values[rows], NOT_GIVEN)
        if "territory" in comp.columns:
            values = comp["territory"].to_numpy(dtype=object)[rows]
            values = np.where(found & pd.notna(values), values, territory)
            columns["territory"] = pd.Series(values, index=df.index, dtype=comp["territory"].dtype)
    else:
        columns = {name: NOT_GIVEN for name in ("sector", "size_class", "company_type", "company_group")}
    if "territory" not in columns and "territory" not in df.columns:
        columns["territory"] = territory
    columns["company"] = df["siret"]
    extra = pd.DataFrame(columns, index=df.index)
    kept = df.drop(columns=[c for c in extra.columns if c in df.columns])
    return pd.concat([kept, extra], axis=1)


def fill_dims(df: pd.DataFrame, dims: Sequence[str]) -> pd.DataFrame:
    """Missing dimension values become `(non renseigné)` so group-bys keep their rows."""
    for d in dims:
        if d in df.columns and df[d].isna().any():
            df[d] = df[d].astype(object).where(df[d].notna(), NOT_GIVEN)
    return df


def group_sum(df: pd.DataFrame, keys: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    """Sum columns by keys, keeping rows whose keys are missing (dropna=False) and keys sorted."""
    if not keys:
        return pd.DataFrame({c: [df[c].sum(min_count=0)] for c in columns})
    return (df.groupby(list(keys), dropna=False, sort=True, observed=True)[list(columns)]
            .sum(min_count=0).reset_index())


def aggregate(df: pd.DataFrame, keys: Sequence[str], *, sums: dict[str, str] | Sequence[str] = (),
              count: str | None = None, distinct: dict[str, str] | None = None) -> pd.DataFrame:
    """Per group of `keys`: Σ of the `sums` columns (a list, or output -> column; missing values
    count 0), the number of rows (`count`) and of distinct values of some columns (`distinct`:
    output -> column, missing values not counted). Groups come in sorted key order, missing keys
    kept (last), as `group_sum` gives them; without keys, one group over the whole frame; an
    empty frame gives no group.

    The same figures as pandas' group-by, without its fixed cost per call: audit tables are small
    and reports ask many cells, so the fixed cost would dominate."""
    sums = dict(sums) if isinstance(sums, dict) else {col: col for col in sums}
    distinct = distinct or {}
    if df.empty:
        names = [*keys, *sums, *([count] if count else []), *distinct]
        return pd.DataFrame({name: pd.Series(dtype=df[name].dtype if name in keys else "float64")
                             for name in names})
    n = len(df)
    ids = np.zeros(n, dtype="int64")
    for key in keys:
        codes, uniques = pd.factorize(df[key], sort=True, use_na_sentinel=False)
        if (int(ids.max()) + 1) * (len(uniques) + 1) > 2 ** 62:  # keep the combined number small
            ids = np.unique(ids, return_inverse=True)[1].astype("int64")
        ids = ids * (len(uniques) + 1) + codes
    groups, inverse = np.unique(ids, return_inverse=True)
    size = len(groups)
    first = np.full(size, n, dtype="int64")
    np.minimum.at(first, inverse, np.arange(n, dtype="int64"))
    out: dict[str, object] = {key: df[key].take(first).reset_index(drop=True) for key in keys}
    for name, col in sums.items():
        values = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        total = np.bincount(inverse, weights=np.nan_to_num(values, nan=0.0), minlength=size)
        out[name] = total.astype("int64") if df[col].dtype.kind in "iub" else total
    if count:
        out[count] = np.bincount(inverse, minlength=size).astype("int64")
    for name, col in distinct.items():
        codes, uniques = pd.factorize(df[col])
        known = codes >= 0
        pairs = np.unique(inverse[known] * (len(uniques) + 1) + codes[known])
        out[name] = np.bincount(pairs // (len(uniques) + 1), minlength=size).astype("int64")
    return pd.DataFrame(out, index=pd.RangeIndex(size))


def group_count_distinct(df: pd.DataFrame, keys: Sequence[str], column: str, name: str) -> pd.DataFrame:
    """Number of distinct values of `column` per group (companies in a cell)."""
    if not keys:
        return pd.DataFrame({name: [df[column].nunique()]})
    return (df.groupby(list(keys), dropna=False, sort=True, observed=True)[column].nunique()
            .rename(name).reset_index())


def top_share(df: pd.DataFrame, keys: Sequence[str], company: str, value: str) -> pd.DataFrame:
    """Largest single company's share of a cell's value (input of the dominance rule)."""
    per = group_sum(df, [*keys, company], [value])
    total = per.groupby(list(keys), dropna=False, observed=True)[value].transform("sum") if keys \
        else pd.Series(per[value].sum(), index=per.index)
    per["top_company_share"] = ratio(per[value], total)
    if not keys:
        return pd.DataFrame({"top_company_share": [per["top_company_share"].max()]})
    return (per.groupby(list(keys), dropna=False, observed=True)["top_company_share"].max()
            .reset_index())


def latest(df: pd.DataFrame, column: str, per: Sequence[str] = ()) -> pd.DataFrame:
    """Rows of the most recent `column` value (year, period), per group of `per` columns."""
    if df.empty or column not in df.columns:
        return df
    if not per:
        return df[df[column] == df[column].max()]
    newest = df.groupby(list(per), dropna=False, observed=True)[column].transform("max")
    return df[df[column] == newest]


def empty(columns: Iterable[str]) -> pd.DataFrame:
    """An empty result with the indicator's columns (no data: nothing to compute, not an error)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


#: Columns that hold whole numbers even when a missing value made them float.
INTEGER_COLUMNS = ("year", "year_from", "year_to", "bmo_year", "horizon_years", "retirement_age",
                   "rank", "n_companies", "n_companies_declared", "n_companies_estimated",
                   "n_companies_without_workforce", "n_rows", "n_masked_rows", "n_masked",
                   "n_rows_unknown", "n_pairs", "n_unknown", "citations", "tension_class")


def finish(df: pd.DataFrame, first: Sequence[str]) -> pd.DataFrame:
    """Put the dimension columns first, reset the index, and show whole-number columns as
    integers (2021, not 2021.0) in every export."""
    cols = [c for c in first if c in df.columns] + [c for c in df.columns if c not in first]
    out = df[cols].reset_index(drop=True)
    for col in INTEGER_COLUMNS:
        if col in out.columns and out[col].dtype.kind == "f":
            values = out[col].dropna()
            if (values == values.round()).all():
                out[col] = out[col].astype("Int64")
    return out


def as_float(series: pd.Series) -> pd.Series:
    """Numbers as float64 (pandas 3 returns nullable or object columns from SQLite)."""
    return pd.to_numeric(series, errors="coerce").astype("float64")


def nan_to_none(value):
    """A JSON-ready scalar."""
    if isinstance(value, (float, np.floating)) and value != value:
        return None
    return value
