"""Occupation levels: audits speak ROME, BMO and Dares speak FAP; results say which level they use.

The Dares crosswalk `fap225_rome.csv` links each FAP-2009 family (225) to ROME codes; one ROME
code often belongs to two or three families (unskilled/skilled, technician/manager). A `*` after
the ROME label marks a secondary link. gtec reads a ROME code as the set of its primary families
(all its families when none is primary); counts moved from ROME to FAP are split equally among
that set, which preserves totals and ratios of sums.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .. import nomenclatures as nom


def level_of(code: object) -> str | None:
    """`rome`, `fap225` or `fap87` for a code (None when it is neither)."""
    if not isinstance(code, str):
        return None
    return nom.occupation_system(code.strip().upper())


def levels(series: pd.Series) -> pd.Series:
    """The level of each code of a column."""
    return series.map(level_of)


@lru_cache(maxsize=None)
def rome_faps(code: str) -> tuple[str, ...]:
    """FAP-225 families of a ROME code: its primary links, or all links when none is primary."""
    return tuple(nom.rome_to_fap(code, primary_only=True))


@lru_cache(maxsize=None)
def faps_of(code: str, level: str = "fap225") -> tuple[str, ...]:
    """FAP codes an occupation code stands for, at `level` (`fap225` or `fap87`)."""
    kind = level_of(code)
    if kind == "rome":
        faps = rome_faps(code)
    elif kind == "fap225" or (kind == "fap87" and level == "fap87"):
        faps = (code,)
    else:
        faps = ()
    if level == "fap87":
        faps = tuple(dict.fromkeys(f[:3] for f in faps))
    return faps


def to_fap(df: pd.DataFrame, values: list[str], column: str = "occupation",
           level: str = "fap225") -> tuple[pd.DataFrame, int]:
    """Rows with ROME codes re-expressed in FAP, their counts split equally among the families.

    Returns the frame (with `occupation_level`) and how many rows could not be mapped (a ROME code
    absent from the crosswalk, or a FAP-87 code when FAP-225 is asked): those keep their code and
    level, so they are shown, never dropped.
    """
    if df.empty:
        out = df.copy()
        out["occupation_level"] = pd.Series(dtype=object)
        return out, 0
    codes = df[column].astype(object)
    mapped = codes.map(lambda c: faps_of(c, level) if isinstance(c, str) else ())
    n = mapped.map(len)
    keep = df[n == 0].copy()
    keep["occupation_level"] = levels(keep[column])
    unmapped = int(len(keep))
    spread = df[n > 0].copy()
    spread["_faps"] = mapped[n > 0]
    spread["_n"] = n[n > 0]
    spread = spread.explode("_faps")
    for v in values:
        spread[v] = pd.to_numeric(spread[v], errors="coerce") / spread["_n"]
    spread[column] = spread["_faps"]
    spread["occupation_level"] = level
    spread = spread.drop(columns=["_faps", "_n"])
    out = pd.concat([spread, keep], ignore_index=True) if unmapped else spread.reset_index(drop=True)
    return out, unmapped


def common_level(*frames: pd.DataFrame, column: str = "occupation") -> str:
    """The level all non-empty frames can meet: ROME when they all speak ROME, else FAP-225."""
    found = set()
    for df in frames:
        if df is not None and not df.empty and column in df.columns:
            found |= set(levels(df[column].dropna()).dropna().unique())
    if found <= {"rome"}:
        return "rome"
    if "fap87" in found:
        return "fap87"
    return "fap225"


def harmonise(df: pd.DataFrame, values: list[str], level: str,
              column: str = "occupation") -> tuple[pd.DataFrame, int]:
    """`df` at `level`: unchanged for ROME, through :func:`to_fap` for FAP levels."""
    if level == "rome":
        out = df.copy()
        out["occupation_level"] = levels(out[column]) if not out.empty else pd.Series(dtype=object)
        return out, int((out["occupation_level"] != "rome").sum()) if not out.empty else 0
    return to_fap(df, values, column, level)
