"""Shared fixtures: an empty in-memory store, a fresh workspace, a CLI runner; and `snapshot`,
the store checksum that proves a refused command left the store exactly as it was."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from gtec_cli.store import Store
from gtec_cli.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
CORPUS = Path(__file__).resolve().parent / "corpus"


def snapshot(store_path: Path) -> dict:
    """A checksum of every table's rows (data and bookkeeping), read through a separate read-only
    connection, after SQLite's own integrity check of the file."""
    db = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'schema_migrations' ORDER BY name")]
        sums = {}
        for table in tables:
            rows = sorted(repr(r) for r in db.execute(f'SELECT * FROM "{table}"'))
            sums[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return sums
    finally:
        db.close()


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
