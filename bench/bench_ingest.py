"""Ingest benchmark: a 200 000-row observatory sheet (15 columns) read by pandas/openpyxl, by bare
python-calamine, and ingested by gtec (read, validate, store into a fresh workspace).

Each measurement runs in its own subprocess, so its peak memory (ru_maxrss of the child) is its
own. The workbook is generated once with xlsxwriter and cached under bench/out/.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
ROWS = int(os.environ.get("GTEC_BENCH_ROWS", "200000"))
#: calamine and gtec run this many times (median); pandas/openpyxl once (it takes half a minute).
REPEAT = int(os.environ.get("GTEC_BENCH_REPEAT", "3"))
SHEET = "Emploi"
HEADER = ["Territoire", "Libellé du territoire", "Année", "Secteur (NAF)", "Libellé du secteur",
          "Métier (ROME ou FAP)", "Libellé du métier", "Tranche d'âge", "Sexe", "Emplois",
          "Source", "Millésime de la source", "Champ", "Note", "Code de traitement"]

TERRITORIES = [("arr:522", "Langres"), ("arr:521", "Chaumont"), ("arr:523", "Saint-Dizier"),
               ("dep:52", "Haute-Marne"), ("be:4419", "Langres (bassin BMO)"),
               ("dep:21", "Côte-d'Or"), ("dep:70", "Haute-Saône"), ("reg:44", "Grand Est")]
AGES = ["15-24 ans", "25-29 ans", "30-34 ans", "35-39 ans", "40-44 ans", "45-49 ans", "50-54 ans",
        "55-59 ans", "60-64 ans", "65 ans ou plus"]


def workbook_path(rows: int = ROWS) -> Path:
    return OUT / f"emploi-{rows}.xlsx"


def make_workbook(path: Path, rows: int = ROWS, seed: int = 4419) -> Path:
    """Write the observatory workbook with one `Emploi` sheet of `rows` distinct rows."""
    import xlsxwriter

    from gtec_cli import nomenclatures as nom

    rng = random.Random(seed)
    romes = sorted(nom.rome_labels().items())[:60]
    nafs = [(k, v) for k, v in sorted(nom.naf_labels().items()) if len(k) == 6][:60]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    sheet = book.add_worksheet(SHEET)
    sheet.write_row(0, 0, ["Emploi par territoire, secteur, métier, âge et sexe"])
    sheet.write_row(2, 0, HEADER)
    r = 3
    # Enumerate distinct keys (territory, year, naf, occupation, age, sex) in a scrambled order.
    combos = len(TERRITORIES) * 2 * len(nafs) * len(romes) * len(AGES) * 2
    stride = 7919  # prime, coprime with combos: visits distinct keys
    assert combos > rows and combos % stride
    k = 0
    for _ in range(rows):
        k = (k + stride) % combos
        idx, sex = divmod(k, 2)
        idx, age = divmod(idx, len(AGES))
        idx, occ = divmod(idx, len(romes))
        idx, naf = divmod(idx, len(nafs))
        idx, year = divmod(idx, 2)
        terr = idx % len(TERRITORIES)
        people: object = rng.randint(0, 400)
        if rng.random() < 0.03:
            people = "*"
        elif rng.random() < 0.05:
            people = f"{rng.randint(0, 400)},5"
        sheet.write_row(r, 0, [
            TERRITORIES[terr][0], TERRITORIES[terr][1], 2020 + year, nafs[naf][0], nafs[naf][1],
            romes[occ][0], romes[occ][1], AGES[age], "HF"[sex], people,
            "Insee, recensement", 2021 + year, "Actifs occupés", "", f"T{rng.randint(1, 9)}"])
        r += 1
    sheet.write_row(r + 1, 0, ["Source : Insee, recensement de la population, exploitation complémentaire."])
    book.close()
    tmp.replace(path)
    return path


# --- the three measurements, each run as `python bench_ingest.py MODE FILE` in a child ----------
def _child(mode: str, path: str) -> None:
    if mode == "pandas-openpyxl":
        import pandas as pd

        frame = pd.read_excel(path, sheet_name=SHEET, engine="openpyxl", header=2)
        print(len(frame))
    elif mode == "calamine":
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_path(path).get_sheet_by_name(SHEET).to_python()
        print(len(rows))
    else:
        raise SystemExit(f"unknown mode {mode}")


def _measure(argv: list[str]) -> tuple[float, float, float]:
    """Wall time (s), CPU time (s, user + system) and peak resident memory (MB) of one child.

    The peak is the child's own with /usr/bin/time; without it, the growth of RUSAGE_CHILDREN's
    maximum (exact only when this child is the largest so far).
    """
    time_bin = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
        command = [time_bin, "-f", "%M", "-o", out.name, *argv] if time_bin else argv
        t0 = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} a échoué ({proc.returncode}) :\n{proc.stderr[-2000:]}")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        peak = int(out.read().strip().splitlines()[-1]) / 1024 if time_bin else after.ru_maxrss / 1024
    return elapsed, cpu, peak


def _row(case: str, runs: list[tuple[float, float, float]], **extra) -> dict:
    return {"bench": "ingest", "case": case, "seconds": statistics.median(r[0] for r in runs),
            "cpu_seconds": statistics.median(r[1] for r in runs), "peak_mb": max(r[2] for r in runs),
            "runs": [round(r[0], 2) for r in runs], **extra}


def run() -> list[dict]:
    """Measure the three readers on the same file; rows for bench/run.py's table.

    calamine and gtec runs alternate, so that both see the same load of a shared machine; the
    medians are compared, and CPU times (less sensitive to other processes) are given too.
    """
    path = workbook_path()
    if not path.exists():
        t0 = time.perf_counter()
        make_workbook(path)
        print(f"  (classeur de {ROWS} lignes généré en {time.perf_counter() - t0:.1f} s : {path})",
              file=sys.stderr)
    py = sys.executable
    gtec = str(Path(py).with_name("gtec"))
    calamine_runs, gtec_runs = [], []
    with tempfile.TemporaryDirectory(prefix="gtec-bench-") as tmp:
        for i in range(REPEAT):
            ws = Path(tmp) / f"ws{i}"
            subprocess.run([gtec, "--quiet", "init", str(ws), "--territory", "arr:522"], check=True,
                           capture_output=True)
            calamine_runs.append(_measure([py, __file__, "calamine", str(path)]))
            gtec_runs.append(_measure([gtec, "-w", str(ws), "--quiet", "ingest", str(path),
                                       "--kind", "opeq", "--period", "2026-T4"]))
        stored = (Path(tmp) / "ws0" / "gtec.sqlite").stat().st_size
    pandas_runs = [_measure([py, __file__, "pandas-openpyxl", str(path)])]
    base, ours = _row("python-calamine, lecture brute", calamine_runs, baseline=True), \
        _row("gtec ingest (lire, valider, stocker)", gtec_runs)
    base["note"] = f"{ROWS} lignes × {len(HEADER)} colonnes, {path.stat().st_size / 2**20:.0f} Mo"
    ours["note"] = (f"CPU {ours['cpu_seconds'] / base['cpu_seconds']:.2f} × calamine ; "
                    f"base SQLite {stored / 2**20:.0f} Mo").replace(".", ",")
    return [base, _row("pandas.read_excel(engine='openpyxl')", pandas_runs, reference=True), ours]


def targets(rows: list[dict]) -> list[tuple[str, bool]]:
    """The issue's targets: ingest at most 2× the bare calamine read, peak memory under 1 GB."""
    gtec = next(r for r in rows if r["case"].startswith("gtec ingest"))
    ratio = gtec["x_baseline"]
    return [
        (f"gtec ingest ≤ 2 × la lecture calamine seule : {ratio:.2f} ×".replace(".", ","), ratio <= 2),
        (f"gtec ingest {gtec['x_reference']:.2f} × pandas/openpyxl (plusieurs fois plus rapide)"
         .replace(".", ","), gtec["x_reference"] < 0.5),
        (f"mémoire maximale de gtec ingest < 1 Go : {gtec['peak_mb']:.0f} Mo", gtec["peak_mb"] < 1024),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3:
        _child(sys.argv[1], sys.argv[2])
    else:
        sys.path.insert(0, str(HERE))
        from run import render, with_ratios

        print(render(with_ratios(run())))
