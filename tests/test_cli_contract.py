"""The contract every command keeps (product.md): exit codes 0/1/2/70/75, `--json` as one JSON
document on stdout, no traceback unless `--debug`, and documentation for every command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS

GTEC = str(Path(sys.executable).with_name("gtec"))


def run_cli(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([GTEC, *map(str, args)], capture_output=True, text=True, timeout=60, env=env)


# --- exit codes -------------------------------------------------------------------------------
def test_exit_0_on_success(workspace, gtec):
    r = gtec("-w", workspace.root, "ingest", CORPUS / "valid-audit.xlsx")
    assert r.exit_code == 0, r.stderr
    assert gtec("-w", workspace.root, "status").exit_code == 0
    assert gtec("-w", workspace.root, "validate", CORPUS / "valid-opeq.xlsx").exit_code == 0


def test_exit_1_on_invalid_input_for_validate_and_ingest(workspace, gtec):
    for command in ("validate", "ingest"):
        r = gtec("-w", workspace.root, command, CORPUS / "negative-headcount.xlsx")
        assert r.exit_code == 1, (command, r.stderr)
        assert "Effectifs!E3" in r.stderr


@pytest.mark.parametrize("args", [
    ("ingest", "absent.xlsx"),            # missing file
    ("ingest", "--no-such-option", "x"),  # bad option
    ("ingest",),                          # missing argument
    ("no-such-command",),
    ("ingest", "{corpus}/valid-audit.xlsx", "--period", "2026-T9"),  # bad period
    ("ingest", "{corpus}/valid-audit.xlsx", "--kind", "nope"),       # unknown kind
])
def test_exit_2_on_usage_errors(workspace, gtec, args):
    args = [a.format(corpus=CORPUS) for a in args]
    r = gtec("-w", workspace.root, *args)
    assert r.exit_code == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert r.stdout == ""


def test_exit_2_outside_a_workspace(tmp_path, gtec):
    r = gtec("-w", tmp_path / "nowhere", "status")
    assert r.exit_code == 2 and "gtec init" in r.stderr


def test_exit_70_on_internal_error_with_one_line_and_a_log(workspace, gtec, monkeypatch):
    import gtec_cli.status

    def broken(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(gtec_cli.status, "workspace_status", broken)
    r = gtec("-w", workspace.root, "status")
    assert r.exit_code == 70
    assert "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Erreur interne" in lines[0] and "panne simulée" in lines[0]
    log = workspace.root / "logs" / "gtec-errors.log"
    assert str(log) in lines[0].replace("\n", "")
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: panne simulée" in text

    r = gtec("-w", workspace.root, "--debug", "status")
    assert r.exit_code == 70 and "Traceback" in r.stderr and "panne simulée" in r.stderr


def test_exit_70_in_ingest_stores_nothing(workspace, gtec, monkeypatch):
    from gtec_cli.store import Store

    def broken(self, db, old_ids, new_id):
        raise RuntimeError("disque plein simulé")

    assert gtec("-w", workspace.root, "ingest", CORPUS / "valid-audit.xlsx").exit_code == 0
    monkeypatch.setattr(Store, "replace_drops", broken)
    r = gtec("-w", workspace.root, "ingest", CORPUS / "formula-like-text.xlsx", "--replace")
    assert r.exit_code == 70 and "Traceback" not in r.stderr
    with Store.open(workspace.store_path) as store:
        assert [(d.id, d.status) for d in store.drops(include_replaced=True)] == [(1, "active")]
        assert len(store.read("companies")) == 1


def test_exit_75_when_another_run_holds_the_workspace(workspace):
    with workspace.lock():
        proc = run_cli("-w", workspace.root, "ingest", CORPUS / "valid-audit.xlsx")
    assert proc.returncode == 75, proc.stderr
    assert "Une autre exécution de gtec" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("-w", workspace.root, "ingest", CORPUS / "valid-audit.xlsx")
    assert proc.returncode == 0, proc.stderr  # the lock went with its holder


# --- machine output ---------------------------------------------------------------------------
@pytest.mark.parametrize("args, code", [
    (("status",), 0),
    (("validate", "{corpus}/valid-audit.xlsx", "{corpus}/excel-errors.xlsx"), 1),
    (("ingest", "{corpus}/valid-audit.xlsx"), 0),
    (("ingest", "{corpus}/invalid-siret.xlsx"), 1),
    (("ingest", "{corpus}/valid-opeq.xlsx", "--dry-run"), 0),
])
def test_json_is_one_document_on_stdout(workspace, args, code):
    args = [a.format(corpus=CORPUS) for a in args]
    proc = run_cli("-w", workspace.root, "--json", *args)
    assert proc.returncode == code, proc.stderr
    document = json.loads(proc.stdout)  # the whole of stdout, nothing before or after
    assert isinstance(document, dict)
    assert proc.stdout.count("\n{") == 0 and proc.stdout.lstrip().startswith("{")


def test_json_ingest_reports_what_was_stored(workspace, gtec):
    r = gtec("-w", workspace.root, "--json", "ingest", CORPUS / "valid-audit.xlsx")
    document = r.json()
    assert document["stored"] is True and document["period"] == "2026-T4"
    (outcome,) = document["files"]
    assert outcome["status"] == "stored" and outcome["kind"] == "audit"
    assert outcome["rows"] == {"companies": 1, "workforce": 3, "hires": 1, "assessments": 2}


def test_human_output_goes_to_stderr(workspace, gtec):
    r = gtec("-w", workspace.root, "ingest", CORPUS / "valid-audit.xlsx")
    assert r.stdout == "" and "enregistré (dépôt n° 1)" in r.stderr


def test_quiet_prints_only_errors(workspace, gtec):
    r = gtec("-w", workspace.root, "--quiet", "ingest", CORPUS / "valid-audit.xlsx")
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == ""


# --- documentation ------------------------------------------------------------------------------
def _commands():
    import typer

    from gtec_cli.cli import app

    def walk(command, path):
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield (*path, name), sub
            yield from walk(sub, (*path, name))

    return list(walk(typer.main.get_command(app), ()))


def test_every_command_and_option_is_documented():
    commands = _commands()
    assert {"init", "template", "validate", "ingest", "status"} <= {p[0] for p, _ in commands}
    for path, command in commands:
        assert (command.help or "").strip(), f"gtec {' '.join(path)} has no description"
        assert len(command.help.strip()) >= 20, f"gtec {' '.join(path)}: description too short"
        for param in command.params:
            if param.name == "help":
                continue
            assert (getattr(param, "help", None) or "").strip(), \
                f"gtec {' '.join(path)}: {param.name} has no help"


def test_help_of_every_command(gtec):
    r = gtec("--help")
    assert r.exit_code == 0 and "gestion territoriale des emplois" in r.stdout
    for path, command in _commands():
        r = gtec(*path, "--help")
        assert r.exit_code == 0, path
        first_line = command.help.strip().split("\n")[0][:40]
        assert first_line.split()[0] in r.stdout, path


def test_help_is_instant_without_heavy_imports():
    code = ("import sys; from gtec_cli.cli import main; main(['--help']); "
            "print(sorted(m for m in ('pandas', 'weasyprint', 'matplotlib') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == "[]"
