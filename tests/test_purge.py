"""`gtec purge` (confidentiality.md, personal data): a drop or a company and everything derived from
it is erased, in one transaction, for good (not in free pages nor in the WAL), and the purged file
left in the inbox is not stored again behind the user's back by `gtec ingest` or `gtec refresh`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import CORPUS, SAMPLE, snapshot
from gtec_cli.errors import InvalidInput, UsageError
from gtec_cli.ingest.pipeline import ingest_files, sha256_of
from gtec_cli.purge import plan_purge, purge
from gtec_cli.refresh import refresh, reports_dir
from gtec_cli.store import Store
from gtec_cli.store.migrations import MIGRATIONS

GTEC = str(Path(sys.executable).with_name("gtec"))
SIRET_A = "73282932000074"  # Coutellerie du Bassigny in tests/corpus/valid-audit.xlsx
COUTELLERIE = "82104100100388"  # Coutellerie Langroise, in its own audit and in the consolidated one
INDIVIDUAL = SAMPLE / "audits" / "audit-coutellerie-langroise.xlsx"
CONSOLIDATED = SAMPLE / "audits-consolidated" / "audits-pays-de-langres-consolide.xlsx"


# --- helpers ---------------------------------------------------------------------------------------
def table_rows(store: Store, table: str, where: str = "1", params=()) -> list[tuple]:
    cols = [c for c in store.columns(table) if c != "drop_id"]
    sql = f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{table}" WHERE {where}'
    return sorted(map(tuple, store.db.execute(sql, params)), key=repr)


def full_frame(store: Store, table: str, tag: str) -> pd.DataFrame:
    """One row for any data table, every column filled (so every table holds a row of the drop)."""
    values = {"sheet": "Feuille", "row": 2}
    for name, kind in [(r[1], r[2]) for r in store.db.execute(f'PRAGMA table_info("{table}")')]:
        if name in ("drop_id", "sheet", "row"):
            continue
        values[name] = (SIRET_A if name == "siret" else 1 if "INTEGER" in kind
                        else 1.0 if "REAL" in kind else f"{tag}-{name}")
    return pd.DataFrame([values])


def add_drop(store: Store, sha: str, tables: dict, *, kind: str = "audit", period: str = "2026-T4",
             metadata: dict | None = None) -> int:
    with store.atomic() as db:
        return store.insert_drop(db, kind=kind, period=period, file_name=f"{sha[:6]}.xlsx",
                                 sha256=sha, size_bytes=10, tables=tables, metadata=metadata)


def raw_bytes(path: Path) -> bytes:
    """The store file and its write-ahead log, byte for byte, as anyone reading the disk sees them."""
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


@pytest.fixture
def two_audits(workspace, gtec):
    """Coutellerie Langroise alone (drop 1, 2026-T3) and within the consolidated workbook of the
    30 companies (drop 2, 2026-T4)."""
    assert gtec("-w", workspace.root, "ingest", INDIVIDUAL, "--period", "2026-T3").exit_code == 0
    assert gtec("-w", workspace.root, "ingest", CONSOLIDATED).exit_code == 0
    return workspace


# --- purging drops ---------------------------------------------------------------------------------
def test_drop_purge_erases_its_rows_in_every_table_and_nothing_else(tmp_path):
    with Store.open(tmp_path / "s.sqlite") as store:
        first = add_drop(store, "a" * 64, {t: full_frame(store, t, "a") for t in store.tables()})
        second = add_drop(store, "b" * 64, {t: full_frame(store, t, "b") for t in store.tables()},
                          period="2027-T1")
        kept = {t: table_rows(store, t, "drop_id = ?", (second,)) for t in store.tables()}
        result = purge(store, drops=[first], yes=True)
        assert result.done and result.vacuumed and result.purge_id == 1
        assert result.plan.rows_deleted == {t: 1 for t in store.tables()}
        for table in store.tables():
            assert {r[0] for r in store.db.execute(f'SELECT DISTINCT drop_id FROM "{table}"')} == {second}
            assert table_rows(store, table) == kept[table], table
        assert [d.id for d in store.drops(include_replaced=True)] == [second]
        assert store.integrity_ok()
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.find_purge("a" * 64)["id"] == 1 and store.find_purge("b" * 64) is None


def test_a_purged_drop_takes_the_earlier_versions_it_replaced(workspace, gtec):
    root = workspace.root
    assert gtec("-w", root, "ingest", CORPUS / "valid-audit.xlsx").exit_code == 0
    assert gtec("-w", root, "ingest", CORPUS / "formula-like-text.xlsx", "--replace").exit_code == 0
    r = gtec("-w", root, "--json", "purge", "--drop", "2", "--yes")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert [(d["id"], d["reason"]) for d in doc["drops_deleted"]] == [
        (1, "replaced-by-purged"), (2, "requested")]
    with Store.open(workspace.store_path) as store:
        assert store.drops(include_replaced=True) == []  # drop 1 does not come back as active
        assert store.find_purge(sha256_of(CORPUS / "valid-audit.xlsx")) is not None
        assert store.find_purge(sha256_of(CORPUS / "formula-like-text.xlsx")) is not None


def test_purging_a_replaced_drop_leaves_the_one_that_replaced_it(workspace, gtec):
    root = workspace.root
    gtec("-w", root, "ingest", CORPUS / "valid-audit.xlsx")
    gtec("-w", root, "ingest", CORPUS / "formula-like-text.xlsx", "--replace")
    r = gtec("-w", root, "--json", "purge", "--drop", "1", "--yes")
    assert r.exit_code == 0, r.stderr
    assert r.json()["total_rows"] == 0  # a replaced drop has lost its rows already
    with Store.open(workspace.store_path) as store:
        assert [(d.id, d.status) for d in store.drops(include_replaced=True)] == [(2, "active")]
        assert len(store.read("companies")) == 1


def test_drop_purge_says_which_companies_other_drops_still_hold(two_audits, gtec):
    r = gtec("-w", two_audits.root, "--json", "purge", "--drop", "1")
    assert r.exit_code == 0 and r.json()["companies_elsewhere"] == [COUTELLERIE]
    assert "--company SIRET" in gtec("-w", two_audits.root, "purge", "--drop", "1").stderr


# --- purging a company -----------------------------------------------------------------------------
def test_company_purge_across_individual_and_consolidated_drops(two_audits, gtec):
    with Store.open(two_audits.store_path) as store:
        audit_tables = [t for t in store.tables() if "siret" in store.columns(t)]
        others = {t: table_rows(store, t, "siret != ?", (COUTELLERIE,)) for t in audit_tables}
        mine = sum(len(table_rows(store, t, "siret = ?", (COUTELLERIE,))) for t in audit_tables)
        opeq_free = {t: len(table_rows(store, t)) for t in store.tables() if t not in audit_tables}

    r = gtec("-w", two_audits.root, "--json", "purge", "--company", "821 041 001 00388", "--yes")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert doc["done"] and doc["scope"] == "company"
    assert [(d["id"], d["reason"]) for d in doc["drops_deleted"]] == [(1, "company-only")]
    assert [d["id"] for d in doc["drops_updated"]] == [2]
    assert doc["companies"] == [{"siret": COUTELLERIE, "names": ["Coutellerie Langroise"],
                                 "rows": mine, "drops": [1, 2]}]
    assert doc["total_rows"] == mine

    with Store.open(two_audits.store_path) as store:
        for table in audit_tables:  # the company is gone everywhere, the 29 others are intact
            assert table_rows(store, table, "siret = ?", (COUTELLERIE,)) == []
            assert table_rows(store, table, "siret != ?", (COUTELLERIE,)) == others[table], table
        assert {t: len(table_rows(store, t)) for t in opeq_free} == opeq_free
        (drop,) = store.drops(include_replaced=True)
        assert drop.id == 2 and drop.status == "active"
        assert drop.metadata["companies"] == 29
        assert f"company|{COUTELLERIE}" not in drop.metadata["keys"]
        assert len(drop.metadata["keys"]) == 29
        assert drop.row_counts == {t: len(table_rows(store, t)) for t in drop.row_counts}
        assert store.integrity_ok()
        # The consolidated file still holds the company: its hash is recorded too.
        assert store.find_purge(sha256_of(CONSOLIDATED)) is not None
        assert "Coutellerie Langroise" not in json.dumps(store.purges())
        assert COUTELLERIE not in json.dumps(store.purges())


def test_free_text_mentions_of_the_company_are_shown_not_deleted(store):
    from test_store import companies_frame

    def frame(table, **values):
        return pd.DataFrame([{"sheet": "Coopération", "row": 7, **values}])

    add_drop(store, "a" * 64, {"companies": companies_frame()}, metadata={"keys": [f"company|{SIRET_A}"]})
    other = "44306184100047"
    add_drop(store, "b" * 64, {
        "companies": companies_frame(other, "Plasturgie de Langres"),
        "cooperation": frame("cooperation", siret=other, cooperation_type="prêt",
                             comment="Prêt de deux régleurs à la COUTELLERIE du Bassigny"),
    })
    add_drop(store, "c" * 64, {"plan_followup": pd.DataFrame([
        {"sheet": "Suivi du plan", "row": 5, "action_id": "tutorat-binomes",
         "owner": "Coutellerie du Bassigny", "status": "en cours"},
        {"sheet": "Suivi du plan", "row": 6, "action_id": "gpec-partagee", "owner": "Club",
         "progress": f"voir SIRET {SIRET_A}"},
        {"sheet": "Suivi du plan", "row": 7, "action_id": "autre", "owner": "Club"},
    ])}, kind="plan")
    plan = plan_purge(store, companies=[SIRET_A])
    found = {(m["table"], m["column"], m["drop_id"]): m for m in plan.mentions}
    assert set(found) == {("cooperation", "comment", 2), ("plan_followup", "owner", 3),
                          ("plan_followup", "progress", 3)}
    assert found[("cooperation", "comment", 2)]["cells"] == ["Coopération!7"]
    assert found[("plan_followup", "owner", 3)]["action_ids"] == ["tutorat-binomes"]
    result = purge(store, companies=[SIRET_A], yes=True)
    assert [d["id"] for d in result.plan.drops_deleted] == [1]
    assert len(store.read("cooperation")) == 1 and len(store.read("plan_followup")) == 3


# --- dry run, JSON, errors, lock -------------------------------------------------------------------
def test_dry_run_deletes_nothing(two_audits, gtec):
    before = snapshot(two_audits.store_path)
    for args in (("--drop", "1"), ("--company", COUTELLERIE), ("--drop", "2", "--delete-files")):
        r = gtec("-w", two_audits.root, "purge", *args)
        assert r.exit_code == 0, r.stderr
        assert "relancez la même commande avec --yes" in " ".join(r.stderr.split())
        assert "Serait effacé" in r.stderr and r.stdout == ""
    assert snapshot(two_audits.store_path) == before


def test_json_is_one_document_of_what_would_be_deleted(two_audits, gtec):
    inbox = two_audits.folder("inbox")
    shutil.copy(INDIVIDUAL, inbox / "retour-coutellerie.xlsx")
    r = gtec("-w", two_audits.root, "--json", "purge", "--drop", "1")
    assert r.exit_code == 0 and r.stderr == ""
    doc = r.json()
    assert {"done", "dry_run", "purge_id", "purged_at", "scope", "drops_deleted", "drops_updated",
            "companies", "rows_deleted", "total_rows", "mentions", "companies_elsewhere", "sha256",
            "vacuumed", "inbox_files", "reports", "logs", "warnings"} <= set(doc)
    assert doc["done"] is False and doc["dry_run"] is True and doc["purge_id"] is None
    (drop,) = doc["drops_deleted"]
    assert drop["id"] == 1 and drop["file_name"] == INDIVIDUAL.name and drop["period"] == "2026-T3"
    assert drop["rows"] == sum(drop["row_counts"].values()) == doc["total_rows"] == 60
    assert doc["rows_deleted"] == drop["row_counts"]
    assert doc["sha256"] == [sha256_of(INDIVIDUAL)]
    assert doc["inbox_files"] == [{"path": str(inbox / "retour-coutellerie.xlsx"),
                                   "sha256": sha256_of(INDIVIDUAL), "drop_id": 1,
                                   "still_active": False, "deleted": False}]


@pytest.mark.parametrize("args, message", [
    (("--drop", "99"), "Dépôt(s) inconnu(s) : n° 99"),
    (("--company", "123"), "SIRET mal formé"),
    (("--company", "73282932000075"), "clé de contrôle"),
    (("--company", "443 061 841 00047"), "Aucune donnée pour le SIRET 44306184100047"),
    ((), "Rien à purger"),
    (("--drop", "abc"), "'--drop'"),  # Typer's own check of the option
])
def test_usage_errors_exit_2_and_delete_nothing(two_audits, gtec, args, message):
    before = snapshot(two_audits.store_path)
    r = gtec("-w", two_audits.root, "purge", *args, "--yes")
    assert r.exit_code == 2, r.stderr
    assert message in " ".join(r.stderr.split()) and r.stdout == "" and "Traceback" not in r.stderr
    assert snapshot(two_audits.store_path) == before


def test_lock_held_exits_75_and_deletes_nothing(two_audits):
    before = snapshot(two_audits.store_path)
    with two_audits.lock():
        proc = subprocess.run([GTEC, "-w", str(two_audits.root), "purge", "--drop", "1", "--yes"],
                              capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 75, proc.stderr
    assert "Une autre exécution de gtec" in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(two_audits.store_path) == before


def test_a_failure_mid_purge_leaves_the_store_as_it_was(two_audits, monkeypatch):
    import gtec_cli.purge as purge_module

    before = snapshot(two_audits.store_path)

    def broken(store, db, plan):
        store.delete_drops(db, [d["id"] for d in plan.drops_deleted])
        raise RuntimeError("panne au milieu de la purge")

    monkeypatch.setattr(purge_module, "_apply", broken)
    with Store.open(two_audits.store_path) as store, pytest.raises(RuntimeError, match="panne"):
        purge(store, companies=[COUTELLERIE], yes=True)
    assert snapshot(two_audits.store_path) == before


# --- really erased ---------------------------------------------------------------------------------
def test_purged_bytes_are_gone_from_the_file_and_its_wal(workspace, gtec):
    root, path = workspace.root, workspace.store_path
    assert gtec("-w", root, "ingest", CORPUS / "valid-opeq.xlsx").exit_code == 0
    assert gtec("-w", root, "ingest", CORPUS / "valid-audit.xlsx").exit_code == 0
    secrets = [b"Coutellerie du Bassigny", SIRET_A.encode(), b"valid-audit.xlsx"]
    assert all(s in raw_bytes(path) for s in secrets)  # the test would see them
    r = gtec("-w", root, "--json", "purge", "--company", SIRET_A, "--yes")
    assert r.exit_code == 0 and r.json()["vacuumed"] is True
    data = raw_bytes(path)
    for secret in secrets:
        assert secret not in data, secret
    with Store.open(path) as store:
        assert len(store.read("population")) == 4 and store.integrity_ok()


# --- not re-ingested behind the user's back -------------------------------------------------------
def test_ingest_refuses_a_purged_file_unless_restored(workspace, gtec):
    root = workspace.root
    audit = CORPUS / "valid-audit.xlsx"
    renamed = workspace.root / "copie.xlsx"
    shutil.copy(audit, renamed)
    assert gtec("-w", root, "ingest", audit).exit_code == 0
    assert gtec("-w", root, "purge", "--drop", "1", "--yes").exit_code == 0
    before = snapshot(workspace.store_path)

    r = gtec("-w", root, "ingest", renamed)  # the same content under another name
    assert r.exit_code == 1
    text = " ".join(r.stderr.split())
    assert "a été purgé le" in text and "purge n° 1" in text and "--restore-purged" in text
    assert snapshot(workspace.store_path) == before
    r = gtec("-w", root, "--json", "ingest", audit)
    assert r.exit_code == 1 and r.json()["files"][0]["findings"][0]["code"] == "purged-file"

    r = gtec("-w", root, "--json", "ingest", audit, "--restore-purged")
    assert r.exit_code == 0, r.stderr
    (outcome,) = r.json()["files"]
    assert outcome["status"] == "stored" and outcome["restored_purge"] == 1
    with Store.open(workspace.store_path) as store:
        assert len(store.read("companies")) == 1
        assert store.find_purge(sha256_of(audit)) is None  # restored on purpose: no longer refused
        assert store.purges()[0]["counts"]["drops_deleted"] == 1  # the purge record stays


def test_library_ingest_refuses_a_purged_file(store):
    ingest_files(store, [CORPUS / "valid-audit.xlsx"], period="2026-T4")
    purge(store, drops=[1], yes=True)
    with pytest.raises(InvalidInput, match="effacé") as info:
        ingest_files(store, [CORPUS / "valid-audit.xlsx"], period="2026-T4")
    assert info.value.reports[0].errors[0].code == "purged-file"
    assert store.drops() == []


def test_refresh_skips_a_purged_file_and_renders_again(workspace):
    inbox = workspace.folder("inbox")
    shutil.copy(CORPUS / "valid-audit.xlsx", inbox / "audit.xlsx")
    shutil.copy(CORPUS / "valid-opeq.xlsx", inbox / "opeq.xlsx")
    calls: list = []

    def render(ws, store, period):
        calls.append(sorted(d.file_name for d in store.drops()))
        out = reports_dir(ws, period)
        out.mkdir(parents=True, exist_ok=True)
        (out / "diagnostic.pdf").write_bytes(b"%PDF-fake")
        return [out / "diagnostic.pdf"]

    first = refresh(workspace, render=render)
    assert len(first.stored) == 2 and calls == [["audit.xlsx", "opeq.xlsx"]]
    with Store.open(workspace.store_path) as store:
        audit_drop = next(d.id for d in store.drops() if d.kind == "audit")
    from gtec_cli.purge import purge_workspace

    result = purge_workspace(workspace, drops=[audit_drop], yes=True)
    assert [Path(f["path"]).name for f in result.inbox_files] == ["audit.xlsx"]
    assert result.reports == [str(reports_dir(workspace, "2026-T4") / "diagnostic.pdf")]
    assert result.logs == [str(workspace.folder("logs") / "refresh.log")]  # it names audit.xlsx

    second = refresh(workspace, render=render)
    assert second.purged == [{"file": "audit.xlsx", "purge_id": 1, "purged_at": result.purged_at}]
    assert second.stored == [] and second.quarantined == [] and second.exit_code == 0
    assert calls[-1] == ["opeq.xlsx"]  # rendered again, without the purged data
    assert (inbox / "audit.xlsx").exists()  # left where it is, not quarantined
    assert not any(workspace.folder("quarantine").iterdir())
    assert "erased by purge 1" in Path(second.log_file).read_text(encoding="utf-8")
    third = refresh(workspace, render=render)
    assert third.nothing_to_do and len(third.purged) == 1 and len(calls) == 2
    assert third.to_dict()["purged"] == second.purged


def test_delete_files_removes_the_purged_inbox_files_only(two_audits, gtec):
    inbox = two_audits.folder("inbox")
    shutil.copy(INDIVIDUAL, inbox / "a.xlsx")
    shutil.copy(CORPUS / "valid-opeq.xlsx", inbox / "autre.xlsx")
    r = gtec("-w", two_audits.root, "purge", "--drop", "1", "--delete-files")  # without --yes
    assert r.exit_code == 0 and (inbox / "a.xlsx").exists()
    r = gtec("-w", two_audits.root, "--json", "purge", "--drop", "1", "--yes", "--delete-files")
    assert r.exit_code == 0, r.stderr
    assert r.json()["inbox_files"][0]["deleted"] is True
    assert not (inbox / "a.xlsx").exists() and (inbox / "autre.xlsx").exists()


# --- status, migration -----------------------------------------------------------------------------
def test_status_lists_purges(two_audits, gtec):
    assert gtec("-w", two_audits.root, "purge", "--drop", "1", "--yes").exit_code == 0
    r = gtec("-w", two_audits.root, "status", "--drops")
    assert r.exit_code == 0 and "Purge n° 1" in r.stderr and "60 ligne(s)" in r.stderr
    (p,) = gtec("-w", two_audits.root, "--json", "status").json()["purges"]
    assert p["scope"] == "drop" and p["counts"]["rows"]["workforce"] == 28 and p["files"] == 1


def test_migration_005_upgrades_a_v4_store_with_its_data(tmp_path):
    from test_store import add_drop as add_v4_drop

    path = tmp_path / "v4.sqlite"
    with Store.open(path, migrations=MIGRATIONS[:4]) as old:
        assert old.version == 4
        add_v4_drop(old)
        tables = old.tables()
    with Store.open(path) as store:
        assert store.version == len(MIGRATIONS) >= 5
        assert [r[0] for r in store.db.execute("SELECT name FROM schema_migrations ORDER BY rowid")][-1] \
            in {name for name, _ in MIGRATIONS[4:]}
        assert store.tables() == tables  # purges / purged_files are bookkeeping, not data tables
        assert store.read("companies")["name"].tolist() == ["Coutellerie du Bassigny"]
        assert store.purges() == [] and store.integrity_ok()
        purge(store, drops=[1], yes=True)
        assert store.drops(include_replaced=True) == [] and len(store.purges()) == 1


def test_plan_is_usable_from_python_without_writing(store):
    ingest_files(store, [CORPUS / "valid-audit.xlsx"], period="2026-T4")
    plan = plan_purge(store, companies=["732 829 320 00074"])
    assert plan.sirets == [SIRET_A] and [d["id"] for d in plan.drops_deleted] == [1]
    assert len(store.drops()) == 1
    with pytest.raises(UsageError):
        plan_purge(store)


def test_vacuum_alone_compacts_and_refuses_company_or_drop(two_audits, gtec):
    before = snapshot(two_audits.store_path)
    r = gtec("-w", two_audits.root, "--json", "purge", "--vacuum")
    assert r.exit_code == 0 and r.json() == {"vacuumed": True}
    assert snapshot(two_audits.store_path) == before
    assert gtec("-w", two_audits.root, "purge", "--vacuum", "--drop", "1").exit_code == 2
