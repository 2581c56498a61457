"""Indicators benchmark: ageing and workforce indicators for every territory of a national-scale
employment table (about 10 million rows: 300 territories × 1 827 occupation-sector cells × 9 age
bands × 2 sexes), against a plain pandas group-by of the same rows in the same run.

Each measurement runs in its own subprocess, so its peak memory is its own; both children build
the same table (a fixed recipe, no randomness beyond a seeded generator), and only the computation
is timed. A third child measures the store: reading rows back from SQLite, on a smaller table whose
time is then scaled to 10 million rows (writing 10 million rows to SQLite alone takes minutes).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TERRITORIES = int(os.environ.get("GTEC_BENCH_TERRITORIES", "300"))
OCCUPATIONS = 87   # FAP-87 families
SECTORS = 21       # NAF sections
BANDS = [(15, 24), (25, 29), (30, 34), (35, 39), (40, 44), (45, 49), (50, 54), (55, 59), (60, None)]
STORE_ROWS = int(os.environ.get("GTEC_BENCH_STORE_ROWS", "1000000"))
NAMES = ["workforce_share_50_plus", "workforce_share_55_plus", "junior_senior_ratio",
         "expected_departures", "replacement_rate"]


def employment_table(territories: int = TERRITORIES, seed: int = 522):
    """The synthetic `employment` table, as the store would return it (categorical text)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    n_cells = OCCUPATIONS * SECTORS
    n = territories * n_cells * len(BANDS) * 2
    idx = np.arange(n, dtype=np.int64)
    sex, idx = idx % 2, idx // 2
    band, idx = idx % len(BANDS), idx // len(BANDS)
    cell, terr = idx % n_cells, idx // n_cells
    occ, sec = cell % OCCUPATIONS, cell // OCCUPATIONS
    terr_codes = [f"ze:{1000 + i}" for i in range(territories)]
    occ_codes = [f"{chr(65 + i // 4)}{i % 4}Z" for i in range(OCCUPATIONS)]
    sec_codes = [chr(65 + i) for i in range(SECTORS)]
    band_labels = [f"{lo}+" if hi is None else f"{lo}-{hi}" for lo, hi in BANDS]
    lo = np.array([b[0] for b in BANDS], dtype="float64")
    hi = np.array([np.nan if b[1] is None else b[1] for b in BANDS], dtype="float64")
    return pd.DataFrame({
        "territory": pd.Categorical.from_codes(terr.astype(np.int32), terr_codes),
        "year": np.full(n, 2021, dtype=np.int16),
        "naf": pd.Categorical.from_codes(sec.astype(np.int8), sec_codes),
        "occupation": pd.Categorical.from_codes(occ.astype(np.int16), occ_codes),
        "occupation_system": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), ["fap87"]),
        "age_band": pd.Categorical.from_codes(band.astype(np.int8), band_labels),
        "age_min": lo[band],
        "age_max": hi[band],
        "sex": pd.Categorical.from_codes(sex.astype(np.int8), ["H", "F"]),
        "people": rng.integers(0, 60, n).astype("float64"),
    })


def _child(mode: str) -> None:
    import pandas as pd

    if mode == "store":
        _child_store()
        return
    df = employment_table()
    t0 = time.perf_counter()
    if mode == "baseline":
        result = df.groupby(["territory", "year", "sex", "age_band"], observed=True)["people"].sum()
        size = len(result)
    elif mode == "gtec":
        from gtec_cli.indicators.compute import ALL_TERRITORIES, compute_frames
        from gtec_cli.settings import Settings

        results = compute_frames({"employment": df}, Settings(), NAMES, territory=ALL_TERRITORIES)
        size = sum(len(r) for r in results.values())
        share = results["workforce_share_55_plus"]
        assert share["territory"].nunique() == TERRITORIES, "every territory must be computed"
    else:
        raise SystemExit(f"unknown mode {mode}")
    elapsed = time.perf_counter() - t0
    print(json.dumps({"seconds": elapsed, "rows_in": len(df), "rows_out": int(size),
                      "pandas": pd.__version__}))


def _child_store() -> None:
    """Write STORE_ROWS employment rows to a fresh store, then time reading them back."""
    from gtec_cli.store import Store

    df = employment_table(territories=max(1, STORE_ROWS // (OCCUPATIONS * SECTORS * len(BANDS) * 2)))
    df = df.astype({c: "object" for c in ("territory", "naf", "occupation", "occupation_system",
                                          "age_band", "sex")})
    df["sheet"], df["row"] = "emploi", range(len(df))
    with tempfile.TemporaryDirectory(prefix="gtec-bench-") as tmp:
        store = Store.open(Path(tmp) / "gtec.sqlite")
        t0 = time.perf_counter()
        with store.atomic() as db:
            store.insert_drop(db, kind="opeq", period="2026-T4", file_name="bench.xlsx",
                              sha256="0" * 64, size_bytes=0, tables={"employment": df})
        write = time.perf_counter() - t0
        t0 = time.perf_counter()
        back = store.read("employment")
        read = time.perf_counter() - t0
        store.close()
    print(json.dumps({"seconds": read, "write_seconds": write, "rows_in": len(back)}))


def _peak_of(argv: list[str]) -> tuple[float, float, dict]:
    """Wall time, peak RSS (MB) and the JSON a child printed, with /usr/bin/time when present."""
    time_bin = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
        cmd = [time_bin, "-f", "%M", "-o", out.name, *argv] if time_bin else argv
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        if time_bin:
            peak = int(out.read().strip().splitlines()[-1]) / 1024
        else:
            import resource

            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak, json.loads(proc.stdout.strip().splitlines()[-1])


def run() -> list[dict]:
    """Baseline group-by, gtec's indicators and the store read; rows for bench/run.py's table."""
    py = sys.executable
    _, base_peak, base = _peak_of([py, __file__, "baseline"])
    _, gtec_peak, ours = _peak_of([py, __file__, "gtec"])
    ratio = ours["seconds"] / base["seconds"] if base["seconds"] else float("nan")
    rows = [
        {"bench": "indicators",
         "case": f"pandas group-by territoire × année × sexe × âge ({base['rows_in']:,} lignes)",
         "seconds": base["seconds"], "peak_mb": base_peak, "baseline": True},
        {"bench": "indicators", "case": f"gtec : {len(NAMES)} indicateurs d'âge, {TERRITORIES} territoires",
         "seconds": ours["seconds"], "peak_mb": gtec_peak,
         "note": f"{ratio:.2f} × la référence (cible ≤ 2) ; pic {gtec_peak / 1024:.2f} Go (cible < 4)"},
    ]
    _, store_peak, store = _peak_of([py, __file__, "store"])
    scale = base["rows_in"] / store["rows_in"] if store["rows_in"] else float("nan")
    read_full = store["seconds"] * scale
    verdict = ("c'est la lecture du stockage qui domine" if read_full > ours["seconds"]
               else "le calcul domine")
    rows.append({
        "bench": "indicators", "case": f"lecture du stockage SQLite ({store['rows_in']:,} lignes)",
        "seconds": store["seconds"], "peak_mb": store_peak,
        "note": (f"écriture {store['write_seconds']:.1f} s ; lecture ≈ {read_full:.0f} s extrapolée à "
                 f"{base['rows_in']:,} lignes, contre {ours['seconds']:.1f} s de calcul : {verdict}"),
    })
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 2:
        _child(sys.argv[1])
    else:
        for row in run():
            print(row)
