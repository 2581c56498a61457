"""Erasing data on request: a drop, or a company, and everything derived from it.

confidentiality.md (personal data) requires that `gtec purge` deletes a company or a drop and
everything derived from it. "Deleted" here means:

- **every row**, in every data table, in one transaction (all or nothing), the drop records that
  would otherwise keep the file name, and the drop metadata that lists the company's SIRET;
- **really erased from the file**: the deletion runs with `PRAGMA secure_delete = ON` (SQLite
  overwrites freed content with zeros), then `VACUUM` rebuilds the file without free pages and a
  `wal_checkpoint(TRUNCATE)` empties the write-ahead log, so the bytes survive neither in free
  pages nor in the `-wal` file (backups of the file are another matter: the README says so);
- **not stored again behind the user's back**: a purged file usually still sits in the inbox, and
  the nightly `gtec refresh` would store it again. The store keeps, in `purges`/`purged_files`, the
  date, counts and the SHA-256 of each file the purge touched — never a name or a SIRET — and
  ingest refuses such a file unless `--restore-purged` says it is wanted back.

What a purge cannot erase by itself is listed for the person running it: inbox files with the purged
content (deleted only with `delete_files=True`), reports rendered since the data arrived (they may
print its figures, or names in the internal edition), log lines naming the files, and free-text
cells of other rows that mention the company (plan follow-up notes, comments): gtec does not guess
whether "Coutellerie" in a note is that company, it shows where to look.

Decisions:
- Purging a drop also deletes the drops it had replaced (`--replace`), recursively: they are
  earlier versions of the same data, hold no rows any more, and their record keeps the old file's
  name and hash. They are recorded as purged too, so the older file is not re-ingested either.
  They can never become active again (a replaced drop is never reactivated).
- Purging a company deletes its rows from every table with a `siret` column, in every drop, active
  or replaced; a drop left without rows and without another company is deleted entirely; a
  consolidated drop keeps the other companies, with its row counts and metadata updated. The
  SHA-256 of every file touched is recorded (the consolidated file still holds the company).
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError

__all__ = ["PurgePlan", "PurgeResult", "normalise_sirets", "plan_purge", "purge", "purge_workspace",
           "related_files", "vacuum"]

#: Free-text mentions are searched in these tables besides those holding a SIRET: the committee
#: types owners and progress notes of the plan follow-up, which can name a company.
_FREE_TEXT_TABLES = ("plan_followup",)
#: Columns that are codes, not text a person typed.
_NOT_FREE_TEXT = {"siret", "sheet", "naf", "commune", "occupation", "occupation_system", "skill_code",
                  "action_id", "plan_period", "horizon", "status", "previous_status", "due_date",
                  "age_band", "sex", "contract", "company_type", "theme"}
#: How many cells of one mention are located in the output (the rest are counted).
_MENTION_CELLS = 5


@dataclass
class PurgePlan:
    """What a purge deletes, computed from the store before (or inside) its transaction.

    `drops_deleted` and `drops_updated` are JSON-ready dicts (id, kind, period, file name, SHA-256,
    `rows` and `row_counts`: every row of a deleted drop, the rows removed from an updated one,
    `reason`: requested, replaced-by-purged, company-only, company-rows); `companies` holds the SIRETs asked for with their names and row counts, so the person
    can check they are purging the right company (the names are shown, never recorded).
    """

    scope: str
    drops_deleted: list[dict] = field(default_factory=list)
    drops_updated: list[dict] = field(default_factory=list)
    companies: list[dict] = field(default_factory=list)
    rows_deleted: dict[str, int] = field(default_factory=dict)
    mentions: list[dict] = field(default_factory=list)
    companies_elsewhere: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows_deleted.values())

    @property
    def sha256s(self) -> list[str]:
        """Hashes of every file whose data the purge touches (to refuse them at ingest)."""
        return sorted({d["sha256"] for d in self.drops_deleted + self.drops_updated})

    @property
    def sirets(self) -> list[str]:
        return [c["siret"] for c in self.companies]

    def to_dict(self) -> dict:
        return {"scope": self.scope, "drops_deleted": self.drops_deleted,
                "drops_updated": self.drops_updated, "companies": self.companies,
                "rows_deleted": self.rows_deleted, "total_rows": self.total_rows,
                "mentions": self.mentions, "companies_elsewhere": self.companies_elsewhere,
                "sha256": self.sha256s}


@dataclass
class PurgeResult:
    """The outcome of :func:`purge` / :func:`purge_workspace`, as `--json` prints it."""

    plan: PurgePlan
    done: bool = False
    purge_id: int | None = None
    purged_at: str | None = None
    vacuumed: bool = False
    inbox_files: list[dict] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"done": self.done, "dry_run": not self.done, "purge_id": self.purge_id,
                "purged_at": self.purged_at, **self.plan.to_dict(), "vacuumed": self.vacuumed,
                "inbox_files": self.inbox_files, "reports": self.reports, "logs": self.logs,
                "warnings": self.warnings}


# --- arguments -------------------------------------------------------------------------------------
def normalise_sirets(values: Iterable[str]) -> list[str]:
    """SIRETs as typed (`732 829 320 00074` is fine), checked like audit workbooks check them."""
    from . import nomenclatures as nom
    from .ingest.values import BadValue

    out = []
    for value in values:
        try:
            code = nom.siret(value)
        except BadValue as exc:
            raise UsageError(f"--company {value} : {exc.message} {exc.fix or ''}".strip()) from None
        if code not in out:
            out.append(code)
    return out


# --- the plan --------------------------------------------------------------------------------------
def _siret_tables(store) -> list[str]:
    """Data tables holding a `siret` column: the audit tables today, any later one too."""
    return [t for t in store.tables() if "siret" in store.columns(t)]


def _drop_row(db: sqlite3.Connection, drop_id: int) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM drops WHERE id = ?", (drop_id,)).fetchone()


def _rows_of(store, drop_id: int) -> dict[str, int]:
    """Rows a drop really has per table (its `row_counts` may predate an earlier company purge)."""
    out = {}
    for table in store.tables():
        n = store.db.execute(f'SELECT COUNT(*) FROM "{table}" WHERE drop_id = ?', (drop_id,)).fetchone()[0]
        if n:
            out[table] = n
    return out


def _describe(row: sqlite3.Row, rows: dict[str, int], reason: str) -> dict:
    return {"id": row["id"], "kind": row["kind"], "period": row["period"],
            "file_name": row["file_name"], "sha256": row["sha256"], "status": row["status"],
            "ingested_at": row["ingested_at"], "rows": sum(rows.values()), "row_counts": rows,
            "reason": reason}


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for table, n in counts.items():
        total[table] = total.get(table, 0) + n


def plan_purge(store, *, drops: Iterable[int] = (), companies: Iterable[str] = ()) -> PurgePlan:
    """What purging these drops and companies would delete; writes nothing.

    Raises :class:`UsageError` (exit 2) for an unknown drop, a malformed SIRET or a SIRET the store
    holds nothing about, and when neither drops nor companies are given.
    """
    drop_ids = list(dict.fromkeys(int(d) for d in drops))
    sirets = normalise_sirets(companies)
    if not drop_ids and not sirets:
        raise UsageError("Rien à purger : indiquez --drop N° (voir `gtec status --drops`) "
                         "ou --company SIRET.")
    db = store.db
    unknown = [d for d in drop_ids if _drop_row(db, d) is None]
    if unknown:
        raise UsageError(f"Dépôt(s) inconnu(s) : n° {', '.join(map(str, unknown))}. "
                         "Les dépôts enregistrés : `gtec status --drops`.")
    plan = PurgePlan(scope="+".join(s for s, on in (("drop", drop_ids), ("company", sirets)) if on))

    reasons = {d: "requested" for d in drop_ids}
    reasons.update({d: "replaced-by-purged" for d in _earlier_versions(db, drop_ids)})

    # Companies: their rows per drop and table, summed over the SIRETs asked for.
    touched: dict[int, dict[str, int]] = {}
    siret_tables = _siret_tables(store)
    for siret in sirets:
        company, rows_by_drop = _company_footprint(db, siret_tables, siret)
        for drop_id, counts in rows_by_drop.items():
            _add(touched.setdefault(drop_id, {}), counts)
        plan.companies.append(company)

    keys_out = {f"company|{s}" for s in sirets}
    for drop_id in sorted(touched):
        if drop_id in reasons:
            continue
        row = _drop_row(db, drop_id)
        rows = _rows_of(store, drop_id)
        left = sum(rows.values()) - sum(touched[drop_id].values())
        other = [k for k in json.loads(row["metadata"]).get("keys", [])
                 if k.startswith("company|") and k not in keys_out]
        if left == 0 and not other:
            reasons[drop_id] = "company-only"
        else:
            entry = _describe(row, touched[drop_id], "company-rows")
            plan.drops_updated.append(entry)
            _add(plan.rows_deleted, touched[drop_id])

    for drop_id in sorted(reasons):
        row = _drop_row(db, drop_id)
        rows = _rows_of(store, drop_id)
        plan.drops_deleted.append(_describe(row, rows, reasons[drop_id]))
        _add(plan.rows_deleted, rows)
    plan.rows_deleted = dict(sorted(plan.rows_deleted.items()))

    deleted_ids = [d["id"] for d in plan.drops_deleted]
    if sirets:
        plan.mentions = _mentions(store, sirets, [n for c in plan.companies for n in c["names"]],
                                  deleted_ids)
    if drop_ids and "companies" in store.tables():
        plan.companies_elsewhere = _companies_elsewhere(db, deleted_ids, sirets)
    return plan


def _earlier_versions(db, drop_ids: list[int]) -> list[int]:
    """Drops these drops replaced (`--replace`), and those they replaced, and so on."""
    found: list[int] = []
    frontier = list(drop_ids)
    while frontier:
        marks = ",".join("?" * len(frontier))
        older = [r[0] for r in db.execute(
            f"SELECT id FROM drops WHERE replaced_by IN ({marks}) ORDER BY id", frontier)]
        frontier = [d for d in older if d not in found and d not in drop_ids]
        found += frontier
    return found


def _company_footprint(db, siret_tables: list[str], siret: str) -> tuple[dict, dict[int, dict]]:
    """A company as the plan shows it (SIRET, names, rows, drops), and its rows per drop and table.

    Replaced drops hold no rows, but their metadata still lists the SIRET (the overlap keys of
    `--replace`): they count as touched, with no rows. A SIRET found nowhere is a usage error.
    """
    names = sorted({r[0] for r in db.execute(
        "SELECT DISTINCT name FROM companies WHERE siret = ? AND name IS NOT NULL", (siret,))}
        if "companies" in siret_tables else set())
    by_drop: dict[int, dict[str, int]] = {}
    for table in siret_tables:
        for drop_id, n in db.execute(
                f'SELECT drop_id, COUNT(*) FROM "{table}" WHERE siret = ? GROUP BY drop_id', (siret,)):
            by_drop.setdefault(drop_id, {})[table] = n
    for r in db.execute("SELECT id, metadata FROM drops WHERE metadata LIKE ?", (f"%company|{siret}%",)):
        if f"company|{siret}" in json.loads(r["metadata"]).get("keys", []):
            by_drop.setdefault(r["id"], {})
    if not by_drop:
        raise UsageError(f"Aucune donnée pour le SIRET {siret} dans le stockage : rien à purger. "
                         "Vérifiez le SIRET (`gtec extract companies --columns siret,name`).")
    company = {"siret": siret, "names": names,
               "rows": sum(n for counts in by_drop.values() for n in counts.values()),
               "drops": sorted(by_drop)}
    return company, by_drop


def _companies_elsewhere(db, deleted_ids: list[int], sirets: list[str]) -> list[str]:
    """SIRETs of companies of the purged drops that other drops still hold (a drop purge erases a
    file, not a company: the person may want `--company` too)."""
    marks = ",".join("?" * len(deleted_ids))
    mine = {r[0] for r in db.execute(
        f"SELECT DISTINCT siret FROM companies WHERE drop_id IN ({marks})", deleted_ids)}
    if not mine:
        return []
    others = {r[0] for r in db.execute(
        f"SELECT DISTINCT siret FROM companies WHERE drop_id NOT IN ({marks})", deleted_ids)}
    return sorted((mine & others) - set(sirets))


def fold(text: object) -> str:
    """Text compared for mentions: no accents, lower case, spacing folded."""
    s = unicodedata.normalize("NFKD", str(text))
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).casefold().split())


def _mentions(store, sirets: list[str], names: list[str], deleted_ids: list[int]) -> list[dict]:
    """Free-text cells of the rows a company purge keeps that mention the company (name or SIRET).

    They are shown, not deleted: a note naming the company belongs to another company or to the
    committee's follow-up, and only a person can tell whether it must go.
    """
    needles = sorted({fold(n) for n in [*sirets, *names] if len(fold(n)) >= 4})
    if not needles:
        return []
    tables = [t for t in store.tables() if "siret" in store.columns(t) or t in _FREE_TEXT_TABLES]
    out = []
    store.db.create_function("gtec_mentions", 1,
                             lambda v: v is not None and any(n in fold(v) for n in needles),
                             deterministic=True)
    drop_filter = (f"drop_id NOT IN ({','.join('?' * len(deleted_ids))})" if deleted_ids else "1")
    for table in tables:
        types = {r[1]: r[2] for r in store.db.execute(f'PRAGMA table_info("{table}")')}
        has_siret = "siret" in types
        for column, kind in types.items():
            if kind.upper() != "TEXT" or column in _NOT_FREE_TEXT or column == "name":
                continue
            sql = (f'SELECT drop_id, sheet, "row"{", action_id" if table == "plan_followup" else ""} '
                   f'FROM "{table}" WHERE {drop_filter} AND gtec_mentions("{column}")')
            params: list = list(deleted_ids)
            if has_siret:
                sql += f" AND siret NOT IN ({','.join('?' * len(sirets))})"
                params += sirets
            hits = store.db.execute(sql + " ORDER BY drop_id, rowid", params).fetchall()
            by_drop: dict[int, list] = {}
            for h in hits:
                by_drop.setdefault(h[0], []).append(h)
            for drop_id, rows in by_drop.items():
                entry = {"table": table, "column": column, "drop_id": drop_id, "rows": len(rows),
                         "cells": [f"{h[1]}!{h[2]}" if h[1] else f"ligne {h[2]}"
                                   for h in rows[:_MENTION_CELLS]]}
                if table == "plan_followup":
                    entry["action_ids"] = sorted({h[3] for h in rows})
                out.append(entry)
    return out


# --- doing it --------------------------------------------------------------------------------------
def _apply(store, db: sqlite3.Connection, plan: PurgePlan) -> dict[str, int]:
    """Delete what the plan says, inside the caller's transaction; returns rows deleted per table."""
    deleted = store.delete_drops(db, [d["id"] for d in plan.drops_deleted])
    if plan.sirets:
        marks = ",".join("?" * len(plan.sirets))
        for table in _siret_tables(store):
            n = db.execute(f'DELETE FROM "{table}" WHERE siret IN ({marks})', plan.sirets).rowcount
            if n:
                deleted[table] = deleted.get(table, 0) + n
        keys_out = {f"company|{s}" for s in plan.sirets}
        for entry in plan.drops_updated:
            row = _drop_row(db, entry["id"])
            metadata = json.loads(row["metadata"])
            keys = [k for k in metadata.get("keys", []) if k not in keys_out]
            if "keys" in metadata:
                metadata["keys"] = keys
            if "companies" in metadata:
                metadata["companies"] = sum(1 for k in keys if k.startswith("company|"))
            counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}" WHERE drop_id = ?',
                                    (entry["id"],)).fetchone()[0]
                      for t in json.loads(row["row_counts"])}
            db.execute("UPDATE drops SET row_counts = ?, metadata = ? WHERE id = ?",
                       (json.dumps(counts), json.dumps(metadata, default=str), entry["id"]))
    return dict(sorted(deleted.items()))


