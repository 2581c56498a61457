"""`gtec report diagnostic` (and other report kinds, added as subcommands of `report_app`)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .. import app
from ..common import STATE, emit_json, say, workspace

#: `gtec report KIND`: each report kind is one subcommand of this group. Another module adds one
#: with `@report_app.command("plan")` and is imported in cli/commands/__init__.py.
report_app = typer.Typer(
    name="report", no_args_is_help=True, add_completion=False, rich_markup_mode=None,
    help="Produire un rapport en PDF (ou HTML) pour le comité de pilotage : diagnostic, plan.",
)
app.add_typer(report_app, name="report")


def period_option():
    return typer.Option(None, "--period", "-p", help="Période du rapport (par défaut celle de gtec.toml).")


@report_app.command("diagnostic")
def diagnostic(
    period: Optional[str] = period_option(),
    territory: Optional[str] = typer.Option(
        None, "--territory", help="Autre territoire à décrire (code qualifié : dep:52) ; par défaut celui "
                                  "de gtec.toml."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Langue du rapport : fr ou en (par défaut "
                                                           "celle de gtec.toml)."),
    fmt: str = typer.Option("pdf", "--format", help="pdf (par défaut) ou html."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Fichier à écrire (par défaut "
                                       "reports/TERRITOIRE/PÉRIODE/diagnostic.pdf dans l'espace de travail)."),
    internal_named: bool = typer.Option(
        False, "--internal-named",
        help="Édition interne nominative pour l'équipe projet : nomme les entreprises auditées et le dit "
             "sur chaque page. Ne jamais la transmettre au comité."),
) -> None:
    """Le diagnostic territorial : synthèse, cadrage, population, économie, marché du travail,
    formation, audits agrégés sous secret statistique, croisement par métier, annexes."""
    from ...errors import UsageError
    from ...report.diagnostic import render_diagnostic
    from ...store import Store

    if fmt not in ("pdf", "html"):
        raise UsageError(f"Format inconnu : {fmt!r}. Choisissez pdf ou html.")
    if lang is not None and lang not in ("fr", "en"):
        raise UsageError(f"Langue inconnue : {lang!r}. Choisissez fr ou en.")
    ws = workspace()
    with Store.open(ws.store_path) as store:
        result = render_diagnostic(ws, store, period=period, territory=territory, lang=lang, fmt=fmt,
                                   out=out, internal=internal_named)
    if STATE.json:
        emit_json({"report": "diagnostic", "file": str(result.path), "format": result.format,
                   "drops": result.drops, "suppressed_cells": result.suppressed,
                   "refused_urls": result.refused_urls, "internal_named": internal_named})
        return
    if internal_named:
        say("ÉDITION INTERNE NOMINATIVE : ne pas diffuser au comité.", style="red")
    if result.refused_urls:
        say(f"{len(result.refused_urls)} ressource(s) refusée(s) par le rendu (hors des fichiers de "
            "gtec) : rien n'a été chargé.", style="yellow")
    print(result.path)  # the path on stdout, for scripts and `make run`
