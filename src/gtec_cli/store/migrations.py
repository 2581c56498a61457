"""Named schema migrations, applied in order, each in one transaction with its record.

`PRAGMA user_version` holds how many migrations the file has; `schema_migrations` names them. To
change the schema, append a migration: never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from .schema import TABLES_V1, TABLES_V2, TABLES_V3, create_table_sql


def _m001_initial(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE drops (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  period TEXT NOT NULL,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER,
  ingested_at TEXT NOT NULL,
  gtec_version TEXT,
  row_counts TEXT NOT NULL DEFAULT '{}',
  metadata TEXT NOT NULL DEFAULT '{}',
  warnings INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'replaced')),
  replaced_by INTEGER REFERENCES drops(id)
)"""
    )
    # The same content is stored once while active (renamed copies included).
    db.execute("CREATE UNIQUE INDEX drops_active_sha ON drops(sha256) WHERE status = 'active'")
    db.execute("CREATE INDEX drops_kind_period ON drops(kind, period)")
    for name, columns in TABLES_V1.items():
        db.execute(create_table_sql(name, columns))
        db.execute(f'CREATE INDEX "{name}_drop" ON "{name}"(drop_id)')


def _m002_public_sources(db: sqlite3.Connection) -> None:
    for name, columns in TABLES_V2.items():
        db.execute(create_table_sql(name, columns))
        db.execute(f'CREATE INDEX "{name}_drop" ON "{name}"(drop_id)')
    db.execute('CREATE INDEX "bmo_territory" ON bmo(territory, year)')
    db.execute('CREATE INDEX "tension_lookup" ON tension(territory, occupation)')


def _m003_plan_followup(db: sqlite3.Connection) -> None:
    for name, columns in TABLES_V3.items():
        db.execute(create_table_sql(name, columns))
        db.execute(f'CREATE INDEX "{name}_drop" ON "{name}"(drop_id)')


def _m004_population_age_family(db: sqlite3.Connection) -> None:
    # Insee census files publish two band families for the same people (0-14 ... 90+ and 0-19,
    # 20-64, 65+). Both are kept (the ageing index needs 0-19 and 65+); rows of the second family
    # carry age_family = 'alternative' and are left out of any sum over ages. NULL = main bands.
    db.execute('ALTER TABLE population ADD COLUMN "age_family" TEXT')


def _m005_purges(db: sqlite3.Connection) -> None:
    # `gtec purge` erases drops or a company (confidentiality.md, personal data). What stays is the
    # record that a purge happened and the SHA-256 of each file it touched, so that the same file,
    # still in the inbox, is not stored again behind the user's back by `gtec ingest` or the nightly
    # `gtec refresh`. Deliberately no company name, SIRET or file name here: a hash identifies the
    # file without saying whose it was. `counts` is JSON (drops deleted, rows per table).
    db.execute(
        """CREATE TABLE purges (
  id INTEGER PRIMARY KEY,
  purged_at TEXT NOT NULL,
  scope TEXT NOT NULL,
  counts TEXT NOT NULL DEFAULT '{}',
  gtec_version TEXT
)"""
    )
    # restored_at: set when `gtec ingest --restore-purged` stores the file again on purpose.
    db.execute(
        """CREATE TABLE purged_files (
  purge_id INTEGER NOT NULL REFERENCES purges(id),
  sha256 TEXT NOT NULL,
  restored_at TEXT
)"""
    )
    db.execute("CREATE INDEX purged_files_sha ON purged_files(sha256)")


#: (name, function) in application order. Position + 1 is the schema version it produces.
MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("001_initial", _m001_initial),
    ("002_public_sources", _m002_public_sources),
    ("003_plan_followup", _m003_plan_followup),
    ("004_population_age_family", _m004_population_age_family),
    ("005_purges", _m005_purges),
]


def schema_version(db: sqlite3.Connection) -> int:
    """How many migrations the file has (`PRAGMA user_version`)."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite3.Connection, migrations=None) -> list[str]:
    """Apply the migrations the file lacks; return their names. Each is atomic with its record."""
    migrations = MIGRATIONS if migrations is None else migrations
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    current = schema_version(db)
    if current > len(migrations):
        from ..errors import UsageError

        raise UsageError(
            f"Le stockage est au schéma {current}, plus récent que cette version de gtec "
            f"({len(migrations)}) : mettez gtec à jour."
        )
    applied = []
    for version, (name, apply) in enumerate(migrations[current:], start=current + 1):
        db.execute("BEGIN IMMEDIATE")
        try:
            apply(db)
            db.execute(
                "INSERT INTO schema_migrations VALUES (?, datetime('now'))", (name,)
            )
            db.execute(f"PRAGMA user_version = {version}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied
