"""Cooperation the audited companies offer or need (tutoring, pooled training, employer groups,
staff lending, hosting people in integration schemes, equipment sharing): counts of companies."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..settings import Settings
from . import common as c

COOPERATION_DIMS = ("territory", "cooperation_type", "direction", "occupation", "sector", "size_class",
                    "company_type", "company_group", "company", "period")


def cooperation_declarations(cooperation: pd.DataFrame, companies: pd.DataFrame | None = None, *,
                             by: Sequence[str] = ("cooperation_type",),
                             settings: Settings | None = None) -> pd.DataFrame:
    """Companies declaring a cooperation (offer or need; the `direction` dimension tells them
    apart): value = distinct companies, each counted once per cell however many rows it filled;
    `people` = Σ people declared (rows without a number count 0, see `n_rows_without_people`).
    Rows without a cooperation type are left out."""
    s = c.settings_or_default(settings)
    by = c.check_by(by, COOPERATION_DIMS, "cooperation_declarations")
    keys = c.territory_first(by)
    cols = [*keys, "value", "people", "n_rows", "n_rows_without_people", "n_companies", "fragile"]
    if cooperation is None or cooperation.empty:
        return c.empty(cols)
    df = cooperation[cooperation["cooperation_type"].notna()]
    df = c.fill_dims(c.with_company_attributes(df, companies), keys)
    people = c.as_float(df["people"]) if "people" in df.columns else pd.Series(float("nan"), index=df.index)
    df["_people"] = people.fillna(0.0)
    df["_no_people"] = people.isna().astype("int64")
    out = c.aggregate(df, keys, distinct={"value": "siret"},
                      sums={"people": "_people", "n_rows_without_people": "_no_people"}, count="n_rows")
    out = out[[*keys, "value", "people", "n_rows", "n_rows_without_people"]]
    out["n_companies"] = out["value"]
    return c.finish(c.flag(out, "n_companies", s.small_numbers.min_companies), keys)
