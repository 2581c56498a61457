"""The embedded store: one SQLite file per workspace, one transaction per drop.

A *drop* is one ingested file: its kind, period, file name, SHA-256, time and row counts. Its rows
land in the data tables in the same transaction as the drop record, so a crash or a kill at any
moment leaves the store as it was before (SQLite's journal does the rest).
"""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import pandas as pd

from .migrations import migrate, schema_version


__all__ = ["Store", "Drop", "migrate", "schema_version"]

#: Tables that record the store's own history, not data: never extracted, never tied to a drop.
_BOOKKEEPING = ("drops", "schema_migrations", "purges", "purged_files")

#: Bound parameters per statement: 32 766 since SQLite 3.32, 999 before.
_MAX_VARIABLES = 32_766 if sqlite3.sqlite_version_info >= (3, 32) else 999


@dataclass(frozen=True)
class Drop:
    """One ingested file, as recorded in the store."""

    id: int
    kind: str
    period: str
    file_name: str
    sha256: str
    ingested_at: str
    row_counts: dict
    metadata: dict
    warnings: int
    status: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Drop":
        """A drop from its row of the `drops` table."""
        return cls(
            id=row["id"], kind=row["kind"], period=row["period"], file_name=row["file_name"],
            sha256=row["sha256"], ingested_at=row["ingested_at"],
            row_counts=json.loads(row["row_counts"]), metadata=json.loads(row["metadata"]),
            warnings=row["warnings"], status=row["status"],
        )


def _values(value) -> list:
    """The SQL parameters of one `where` value: its items for a collection, else itself."""
    return sorted(value, key=str) if isinstance(value, (list, tuple, set, frozenset)) else [value]


def _condition(column: str, value) -> str:
    """`"column" = ?`, or `"column" IN (?, …)` for a collection (an empty one matches nothing)."""
    if not isinstance(value, (list, tuple, set, frozenset)):
        return f'"{column}" = ?'
    return f'"{column}" IN ({",".join("?" * len(value))})' if value else "0"


