"""Shared fixtures: an empty in-memory store, a fresh workspace, a CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gtec_cli.store import Store
from gtec_cli.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
CORPUS = Path(__file__).resolve().parent / "corpus"


@pytest.fixture
def store():
    s = Store.open(":memory:")
    yield s
    s.close()


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    return Workspace.create(tmp_path / "ws", name="Pays de Langres", territory="arr:522", period="2026-T4")


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.exit_code, self.stdout, self.stderr = code, out, err

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def gtec(capsys):
    """Run the CLI in-process: gtec("ingest", "f.xlsx") -> CliResult(exit_code, stdout, stderr)."""
    from gtec_cli.cli import STATE, main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        STATE.__init__()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run
