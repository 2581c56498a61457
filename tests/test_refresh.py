"""The cron path: inbox with valid, invalid and duplicate files; lock; kill and rerun."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from gtec_cli.errors import WorkspaceLocked
from gtec_cli.refresh import refresh, reports_dir
from gtec_cli.store import Store


def _opeq(path: Path, people: float, year: int = 2021) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Population"
    ws.append(["Territoire", "Année", "Sexe", "Tranche d'âge", "Population"])
    ws.append(["epci:200072999", year, "H", "0-14 ans", people])
    ws.append(["epci:200072999", year, "F", "0-14 ans", people + 1])
    wb.save(path)
    return path


def _bad(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Population"
    ws.append(["Territoire", "Année", "Sexe", "Tranche d'âge", "Population"])
    ws.append(["epci:200072999", 2021, "H", "jeunes", -4])
    wb.save(path)
    return path


def fake_render(calls: list):
    def render(ws, store, period):
        calls.append(period)
        out = reports_dir(ws, period)
        out.mkdir(parents=True, exist_ok=True)
        target = out / "diagnostic.pdf"
        target.write_bytes(b"%PDF-fake " + str(len(store.drops())).encode())
        return [target]
    return render


def test_inbox_valid_invalid_duplicate(workspace):
    inbox = workspace.folder("inbox")
    _opeq(inbox / "a.xlsx", 10)
    shutil.copy(inbox / "a.xlsx", inbox / "a-copie.xlsx")  # same content, renamed
    _bad(inbox / "b.xlsx")
    (inbox / "~$a.xlsx").write_bytes(b"excel lock file")  # never data
    calls: list = []
    result = refresh(workspace, render=fake_render(calls))

    assert [s["file"] for s in result.stored] == ["a.xlsx"] or [s["file"] for s in result.stored] == ["a-copie.xlsx"]
    assert len(result.skipped) == 1  # the renamed copy is recognised by its SHA-256
    assert [q["file"] for q in result.quarantined] == ["b.xlsx"]
    assert result.exit_code == 1  # some files quarantined, reports still rendered
    assert calls == ["2026-T4"] and result.reports
    moved = Path(result.quarantined[0]["moved_to"])
    assert moved.exists() and not (inbox / "b.xlsx").exists()
    errors = json.loads(moved.with_name(moved.name + ".erreurs.json").read_text())
    assert errors["errors"] == 2 and {f["code"] for f in errors["findings"]} >= {"unknown-age-band", "negative-count"}
    text = moved.with_name(moved.name + ".erreurs.txt").read_text()
    assert "Population!D2" in text and "Population!E2" in text
    with Store.open(workspace.store_path) as store:
        assert len(store.drops()) == 1
        assert store.read("population")["people"].tolist() == [10.0, 11.0]


def test_second_run_with_nothing_new_does_nothing(workspace):
    _opeq(workspace.folder("inbox") / "a.xlsx", 10)
    calls: list = []
    first = refresh(workspace, render=fake_render(calls))
    assert first.exit_code == 0 and len(first.stored) == 1
    second = refresh(workspace, render=fake_render(calls))
    assert second.nothing_to_do and not second.stored and len(second.skipped) == 1
    assert calls == ["2026-T4"]  # not rendered again
    _opeq(workspace.folder("inbox") / "c.xlsx", 20, year=2015)
    third = refresh(workspace, render=fake_render(calls))
    assert len(third.stored) == 1 and calls == ["2026-T4", "2026-T4"]


def test_render_failure_is_reported_and_retried(workspace):
    _opeq(workspace.folder("inbox") / "a.xlsx", 10)

    def broken(ws, store, period):
        raise RuntimeError("police introuvable")

    first = refresh(workspace, render=broken)
    assert first.exit_code == 1 and "police introuvable" in first.report_errors[0]
    calls: list = []
    second = refresh(workspace, render=fake_render(calls))
    assert calls == ["2026-T4"] and second.exit_code == 0  # the next run completes the work
    assert "report rendering failed" in Path(first.log_file).read_text()


def test_locked_workspace_does_nothing(workspace):
    _opeq(workspace.folder("inbox") / "a.xlsx", 10)
    with workspace.lock():
        with pytest.raises(WorkspaceLocked):
            refresh(workspace, render=fake_render([]))
    with Store.open(workspace.store_path) as store:
        assert store.drops() == []


_SLOW_RENDER = """
import sys, time
from pathlib import Path
from gtec_cli.refresh import refresh, reports_dir
from gtec_cli.workspace import Workspace

def render(ws, store, period):
    Path(sys.argv[2]).write_text("rendering")
    time.sleep(float(sys.argv[3]))
    out = reports_dir(ws, period); out.mkdir(parents=True, exist_ok=True)
    (out / "diagnostic.pdf").write_bytes(b"%PDF")
    return [out / "diagnostic.pdf"]

r = refresh(Workspace.locate(sys.argv[1]), render=render)
sys.exit(r.exit_code)
"""


def _start(ws_root: Path, flag: Path, sleep: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _SLOW_RENDER, str(ws_root), str(flag), str(sleep)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} never appeared")
        time.sleep(0.05)


def test_two_runs_at_once_one_exits_75(workspace, tmp_path):
    _opeq(workspace.folder("inbox") / "a.xlsx", 10)
    flag = tmp_path / "rendering"
    first = _start(workspace.root, flag, 3)
    _wait_for(flag)  # the first run holds the lock while it renders
    env = {**os.environ, "GTEC_WORKSPACE": str(workspace.root)}
    started = time.monotonic()
    second = subprocess.run([sys.executable, "-m", "gtec_cli.cli", "refresh"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert second.returncode == 75, second.stderr
    assert time.monotonic() - started < 10  # at once, not after waiting for the lock
    assert first.wait(timeout=60) == 0


def test_sigkill_mid_run_then_rerun_completes(workspace, tmp_path):
    _opeq(workspace.folder("inbox") / "a.xlsx", 10)
    flag = tmp_path / "rendering"
    proc = _start(workspace.root, flag, 30)
    _wait_for(flag)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with Store.open(workspace.store_path) as store:
        assert store.integrity_ok()
        assert len(store.drops()) == 1  # the drop was committed before rendering started
    assert not (reports_dir(workspace, "2026-T4") / ".gtec-rendered.json").exists()
    calls: list = []
    result = refresh(workspace, render=fake_render(calls))  # the lock died with the process
    assert calls == ["2026-T4"] and result.exit_code == 0 and len(result.skipped) == 1
    assert (reports_dir(workspace, "2026-T4") / ".gtec-rendered.json").exists()
