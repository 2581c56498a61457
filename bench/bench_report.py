"""Report benchmark: `gtec report diagnostic` on the demo workspace, and, in the same run,
WeasyPrint alone laying out and writing the very same HTML (same charts, same fetcher).

The demo workspace (the Pays de Langres sample: observatory workbook, 30 audits, the Dares and
France Travail tension files) is built once under bench/out/ and rebuilt when a sample changes.
Each measurement runs in a fresh child process, so that one does not warm the other's caches
(WeasyPrint's fonts, hyphenation dictionaries and style sheets are loaded once per process).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
WORKSPACE = OUT / "report-demo"
PERIOD = "2026-T4"
REPEAT = int(os.environ.get("GTEC_BENCH_REPEAT", "3"))


def _inputs() -> list[Path]:
    sample = ROOT / "data" / "sample"
    ref = ROOT / "data" / "reference"
    return sorted([*sample.glob("opeq/*.xlsx"), *sample.glob("audits/*.xlsx"),
                   ref / "dares" / "tensions.csv", ref / "france-travail" / "cities-tension-utf8.csv",
                   ref / "dares" / "age_2017_2019_3niv.csv"])


def demo_workspace() -> Path:
    """The demo workspace, (re)built when missing or older than a sample file."""
    inputs = _inputs()
    store = WORKSPACE / "gtec.sqlite"
    if store.exists() and store.stat().st_mtime >= max(p.stat().st_mtime for p in inputs):
        return WORKSPACE
    import shutil

    sys.path.insert(0, str(ROOT / "src"))
    from gtec_cli.ingest.pipeline import ingest_files
    from gtec_cli.store import Store
    from gtec_cli.workspace import Workspace

    shutil.rmtree(WORKSPACE, ignore_errors=True)
    ws = Workspace.create(WORKSPACE, name="Pays de Langres", territory="arr:522", period=PERIOD)
    toml = WORKSPACE / "gtec.toml"
    # The BMO and France Travail files publish the arrondissement as employment area 4419.
    toml.write_text(toml.read_text(encoding="utf-8").replace("aliases = []", 'aliases = ["be:4419"]'),
                    encoding="utf-8")
    with Store.open(ws.store_path) as s:
        ingest_files(s, inputs, period=PERIOD)
    return WORKSPACE


def _child_gtec(workspace: str, saved: str) -> None:
    """Time gtec's render in a fresh process (after imports); save its HTML and charts."""
    import pickle

    t0 = time.perf_counter()
    import pandas  # noqa: F401
    import weasyprint  # noqa: F401

    from gtec_cli.report import charts  # noqa: F401  (matplotlib)
    from gtec_cli.report.diagnostic import render_diagnostic
    from gtec_cli.store import Store
    from gtec_cli.workspace import Workspace

    imports = time.perf_counter() - t0
    ws = Workspace.locate(workspace)
    with tempfile.TemporaryDirectory() as tmp, Store.open(ws.store_path) as store:
        t0 = time.perf_counter()
        result = render_diagnostic(ws, store, period=PERIOD, out=Path(tmp) / "gtec.pdf")
        gtec = time.perf_counter() - t0
        from pypdf import PdfReader

        pages = len(PdfReader(str(result.path)).pages)
    Path(saved).write_bytes(pickle.dumps((result.html, result.charts)))
    print(json.dumps({"imports": imports, "gtec": gtec, "timings": result.timings, "pages": pages,
                      "charts": len(result.charts)}))


def _child_alone(saved: str) -> None:
    """WeasyPrint alone on gtec's HTML, in a fresh process like gtec's (fonts, hyphenation and
    style caches cold in both): layout and writing only, imports excluded."""
    import pickle

    import weasyprint  # noqa: F401

    from gtec_cli.report.render import write_pdf

    html, charts = pickle.loads(Path(saved).read_bytes())
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        write_pdf(html, Path(tmp) / "alone.pdf", charts=charts)
        print(json.dumps({"alone": time.perf_counter() - t0}))


def _json(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _command(workspace: Path) -> float:
    gtec = Path(sys.executable).with_name("gtec")
    cmd = [str(gtec)] if gtec.exists() else [sys.executable, "-c", "from gtec_cli.cli import run; run()"]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([*cmd, "-w", str(workspace), "--quiet", "report", "diagnostic", "--period", PERIOD,
                        "--out", str(Path(tmp) / "d.pdf")], check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - t0


def run() -> list[dict]:
    """The command (median of REPEAT runs), gtec in-process, and WeasyPrint alone on its HTML."""
    workspace = demo_workspace()
    command = statistics.median(_command(workspace) for _ in range(REPEAT))
    runs, alone = [], []
    with tempfile.TemporaryDirectory() as tmp:
        saved = str(Path(tmp) / "html.pickle")
        for _ in range(REPEAT):  # alternate, so that a busy moment of the machine hits both
            runs.append(_json(["gtec", str(workspace), saved]))
            alone.append(_json(["alone", saved])["alone"])
    m = sorted(runs, key=lambda r: r["gtec"])[len(runs) // 2]
    m["alone"] = statistics.median(alone)
    own = m["gtec"] - m["alone"]
    t = m["timings"]
    return [
        {"bench": "report", "case": f"WeasyPrint seul, même HTML ({m['pages']} pages, {m['charts']} graphiques)",
         "seconds": m["alone"], "baseline": True,
         "note": "mise en page et écriture du PDF, médiane"},
        {"bench": "report", "case": "gtec report diagnostic, en processus (après imports)",
         "seconds": m["gtec"],
         "note": (f"données et indicateurs {t['data_and_charts']:.2f} s, gabarits {t['templating']:.2f} s, "
                  f"WeasyPrint {t['weasyprint']:.2f} s").replace(".", ",")},
        {"bench": "report", "case": "travail propre de gtec (= en processus − WeasyPrint seul)",
         "seconds": own, "own_work": True,
         "note": "données, indicateurs, secret statistique, graphiques, gabarits, pièce jointe"},
        {"bench": "report", "case": "commande complète (démarrage Python et imports compris)",
         "seconds": command, "note": f"dont imports ≈ {m['imports']:.2f} s".replace(".", ",")},
    ]


def targets(rows: list[dict]) -> list[tuple[str, bool]]:
    """gtec's own work adds at most 50 % to WeasyPrint's; the whole report renders in seconds."""
    base = next(r for r in rows if r.get("baseline"))["seconds"]
    own = next(r for r in rows if r.get("own_work"))["seconds"]
    command = next(r for r in rows if r["case"].startswith("commande"))["seconds"]
    share = own / base if base else float("inf")
    return [
        (f"travail propre de gtec ≤ 50 % du temps de WeasyPrint : {100 * share:.0f} %", share <= 0.5),
        (f"rapport complet en quelques secondes (< 30 s) : {command:.1f} s".replace(".", ","), command < 30),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "gtec":
        _child_gtec(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "alone":
        _child_alone(sys.argv[2])
    else:
        sys.path.insert(0, str(HERE))
        from run import render, with_ratios

        rows = with_ratios(run())
        print(render(rows))
        for sentence, ok in targets(rows):
            print(f"[{'ok' if ok else 'MANQUÉ'}] {sentence}")