def purge(store, *, drops: Iterable[int] = (), companies: Iterable[str] = (), yes: bool = False,
          gtec_version: str | None = None) -> PurgeResult:
    """Purge drops and/or companies from a store; without `yes`, only say what would go.

    With `yes`: one transaction under `secure_delete` (deletion, drop records updated, the purge
    recorded with the files' SHA-256), then `VACUUM` and a truncating WAL checkpoint outside it.
    The caller holds the workspace lock (:func:`purge_workspace` does).
    """
    drops, companies = list(drops), list(companies)
    plan = plan_purge(store, drops=drops, companies=companies)
    result = PurgeResult(plan=plan)
    if not yes:
        return result
    db = store.db
    previous = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")
    try:
        with store.atomic() as tx:
            # Planned again inside the transaction: what is recorded is what was deleted.
            plan = plan_purge(store, drops=drops, companies=companies)
            deleted = _apply(store, tx, plan)
            if deleted != plan.rows_deleted:  # a programming error, never a half purge
                raise RuntimeError(f"purge: rows deleted {deleted} != planned {plan.rows_deleted}")
            counts = {"drops_deleted": len(plan.drops_deleted),
                      "drops_updated": len(plan.drops_updated),
                      "drop_ids": [d["id"] for d in plan.drops_deleted + plan.drops_updated],
                      "companies": len(plan.companies), "rows": plan.rows_deleted,
                      "files": len(plan.sha256s)}
            result.purge_id = store.record_purge(tx, scope=plan.scope, counts=counts,
                                                 sha256s=plan.sha256s, gtec_version=gtec_version)
        result.plan, result.done = plan, True
        result.purged_at = db.execute("SELECT purged_at FROM purges WHERE id = ?",
                                      (result.purge_id,)).fetchone()[0]
        result.vacuumed = _compact(store, result)
    finally:
        db.execute(f"PRAGMA secure_delete = {int(previous)}")
    return result


