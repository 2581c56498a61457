"""`gtec refresh` end to end, as cron runs it: the real command in a child process, the real
diagnostic and action plan rendered, pipes instead of a terminal.

One workspace goes through the runs in order (module fixture): the first run finds valid, invalid
and duplicate files in the inbox; the next ones find nothing new.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from gtec_cli.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
PERIOD = "2026-T4"
AUDITS = ["audit-coutellerie-langroise.xlsx", "audit-forges-usinage-bassigny.xlsx",
          "audit-mecanique-precision-chalindrey.xlsx"]


def gtec(*args, stderr=subprocess.PIPE, timeout=300) -> subprocess.CompletedProcess:
    """The real command, stdout and stderr on pipes (not a terminal) unless `stderr` says otherwise."""
    return subprocess.run([sys.executable, "-m", "gtec_cli.cli", *map(str, args)], stdout=subprocess.PIPE,
                          stderr=stderr, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          check=False)


def _bad(path: Path) -> Path:
    """An observatory workbook with an unknown age band (D2) and a negative count (E2)."""
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "Population"
    sheet.append(["Territoire", "Année", "Sexe", "Tranche d'âge", "Population"])
    sheet.append(["epci:200072999", 2021, "H", "jeunes", -4])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """A workspace whose inbox holds the observatory workbook, three audits, a renamed copy of one
    of them and an invalid workbook; refreshed once with --json."""
    ws = Workspace.create(tmp_path_factory.mktemp("refresh") / "ws", name="Pays de Langres",
                          territory="arr:522", period=PERIOD, aliases=["be:4419", "epci:200072999"])
    inbox = ws.folder("inbox")
    shutil.copy(SAMPLE / "opeq" / "opeq-pays-de-langres-2025.xlsx", inbox)
    for name in AUDITS:
        shutil.copy(SAMPLE / "audits" / name, inbox)
    shutil.copy(SAMPLE / "audits" / AUDITS[0], inbox / "copie-renommee.xlsx")
    _bad(inbox / "population-fausse.xlsx")
    run = gtec("--workspace", ws.root, "--json", "refresh")
    return ws, run


def test_first_run_stores_quarantines_and_renders(first_run):
    _, run = first_run
    assert run.returncode == 1, run.stderr  # some files quarantined, reports rendered all the same
    doc = json.loads(run.stdout)  # one JSON document, nothing else on stdout
    assert doc["exit_code"] == 1 and doc["period"] == PERIOD and not doc["nothing_to_do"]
    stored = sorted(s["file"] for s in doc["stored"])
    # The audit and its renamed copy have the same SHA-256: whichever came first is stored.
    assert len(stored) == 4 and "opeq-pays-de-langres-2025.xlsx" in stored
    audits = set(stored) - {"opeq-pays-de-langres-2025.xlsx"}
    assert audits in (set(AUDITS), {*AUDITS[1:], "copie-renommee.xlsx"})
    assert len(doc["skipped"]) == 1 and doc["skipped"][0]["file"] in (AUDITS[0], "copie-renommee.xlsx")
    assert [q["file"] for q in doc["quarantined"]] == ["population-fausse.xlsx"]
    assert doc["report_errors"] == []
    assert run.stderr == ""  # --json: the document is the whole output


def test_quarantine_holds_the_invalid_file_and_its_report(first_run):
    ws, run = first_run
    moved = Path(json.loads(run.stdout)["quarantined"][0]["moved_to"])
    assert moved.parent == ws.folder("quarantine") and moved.exists()
    assert not (ws.folder("inbox") / "population-fausse.xlsx").exists()
    errors = json.loads(moved.with_name(moved.name + ".erreurs.json").read_text(encoding="utf-8"))
    assert errors["errors"] == 2
    text = moved.with_name(moved.name + ".erreurs.txt").read_text(encoding="utf-8")
    assert "Population!D2" in text and "Population!E2" in text


def test_reports_are_rendered_into_the_period_folder(first_run):
    ws, run = first_run
    folder = ws.root / "reports" / "arr-522" / PERIOD
    diagnostic, plan = folder / "diagnostic.pdf", folder / "plan.pdf"
    assert json.loads(run.stdout)["reports"] == [str(diagnostic), str(plan)]
    for path, title in ((diagnostic, "Diagnostic emploi-compétences"),
                        (plan, "Plan d'action emploi-compétences")):
        assert path.read_bytes()[:5] == b"%PDF-"
        reader = PdfReader(str(path))
        assert len(reader.pages) > 2
        text = " ".join((p.extract_text() or "") for p in reader.pages[:2]).replace("\u00a0", " ")
        assert title in text and "Pays de Langres" in text
    assert not list(folder.glob("*.tmp")) and not list(folder.glob(".*.tmp"))  # written atomically
    log = Path(json.loads(run.stdout)["log_file"])
    assert log == ws.root / "logs" / "refresh.log"
    assert "quarantined population-fausse.xlsx" in log.read_text(encoding="utf-8")


def test_second_run_says_nothing_changed_and_renders_nothing(first_run):
    ws, _ = first_run
    folder = ws.root / "reports" / "arr-522" / PERIOD
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    # On a terminal, the run says so.
    master, slave = pty.openpty()
    try:
        run = gtec("--workspace", ws.root, "refresh", stderr=slave)
        os.close(slave)
        said = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal is closed once everything is read
                break
            if not chunk:
                break
            said += chunk
    finally:
        os.close(master)
    assert run.returncode == 0 and run.stdout == ""
    assert f"Rien de nouveau pour {PERIOD}" in " ".join(said.decode("utf-8").split())
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before  # nothing rendered
    # Not on a terminal (cron): quiet on success, nothing at all on either stream.
    quiet = gtec("--workspace", ws.root, "refresh")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    doc = json.loads(gtec("--workspace", ws.root, "--json", "refresh").stdout)
    assert doc["nothing_to_do"] and doc["exit_code"] == 0 and doc["reports"] == []
    assert len(doc["skipped"]) == 5  # the four stored files and the renamed copy
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_failures_speak_even_when_quiet(first_run):
    ws, _ = first_run
    folder = ws.root / "reports" / "arr-522" / PERIOD
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    _bad(ws.folder("inbox") / "autre-fausse.xlsx")
    run = gtec("--workspace", ws.root, "refresh")
    assert run.returncode == 1
    assert "quarantaine : autre-fausse.xlsx" in " ".join(run.stderr.split())
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before  # no new data: no render
