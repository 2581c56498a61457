"""The store: migrations, atomic drops, SHA-256 deduplication, explicit replacement, a process
killed mid-write, and round trips (what is ingested is what is read back)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS
from gtec_cli.errors import GtecError, InvalidInput, UsageError
from gtec_cli.ingest.pipeline import ingest_files, sha256_of
from gtec_cli.store import Store
from gtec_cli.store.migrations import MIGRATIONS
from gtec_cli.store.schema import TABLES_V1, TABLES_V2


def corpus_module():
    """tests/corpus/make_corpus.py (its xlsx writer builds the workbooks of these tests)."""
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MC = corpus_module()


def companies_frame(siret: str = MC.SIRET_A, name: str = "Coutellerie du Bassigny") -> pd.DataFrame:
    return pd.DataFrame({"sheet": ["Entreprise"], "row": [4], "siret": [siret], "name": [name],
                         "naf": ["25.71Z"], "headcount": [42.0], "commune": ["52269"],
                         "company_type": ["PME"], "club_member": [1]})


def add_drop(store: Store, sha: str = "a" * 64, **tables) -> int:
    with store.atomic() as db:
        return store.insert_drop(db, kind="audit", period="2026-T4", file_name=f"{sha[:6]}.xlsx",
                                 sha256=sha, size_bytes=10, tables=tables or {"companies": companies_frame()})


def count(store: Store, table: str) -> int:
    return store.db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


# --- migrations ------------------------------------------------------------------------------
def test_fresh_store_gets_every_migration(store):
    assert store.version == len(MIGRATIONS)
    names = [r[0] for r in store.db.execute("SELECT name FROM schema_migrations ORDER BY rowid")]
    assert names == [name for name, _ in MIGRATIONS]
    assert set(TABLES_V1) | set(TABLES_V2) <= set(store.tables())
    for table in store.tables():
        assert store.columns(table)[:3] == ["drop_id", "sheet", "row"]


def test_old_store_is_upgraded_with_its_data(tmp_path):
    path = tmp_path / "old.sqlite"
    with Store.open(path, migrations=MIGRATIONS[:1]) as old:
        assert old.version == 1 and "bmo" not in old.tables()
        add_drop(old)
    with Store.open(path) as store:
        assert store.version == len(MIGRATIONS)
        assert "bmo" in store.tables()
        (drop,) = store.drops()
        assert drop.row_counts == {"companies": 1}
        assert store.read("companies")["name"].tolist() == ["Coutellerie du Bassigny"]
        assert store.integrity_ok()


def _broken(db: sqlite3.Connection) -> None:
    db.execute('CREATE TABLE "half_done" (x INTEGER)')
    db.execute('ALTER TABLE companies ADD COLUMN "half_column" TEXT')
    db.execute("INSERT INTO half_done VALUES (1)")
    raise RuntimeError("migration failed halfway")


def test_failed_migration_rolls_back_entirely(tmp_path):
    path = tmp_path / "s.sqlite"
    with Store.open(path) as store:
        add_drop(store)
    with pytest.raises(RuntimeError, match="halfway"):
        Store.open(path, migrations=[*MIGRATIONS, ("999_broken", _broken)])
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "half_done" not in tables
    assert "half_column" not in [r[1] for r in db.execute("PRAGMA table_info(companies)")]
    assert "999_broken" not in [r[0] for r in db.execute("SELECT name FROM schema_migrations")]
    assert db.execute("SELECT COUNT(*) FROM companies").fetchone()[0] == 1
    db.close()
    with Store.open(path) as store:  # the store still opens with the real migrations
        assert store.version == len(MIGRATIONS)


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.sqlite"
    Store.open(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(UsageError, match="plus récent que cette version de gtec"):
        Store.open(path)


def test_file_that_is_not_a_store_is_named(tmp_path):
    path = tmp_path / "gtec.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(GtecError, match="illisible"):
        Store.open(path)


# --- atomicity -------------------------------------------------------------------------------
def test_exception_mid_insert_leaves_nothing(store):
    before = [count(store, t) for t in store.tables()]
    bad = pd.DataFrame({"sheet": ["Effectifs"], "row": [3], "siret": [MC.SIRET_A],
                        "not_a_column": [1]})
    with pytest.raises(ValueError, match="not_a_column"):
        with store.atomic() as db:
            # companies is inserted first, then the second table fails
            store.insert_drop(db, kind="audit", period="2026-T4", file_name="a.xlsx", sha256="b" * 64,
                              size_bytes=1, tables={"companies": companies_frame(), "workforce": bad})
    assert store.drops(include_replaced=True) == []
    assert [count(store, t) for t in store.tables()] == before


def test_interrupt_mid_transaction_leaves_nothing(store):
    with pytest.raises(KeyboardInterrupt):
        with store.atomic() as db:
            store.insert_drop(db, kind="audit", period="2026-T4", file_name="a.xlsx", sha256="c" * 64,
                              size_bytes=1, tables={"companies": companies_frame()})
            raise KeyboardInterrupt
    assert count(store, "drops") == 0 and count(store, "companies") == 0


def test_active_content_is_unique_in_the_schema(store):
    add_drop(store, sha="d" * 64)
    with pytest.raises(sqlite3.IntegrityError):
        add_drop(store, sha="d" * 64)
    assert count(store, "drops") == 1


# --- deduplication and replacement, through the pipeline -------------------------------------
def test_renamed_copy_is_not_stored_again(store, tmp_path):
    original = CORPUS / "valid-audit.xlsx"
    copy = tmp_path / "renomme.xlsx"
    shutil.copy(original, copy)
    assert sha256_of(copy) == sha256_of(original)
    (first,) = ingest_files(store, [original], period="2026-T4")
    (second,) = ingest_files(store, [copy], period="2026-T4")
    assert first.status == "stored" and second.status == "duplicate"
    assert second.duplicate_of == first.drop_id
    assert count(store, "drops") == 1 and count(store, "companies") == 1


def test_same_company_same_period_needs_replace(workspace, gtec):
    # formula-like-text.xlsx is another audit of the same company (same SIRET), other content.
    first, second = CORPUS / "valid-audit.xlsx", CORPUS / "formula-like-text.xlsx"
    assert gtec("-w", workspace.root, "ingest", first).exit_code == 0

    r = gtec("-w", workspace.root, "--json", "ingest", second)
    assert r.exit_code == 1
    (conflict,) = [f for f in r.json()["files"][0]["findings"] if f["code"] == "already-stored"]
    assert "dépôt n° 1" in conflict["message"] and MC.SIRET_A in conflict["message"]
    assert "--replace" in conflict["fix"]

    r = gtec("-w", workspace.root, "--json", "ingest", second, "--replace")
    assert r.exit_code == 0, r.stderr
    (outcome,) = r.json()["files"]
    assert outcome["status"] == "stored" and outcome["replaced"] == [1]
    with Store.open(workspace.store_path) as store:
        old = next(d for d in store.drops(include_replaced=True) if d.id == 1)
        assert old.status == "replaced"
        assert store.db.execute("SELECT replaced_by FROM drops WHERE id = 1").fetchone()[0] == 2
        for table in ("companies", "workforce", "hires", "assessments"):
            ids = {r[0] for r in store.db.execute(f'SELECT DISTINCT drop_id FROM "{table}"')}
            assert ids == {2}, table
        assert [d.id for d in store.drops()] == [2]
        assert "@SOMME(A1:A9)" in store.read("assessments")["comment"].tolist()
        assert store.integrity_ok()


def test_other_period_is_not_a_conflict(store):
    ingest_files(store, [CORPUS / "valid-audit.xlsx"], period="2026-T4")
    (outcome,) = ingest_files(store, [CORPUS / "formula-like-text.xlsx"], period="2027-T2")
    assert outcome.status == "stored" and outcome.replaced == []
    assert len(store.drops()) == 2


def test_dry_run_stores_nothing(store):
    (outcome,) = ingest_files(store, [CORPUS / "valid-audit.xlsx"], period="2026-T4", dry_run=True)
    assert outcome.status == "would-store" and outcome.rows["workforce"] == 3
    assert count(store, "drops") == 0 and count(store, "workforce") == 0


def test_refused_file_raises_with_its_report(store):
    with pytest.raises(InvalidInput) as info:
        ingest_files(store, [CORPUS / "valid-audit.xlsx", CORPUS / "invalid-siret.xlsx"],
                     period="2026-T4")
    (report,) = info.value.reports
    assert report.file == "invalid-siret.xlsx" and report.counts == {"invalid-siret": 1}
    assert count(store, "drops") == 0


# --- a process killed in the middle of the write -----------------------------------------------
def employment_workbook(path: Path, rows: int) -> Path:
    """An observatory workbook with `rows` distinct employment rows (no error)."""
    ages = ["15-24 ans", "25-29 ans", "30-34 ans", "35-39 ans", "40-44 ans", "45-49 ans",
            "50-54 ans", "55-59 ans", "60-64 ans", "65 ans ou plus"]
    nafs = ["25.71Z", "25.62A", "22.29A", "16.10A", "10.13A", "86.10Z", "49.41A", "55.10Z"]
    romes = ["H2913", "H2903", "N4101", "J1501", "K2204", "H2502", "F1703", "G1602"]
    body = [["Territoire", "Année", "Secteur (NAF)", "Métier", "Tranche d'âge", "Sexe", "Emplois"]]
    i = 0
    for year in range(2000, 2100):
        for naf in nafs:
            for rome in romes:
                for age in ages:
                    for sex in "HF":
                        if i == rows:
                            break
                        body.append(["arr:522", year, naf, rome, age, sex, i % 97])
                        i += 1
    path.write_bytes(MC.xlsx([("Emploi", MC.sheet_xml(body))]))
    return path


CHILD = textwrap.dedent("""
    import sys, time
    from gtec_cli.ingest.pipeline import ingest_files
    from gtec_cli.store import Store

    store = Store.open(sys.argv[1])
    # A tiny page cache: uncommitted pages spill into the WAL file before COMMIT, so the kill
    # finds half-written data on disk, the worst case for recovery.
    store.db.execute("PRAGMA cache_size = 10")
    insert = Store.insert_drop

    def insert_then_hang(self, db, **kw):
        drop_id = insert(self, db, **kw)
        with open(sys.argv[3], "w") as fh:
            fh.write(str(drop_id))
        time.sleep(120)  # killed here, before COMMIT

    Store.insert_drop = insert_then_hang
    ingest_files(store, [sys.argv[2]], period="2026-T4")
