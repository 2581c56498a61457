"""`make bench`: run the benchmark modules and print their figures as ratios measured in the same run.

Each module `bench/bench_*.py` exposes `run() -> list[dict]`, one dict per measured case:

    {"bench": "ingest", "case": "…", "seconds": 3.2, "peak_mb": 400,
     "baseline": True,      # at most one per bench: the other cases are given as × this one
     "reference": True,     # optional, at most one per bench: a second ratio column
     "note": "…"}

and may expose `targets(rows) -> list[tuple[str, bool]]` (a sentence, whether it holds). Machines
and runs vary (±25 % on a shared 2-core machine), so only ratios within one run are compared.

    .venv/bin/python bench/run.py            # every module
    .venv/bin/python bench/run.py ingest     # bench/bench_ingest.py only
    .venv/bin/python bench/run.py --json out.json --strict   # save rows; exit 1 if a target fails
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover(names: list[str]) -> list[Path]:
    """The bench modules to run: all `bench_*.py`, or those named."""
    found = sorted(HERE.glob("bench_*.py"))
    if names:
        wanted = {n.removeprefix("bench_").removesuffix(".py") for n in names}
        found = [p for p in found if p.stem.removeprefix("bench_") in wanted]
        missing = wanted - {p.stem.removeprefix("bench_") for p in found}
        if missing:
            raise SystemExit(f"module(s) de bench introuvable(s) : {', '.join(sorted(missing))}")
    return found


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def with_ratios(rows: list[dict]) -> list[dict]:
    """Add `x_baseline` and `x_reference` to each row, against its own bench's marked rows."""
    by_bench: dict[str, list[dict]] = {}
    for row in rows:
        by_bench.setdefault(row["bench"], []).append(row)
    for group in by_bench.values():
        base = next((r for r in group if r.get("baseline")), None)
        ref = next((r for r in group if r.get("reference")), None)
        for row in group:
            if base and base["seconds"]:
                row["x_baseline"] = row["seconds"] / base["seconds"]
            if ref and ref["seconds"]:
                row["x_reference"] = row["seconds"] / ref["seconds"]
    return rows


def render(rows: list[dict]) -> str:
    """A plain-text table (French decimal commas), one block per bench."""
    def num(value, digits=2, suffix=""):
        return "" if value is None else f"{value:.{digits}f}".replace(".", ",") + suffix

    header = ("cas", "temps", "× base", "× réf.", "mémoire max", "note")
    lines = []
    for bench in dict.fromkeys(r["bench"] for r in rows):
        group = [r for r in rows if r["bench"] == bench]
        base = next((r["case"] for r in group if r.get("baseline")), "—")
        ref = next((r["case"] for r in group if r.get("reference")), "—")
        table = [header] + [(
            r["case"] + (" [base]" if r.get("baseline") else " [réf.]" if r.get("reference") else ""),
            num(r["seconds"], 2, " s"), num(r.get("x_baseline")), num(r.get("x_reference")),
            num(r.get("peak_mb"), 0, " Mo"), r.get("note", "")) for r in group]
        widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
        lines.append(f"\n== {bench} (base : {base} ; réf. : {ref})")
        for k, row in enumerate(table):
            lines.append("  ".join(str(v).ljust(w) if i in (0, 5) else str(v).rjust(w)
                                   for i, (v, w) in enumerate(zip(row, widths))).rstrip())
            if k == 0:
                lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmarks de gtec (ratios mesurés dans la même exécution).")
    parser.add_argument("names", nargs="*", help="modules à lancer (ingest pour bench_ingest.py)")
    parser.add_argument("--json", type=Path, help="écrire les mesures dans ce fichier JSON")
    parser.add_argument("--strict", action="store_true", help="code de sortie 1 si un objectif est manqué")
    args = parser.parse_args(argv)

    load_avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"gtec bench — Python {platform.python_version()}, {os.cpu_count()} cœur(s), "
          f"charge {load_avg:.2f}, {time.strftime('%Y-%m-%d %H:%M')}")
    rows: list[dict] = []
    verdicts: list[tuple[str, bool]] = []
    failed: list[str] = []
    for path in discover(args.names):
        print(f"… {path.name}", file=sys.stderr, flush=True)
        try:  # one broken bench must not throw away the figures of the others
            module = load(path)
            found = with_ratios(module.run())
        except Exception as exc:  # noqa: BLE001 - reported below, and in the exit code
            failed.append(f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        rows += found
        if hasattr(module, "targets"):
            verdicts += module.targets(found)
    print(render(rows))
    for failure in failed:
        print(f"\nÉCHEC {failure}")
    if verdicts:
        print("\nObjectifs :")
        for sentence, ok in verdicts:
            print(f"  [{'ok' if ok else 'MANQUÉ'}] {sentence}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
    return 1 if failed or (args.strict and not all(ok for _, ok in verdicts)) else 0


if __name__ == "__main__":
    sys.exit(main())
