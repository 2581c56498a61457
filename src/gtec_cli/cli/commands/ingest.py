"""`gtec validate` and `gtec ingest`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ... import __version__
from ...errors import EXIT_INVALID, InvalidInput, UsageError
from .. import app
from ..common import STATE, emit_json, print_report, say, workspace

KIND_HELP = "Type des fichiers, si la détection automatique ne suffit pas (opeq, audit…)."


def _check_exists(files: list[Path]) -> None:
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise UsageError(f"Fichier(s) introuvable(s) : {', '.join(missing)}")
    folders = [str(f) for f in files if f.is_dir()]
    if folders:
        raise UsageError(f"Dossier au lieu d'un fichier : {', '.join(folders)}")


@app.command()
def validate(
    files: list[Path] = typer.Argument(..., help="Classeurs ou fichiers à vérifier."),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help=KIND_HELP),
    annotate: bool = typer.Option(
        False, "--annotate",
        help="Écrire à côté de chaque classeur fautif une copie annotée (cellules en erreur surlignées "
             "et commentées), à renvoyer à qui l'a rempli.",
    ),
    annotate_dir: Optional[Path] = typer.Option(
        None, "--annotate-dir",
        help="Écrire les copies annotées dans ce dossier plutôt qu'à côté des classeurs (implique "
             "--annotate) : un `gtec ingest retours/*.xlsx` ne les prend pas pour des réponses.",
    ),
) -> None:
    """Vérifier des fichiers sans rien enregistrer : chaque erreur avec sa feuille, sa cellule et
    comment la corriger."""
    from ...ingest.pipeline import validate_file

    _check_exists(files)
    if annotate_dir is not None:
        if annotate_dir.exists() and not annotate_dir.is_dir():
            raise UsageError(f"--annotate-dir : {annotate_dir} existe et n'est pas un dossier.")
        annotate_dir.mkdir(parents=True, exist_ok=True)
        annotate = True
    results = []
    for path in files:
        validation = validate_file(path, kind=kind)
        annotated = None
        if annotate and validation.report.findings and path.suffix.lower() in (".xlsx", ".xlsm"):
            from ...ingest.annotate import annotate_workbook, annotated_path

            out = annotate_dir / annotated_path(path).name if annotate_dir is not None else None
            annotated = annotate_workbook(path, validation.report, out)
        results.append((validation, annotated))
        if not STATE.json:
            status = "valide" if validation.valid else "REFUSÉ"
            say(f"{path.name} : {status} ({validation.kind or 'type inconnu'}, "
                f"{validation.report.n_errors} erreur(s), {validation.report.n_warnings} avertissement(s))",
                style=None if validation.valid else "red")
            print_report(validation.report)
            if annotated:
                say(f"  copie annotée : {annotated}")
    if STATE.json:
        emit_json({"valid": all(v.valid for v, _ in results), "files": [
            {**v.report.to_dict(), "kind": v.kind, "sha256": v.sha256,
             **({"annotated": str(a)} if a else {})} for v, a in results]})
    if not all(v.valid for v, _ in results):
        raise typer.Exit(EXIT_INVALID)


@app.command()
def ingest(
    files: list[Path] = typer.Argument(..., help="Classeurs ou fichiers à enregistrer."),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help=KIND_HELP),
    period: Optional[str] = typer.Option(
        None, "--period", "-p", help="Période du dépôt (2026, 2026-T4) ; par défaut celle de gtec.toml."),
    replace: bool = typer.Option(
        False, "--replace", help="Remplacer explicitement un dépôt existant qui couvre les mêmes données."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Tout vérifier et dire ce qui serait enregistré, sans rien enregistrer."),
    restore_purged: bool = typer.Option(
        False, "--restore-purged",
        help="Enregistrer quand même un fichier dont les données ont été effacées par gtec purge."),
) -> None:
    """Vérifier puis enregistrer des fichiers, chacun comme un dépôt. Si un seul fichier est en
    erreur, rien n'est enregistré. Un fichier déjà enregistré (même renommé) est reconnu et ignoré."""
    from ...ingest.pipeline import ingest_files
    from ...store import Store

    _check_exists(files)
    ws = workspace()
    chosen_period = period or ws.default_period()
    with ws.lock(), Store.open(ws.store_path) as store:
        try:
            outcomes = ingest_files(store, files, kind=kind, period=chosen_period, replace=replace,
                                    dry_run=dry_run, gtec_version=__version__,
                                    restore_purged=restore_purged)
        except InvalidInput as exc:
            if STATE.json:
                emit_json({"stored": False, "message": str(exc),
                           "files": [r.to_dict() for r in exc.reports]})
            else:
                for report in exc.reports:
                    say(f"{report.file} : REFUSÉ ({report.n_errors} erreur(s))", style="red")
                    print_report(report)
            raise
    if STATE.json:
        emit_json({"stored": not dry_run, "period": chosen_period,
                   "files": [o.to_dict() for o in outcomes]})
        return
    stored = [o for o in outcomes if o.status in ("stored", "would-store")]
    for o in outcomes:
        if o.status == "duplicate":
            where = f" (dépôt n° {o.duplicate_of})" if o.duplicate_of else " (deux fois dans la commande)"
            say(f"{o.file} : déjà enregistré{where}, ignoré.")
        else:
            rows = sum(o.rows.values())
            verb = "serait enregistré" if dry_run else f"enregistré (dépôt n° {o.drop_id})"
            extra = f", remplace le(s) dépôt(s) {', '.join(map(str, o.replaced))}" if o.replaced else ""
            if o.restored_purge:
                extra += f", effacé par la purge n° {o.restored_purge} et restauré à votre demande"
            warn = f", {o.report.n_warnings} avertissement(s)" if o.report and o.report.n_warnings else ""
            say(f"{o.file} : {o.kind}, {rows} ligne(s) {verb}{extra}{warn}")
    total = sum(sum(o.rows.values()) for o in stored)
    say(("Simulation : " if dry_run else "") +
        f"{len(stored)} fichier(s), {total} ligne(s), période {chosen_period}.")