""")


def _store_state(path: Path) -> tuple:
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        drops = db.execute("SELECT id, sha256, row_counts FROM drops ORDER BY id").fetchall()
        rows = db.execute("SELECT drop_id, COUNT(*) FROM employment GROUP BY drop_id").fetchall()
        return drops, rows
    finally:
        db.close()


@pytest.mark.slow
def test_kill_during_the_write_leaves_the_store_as_it_was(workspace, tmp_path, gtec):
    assert gtec("-w", workspace.root, "ingest", CORPUS / "valid-opeq.xlsx").exit_code == 0
    before = _store_state(workspace.store_path)
    book = employment_workbook(tmp_path / "emploi.xlsx", 20_000)
    signal_file = tmp_path / "inserted"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(workspace.store_path), str(book),
                              str(signal_file)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not signal_file.exists():
            assert child.poll() is None, child.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the child never reached the write"
            time.sleep(0.05)
        wal = Path(f"{workspace.store_path}-wal")
        assert wal.exists() and wal.stat().st_size > 1_000_000  # uncommitted rows are on disk
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
        child.stderr.close()
    assert _store_state(workspace.store_path) == before
    with Store.open(workspace.store_path) as store:
        assert store.find_sha(sha256_of(book)) is None
        assert store.integrity_ok()
    # and the same file goes in cleanly afterwards
    r = gtec("-w", workspace.root, "ingest", book)
    assert r.exit_code == 0, r.stderr


@pytest.mark.slow
def test_kill_of_the_cli_at_commit_leaves_no_partial_drop(workspace, tmp_path, gtec):
    """The real command, killed as soon as its commit starts writing: all or nothing."""
    assert gtec("-w", workspace.root, "ingest", CORPUS / "valid-opeq.xlsx").exit_code == 0
    before = _store_state(workspace.store_path)
    book = employment_workbook(tmp_path / "emploi.xlsx", 40_000)
    wal = Path(f"{workspace.store_path}-wal")
    start = wal.stat().st_size if wal.exists() else 0
    gtec_bin = str(Path(sys.executable).with_name("gtec"))
    child = subprocess.Popen([gtec_bin, "-w", str(workspace.root), "--quiet", "ingest", str(book)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while child.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > start:
            os.kill(child.pid, signal.SIGKILL)
            break
        time.sleep(0.0005)
    code = child.wait(timeout=10)
    drops, rows = _store_state(workspace.store_path)
    if code == -signal.SIGKILL and drops == before[0]:
        assert rows == before[1]  # killed before the commit took: nothing of it
    else:  # the commit was complete when the kill landed: then the whole drop is there
        new = [d for d in drops if d not in before[0]]
        assert len(new) == 1 and (new[0][0], 40_000) in rows


# --- round trips -----------------------------------------------------------------------------
_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_text, st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False,
                                                                  width=64)),
                          # pandas reads an integer column with NULLs as float64: exact to 2**53
                          st.one_of(st.none(), st.integers(-2**53, 2**53))), max_size=40))
def test_store_round_trip(rows):
    """Any values the tables can hold come back from the store as they went in."""
    with Store.open(":memory:") as store:
        frame = pd.DataFrame({
            "sheet": ["Diagnostic"] * len(rows), "row": list(range(2, len(rows) + 2)),
            "siret": [MC.SIRET_A] * len(rows), "theme": [t for t, _, _ in rows],
            "comment": [t[::-1] for t, _, _ in rows],
            "score": pd.array([i for _, _, i in rows], dtype="Int64"),
        })
        people = [f for _, f, _ in rows]
        with store.atomic() as db:
            store.insert_drop(db, kind="audit", period="2026-T4", file_name="x.xlsx",
                              sha256="e" * 64, size_bytes=1, tables={"assessments": frame})
            store.insert_drop(db, kind="audit", period="2026-T4", file_name="y.xlsx",
                              sha256="f" * 64, size_bytes=1, tables={"cooperation": pd.DataFrame({
                                  "siret": [MC.SIRET_A] * len(rows), "people": people,
                                  "comment": [t for t, _, _ in rows]})})
        back = store.read("assessments")
        assert back["theme"].tolist() == [t for t, _, _ in rows]
        assert back["comment"].tolist() == [t[::-1] for t, _, _ in rows]
        assert [None if pd.isna(v) else int(v) for v in back["score"]] == [i for _, _, i in rows]
        assert back["row"].tolist() == list(range(2, len(rows) + 2))
        coop = store.read("cooperation")
        assert [None if pd.isna(v) else v for v in coop["people"]] == people


CANONICAL_BANDS = {"0-14 ans": "0-14", "15 à 29 ans": "15-29", "30-44 ans": "30-44",
                   "45-59": "45-59", "60 - 74 ans": "60-74", "75 ans ou plus": "75+"}
def test_large_drop_round_trip_across_statement_batches(store):
    """Rows go in by batches of thousands per statement: none lost, none shifted, at any size."""
    from gtec_cli.store import _MAX_VARIABLES

    batch = _MAX_VARIABLES // len(store.columns("assessments"))
    n = 2 * batch + 7
    comments = [None if i % 7 == 0 else f"c{i}" for i in range(n)]
    scores = [None if i % 11 == 0 else i % 4 + 1 for i in range(n)]
    frame = pd.DataFrame({"sheet": "Diagnostic", "row": range(2, n + 2), "siret": MC.SIRET_A,
                          "theme": [f"t{i}" for i in range(n)],
                          "score": pd.array(scores, dtype="Int64"), "comment": comments})
    add_drop(store, assessments=frame)
    back = store.read("assessments")
    assert len(back) == n
    assert back["theme"].tolist() == frame["theme"].tolist()
    assert back["row"].tolist() == list(range(2, n + 2))
    assert [None if pd.isna(v) else v for v in back["comment"]] == comments
    assert [None if pd.isna(v) else int(v) for v in back["score"]] == scores


_bands = st.sampled_from(sorted(CANONICAL_BANDS))
_people = st.one_of(st.integers(0, 10**7), st.decimals(0, 10**6, places=1, allow_nan=False,
                                                        allow_infinity=False), st.just("*"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.tuples(st.sampled_from(["arr:522", "dep:52", "reg:44", "com:52269", "fr"]),
                                 st.integers(1968, 2030), st.sampled_from("HF"), _bands),
                       _people, min_size=1, max_size=30),
       st.booleans())
def test_ingest_round_trip(tmp_path_factory, table, comma):
    """A random valid population sheet, written as a workbook, ingested, read back: equal."""
    folder = tmp_path_factory.mktemp("rt")
    body = [["Population par âge"], [], ["Territoire", "Année", "Sexe", "Tranche d'âge", "Population"]]
    expected = set()
    for (territory, year, sex, band), people in table.items():
        if people == "*":
            cell, value = "*", None
        elif comma and not isinstance(people, int):
            cell, value = f"{people}".replace(".", ","), float(people)  # typed as text, French style
        else:
            cell = value = float(people) if not isinstance(people, int) else people
        body.append([territory, year, sex, band, cell])
        expected.add((territory, year, sex, CANONICAL_BANDS[band],
                      None if value is None else float(value)))
    path = folder / "population.xlsx"
    path.write_bytes(MC.xlsx([("Population", MC.sheet_xml(body))]))
    with Store.open(":memory:") as store:
        (outcome,) = ingest_files(store, [path], period="2026-T4", kind="opeq")
        assert outcome.status == "stored"
        back = store.read("population")
    got = {(t, int(y), s, b, None if pd.isna(p) else float(p))
           for t, y, s, b, p in back[["territory", "year", "sex", "age_band", "people"]].itertuples(
               index=False, name=None)}
    assert got == expected
    assert sorted(back["row"]) == list(range(4, 4 + len(table)))


def test_read_where_a_collection_keeps_any_of_its_values(store):
    """`where={"siret": [a, b]}` is SQL `IN`; an empty collection keeps nothing; drop columns too."""
    add_drop(store, "a" * 64, companies=companies_frame(MC.SIRET_A, "A"))
    add_drop(store, "b" * 64, companies=companies_frame(MC.SIRET_B, "B"))
    assert sorted(store.read("companies", where={"siret": [MC.SIRET_A, MC.SIRET_B]})["name"]) == ["A", "B"]
    assert store.read("companies", where={"siret": {MC.SIRET_B}})["name"].tolist() == ["B"]
    assert store.read("companies", where={"siret": MC.SIRET_A})["name"].tolist() == ["A"]
    assert store.read("companies", where={"siret": []}).empty
    assert len(store.read("companies", where={"file_name": ("aaaaaa.xlsx", "zzz.xlsx")})) == 1


def test_two_files_of_one_command_with_the_same_company_are_refused(workspace, gtec, tmp_path):
    """Regression: `gtec validate --annotate` writes NAME.annote.xlsx beside the workbook, and
    `gtec ingest retours/*.xlsx` stored both: the company counted twice."""
    original = tmp_path / "audit-a.xlsx"
    shutil.copy(CORPUS / "valid-audit.xlsx", original)
    gtec("validate", original, "--annotate")
    annotated = tmp_path / "audit-a.annote.xlsx"
    if not annotated.exists():  # a clean workbook gets no annotated copy: make the same situation
        shutil.copy(CORPUS / "formula-like-text.xlsx", annotated)  # same SIRET, other content
    r = gtec("-w", workspace.root, "--json", "ingest", original, annotated)
    assert r.exit_code == 1
    doc = r.json()
    findings = [f for file in doc["files"] for f in file["findings"] if f["code"] == "same-data-twice"]
    assert len(findings) == 1 and findings[0]["file"] == "audit-a.annote.xlsx"
    assert "audit-a.xlsx" in findings[0]["message"] and MC.SIRET_A in findings[0]["message"]
    assert "copie annotée" in findings[0]["fix"]
    with Store.open(workspace.store_path) as store:
        assert count(store, "drops") == 0
    # With --replace too: the command cannot choose between its own files.
    assert gtec("-w", workspace.root, "ingest", original, annotated, "--replace").exit_code == 1
    # Each on its own is fine (the second then needs --replace, as any new version of an audit).
    assert gtec("-w", workspace.root, "ingest", original).exit_code == 0
