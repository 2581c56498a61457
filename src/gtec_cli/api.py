"""The Python API for analysts: the same tables and indicators as the command line, as DataFrames.

    >>> from gtec_cli.api import open_workspace
    >>> ws = open_workspace("demo")                      # or None: $GTEC_WORKSPACE, else "."
    >>> ws.tables()                                      # ['population', 'employment', …]
    >>> hires = ws.table("hires", where={"difficult": 1}, columns=["siret", "occupation", "positions"])
    >>> ws.indicators()[["name", "formula", "source"]]   # the registry
    >>> ws.indicator("bmo_difficult_share", by=["occupation"], territory="be:4419")
    >>> ws.indicator(["ageing_index", "share_60_plus"], period="2026-T4")
    >>> ws.status()["drops"]

`gtec indicators` and `gtec extract` call these same methods, so the shell and Python give
identical figures. Arguments mirror the options: `by` ("occupation,sector" or a list),
`territory` (a qualified reference such as `dep:52`, or `*` for every territory of the data as
stored), `period` (`2026-T4`: data known at that
period). Nothing here writes to the store.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from .errors import UsageError
from .settings import Settings
from .store import Store
from .workspace import Workspace

__all__ = ["Analysis", "open_workspace", "parse_by", "parse_where"]


def parse_by(by: str | Sequence[str] | None) -> list[str] | None:
    """`"occupation,sector"` or `["occupation", "sector"]` -> a list (None when empty)."""
    if by is None:
        return None
    parts = by.split(",") if isinstance(by, str) else [p for b in by for p in str(b).split(",")]
    parts = [p.strip() for p in parts if p.strip()]
    return parts or None


def parse_where(items: Sequence[str] | None) -> dict[str, str]:
    """`["territory=dep:52", "year=2021"]` -> {"territory": "dep:52", "year": "2021"}."""
    where: dict[str, str] = {}
    for item in items or ():
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise UsageError(f"Filtre invalide : {item!r}. Écrivez COLONNE=VALEUR (territory=dep:52).")
        where[column.strip()] = value.strip()
    return where


def _check_territory(territory: str | None) -> str | None:
    if territory is None or territory == "*":
        return territory
    from . import nomenclatures as nom

    try:
        return nom.territory(territory)
    except ValueError as exc:
        raise UsageError(f"Territoire invalide {territory!r} : {exc}") from None


def _check_period(period: str | None) -> str | None:
    if period is None:
        return None
    from .periods import normalise_period

    return normalise_period(period)


class Analysis:
    """A workspace opened for reading: tables, the indicator registry and indicators."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace

    @property
    def settings(self) -> Settings:
        """The workspace's `gtec.toml`."""
        return self.workspace.settings

    def _store(self) -> Store:
        return Store.open(self.workspace.store_path)

    def tables(self) -> list[str]:
        """Names of the stored tables (what `table()` and `gtec extract` accept)."""
        with self._store() as store:
            return store.tables()

    def table(self, name: str, where: dict | None = None, columns: Sequence[str] | None = None,
              period: str | None = None, kind: str | None = None) -> pd.DataFrame:
        """Rows of a stored table from active drops, with their drop's period and kind.

        `where` keeps rows whose column equals the value (`{"territory": "dep:52"}`); `columns`
        chooses columns; `period`/`kind` keep the drops of one period or kind."""
        with self._store() as store:
            return store.read(name, period=_check_period(period), kind=kind, where=where or None,
                              columns=list(columns) if columns else None)

    def indicators(self) -> pd.DataFrame:
        """The indicator registry: name, titles, formula, unit, source, caveats, base, dimensions."""
        from .indicators import registry_frame

        return registry_frame()

    def indicator(self, name: str | Sequence[str], by: str | Sequence[str] | None = None,
                  territory: str | None = None, period: str | None = None) -> pd.DataFrame:
        """One or several indicators as one DataFrame (column `indicator` tells them apart).

        Every row carries its base (`n_companies`, `n_people` or `n_projects`) and `fragile`."""
        from .indicators import compute

        names = [name] if isinstance(name, str) else list(name)
        with self._store() as store:
            return compute(store, self.settings, names, by=parse_by(by),
                           territory=_check_territory(territory), period=_check_period(period))

    def indicator_tables(self, names: Sequence[str], by: str | Sequence[str] | None = None,
                         territory: str | None = None, period: str | None = None) -> dict[str, pd.DataFrame]:
        """Each indicator's own DataFrame, by name (one sheet each in Excel exports)."""
        from .indicators import compute_each

        with self._store() as store:
            return compute_each(store, self.settings, list(names), by=parse_by(by),
                                territory=_check_territory(territory), period=_check_period(period))

    def headline(self) -> pd.DataFrame:
        """The headline figures of the workspace territory (`gtec indicators --headline`)."""
        from .indicators.headline import headline

        with self._store() as store:
            return headline(store, self.settings)

    def status(self) -> dict:
        """Drops, periods, sources and row counts (`gtec status --json`)."""
        from .status import workspace_status

        with self._store() as store:
            return workspace_status(self.workspace, store)


def open_workspace(path: str | os.PathLike | None = None) -> Analysis:
    """Open the workspace at `path`, `$GTEC_WORKSPACE` or the current folder, for reading."""
    return Analysis(Workspace.locate(path))
