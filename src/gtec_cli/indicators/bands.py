"""People in an age range from people counted in age bands, saying when it is an approximation.

Public files and audits count people in bands (`0-14`, `60-74`, `75+`; `55-59`, `60 ans ou plus`)
that do not always meet the range an indicator needs (65+ and under 20 for the ageing index; age ≥
A − H for departures). When the bands meet the range exactly, the sum is exact. Otherwise ages are
assumed spread evenly within the band that straddles the boundary (indicators.md): 65+ takes 10/15
of the census band 60-74. The result says so in an `approximation` column; nothing is silent.

Some files hold overlapping bands (the census `0-19`, `65+` next to `0-14 … 75+`) or a total row
(no age): exact combinations are sought first, among bands that do not overlap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

INF = math.inf
Band = tuple[float, float]  # [lo, hi) in years, hi = inf for an open band (`75+`)
TOTAL: Band = (-1.0, INF)  # a row without age: everybody


def band_label(band: Band) -> str:
    """`60-74`, `75+` or `total` for a band given as [lo, hi)."""
    if band == TOTAL:
        return "total"
    lo, hi = band
    return f"{int(lo)}+" if hi == INF else f"{int(lo)}-{int(hi) - 1}"


def _fraction(band: Band, a: float, b: float, open_width: int | None) -> tuple[float, str]:
    """Share of `band` inside [a, b) under the uniform assumption, and the note when it is split."""
    lo, hi = band
    if lo >= a and hi <= b:
        return 1.0, ""
    if hi <= a or lo >= b:
        return 0.0, ""
    if hi == INF:
        if open_width is None:
            return float("nan"), f"tranche ouverte {band_label(band)} non répartissable"
        hi = lo + open_width
        if hi <= a or lo >= b:
            return 0.0, f"tranche {band_label(band)} lue comme {int(lo)}-{int(hi) - 1}"
        overlap = min(hi, b) - max(lo, a)
        return overlap / (hi - lo), (
            f"tranche {band_label(band)} lue comme {int(lo)}-{int(hi) - 1}, comptée pour "
            f"{overlap:g}/{hi - lo:g} (âges supposés répartis uniformément)")
    overlap = min(hi, b) - max(lo, a)
    return overlap / (hi - lo), (f"tranche {band_label(band)} comptée pour {overlap:g}/{hi - lo:g} "
                                 "(âges supposés répartis uniformément)")


def _chain(bands: Sequence[Band], start: float, end: float, *, finest: bool) -> list[Band] | None:
    """Non-overlapping bands covering [start, end) exactly: the fewest (exact sums need no more),
    or with `finest` the most (a split then touches the narrowest band)."""
    by_lo: dict[float, list[Band]] = {}
    for band in bands:
        by_lo.setdefault(band[0], []).append(band)

    @lru_cache(maxsize=None)
    def best(pos: float) -> tuple[Band, ...] | None:
        if pos == end:
            return ()
        options = []
        for band in by_lo.get(pos, ()):
            if band[1] <= end:
                rest = best(band[1])
                if rest is not None:
                    options.append((band, *rest))
        if not options:
            return None
        return (max if finest else min)(options, key=len)

    found = best(start)
    return list(found) if found is not None else None


def weights(bands: Sequence[Band], a: float, b: float = INF, open_width: int | None = None,
            floor: float | None = None) -> tuple[dict[Band, float], str]:
    """Weight of each band in the count of people aged [a, b), and the approximation note.

    Bands not used weigh 0 (a coarser overlapping band, a total row). A weight is NaN when the
    range cannot be reached (an open band straddles it with no assumed width). `floor` is the
    youngest age of the population (0 for inhabitants): a total row then covers ages from there,
    and ages below the first band are unknown rather than absent. Without it, the first band
    starts the population (a workforce from 15).
    """
    real = sorted({bd for bd in bands if bd != TOTAL})
    start = min((bd[0] for bd in real), default=0.0) if floor is None else float(floor)
    pool = real + ([(start, INF)] if TOTAL in bands and (start, INF) not in real else [])
    lo_target = max(a, start)
    out = {bd: 0.0 for bd in bands}
    if lo_target >= b:
        return out, ""
    exact = _chain(pool, lo_target, b, finest=False)
    if exact is not None:
        for bd in exact:
            out[TOTAL if bd == (start, INF) and bd not in real else bd] = 1.0
        return out, ""
    partition = _chain(pool, start, INF, finest=True)
    if partition is None:
        # Bands with gaps but no overlap: each band counts for its own share.
        partition = real if not _overlaps(real) else None
    if partition is None:
        return {bd: float("nan") for bd in bands}, "tranches d'âge qui se chevauchent sans partition"
    notes = []
    for bd in partition:
        w, note = _fraction(bd, a, b, open_width)
        out[TOTAL if bd == (start, INF) and bd not in real else bd] = w
        if note:
            notes.append(note)
    return out, " ; ".join(notes)


def _overlaps(bands: Sequence[Band]) -> bool:
    ordered = sorted(set(bands))
    return any(nxt[0] < cur[1] for cur, nxt in zip(ordered, ordered[1:]))


def intervals(age_min: pd.Series, age_max: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """[lo, hi) arrays from the store's inclusive age_min/age_max (hi = inf when open, -1/inf
    for rows without age)."""
    lo = pd.to_numeric(age_min, errors="coerce").to_numpy(dtype="float64")
    hi = pd.to_numeric(age_max, errors="coerce").to_numpy(dtype="float64") + 1.0
    no_age = np.isnan(lo)
    hi = np.where(np.isnan(hi), INF, hi)
    lo = np.where(no_age, TOTAL[0], lo)
    hi = np.where(no_age, INF, hi)
    return lo, hi


def band_sums(df: pd.DataFrame, keys: Sequence[str], value: str,
              targets: Mapping[str, tuple[float, float]], *,
              open_width: int | None = None, notes_per_target: bool = False,
              floor: float | None = None) -> pd.DataFrame:
    """People aged within each target range, per group of `keys`, plus the group `total`.

    Returns keys, one column per target, `total`, `n_masked` (rows whose count is missing,
    left out of the sums) and `approximation` (empty when every figure is exact; with
    `notes_per_target`, one `approximation_<target>` column per target instead). `floor`: see
    :func:`weights`.
    `targets` maps a column name to [a, b) in years: {"p65": (65, inf), "p_under_20": (0, 20)}.
    """
    keys = list(keys)
    # Positional arrays: the caller's index may repeat (concatenated frames).
    lo, hi = intervals(df["age_min"], df["age_max"])
    vals = pd.to_numeric(df[value], errors="coerce").to_numpy(dtype="float64")
    # A frame already added up (compute.compact) carries its count of masked rows.
    masked = (df["_n_masked"].to_numpy(dtype="int64") if "_n_masked" in df.columns
              else np.isnan(vals).astype("int64"))
    work = pd.DataFrame({**{k: df[k].to_numpy() for k in keys}, "_lo": lo, "_hi": hi, "_v": vals,
                         "_masked": masked}, index=pd.RangeIndex(len(df)))
    # One pass over the rows: everything after works on (group × band) sums.
    agg = (work.groupby([*keys, "_lo", "_hi"], dropna=False, sort=False, observed=True)
           [["_v", "_masked"]].sum(min_count=0).reset_index())
    agg["_v"] = agg["_v"].fillna(0.0)
    named = {**targets, "total": (-INF, INF)}
    bands = list(zip(agg["_lo"].tolist(), agg["_hi"].tolist()))
    distinct = set(bands)
    if TOTAL not in distinct and not _overlaps(list(distinct)):
        cols = _global_weights(agg, sorted(distinct), named, open_width)
    else:
        cols = _per_group_weights(agg, keys, bands, named, open_width, floor)
    return _reduce(agg, keys, named, cols, notes_per_target)


def _global_weights(agg, distinct, named, open_width):
    """Bands that never overlap: one weight per band, the same in every group."""
    code = {bd: i for i, bd in enumerate(distinct)}
    rows = np.array([code[bd] for bd in zip(agg["_lo"].tolist(), agg["_hi"].tolist())],
                    dtype="intp")
    cols = {}
    for name, (a, b) in named.items():
        table = [_fraction(bd, a, b, open_width) if name != "total" else (1.0, "")
                 for bd in distinct]
        w = np.array([t[0] for t in table], dtype="float64")
        n = np.array([f"{name} : {t[1]}" if t[1] else "" for t in table], dtype=object)
        cols[name] = (w[rows], n[rows])
    return cols


def _per_group_weights(agg, keys, bands, named, open_width, floor=None):
    """Overlapping bands or total rows: choose the bands per group among the ones it has."""
    if keys:
        groups = agg.groupby(keys, dropna=False, sort=False, observed=True).indices.values()
    else:
        groups = [np.arange(len(agg))]
    by_signature: dict[tuple, list[int]] = {}
    for positions in groups:
        members = tuple(sorted({bands[i] for i in positions}))
        by_signature.setdefault(members, []).extend(positions.tolist())
    cols = {name: (np.zeros(len(agg)), np.full(len(agg), "", dtype=object)) for name in named}
    for members, positions in by_signature.items():
        for name, (a, b) in named.items():
            table, note = weights(members, a, b, open_width, floor)
            cols[name][0][positions] = [table[bands[i]] for i in positions]
            if note:
                # The note goes on the rows the figure used, so groups without them skip it.
                cols[name][1][positions] = [f"{name} : {note}" if table[bands[i]] else ""
                                            for i in positions]
    return cols


def _reduce(agg, keys, named, cols, notes_per_target: bool = False) -> pd.DataFrame:
    """Weighted sums per group; a band that cannot be split (NaN weight) with people in it makes
    the figure unknown rather than smaller; notes of the bands used are joined."""
    people = agg["_v"].to_numpy()
    has_people = people > 0
    # Per (group × band) row: weighted people, blocked flags and one 0/1 column per note, all
    # added up by one group-by.
    data = {k: agg[k] for k in keys}
    note_cols: dict[tuple[str, str], str] = {}
    for name in named:
        w, n = cols[name]
        data[name] = people * np.nan_to_num(w, nan=0.0)
        data[f"_blocked_{name}"] = (np.isnan(w) & has_people).astype("int64")
        for text in sorted(set(n[has_people]) - {""}):
            col = note_cols.setdefault((name, text), f"_note{len(note_cols)}")
            data[col] = ((n == text) & has_people).astype("int64")
    data["n_masked"] = agg["_masked"].to_numpy()
    out = pd.DataFrame(data, index=agg.index)
    numeric = [c for c in out.columns if c not in keys]
    if keys:
        summed = (out.groupby(keys, dropna=False, sort=True, observed=True)[numeric].sum()
                  .reset_index())
    else:
        summed = out[numeric].sum().to_frame().T
    # The summed figures and 0/1 columns as one float block (small whole counts stay exact).
    block = summed[numeric].to_numpy(dtype="float64")
    column_of = {col: block[:, i] for i, col in enumerate(numeric)}
    result = {k: summed[k] for k in keys}
    for name in named:
        result[name] = np.where(column_of[f"_blocked_{name}"] > 0, np.nan, column_of[name])
    result["n_masked"] = summed["n_masked"].to_numpy().astype("int64")
    for target in (list(named) if notes_per_target else [None]):
        approx = np.full(len(summed), "", dtype=object)
        for (name, text), col in note_cols.items():
            if target is not None and name != target:
                continue
            shown = text.split(" : ", 1)[1] if target is not None else text
            hit = column_of[col] > 0
            approx = np.where(hit, np.where(approx == "", shown, approx + " ; " + shown), approx)
        column = "approximation" if target is None else f"approximation_{target}"
        result[column] = pd.Series(approx, index=summed.index, dtype=object)
    return pd.DataFrame(result, index=summed.index)
