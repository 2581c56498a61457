"""`gtec extract`: any stored table to CSV, JSON, Excel or Parquet, with filters."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .. import app
from ..common import STATE, say
from .indicators import EXCEL_FR_HELP, OUT_HELP


@app.command()
def extract(
    table: str = typer.Argument(..., help="Table à exporter (gtec status liste les tables : population, hires…)."),
    where: Optional[list[str]] = typer.Option(
        None, "--where", help="Filtre COLONNE=VALEUR (répétable) : --where territory=dep:52 --where year=2021."),
    columns: Optional[str] = typer.Option(None, "--columns", help="Colonnes, séparées par des virgules."),
    period: Optional[str] = typer.Option(
        None, "--period", "-p", help="Dépôts de cette période seulement (2026-T4)."),
    kind: Optional[str] = typer.Option(
        None, "--kind", "-k", help="Dépôts de ce type seulement (opeq, audit, bmo…)."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv, json, xlsx ou parquet."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=OUT_HELP),
    excel_fr: bool = typer.Option(False, "--excel-fr", help=EXCEL_FR_HELP),
) -> None:
    """Exporter une table enregistrée (lignes des dépôts actifs, avec la période et le type du
    dépôt). Les textes qui commencent par = + - @ sont neutralisés dans les CSV et classeurs Excel."""
    import sys

    from ... import api
    from ...export import export

    analysis = api.open_workspace(STATE.workspace)
    cols = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    df = analysis.table(table, where=api.parse_where(where), columns=cols, period=period, kind=kind)
    fmt = "json" if STATE.json and fmt == "csv" and out is None else fmt
    export({table: df} if fmt == "xlsx" else df, fmt, out, excel_fr=excel_fr, stdout=sys.stdout)
    if out is not None:
        say(f"{table} : {len(df)} ligne(s) écrite(s) dans {out}")
