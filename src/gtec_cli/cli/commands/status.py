"""`gtec status`."""

from __future__ import annotations

import typer

from .. import app
from ..common import STATE, emit_json, err, say, workspace


@app.command()
def status(
    drops: bool = typer.Option(False, "--drops", help="Lister chaque dépôt (fichier, empreinte SHA-256, date) et les purges faites."),
) -> None:
    """Montrer le contenu de l'espace de travail : dépôts, périodes, sources et millésimes,
    nombre de lignes, ce qui est à actualiser."""
    from rich.table import Table

    from ...status import workspace_status
    from ...store import Store

    ws = workspace()
    with Store.open(ws.store_path) as store:
        info = workspace_status(ws, store)
    if STATE.json:
        emit_json(info)
        return
    t = info["territory"]
    say(f"Espace de travail : {info['workspace']}")
    say(f"Territoire : {t['name']} ({t['code'] or 'liste de communes'}) ; comparaisons : "
        f"{', '.join(t['comparisons']) or 'aucune'} ; période courante : {info['current_period']}")
    if not info["drops"]:
        say("Aucun dépôt : enregistrez des fichiers avec `gtec ingest FICHIERS`.")
        if drops:
            _say_purges(info["purges"])
        return
    if drops or len(info["drops"]) <= 8:
        table = Table(title="Dépôts", title_justify="left", show_lines=False)
        for col in ("n°", "type", "période", "fichier", "lignes", "avert.", "enregistré le", "SHA-256"):
            table.add_column(col, overflow="fold")
        for d in info["drops"]:
            table.add_row(str(d["id"]), d["kind"], d["period"], d["file_name"], str(d["rows"]),
                          str(d["warnings"]), d["ingested_at"][:16].replace("T", " "), d["sha256"][:12])
        if not STATE.quiet:
            err.print(table)
    else:
        say(f"{len(info['drops'])} dépôts actifs (détail : gtec status --drops).")
    sources = Table(title="Sources", title_justify="left")
    for col in ("type", "dépôts", "périodes", "couverture", "lignes", "état"):
        sources.add_column(col, overflow="fold")
    for s in info["sources"]:
        sources.add_row(s["kind"], str(s["drops"]), ", ".join(s["periods"]), s["coverage"],
                        str(s["rows"]), "à actualiser" if s["stale"] else "à jour")
    if not STATE.quiet:
        err.print(sources)
    tables = ", ".join(f"{k} {v}" for k, v in info["tables"].items() if v)
    say(f"Lignes par table : {tables}")
    if drops:
        _say_purges(info["purges"])


def _say_purges(purges: list[dict]) -> None:
    """One line per `gtec purge` done: date and counts, all the store keeps of it."""
    for p in purges:
        c = p["counts"]
        say(f"Purge n° {p['id']} du {p['purged_at'][:16].replace('T', ' ')} : "
            f"{c.get('drops_deleted', 0)} dépôt(s) effacé(s), {c.get('drops_updated', 0)} mis à "
            f"jour, {sum(c.get('rows', {}).values())} ligne(s) ; empreinte SHA-256 de {p['files']} "
            "fichier(s) gardée(s) pour ne pas les réenregistrer.")
