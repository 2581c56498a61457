"""`gtec refresh`: the cron entry point."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from .. import app
from ..common import STATE, emit_json, say, workspace


@app.command()
def refresh(
    period: Optional[str] = typer.Option(None, "--period", "-p",
                                         help="Période à actualiser (par défaut celle de gtec.toml)."),
) -> None:
    """Actualisation trimestrielle sans surveillance (cron) : enregistre les nouveaux fichiers de la
    boîte de dépôt, met en quarantaine les fichiers invalides avec leur rapport d'erreurs, recalcule
    et produit le diagnostic et le plan d'action de la période. Les fichiers déjà enregistrés, et
    ceux dont `gtec purge` a effacé les données, sont laissés dans la boîte de dépôt et ignorés.

    Codes de sortie : 0 tout est fait ; 1 des fichiers ont été mis en quarantaine (les rapports sont
    produits avec les données valides) ; 75 une autre exécution tient l'espace de travail (rien n'est
    fait) ; 70 erreur interne (voir le journal)."""
    from ...refresh import refresh as run_refresh

    if not sys.stderr.isatty():
        STATE.quiet = True  # cron mails whatever is printed: only failures speak
    ws = workspace()
    result = run_refresh(ws, period=period, render=_render)
    if STATE.json:
        emit_json(result.to_dict())
        if result.exit_code:
            raise typer.Exit(result.exit_code)
        return
    if result.purged:
        say(f"{len(result.purged)} fichier(s) effacé(s) par gtec purge, laissé(s) dans la boîte de "
            f"dépôt et ignoré(s) : {', '.join(p['file'] for p in result.purged)} (supprimez-les, ou "
            "`gtec ingest FICHIER --restore-purged` pour les enregistrer à nouveau).")
    if result.nothing_to_do:
        say(f"Rien de nouveau pour {result.period} : aucun fichier nouveau, rapports à jour.")
    else:
        for s in result.stored:
            say(f"enregistré : {s['file']} (dépôt n° {s['drop_id']}, {s['rows']} lignes)")
        for q in result.quarantined:
            say(f"quarantaine : {q['file']} ({q['errors']} erreur(s)) → {q['moved_to']}", style="red")
        if result.skipped:
            say(f"{len(result.skipped)} fichier(s) déjà enregistré(s), ignoré(s).")
        for r in result.reports:
            say(f"rapport : {r}")
        for e in result.report_errors:
            say(f"échec du rendu : {e}", style="red")
        say(f"Journal : {result.log_file}")
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def _render(ws, store, period):
    """Render the period's diagnostic and plan (imported late: the lock is taken first)."""
    from ...report.batch import render_period_reports

    return render_period_reports(ws, store, period)
