"""Batch benchmark: `gtec report diagnostic --all-territories` for 20 territories, with `--jobs 1`
and `--jobs 2` in the same run; the speed-up and the time per territory.

The workspace covers four départements of the Grand Est: `[batch] within` takes the BMO employment
areas of the Haute-Marne, the Meurthe-et-Moselle and the Haut-Rhin (16), `territories` four areas
of the Marne: 20 diagnostics. Each area gets a synthetic observatory workbook (population by sex
and five-year band for two census years, employment by sector, occupation, sex and age,
establishments, training) and eight synthetic audited companies located in its communes; the real
Dares and France Travail tension files and the Dares age table come from data/reference. Built
once under bench/out/ (seeded generator: the same data every time) and rebuilt when the recipe
version or a reference file changes.

Each measurement is the whole command in a fresh child process (start-up, imports, the spawn of
the workers), as cron or a person runs it; the child reports its wall time, the JSON summary and
the peak memory of its largest process.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
WORKSPACE = OUT / "batch-20"
PERIOD = "2026-T4"
RECIPE = "3"  # change it when the synthetic data change, to rebuild the cached workspace
WITHIN = ["dep:52", "dep:54", "dep:68"]
MARNE = ["be:4404", "be:4411", "be:4416", "be:4417"]
COMPANIES_PER_AREA = 8
OCCUPATIONS = [("H2913", "25.50A"), ("H2903", "25.62B"), ("N4101", "49.41A"), ("N1103", "52.10B"),
               ("J1501", "86.10Z"), ("K1302", "88.10A"), ("G1602", "56.10A"), ("F1703", "43.99C"),
               ("D1507", "47.11F"), ("M1607", "82.11Z")]
BANDS = [(15, 24), (25, 29), (30, 34), (35, 39), (40, 44), (45, 49), (50, 54), (55, 59), (60, None)]
SKILLS = ["Soudage TIG", "Lecture de plans", "Conduite d'engins", "Gestes et postures",
          "Maintenance de premier niveau"]
THEMES = ["recrutement", "integration", "formation", "transmission", "conditions de travail", "mobilite"]
COOPERATIONS = ["tutorat", "formation mutualisee", "groupement d employeurs", "pret de main d oeuvre"]


def _references() -> list[Path]:
    ref = ROOT / "data" / "reference"
    return [ref / "dares" / "tensions.csv", ref / "france-travail" / "cities-tension-utf8.csv",
            ref / "dares" / "age_2017_2019_3niv.csv"]


def territories() -> list[str]:
    """The 20 territories of the batch, in the order gtec renders them."""
    sys.path.insert(0, str(ROOT / "src"))
    from gtec_cli import nomenclatures as nom

    areas = [a for dep in WITHIN for a in nom.territory_footprint(dep).employment_areas]
    return list(dict.fromkeys([*MARNE, *areas]))


def _frame(rows: list[dict], sheet: str):
    import pandas as pd

    df = pd.DataFrame(rows)
    df["sheet"] = sheet
    df["row"] = range(2, len(df) + 2)
    return df


def _observatory(areas: list[str]) -> dict:
    """Population, employment, establishments and training of every area (seeded)."""
    population, employment, establishments, training = [], [], [], []
    for k, area in enumerate(areas):
        rng = random.Random(f"obs-{area}")
        size = rng.randint(25_000, 90_000)
        for year, ageing in ((2015, 1.0), (2021, 1.08)):
            for lo in range(0, 100, 5):
                hi = None if lo == 95 else lo + 4
                weight = 1.0 if lo < 60 else 0.8 * ageing if lo < 80 else 0.3 * ageing
                weight *= rng.uniform(0.9, 1.1)
                for sex, share in (("H", 0.49), ("F", 0.51)):
                    population.append({"territory": area, "year": year, "sex": sex,
                                       "age_band": f"{lo}+" if hi is None else f"{lo}-{hi}", "age_min": lo,
                                       "age_max": hi, "people": round(size / 17 * weight * share)})
        for occ, naf in OCCUPATIONS:
            for lo, hi in BANDS:
                for sex in "HF":
                    employment.append({"territory": area, "year": 2021, "naf": naf, "occupation": occ,
                                       "occupation_system": "rome",
                                       "age_band": f"{lo}+" if hi is None else f"{lo}-{hi}",
                                       "age_min": lo, "age_max": hi, "sex": sex,
                                       "people": rng.randint(5, 120)})
            for size_class in ("0", "1-9", "10-49", "50-249", "250+"):
                establishments.append({"territory": area, "year": 2021, "naf": naf, "size_class": size_class,
                                       "establishments": rng.randint(0, 60)})
        for i, (occ, _) in enumerate(OCCUPATIONS[:4]):
            training.append({"territory": area, "year": 2024, "title": f"Formation {occ} {k}", "level": "4",
                             "speciality": "industrie", "occupation": occ, "leavers": rng.randint(8, 30),
                             "graduates": rng.randint(5, 25), "apprentices": rng.randint(0, 10),
                             "insertion_rate_6m": rng.uniform(40, 90)})
    return {"population": _frame(population, "Population"), "employment": _frame(employment, "Emploi"),
            "establishments": _frame(establishments, "Etablissements"),
            "training": _frame(training, "Formation")}


def _audit(area: str, i: int, n: int, commune: str) -> dict:
    """One synthetic audited company of an area (its answers on every sheet)."""
    rng = random.Random(f"audit-{area}-{i}")
    siret = f"{n:09d}000{n % 100:02d}"
    kind = ["TPE", "PME", "PME", "ETI", "PME", "TPE", "public", "PME"][i % 8]
    occupations = rng.sample(OCCUPATIONS[:6], 3)
    tables = {
        "companies": [{"siret": siret, "name": f"Entreprise {n}", "naf": occupations[0][1],
                       "headcount": rng.randint(5, 300), "commune": commune, "company_type": kind,
                       "club_member": 1}],
        "hires": [{"siret": siret, "occupation": occ, "horizon": rng.choice(["<1an", "1-3ans"]),
                   "positions": rng.randint(1, 6), "contract": "CDI", "cadre": 0,
                   "difficult": rng.randint(0, 1),
                   "reasons": rng.choice(["penurie", "penurie;mobilite", "conditions", None])}
                  for occ, _ in occupations],
        "departures": [{"siret": siret, "occupation": occ,
                        "horizon": rng.choice(["1-3ans", "3-5ans", "5-10ans"]),
                        "retirements": rng.randint(0, 4), "other_departures": rng.randint(0, 2)}
                       for occ, _ in occupations[:2]],
        "workforce": [{"siret": siret, "occupation": occupations[0][0], "age_band": f"{lo}-{lo + 9}",
                       "age_min": lo, "age_max": lo + 9, "sex": rng.choice("HF"),
                       "headcount": rng.randint(1, 15)}
                      for lo in (20, 30, 40, 50)],
        "missing_skills": [{"siret": siret, "skill": skill, "occupation": occupations[0][0],
                            "people": rng.randint(1, 5), "criticality": rng.randint(1, 3)}
                           for skill in rng.sample(SKILLS, 2)],
        "assessments": [{"siret": siret, "theme": theme, "score": rng.randint(1, 4)} for theme in THEMES],
        "cooperation": [{"siret": siret, "cooperation_type": rng.choice(COOPERATIONS),
                         "direction": rng.choice(["offre", "besoin"]), "people": 1}],
    }
    sheets = {"companies": "Entreprise", "hires": "Recrutements", "departures": "Départs",
              "workforce": "Effectifs", "missing_skills": "Compétences", "assessments": "Diagnostic",
              "cooperation": "Coopération"}
    return {table: _frame(rows, sheets[table]) for table, rows in tables.items()}


def batch_workspace() -> Path:
    """The 20-territory workspace, (re)built when missing, of another recipe or older than a
    reference file."""
    stamp = WORKSPACE / ".recipe"
    store_file = WORKSPACE / "gtec.sqlite"
    newest = max(p.stat().st_mtime for p in _references())
    if (store_file.exists() and stamp.exists() and stamp.read_text() == RECIPE
            and store_file.stat().st_mtime >= newest):
        return WORKSPACE
    import shutil

    sys.path.insert(0, str(ROOT / "src"))
    from gtec_cli import nomenclatures as nom
    from gtec_cli.ingest.pipeline import ingest_files
    from gtec_cli.store import Store
    from gtec_cli.workspace import Workspace

    shutil.rmtree(WORKSPACE, ignore_errors=True)
    ws = Workspace.create(WORKSPACE, name="Grand Est (quatre départements)", territory="reg:44",
                          period=PERIOD)
    toml = WORKSPACE / "gtec.toml"

    def quoted(codes: list[str]) -> str:
        return "[" + ", ".join(f'"{c}"' for c in codes) + "]"

    toml.write_text(toml.read_text(encoding="utf-8")
                    .replace("territories = []", f"territories = {quoted(MARNE)}")
                    .replace("within = []", f"within = {quoted(WITHIN)}")
                    .replace("include_workspace = true", "include_workspace = false"), encoding="utf-8")
    areas = territories()
    with Store.open(ws.store_path) as store:
        ingest_files(store, _references(), period=PERIOD)
        with store.atomic() as db:
            store.insert_drop(db, kind="opeq", period=PERIOD, file_name="opeq-grand-est.xlsx",
                              sha256="e" * 64, size_bytes=1, tables=_observatory(areas))
            n = 0
            for area in areas:
                communes = nom.employment_areas()[area[3:]]["communes"]
                for i in range(COMPANIES_PER_AREA):
                    n += 1
                    store.insert_drop(db, kind="audit", period=PERIOD, file_name=f"audit-{n}.xlsx",
                                      sha256=f"{n:064x}", size_bytes=1,
                                      tables=_audit(area, i, n, communes[i % len(communes)]))
    stamp.write_text(RECIPE)
    return WORKSPACE


def _child(workspace: str, jobs: str) -> None:
    """Run the command once; print wall time, its JSON summary and the largest process's peak."""
    import resource

    gtec = Path(sys.executable).with_name("gtec")
    cmd = [str(gtec)] if gtec.exists() else [sys.executable, "-m", "gtec_cli.cli"]
    t0 = time.perf_counter()
    proc = subprocess.run([*cmd, "-w", workspace, "--json", "report", "diagnostic", "--all-territories",
                           "--jobs", jobs], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"gtec --jobs {jobs} a échoué ({proc.returncode}) :\n{proc.stderr[-3000:]}\n"
                         f"{proc.stdout[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
    print(json.dumps({"wall": wall, "peak_mb": peak, "summary": json.loads(proc.stdout)}))


def _measure(workspace: Path, jobs: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "child", str(workspace), str(jobs)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run() -> list[dict]:
    """--jobs 1 then --jobs 2 on the same 20 territories; rows for bench/run.py's table."""
    workspace = batch_workspace()
    one, two = _measure(workspace, 1), _measure(workspace, 2)
    n = len(one["summary"]["territories"])
    cores = os.cpu_count() or 1
    speedup = one["wall"] / two["wall"] if two["wall"] else float("nan")

    def note(m: dict) -> str:
        s = m["summary"]
        text = (f"{s['rendered']}/{n} rendus ; {m['wall'] / n:.2f} s par territoire (commande), "
                f"{s['seconds_per_territory']:.2f} s de rendu par territoire dans son processus")
        return text.replace(".", ",")

    return [
        {"bench": "batch", "case": f"{n} diagnostics PDF, --jobs 1", "seconds": one["wall"],
         "peak_mb": one["peak_mb"], "baseline": True, "note": note(one)},
        {"bench": "batch", "case": f"{n} diagnostics PDF, --jobs 2", "seconds": two["wall"],
         "peak_mb": two["peak_mb"], "speedup": speedup,
         "note": note(two) + f" ; accélération ×{speedup:.2f} ({cores} cœur(s))".replace(".", ",")},
        {"bench": "batch", "case": "par territoire, --jobs 2", "seconds": two["wall"] / n,
         "note": "temps de la commande divisé par le nombre de territoires ; mémoire max : celle du "
                 "plus gros processus (--jobs N en fait tourner N)"},
    ]


def targets(rows: list[dict]) -> list[tuple[str, bool]]:
    """Speed-up close to the number of cores (at least 80 % of it, with 2 cores or more)."""
    two = next(r for r in rows if "speedup" in r)
    cores = min(os.cpu_count() or 1, 2)
    goal = 0.8 * cores
    return [(f"accélération de --jobs 2 sur --jobs 1 proche du nombre de cœurs ({cores}) : "
             f"×{two['speedup']:.2f} (≥ ×{goal:.1f})".replace(".", ","), two["speedup"] >= goal)]


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "child":
        _child(sys.argv[2], sys.argv[3])
    else:
        sys.path.insert(0, str(HERE))
        from run import render, with_ratios

        rows = with_ratios(run())
        print(render(rows))
        for sentence, ok in targets(rows):
            print(f"[{'ok' if ok else 'MANQUÉ'}] {sentence}")