def _compact(store, result: PurgeResult) -> bool:
    """VACUUM, then empty the WAL: the deleted bytes leave free pages and the `-wal` file.

    Both run outside the transaction (SQLite refuses VACUUM inside one). A reader holding the file
    (a report being rendered) can make them wait or fail: the deletion is committed by then, so
    this is a warning with what to do, not an error.
    """
    try:
        store.db.execute("VACUUM")
        if store.path is not None:
            busy = store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            if busy:
                raise sqlite3.OperationalError("journal WAL encore lu par un autre processus")
        return True
    except sqlite3.OperationalError as exc:
        result.warnings.append(
            f"Données supprimées, mais le fichier n'a pas pu être compacté ({exc}) : des octets "
            "effacés peuvent subsister dans ses pages libres. Relancez `gtec purge --vacuum` quand "
            "aucun autre gtec ne tourne.")
        return False


def vacuum(store) -> bool:
    """Compact the store on demand (`gtec purge --vacuum`): VACUUM and an emptied WAL.

    Failing means another process is reading the file: exit 75, try later, like a held lock.
    """
    from .errors import WorkspaceLocked

    result = PurgeResult(plan=PurgePlan(scope="vacuum"))
    if not _compact(store, result):
        raise WorkspaceLocked(result.warnings[0])
    return True


