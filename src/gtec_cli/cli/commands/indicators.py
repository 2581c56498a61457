"""`gtec indicators`: the registry, the headline figures, and indicators in any export format.

A thin layer over :mod:`gtec_cli.api`: the same calls an analyst makes in Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ...errors import UsageError
from .. import app
from ..common import STATE, emit_json, say

FORMAT_HELP = "Format de sortie : table (lecture à l'écran), csv, json, xlsx ou parquet."
OUT_HELP = "Fichier à écrire (obligatoire pour xlsx et parquet) ; sinon la sortie standard."
EXCEL_FR_HELP = ("CSV pour Excel en français : séparateur ;, virgule décimale, marque UTF-8 (BOM). "
                 "Par défaut : séparateur virgule et point décimal, pour les scripts.")
#: Columns shown in `--format table` (all columns go to the other formats).
_SHOWN = ("scope", "territory", "year", "period", "source", "occupation", "occupation_label", "family",
          "sector", "size_class", "cadre", "horizon", "company", "company_type", "company_group", "sex",
          "theme", "cooperation_type", "direction", "skill", "reason_label",
          "factor_label", "age_band", "year_from", "year_to", "horizon_years", "retirement_age",
          "scenario", "rank", "value", "share", "annual_rate", "audit_difficult_share", "bmo_difficult_share",
          "tension_class", "audit_signal", "public_signal", "n_projects", "n_companies", "n_people",
          "n_masked_rows", "fragile", "approximation")
_MAX_ROWS = 60


@app.command()
def indicators(
    names: Optional[list[str]] = typer.Argument(None, help="Indicateurs à calculer (voir --list)."),
    list_: bool = typer.Option(False, "--list", help="Lister les indicateurs : nom, formule, source."),
    headline: bool = typer.Option(False, "--headline", help="Les chiffres clés du territoire."),
    by: Optional[str] = typer.Option(
        None, "--by", help="Dimensions, séparées par des virgules : territory, occupation, sector, "
                           "size_class, period, cadre, sex, company…"),
    territory: Optional[str] = typer.Option(
        None, "--territory", help="Un seul territoire (dep:52, be:4419) ; par défaut celui de "
                                  "gtec.toml et ses territoires de comparaison."),
    period: Optional[str] = typer.Option(
        None, "--period", "-p", help="Données connues à cette période (2026-T4) : dépôts de la "
                                     "période ou antérieurs, dernier audit de chaque entreprise."),
    fmt: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=OUT_HELP),
    excel_fr: bool = typer.Option(False, "--excel-fr", help=EXCEL_FR_HELP),
) -> None:
    """Calculer et afficher les indicateurs (difficultés de recrutement, vieillissement, écarts de
    compétences, triangulation). Chaque ligne porte sa base (entreprises, personnes ou projets) et
    le drapeau fragile (petits effectifs)."""
    from ... import api
    from ...indicators.registry import INDICATORS

    if list_:
        _print_registry(INDICATORS)
        return
    analysis = api.open_workspace(STATE.workspace)
    if headline:
        _print_headline(analysis, fmt, out, excel_fr)
        return
    if not names:
        raise UsageError("Nommez au moins un indicateur (gtec indicators --list les montre), "
                         "ou utilisez --list ou --headline.")
    fmt = "json" if STATE.json and fmt == "table" else fmt
    if fmt == "table":
        results = analysis.indicator_tables(names, by=by, territory=territory, period=period)
        for name, df in results.items():
            _print_table(name, df)
        return
    if fmt == "xlsx":
        data = analysis.indicator_tables(names, by=by, territory=territory, period=period)
    else:
        data = analysis.indicator(names, by=by, territory=territory, period=period)
    _export(data, fmt, out, excel_fr)


def _export(data, fmt: str, out: Path | None, excel_fr: bool) -> None:
    import sys

    from ...export import export

    export(data, fmt, out, excel_fr=excel_fr, stdout=sys.stdout)
    if out is not None:
        say(f"Écrit : {out}")


def _print_registry(indicators) -> None:
    """One block per indicator, by family: greppable, and readable in 80 columns."""
    import sys
    import textwrap

    from ...indicators.registry import FAMILIES

    if STATE.json:
        emit_json([ind.as_row() for ind in indicators])
        return
    lines = []
    for family, title in FAMILIES.items():
        lines.append(f"== {title} ==")
        for ind in (i for i in indicators if i.family == family):
            lines.append(f"{ind.name} — {ind.title_fr} [{ind.unit}]"
                         + ("" if ind.official else " (mesure propre à gtec)"))
            for label, text in (("formule", ind.formula), ("source", ind.source),
                                ("dimensions", ", ".join(ind.dims) or "—")):
                lines.extend(textwrap.wrap(f"{label} : {text}", width=96, initial_indent="    ",
                                           subsequent_indent="      "))
        lines.append("")
    sys.stdout.write("\n".join(lines))


def _cell(value, fmt) -> str:
    import pandas as pd

    from ...formatting import MISSING

    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return MISSING
    if isinstance(value, bool):
        return "oui" if value else ""
    if isinstance(value, float):
        if value == int(value):
            return fmt.integer(value)
        return fmt.number(value, 1 if abs(value) >= 10 else 2)
    return str(value)


def _print_table(name: str, df) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from ...formatting import Formatter
    from ...indicators.registry import get

    ind = get(name)
    console = Console(highlight=False)
    if df.empty:
        say(f"{name} : aucune donnée (tables lues : {', '.join(t for _, t in ind.inputs)}).")
        return
    cols = [c for c in _SHOWN if c in df.columns]
    table = Table(title=f"{ind.title_fr} ({name}, {ind.unit})", title_justify="left")
    for col in cols:
        table.add_column(col, overflow="fold", justify="right" if df[col].dtype.kind in "if" else "left")
    fr = Formatter("fr")
    for row in df[cols].head(_MAX_ROWS).astype(object).itertuples(index=False, name=None):
        table.add_row(*(escape(_cell(v, fr)) for v in row))
    console.print(table)
    if len(df) > _MAX_ROWS:
        say(f"… {len(df) - _MAX_ROWS} autres lignes : --format csv ou xlsx pour tout voir.")
    say(f"Formule : {ind.formula}. Source : {ind.source}.")


def _print_headline(analysis, fmt: str, out: Path | None, excel_fr: bool) -> None:
    """One line per figure (label, value, base, year): readable in any terminal and in a log."""
    import sys

    from ...formatting import FRAGILE_MARK, Formatter

    figures = analysis.headline()
    fmt = "json" if STATE.json and fmt == "table" else fmt
    if fmt != "table":
        _export(figures, fmt, out, excel_fr)
        return
    name = analysis.settings.territory.name
    if figures.empty:
        say(f"{name} : pas encore de chiffres clés (enregistrez des données avec gtec ingest).")
        return
    fr = Formatter("fr")
    lines = [f"Chiffres clés — {name}"]
    for row in figures.itertuples(index=False):
        if row.unit == "%":
            value = fr.percent(row.value)
        elif row.unit in ("projets", "personnes"):
            value = f"{fr.integer(row.value)} {row.unit}"
        else:
            value = fr.number(row.value, 1)
        details = []
        if row.base is not None and row.base == row.base:
            details.append(f"base {fr.integer(row.base)} {row.base_unit}")
        if row.year is not None and row.year == row.year:
            details.append(str(int(row.year)))
        if row.horizon_years is not None and row.horizon_years == row.horizon_years:
            details.append(f"d'ici {int(row.horizon_years)} ans")
        mark = f" {FRAGILE_MARK}" if row.fragile else ""
        lines.append(f"  {row.label} : {value}{mark} ({', '.join(details)})")
    if figures["fragile"].any():
        lines.append(f"  {FRAGILE_MARK} base inférieure aux seuils de petits effectifs (gtec.toml).")
    sys.stdout.write("\n".join(lines) + "\n")
