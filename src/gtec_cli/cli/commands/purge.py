"""`gtec purge`: erase drops or companies on request (RGPD); the logic is in :mod:`gtec_cli.purge`."""

from __future__ import annotations

from typing import Optional

import typer

from ... import __version__
from ...errors import UsageError
from .. import app
from ..common import STATE, emit_json, say, workspace

_REASONS = {
    "requested": "demandé",
    "replaced-by-purged": "version antérieure remplacée par un dépôt purgé",
    "company-only": "ne contenait que cette entreprise",
}


@app.command()
def purge(
    drop: Optional[list[int]] = typer.Option(
        None, "--drop", "-d", help="Numéro d'un dépôt à effacer (voir `gtec status --drops`) ; répétable."),
    company: Optional[list[str]] = typer.Option(
        None, "--company", "-c",
        help="SIRET d'une entreprise à effacer de tous les dépôts (espaces acceptés) ; répétable."),
    yes: bool = typer.Option(
        False, "--yes", "-y", help="Effacer vraiment. Sans cette option, gtec dit seulement ce qui serait effacé."),
    delete_files: bool = typer.Option(
        False, "--delete-files",
        help="Supprimer aussi de la boîte de dépôt les fichiers dont le contenu est effacé (avec --yes)."),
    vacuum: bool = typer.Option(
        False, "--vacuum", help="Seulement compacter le stockage (si une purge n'a pas pu le faire)."),
) -> None:
    """Effacer des données à la demande (RGPD) : des dépôts, ou une entreprise dans tous les dépôts,
    et tout ce qui en découle, de façon irrécupérable dans le fichier du stockage.

    Sans --yes, rien n'est effacé : la commande dit quels dépôts et combien de lignes par table
    seraient effacés. Les fichiers purgés restés dans la boîte de dépôt ne seront plus enregistrés
    par gtec ingest ni gtec refresh (sauf `gtec ingest --restore-purged`). Les rapports déjà produits
    et les fichiers de la boîte de dépôt ne sont pas supprimés (sauf --delete-files pour la boîte) :
    la commande les liste."""
    from ...purge import purge_workspace
    from ...purge import vacuum as compact

    ws = workspace()
    if vacuum:
        if drop or company:
            raise UsageError("--vacuum s'emploie seul : il compacte le stockage sans rien effacer.")
        from ...store import Store

        with ws.lock(), Store.open(ws.store_path) as store:
            compact(store)
        if STATE.json:
            emit_json({"vacuumed": True})
        else:
            say("Stockage compacté : les données effacées ne subsistent plus dans le fichier.")
        return
    if delete_files and not yes:
        say("--delete-files sans --yes : rien ne sera supprimé (simulation).")
    result = purge_workspace(ws, drops=drop or [], companies=company or [], yes=yes,
                             delete_files=delete_files, gtec_version=__version__)
    if STATE.json:
        emit_json(result.to_dict())
    else:
        _print(result, delete_files=delete_files)


def _print(result, *, delete_files: bool) -> None:
    """The plan (or what was done) for people, on stderr."""
    plan = result.plan
    head = "Effacé" if result.done else "Serait effacé (simulation : rien n'est supprimé)"
    say(f"{head} :")
    for c in plan.companies:
        names = " / ".join(c["names"]) or "nom inconnu"
        say(f"  entreprise SIRET {c['siret']} ({names}) : {c['rows']} ligne(s) dans "
            f"{len(c['drops'])} dépôt(s)")
    for d in plan.drops_deleted:
        say(f"  dépôt n° {d['id']} effacé entièrement : {d['kind']}, {d['period']}, {d['file_name']} "
            f"(SHA-256 {d['sha256'][:12]}…), {d['rows']} ligne(s) — {_REASONS.get(d['reason'], d['reason'])}")
    for d in plan.drops_updated:
        say(f"  dépôt n° {d['id']} conservé sans cette entreprise : {d['kind']}, {d['period']}, "
            f"{d['file_name']}, {d['rows']} ligne(s) retirée(s)")
    if plan.rows_deleted:
        say("  lignes par table : " + ", ".join(f"{t} {n}" for t, n in plan.rows_deleted.items())
            + f" (total {plan.total_rows})")
    else:
        say("  aucune ligne de données (seulement l'enregistrement du dépôt)")
    if plan.companies_elsewhere:
        say(f"{len(plan.companies_elsewhere)} entreprise(s) de ces dépôts figurent aussi dans d'autres "
            f"dépôts, qui ne sont pas touchés : SIRET {', '.join(plan.companies_elsewhere)} "
            "(`gtec purge --company SIRET` pour les effacer partout).")
    if plan.mentions:
        say("Textes libres conservés qui citent l'entreprise (nom ou SIRET), à vérifier et corriger "
            "à la source si besoin :", style="yellow")
        for m in plan.mentions:
            where = ", ".join(m["cells"]) + ("…" if m["rows"] > len(m["cells"]) else "")
            actions = f", actions {', '.join(m['action_ids'])}" if m.get("action_ids") else ""
            say(f"  {m['table']}.{m['column']}, dépôt n° {m['drop_id']} : {m['rows']} ligne(s) "
                f"({where}{actions})")
    if result.inbox_files:
        verb = "supprimé" if result.done and delete_files else "à supprimer"
        say(f"Fichiers de la boîte de dépôt contenant ces données ({verb}) :")
        for f in result.inbox_files:
            kept = " — source d'un dépôt conservé pour les autres entreprises" if f["still_active"] else ""
            say(f"  {f['path']}{' (supprimé)' if f['deleted'] else ''}{kept}")
        if not (result.done and delete_files):
            say("  (ajoutez --delete-files pour les supprimer ; laissés là, gtec ne les enregistrera plus)")
    if result.reports:
        say("Rapports produits depuis l'arrivée de ces données, qui peuvent en contenir des chiffres "
            "(ou des noms, édition interne) : supprimez-les ou reproduisez-les (gtec report …) :")
        for r in result.reports:
            say(f"  {r}")
    if result.logs:
        say("Journaux qui citent ces fichiers ou cette entreprise : " + ", ".join(result.logs))
    for w in result.warnings:
        say(w, style="red")
    if result.done:
        say(f"Purge n° {result.purge_id} faite : {len(plan.drops_deleted)} dépôt(s) effacé(s), "
            f"{len(plan.drops_updated)} dépôt(s) mis à jour, {plan.total_rows} ligne(s) effacée(s)"
            + ("; stockage compacté." if result.vacuumed else "."))
    else:
        say("Simulation : rien n'a été effacé. Pour effacer, relancez la même commande avec --yes.")
