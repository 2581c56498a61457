"""`gtec plan`: build the action plan of a period, export its follow-up workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ...errors import UsageError
from .. import app
from ..common import STATE, emit_json, err, say, workspace
from .report import announce, check_format_and_lang, period_option, report_app


@app.command()
def plan(
    period: Optional[str] = typer.Option(None, "--period", "-p",
                                         help="Période du plan (par défaut celle de gtec.toml)."),
    export: Optional[Path] = typer.Option(
        None, "--export", "-e",
        help="Écrire le classeur de suivi (une ligne par action : pilote, statut, échéance, "
             "avancement), à faire remplir par le comité puis à enregistrer avec gtec ingest."),
    internal: bool = typer.Option(
        False, "--internal-named", "--internal",
        help="Édition interne nominative de l'équipe projet : nomme les entreprises. Ne jamais la "
             "transmettre au comité."),
    copy_catalogue: bool = typer.Option(
        False, "--copy-catalogue",
        help="Copier le catalogue d'actions livré avec gtec dans l'espace de travail (actions.toml) "
             "pour l'adapter au territoire."),
    list_indicators: bool = typer.Option(
        False, "--list-indicators", help="Lister les indicateurs que les règles du catalogue peuvent tester."),
) -> None:
    """Construire le plan d'action : actions déclenchées par les constats des audits (avec les
    chiffres, le nombre d'entreprises et la priorité), opportunités de coopération entre
    entreprises, suivi des actions depuis le dernier comité."""
    if list_indicators:
        _list_indicators()
        return
    ws = workspace()
    if copy_catalogue:
        _copy_catalogue(ws)
        return
    from ...plan import build_plan, plan_document
    from ...store import Store

    chosen = period or ws.default_period()
    with Store.open(ws.store_path) as store:
        result = build_plan(store, chosen, settings=ws.settings, workspace_root=ws.root)
    doc = plan_document(result, internal=internal, lang=ws.settings.report.language)
    exported = None
    if export is not None:
        from ...plan.document import followup_rows
        from ...plan.followup import write_workbook

        if export.suffix.lower() != ".xlsx":
            raise UsageError(f"Le classeur de suivi doit être un fichier .xlsx : {export}")
        exported = write_workbook(export, followup_rows(result), period=result.period,
                                  territory=ws.settings.territory.name)
    if STATE.json:
        emit_json({**doc, **({"exported": str(exported)} if exported else {})})
        return
    _print(doc, internal)
    if exported:
        say(f"Classeur de suivi écrit : {exported} — à faire remplir par le comité, puis "
            f"`gtec ingest {exported.name} --period PÉRIODE`.")


def _print(doc: dict, internal: bool) -> None:
    """The plan on the terminal: actions, opportunities, follow-up (data escaped as text)."""
    from rich.table import Table
    from rich.text import Text

    if internal:
        say("ÉDITION INTERNE (entreprises nommées) : ne pas diffuser au comité.", style="red")
    say(f"Plan d'action {doc['period']} : {doc['audited_companies']} entreprise(s) auditée(s), "
        f"{sum(a['fired'] for a in doc['actions'])} action(s) proposée(s)"
        + (f" ; comparaison avec {doc['previous_period']}" if doc["previous_period"] else "") + ".")
    if not doc["actions"]:
        say("Aucune règle du catalogue n'est déclenchée pour cette période"
            + (" (aucun audit enregistré)." if not doc["audited_companies"] else "."))
    for rank, a in enumerate(doc["actions"], start=1):
        head = (f"{rank}. [priorité {a['priority_text']} · {a['horizon_label']}] {a['title']} "
                f"({a['id']}) — {a['companies_text']}")
        say(head, style="bold" if a["fired"] else None)
        for f in a["findings"]:
            say(f"   • {f['rationale']}" + (f" [{f['trend']}, avant : {f['previous_text']}]"
                                           if f["trend"] else ""))
        if not a["fired"]:
            say("   plus déclenchée à cette période (suivie depuis le dernier comité)")
        for f in a["resolved"]:
            say(f"   ✓ constat résolu : {f['rationale']} [avant : {f['previous_text']}]")
        if internal and a.get("concerned"):
            say("   entreprises : " + ", ".join(f"{c['name']} ({c['siret']})" for c in a["concerned"]))
        if a["followup"]:
            say(f"   suivi : {_follow_text(a['followup'])}",
                style="red" if a["followup"]["late"] else None)
    if doc["opportunities"]:
        table = Table(title="Opportunités de coopération", title_justify="left")
        for col in ("type", "sujet", "entreprises", "chiffres"):
            table.add_column(col, overflow="fold")
        for o in doc["opportunities"]:
            if internal:
                figures = "; ".join(f"{f['label']} : {f['text']}" for f in o["figures"].values())
                members = "\n".join(f"{m['name']} ({m['siret']}) – {', '.join(m['roles'])}"
                                    for m in o["members"])
                table.add_row(Text(o["type_label"]), Text(o["label"]), Text(members), Text(figures))
            elif o["detail_hidden"]:
                table.add_row(Text(o["type_label"]), Text("détail masqué (secret statistique)"),
                              Text(o["companies_text"]), Text(""))
            else:
                figures = "; ".join(f"{f['label']} : {f['text']}" for f in o["figures"].values())
                table.add_row(Text(o["type_label"]), Text(o["label"]), Text(o["companies_text"]),
                              Text(figures))
        if not STATE.quiet:
            err.print(table)
    follow = doc["followup"]
    if follow["file"]:
        say(f"Suivi : {follow['file']} (plan {follow['plan_period']}) — {follow['actions']} action(s) "
            f"suivie(s), {follow['moved']} statut(s) changé(s), {follow['late']} en retard.")
    say(f"Priorité : {doc['priority']['formula']}.")


def _follow_text(f: dict | None) -> str:
    if not f:
        return "—"
    parts = [f["status"] + (f" (avant : {f['previous_status'] or 'à lancer'})" if f["moved"] else "")]
    if f["late"]:
        parts.append("EN RETARD")
    if f["due_date"]:
        parts.append(f"échéance {f['due_text']}")
    if f["owner"]:
        parts.append(f"pilote : {f['owner']}")
    if f["progress"]:
        parts.append(f"avancement : {f['progress']}")
    return " — ".join(parts)


def _copy_catalogue(ws) -> None:
    import shutil

    from ...plan.catalogue import CATALOGUE_FILE, load_catalogue, shipped_catalogue_path

    target = ws.root / CATALOGUE_FILE
    if target.exists():
        raise UsageError(f"{target} existe déjà : modifiez-le, ou supprimez-le pour repartir du catalogue livré.")
    shutil.copyfile(shipped_catalogue_path(), target)
    load_catalogue(target)  # the copy must validate, like the original
    if STATE.json:
        emit_json({"catalogue": str(target)})
    say(f"Catalogue copié : {target}. gtec utilise désormais cette copie ; vérifiez-la avec `gtec plan`.")


def _list_indicators() -> None:
    from ...plan.measures import MEASURES, SCOPE_LABELS

    if STATE.json:
        emit_json([{"name": m.name, "label": m.label, "owner": m.owner, "formula": m.formula,
                    "values": {k: {"label": v[0], "unit": v[1]} for k, v in m.values.items()},
                    "scopes": list(m.scopes), "filters": list(m.filters), "concerned": m.concerned}
                   for m in MEASURES.values()])
        return
    for m in MEASURES.values():
        say(f"{m.name} — {m.label}")
        say(f"    formule : {m.formula}")
        say(f"    valeurs : {', '.join(f'{k} ({v[1]})' for k, v in m.values.items())} ; niveaux : "
            f"{', '.join(f'{s} ({SCOPE_LABELS[s]})' for s in m.scopes)}")
        say(f"    filtres where : {', '.join(m.filters) or 'aucun'} ; entreprises concernées : {m.concerned}")


@report_app.command("plan")
def report_plan(
    period: Optional[str] = period_option(),
    lang: Optional[str] = typer.Option(None, "--lang", help="Langue des nombres et dates : fr ou en "
                                       "(le texte du plan suit le catalogue d'actions)."),
    fmt: str = typer.Option("pdf", "--format", help="pdf (par défaut) ou html."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Fichier à écrire (par défaut "
                                       "reports/TERRITOIRE/PÉRIODE/plan.pdf dans l'espace de travail)."),
    internal_named: bool = typer.Option(
        False, "--internal-named",
        help="Édition interne nominative pour l'équipe projet : nomme les entreprises et le dit sur "
             "chaque page. Ne jamais la transmettre au comité."),
) -> None:
    """Le plan d'action : actions par horizon avec leurs constats, public, pilote, partenaires et
    indicateurs ; calendrier ; opportunités de coopération ; suivi depuis le dernier comité."""
    from ...plan.report import render_plan_report
    from ...store import Store

    check_format_and_lang(fmt, lang)
    ws = workspace()
    with Store.open(ws.store_path) as store:
        result = render_plan_report(ws, store, period=period, lang=lang, fmt=fmt, out=out,
                                    internal=internal_named)
    announce("plan", result, internal_named, actions=result.actions,
             opportunities=result.opportunities)