# --- the files around the store -------------------------------------------------------------------
def related_files(ws, plan: PurgePlan) -> tuple[list[dict], list[str], list[str]]:
    """Files outside the store that may hold the purged data: (inbox files, reports, logs).

    Inbox files match by SHA-256. Reports are every file of the reports folder written since the
    oldest purged drop was stored: a report written before the data arrived cannot show it, any
    later one may, and gtec cannot read figures back out of a PDF, so it lists rather than guesses.
    Logs are those naming a purged drop's file, a purged SIRET or a purged company's name.
    """
    import datetime as dt

    from .ingest.pipeline import sha256_of
    from .refresh import inbox_files

    touched = plan.drops_deleted + plan.drops_updated
    shas = {d["sha256"]: d for d in touched}
    inbox = []
    for path in inbox_files(ws.folder("inbox")):
        sha = sha256_of(path)
        if sha in shas:
            d = shas[sha]
            inbox.append({"path": str(path), "sha256": sha, "drop_id": d["id"],
                          "still_active": d in plan.drops_updated, "deleted": False})
    reports: list[str] = []
    if touched:
        since = min(dt.datetime.fromisoformat(d["ingested_at"]) for d in touched).timestamp()
        folder = ws.folder("output_dir")
        if folder.is_dir():
            reports = sorted(str(p) for p in folder.rglob("*") if p.is_file()
                             and not p.name.startswith(".") and not p.name.endswith(".tmp")
                             and p.stat().st_mtime >= since)
    needles = {d["file_name"] for d in plan.drops_deleted if len(d["file_name"]) >= 5}
    needles |= set(plan.sirets) | {n for c in plan.companies for n in c["names"] if len(n) >= 4}
    logs = []
    folder = ws.folder("logs")
    if needles and folder.is_dir():
        for path in sorted(folder.glob("*.log")):
            text = path.read_text(encoding="utf-8", errors="replace")
            if any(n in text for n in needles):
                logs.append(str(path))
    return inbox, reports, logs


def purge_workspace(ws, *, drops: Iterable[int] = (), companies: Iterable[str] = (),
                    yes: bool = False, delete_files: bool = False,
                    gtec_version: str | None = None) -> PurgeResult:
    """`gtec purge`: under the workspace lock, purge the store, then list (or, with
    `delete_files`, delete) the inbox files holding the purged content, and list the reports and
    logs to look at. Inbox files are deleted only after the purge is committed."""
    from .store import Store

    with ws.lock(), Store.open(ws.store_path) as store:
        result = purge(store, drops=drops, companies=companies, yes=yes, gtec_version=gtec_version)
        result.inbox_files, result.reports, result.logs = related_files(ws, result.plan)
    if yes and delete_files:
        for f in result.inbox_files:
            try:
                Path(f["path"]).unlink()
                f["deleted"] = True
            except FileNotFoundError:
                f["deleted"] = True
            except OSError as exc:
                result.warnings.append(f"{f['path']} n'a pas pu être supprimé ({exc}).")
    return result