class Store:
    """A SQLite store. Open it with :meth:`open` (applies pending migrations) or `:memory:`."""

    def __init__(self, db: sqlite3.Connection, path: Path | None):
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, migrations=None) -> "Store":
        """Open (or create) the store at `path` and apply the migrations it lacks.

        A store written by a newer gtec is refused (:class:`~gtec_cli.errors.UsageError`); a file
        that is not a SQLite database ends the command with a message naming it.
        """
        path_str = str(path)
        db = sqlite3.connect(path_str, isolation_level=None, timeout=30)
        db.row_factory = sqlite3.Row
        try:
            db.execute("PRAGMA foreign_keys = ON")
            if path_str != ":memory:":
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = FULL")
                # A drop of 200 000 rows stays in the page cache until COMMIT instead of spilling
                # uncommitted pages to the WAL as it goes (about 15 % faster).
                db.execute("PRAGMA cache_size = -65536")
            migrate(db, migrations)
        except sqlite3.DatabaseError as exc:
            db.close()
            from ..errors import GtecError

            raise GtecError(f"Le stockage {path_str} est illisible ({exc}) : restaurez-le depuis "
                            "une sauvegarde.") from exc
        except BaseException:
            db.close()
            raise
        return cls(db, None if path_str == ":memory:" else Path(path))

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back by SQLite)."""
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def version(self) -> int:
        """The schema version of the file (how many migrations it has)."""
        return schema_version(self.db)

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            if self.db.in_transaction:  # SQLite may have rolled back already (disk full, I/O)
                self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    # --- tables ---------------------------------------------------------------------------
    def tables(self) -> list[str]:
        """Data tables (the ones `extract` can export), in creation order."""
        rows = self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN "
            f"({', '.join('?' * len(_BOOKKEEPING))}) AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
            _BOOKKEEPING,
        )
        return [r[0] for r in rows]

    def columns(self, table: str) -> list[str]:
        """Column names of a table, in order (`drop_id`, `sheet`, `row` first)."""
        self._check_table(table)
        return [r[1] for r in self.db.execute(f'PRAGMA table_info("{table}")')]

    def _check_table(self, table: str) -> None:
        if table not in self.tables() and table != "drops":
            from ..errors import UsageError

            raise UsageError(
                f"Table inconnue : {table!r}. Tables disponibles : {', '.join(self.tables())}."
            )

    def read(
        self,
        table: str,
        *,
        period: str | None = None,
        kind: str | None = None,
        where: dict[str, object] | None = None,
        columns: list[str] | None = None,
        active_only: bool = True,
    ) -> pd.DataFrame:
        """Rows of `table` from active drops, optionally of one period/kind, as a DataFrame.

        The `period` and `kind` columns of the drop are added, so analysts see where a row comes
        from without a second query. `where` filters on equality, on table or drop columns; a
        list, tuple or set value keeps the rows equal to any of its items (SQL `IN`).
        """
        self._check_table(table)
        known = self.columns(table)
        cols = columns or known
        for c in [*cols, *(where or {})]:
            if c not in known and c not in ("period", "kind", "file_name"):
                from ..errors import UsageError

                raise UsageError(
                    f"Colonne inconnue dans {table} : {c!r}. Colonnes : {', '.join(known)}."
                )
        # The few drops first, then one scan of the table without a join: reading a million rows
        # this way takes a fraction of a join through pandas.read_sql_query (tuples, not Row objects).
        drop_cols = ("period", "kind", "file_name")
        dsql, dparams = "SELECT id, period, kind, file_name FROM drops WHERE 1=1", []
        if active_only:
            dsql += " AND status = 'active'"
        for c, v in (("period", period), ("kind", kind)):
            if v is not None:
                dsql += f" AND {c} = ?"
                dparams.append(v)
        for c, v in (where or {}).items():
            if c not in known:
                dsql += f' AND {_condition(c, v)}'
                dparams += _values(v)
        drops = {r[0]: r[1:] for r in self.db.execute(dsql, dparams).fetchall()}
        table_cols = [c for c in cols if c in known and c != "drop_id"]
        out_cols = list(cols) + ([c for c in ("period", "kind") if c not in cols and c not in known]
                                 if not columns else [])
        sql = "SELECT " + ", ".join(f'"{c}"' for c in ["drop_id", *table_cols]) + f' FROM "{table}"'
        params: list[object] = []
        conditions = [_condition(c, v) for c, v in (where or {}).items() if c in known]
        params += [x for c, v in (where or {}).items() if c in known for x in _values(v)]
        if len(drops) <= 500:
            conditions.append(f'drop_id IN ({",".join("?" * len(drops))})' if drops else "0")
            params += list(drops)
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        cur = self.db.cursor()
        cur.row_factory = None
        rows = cur.execute(sql + " ORDER BY rowid", params).fetchall()
        frame = pd.DataFrame.from_records(rows, columns=["drop_id", *table_cols])
        if len(drops) > 500:
            frame = frame[frame["drop_id"].isin(list(drops))].reset_index(drop=True)
        for i, c in enumerate(drop_cols):
            if c in out_cols and c not in known:
                frame[c] = frame["drop_id"].map({k: v[i] for k, v in drops.items()})
        return frame[out_cols]

    # --- drops ------------------------------------------------------------------------------
    def drops(self, *, kind: str | None = None, period: str | None = None,
              include_replaced: bool = False) -> list[Drop]:
        """Drops, oldest first; only active ones unless `include_replaced`."""
        sql, params = "SELECT * FROM drops WHERE 1=1", []
        if not include_replaced:
            sql += " AND status = 'active'"
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        if period:
            sql += " AND period = ?"
            params.append(period)
        return [Drop.from_row(r) for r in self.db.execute(sql + " ORDER BY id", params)]

    def find_sha(self, sha256: str) -> Drop | None:
        """The active drop holding this content, if any (the same file, whatever its name)."""
        row = self.db.execute(
            "SELECT * FROM drops WHERE sha256 = ? AND status = 'active'", (sha256,)
        ).fetchone()
        return Drop.from_row(row) if row else None

    def periods(self) -> list[str]:
        """Periods of the active drops, in time order."""
        from ..periods import parse_period

        rows = self.db.execute("SELECT DISTINCT period FROM drops WHERE status = 'active'")
        return sorted((r[0] for r in rows), key=parse_period)

    def insert_drop(
        self,
        db: sqlite3.Connection,
        *,
        kind: str,
        period: str,
        file_name: str,
        sha256: str,
        size_bytes: int,
        tables: dict[str, pd.DataFrame],
        metadata: dict | None = None,
        warnings: int = 0,
        gtec_version: str | None = None,
    ) -> int:
        """Insert a drop and its rows; call inside :meth:`atomic`. Returns the drop id.

        Each DataFrame must carry `sheet` and `row` plus columns of its table; missing table
        columns are stored as NULL, unknown ones are a programming error.
        """
        counts = {name: int(len(df)) for name, df in tables.items()}
        cur = db.execute(
            "INSERT INTO drops (kind, period, file_name, sha256, size_bytes, ingested_at, "
            "gtec_version, row_counts, metadata, warnings) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                kind, period, file_name, sha256, size_bytes,
                _now(),
                gtec_version, json.dumps(counts), json.dumps(metadata or {}, default=str),
                warnings,
            ),
        )
        drop_id = cur.lastrowid
        for name, df in tables.items():
            self._insert_rows(db, name, drop_id, df)
        return drop_id

    def _insert_rows(self, db: sqlite3.Connection, table: str, drop_id: int,
                     df: pd.DataFrame) -> None:
        if df.empty:
            return
        columns = self.columns(table)
        data_cols = [c for c in columns if c != "drop_id"]
        unknown = set(df.columns) - set(data_cols)
        if unknown:
            raise ValueError(f"columns not in table {table}: {sorted(unknown)}")
        n = len(df)
        values = [[drop_id] * n] + [_column_values(df[c]) if c in df.columns else [None] * n
                                    for c in data_cols]
        names = ", ".join(f'"{c}"' for c in columns)
        one = "(" + ", ".join("?" for _ in columns) + ")"
        # Several rows per statement: binding is the same work, but SQLite steps a statement
        # per call, and 200 000 calls cost 40 % more than 2 000 (measured).
        batch = max(1, _MAX_VARIABLES // len(columns))
        full = n - n % batch
        if full:
            many = f'INSERT INTO "{table}" ({names}) VALUES ' + ", ".join([one] * batch)
            db.executemany(many, (list(chain.from_iterable(zip(*(v[i:i + batch] for v in values))))
                                  for i in range(0, full, batch)))
        if full < n:
            db.executemany(f'INSERT INTO "{table}" ({names}) VALUES {one}',
                           zip(*(v[full:] for v in values)))

    def replace_drops(self, db: sqlite3.Connection, old_ids: list[int], new_id: int) -> None:
        """Mark drops as replaced by `new_id` and delete their rows (the drop record stays)."""
        for old in old_ids:
            for table in self.tables():
                db.execute(f'DELETE FROM "{table}" WHERE drop_id = ?', (old,))
            db.execute(
                "UPDATE drops SET status = 'replaced', replaced_by = ? WHERE id = ?", (new_id, old)
            )

    def delete_drop(self, drop_id: int) -> None:
        """Delete a drop and every row derived from it, in its own transaction.

        Drops it had replaced keep status `replaced` (they never become active again, and hold no
        rows). `gtec purge` uses :func:`gtec_cli.purge.purge` instead, which also erases those
        earlier versions, records the purge and compacts the file.
        """
        with self.atomic() as db:
            self.delete_drops(db, [drop_id])

    def delete_drops(self, db: sqlite3.Connection, drop_ids: list[int]) -> dict[str, int]:
        """Delete drops and their rows; call inside :meth:`atomic`. Returns rows deleted per table.

        Rows go with an explicit DELETE per table (the schema's ON DELETE CASCADE would do it too,
        but only while `foreign_keys` is on, and the counts are what a purge reports). A drop
        that had been replaced by one of these keeps its record with `replaced_by` cleared.
        """
        deleted: dict[str, int] = {}
        for start in range(0, len(drop_ids), 500):
            ids = list(drop_ids[start:start + 500])
            marks = ",".join("?" * len(ids))
            for table in self.tables():
                n = db.execute(f'DELETE FROM "{table}" WHERE drop_id IN ({marks})', ids).rowcount
                if n:
                    deleted[table] = deleted.get(table, 0) + n
            db.execute(f"UPDATE drops SET replaced_by = NULL WHERE replaced_by IN ({marks})", ids)
            db.execute(f"DELETE FROM drops WHERE id IN ({marks})", ids)
        return deleted

    # --- purges -------------------------------------------------------------------------------
    def record_purge(self, db: sqlite3.Connection, *, scope: str, counts: dict,
                     sha256s: list[str], gtec_version: str | None = None) -> int:
        """Record a purge and the SHA-256 of every file it touched; call inside :meth:`atomic`.

        Only counts and hashes are kept, never a company name, SIRET or file name: the record
        must not itself keep what was erased.
        """
        cur = db.execute(
            "INSERT INTO purges (purged_at, scope, counts, gtec_version) VALUES (?, ?, ?, ?)",
            (_now(), scope, json.dumps(counts, sort_keys=True), gtec_version),
        )
        purge_id = cur.lastrowid
        db.executemany("INSERT INTO purged_files (purge_id, sha256) VALUES (?, ?)",
                       [(purge_id, sha) for sha in sorted(set(sha256s))])
        return purge_id

    def find_purge(self, sha256: str) -> dict | None:
        """The latest purge of this content not restored since, if any: `{id, purged_at}`."""
        row = self.db.execute(
            "SELECT p.id, p.purged_at FROM purged_files f JOIN purges p ON p.id = f.purge_id "
            "WHERE f.sha256 = ? AND f.restored_at IS NULL ORDER BY p.id DESC LIMIT 1", (sha256,)
        ).fetchone()
        return {"id": row[0], "purged_at": row[1]} if row else None

    def mark_restored(self, db: sqlite3.Connection, sha256: str) -> None:
        """The purged file was stored again on purpose (`--restore-purged`): stop refusing it."""
        db.execute("UPDATE purged_files SET restored_at = ? WHERE sha256 = ? AND restored_at IS NULL",
                   (_now(), sha256))

    def purges(self) -> list[dict]:
        """Purges done on this store, oldest first: id, date, scope, counts, files (hash count)."""
        rows = self.db.execute(
            "SELECT p.id, p.purged_at, p.scope, p.counts, COUNT(f.sha256) FROM purges p "
            "LEFT JOIN purged_files f ON f.purge_id = p.id GROUP BY p.id ORDER BY p.id"
        ).fetchall()
        return [{"id": r[0], "purged_at": r[1], "scope": r[2], "counts": json.loads(r[3]),
                 "files": r[4]} for r in rows]

    def integrity_ok(self) -> bool:
        """SQLite's own check of the file (`PRAGMA integrity_check`)."""
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _now() -> str:
    """Now, UTC, to the second, as every date the store records."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _column_values(series: pd.Series) -> list:
    """Python values SQLite can bind: NaN/NA/NaT become None, numpy scalars become Python."""
    values = series.tolist()
    if series.dtype.kind in "iub" and not series.hasnans:  # nullable Int64 may hold NA
        return values
    missing = series.isna().to_numpy()
    if missing.any():
        for i in missing.nonzero()[0].tolist():
            values[i] = None
    return values
