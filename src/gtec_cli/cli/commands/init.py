"""`gtec init` and `gtec template`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ...errors import UsageError
from .. import app
from ..common import STATE, emit_json, say


@app.command()
def init(
    folder: Path = typer.Argument(Path("."), help="Dossier de l'espace de travail à créer."),
    name: str = typer.Option("Mon territoire", "--name", help="Nom du territoire (Pays de Langres)."),
    territory: str = typer.Option(
        "", "--territory",
        help="Code officiel qualifié du territoire : arr:522, dep:52, be:4419, epci:200072999.",
    ),
    comparison: Optional[list[str]] = typer.Option(
        None, "--compare", help="Territoire de comparaison (répétable) : dep:52, reg:44, fr."),
    alias: Optional[list[str]] = typer.Option(
        None, "--alias",
        help="Le même territoire dans une autre maille, pour les sources qui ne publient pas la sienne "
             "(répétable) : be:4419 (bassin BMO de Langres), epci:200072999.",
    ),
    period: Optional[str] = typer.Option(None, "--period", help="Période courante (2026-T4)."),
) -> None:
    """Créer un espace de travail : gtec.toml commenté, stockage vide, dossiers inbox et reports."""
    from ... import nomenclatures as nom
    from ...workspace import Workspace

    for ref in [territory, *(comparison or []), *(alias or [])]:
        if ref:
            try:
                nom.territory(ref)
            except ValueError as exc:
                raise UsageError(f"Territoire invalide {ref!r} : {exc}") from None
    ws = Workspace.create(folder, name=name, territory=territory, comparisons=comparison,
                          aliases=alias, period=period)
    if STATE.json:
        emit_json({"workspace": str(ws.root), "settings": str(ws.root / "gtec.toml")})
    say(f"Espace de travail créé dans {ws.root}")
    say("Étapes suivantes : éditez gtec.toml, puis `gtec template audit` pour le modèle d'audit "
        "à envoyer aux entreprises, puis `gtec ingest FICHIERS`.")


@app.command()
def template(
    kind: str = typer.Argument(..., help="audit (classeur à envoyer aux entreprises) ou opeq (observatoire)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Fichier à écrire (par défaut gtec-modele-KIND.xlsx)."),
) -> None:
    """Écrire un classeur vierge avec mode d'emploi, listes déroulantes et ligne d'exemple."""
    from ...ingest.template import write_template

    if kind not in ("audit", "opeq"):
        raise UsageError(f"Modèle inconnu : {kind!r}. Choisissez audit ou opeq.")
    path = out or Path(f"gtec-modele-{kind}.xlsx")
    write_template(kind, path)
    if STATE.json:
        emit_json({"template": kind, "file": str(path)})
    say(f"Modèle {kind} écrit : {path}")
