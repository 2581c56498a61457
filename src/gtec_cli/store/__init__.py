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
from pathlib import Path

import pandas as pd

from .migrations import migrate, schema_version


__all__ = ["Store", "Drop", "migrate", "schema_version"]


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
        return cls(
            id=row["id"], kind=row["kind"], period=row["period"], file_name=row["file_name"],
            sha256=row["sha256"], ingested_at=row["ingested_at"],
            row_counts=json.loads(row["row_counts"]), metadata=json.loads(row["metadata"]),
            warnings=row["warnings"], status=row["status"],
        )


class Store:
    """A SQLite store. Open it with :meth:`open` (applies pending migrations) or `:memory:`."""

    def __init__(self, db: sqlite3.Connection, path: Path | None):
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, migrations=None) -> "Store":
        path_str = str(path)
        db = sqlite3.connect(path_str, isolation_level=None, timeout=30)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        if path_str != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
        migrate(db, migrations)
        return cls(db, None if path_str == ":memory:" else Path(path))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def version(self) -> int:
        return schema_version(self.db)

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    # --- tables ---------------------------------------------------------------------------
    def tables(self) -> list[str]:
        """Data tables (the ones `extract` can export), in creation order."""
        rows = self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN "
            "('drops', 'schema_migrations') AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        )
        return [r[0] for r in rows]

    def columns(self, table: str) -> list[str]:
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

        The `period` and `kind` columns of the drop are joined in, so analysts see where a row
        comes from without a second query.
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
        select = ", ".join(f't."{c}"' if c in known else f'd."{c}"' for c in cols)
        extra = [c for c in ("period", "kind") if c not in cols and c not in known]
        if not columns:
            select += "".join(f', d."{c}" AS "{c}"' for c in extra)
        sql = f'SELECT {select} FROM "{table}" t JOIN drops d ON d.id = t.drop_id WHERE 1=1'
        params: list[object] = []
        if active_only:
            sql += " AND d.status = 'active'"
        if period is not None:
            sql += " AND d.period = ?"
            params.append(period)
        if kind is not None:
            sql += " AND d.kind = ?"
            params.append(kind)
        for c, v in (where or {}).items():
            prefix = "t" if c in known else "d"
            sql += f' AND {prefix}."{c}" = ?'
            params.append(v)
        sql += " ORDER BY t.rowid"
        return pd.read_sql_query(sql, self.db, params=params)

    # --- drops ------------------------------------------------------------------------------
    def drops(self, *, kind: str | None = None, period: str | None = None,
              include_replaced: bool = False) -> list[Drop]:
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
        row = self.db.execute(
            "SELECT * FROM drops WHERE sha256 = ? AND status = 'active'", (sha256,)
        ).fetchone()
        return Drop.from_row(row) if row else None

    def periods(self) -> list[str]:
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
                _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
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
        frame = df.reindex(columns=data_cols)
        values = [_column_values(frame[c]) for c in data_cols]
        placeholders = ", ".join("?" for _ in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        n = len(frame)
        rows = zip([drop_id] * n, *values)
        db.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({placeholders})', rows)

    def replace_drops(self, db: sqlite3.Connection, old_ids: list[int], new_id: int) -> None:
        """Mark drops as replaced by `new_id` and delete their rows (the drop record stays)."""
        for old in old_ids:
            for table in self.tables():
                db.execute(f'DELETE FROM "{table}" WHERE drop_id = ?', (old,))
            db.execute(
                "UPDATE drops SET status = 'replaced', replaced_by = ? WHERE id = ?", (new_id, old)
            )

    def delete_drop(self, drop_id: int) -> None:
        """Delete a drop and every row derived from it (purge)."""
        with self.atomic() as db:
            db.execute("UPDATE drops SET replaced_by = NULL WHERE replaced_by = ?", (drop_id,))
            db.execute("DELETE FROM drops WHERE id = ?", (drop_id,))

    def integrity_ok(self) -> bool:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _column_values(series: pd.Series) -> list:
    """Python values SQLite can bind: NaN/NA/NaT become None, numpy scalars become Python."""
    if series.dtype.kind in "iub":
        return series.tolist()
    if series.dtype.kind == "f":
        return [None if v != v else v for v in series.tolist()]
    return [None if (v is None or v is pd.NA or (isinstance(v, float) and v != v)) else v
            for v in series.tolist()]


