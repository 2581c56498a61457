"""The territory's economy from the observatory workbook: people in employment by sector and
establishments by size class, latest year of each territory (every year with `period`).

Both are counts (Σ of the published cells, masked cells counting 0 and counted in `n_masked`);
`share` is a cell's part of its territory and year, over the dimension the result is split by
(sector for employment, size class for establishments).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..settings import Settings
from . import common as c

EMPLOYMENT_DIMS = ("territory", "sector", "period")
ESTABLISHMENT_DIMS = ("territory", "size_class", "sector", "period")


def _keys(by: list[str], split: str) -> list[str]:
    """territory, year, the other dimensions, then `split` (last, so that a territory-year's cells
    follow each other)."""
    others = [d for d in by if d not in ("territory", "period", split)]
    return ["territory", "year", *others, *([split] if split in by else [])]


def _latest(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of each territory's latest year."""
    years = df["year"]
    if years.notna().all() and years.nunique() == 1:
        return df
    return c.latest(df, "year", ["territory"])


def _prefer(df: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """The `mask` rows of the territory-years that have some, every row of the others."""
    if not mask.any() or mask.all():
        return df
    has = mask.groupby([df["territory"], df["year"]], dropna=False).transform("any")
    return df[mask | ~has]


def _counts(df: pd.DataFrame, keys: list[str], value: str, split: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Σ `value` per group (masked cells count 0, `n_masked`), and `share` = 100 × the group's
    count / the count of its cells over the `split` dimension (the last key). Also returns each
    group's number among those cells (they follow each other: the keys are sorted)."""
    values = c.as_float(df[value])
    df = df.assign(value=values, n_masked=values.isna().astype("int64"))
    out = c.aggregate(df, keys, sums=["value", "n_masked"])
    total = c.aggregate(out, [k for k in keys if k != split], sums=["value"], count="_n")
    whole = np.repeat(np.arange(len(total)), total["_n"].to_numpy())
    out["share"] = c.ratio(out["value"], total["value"].to_numpy()[whole], 100.0)
    return out, whole


def employment(employment: pd.DataFrame, *, by: Sequence[str] = ("sector",),
               settings: Settings | None = None) -> pd.DataFrame:
    """People in employment by sector (NAF division), latest year of each territory: Σ people.

    Nobody is counted twice: when a territory-year has both-sexes rows (`T`) only those are used,
    else men and women are added; likewise all-ages rows win over age bands. Rows without NAF are
    `(non renseigné)`. `share` = 100 × people of the sector / people of the territory-year.
    Sectors come by decreasing employment."""
    s = c.settings_or_default(settings)
    by = c.check_by(by, EMPLOYMENT_DIMS, "employment")
    keys = _keys(by, "sector")
    cols = [*keys, "value", "share", "n_masked", "fragile"]
    if employment is None or employment.empty:
        return c.empty(cols)
    df = employment if "period" in by else _latest(employment)
    if "sex" in df.columns:
        df = _prefer(df, (df["sex"] == "T").fillna(False).astype(bool))
    # Ages: the band label, or its bounds once the rows were added up over the columns needed.
    all_ages = df["age_band"].isna() if "age_band" in df.columns else \
        df["age_min"].isna() if "age_min" in df.columns else pd.Series(True, index=df.index)
    df = _prefer(df, all_ages)
    df = df.assign(sector=c.sector(df["naf"]) if "naf" in df.columns else c.NOT_GIVEN)
    out, whole = _counts(df, keys, "people", "sector")
    out = out.take(np.lexsort((-out["value"].to_numpy(), whole)))
    return c.finish(c.flag(out[cols[:-1]], "value", s.small_numbers.min_people), keys)


def establishments(establishments: pd.DataFrame, *, by: Sequence[str] = ("size_class",),
                   settings: Settings | None = None) -> pd.DataFrame:
    """Establishments by size class (0, 1-9, 10-49, 50-249, 250+ employees), latest year of each
    territory: Σ establishments. Rows without size class are `(non renseigné)`, listed last.
    `share` = 100 × establishments of the class / establishments of the territory-year."""
    s = c.settings_or_default(settings)
    by = c.check_by(by, ESTABLISHMENT_DIMS, "establishments")
    keys = _keys(by, "size_class")
    cols = [*keys, "value", "share", "n_masked", "fragile"]
    if establishments is None or establishments.empty:
        return c.empty(cols)
    df = establishments if "period" in by else _latest(establishments)
    if "sector" in keys:
        df = df.assign(sector=c.sector(df["naf"]) if "naf" in df.columns else c.NOT_GIVEN)
    df = c.fill_dims(df.copy(), keys)
    out, whole = _counts(df, keys, "establishments", "size_class")
    if "size_class" in keys:
        order = {k: i for i, k in enumerate(c.SIZE_CLASSES)}
        rank = np.array([order.get(k, len(order)) for k in out["size_class"]])
        out = out.take(np.lexsort((rank, whole)))
    return c.finish(c.flag(out[cols[:-1]], "value", s.small_numbers.min_companies), keys)
