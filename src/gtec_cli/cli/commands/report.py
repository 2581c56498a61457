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


def check_format_and_lang(fmt: str, lang: str | None) -> None:
    """The options every report kind shares, refused with exit 2 when wrong."""
    from ...errors import UsageError

    if fmt not in ("pdf", "html"):
        raise UsageError(f"Format inconnu : {fmt!r}. Choisissez pdf ou html.")
    if lang is not None and lang not in ("fr", "en"):
        raise UsageError(f"Langue inconnue : {lang!r}. Choisissez fr ou en.")


def announce(report: str, result, internal_named: bool, **details) -> None:
    """Say what a report command wrote: JSON on stdout, or the path on stdout and warnings on stderr."""
    if STATE.json:
        emit_json({"report": report, "file": str(result.path), "format": result.format, **details,
                   "refused_urls": result.refused_urls, "internal_named": internal_named})
        return
    if internal_named:
        say("ÉDITION INTERNE NOMINATIVE : ne pas diffuser au comité.", style="red")
    if result.refused_urls:
        say(f"{len(result.refused_urls)} ressource(s) refusée(s) par le rendu (hors des fichiers de "
            "gtec) : rien n'a été chargé.", style="yellow")
    print(result.path)  # the path on stdout, for scripts and `make run`


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
    all_territories: bool = typer.Option(
        False, "--all-territories",
        help="Un diagnostic par territoire de la section [batch] de gtec.toml, en parallèle, dans "
             "reports/TERRITOIRE/PÉRIODE/. Code de sortie 1 si l'un d'eux échoue (les autres sont produits)."),
    jobs: Optional[int] = typer.Option(
        None, "--jobs", "-j", min=1,
        help="Avec --all-territories : nombre de processus en parallèle (par défaut, le nombre de cœurs)."),
) -> None:
    """Le diagnostic territorial : synthèse, évolutions depuis la période précédente, cadrage,
    population, économie, marché du travail, formation, audits agrégés sous secret statistique,
    croisement par métier, annexes."""
    from ...errors import UsageError
    from ...report.diagnostic import render_diagnostic
    from ...store import Store

    check_format_and_lang(fmt, lang)
    if all_territories:
        if territory or out:
            raise UsageError("--all-territories produit un fichier par territoire de gtec.toml ([batch]) : "
                             "il ne se combine ni avec --territory ni avec --out.")
        _all_territories(period, lang, fmt, jobs, internal_named)
        return
    if jobs is not None:
        raise UsageError("--jobs ne s'emploie qu'avec --all-territories.")
    ws = workspace()
    with Store.open(ws.store_path) as store:
        result = render_diagnostic(ws, store, period=period, territory=territory, lang=lang, fmt=fmt,
                                   out=out, internal=internal_named)
    announce("diagnostic", result, internal_named, drops=result.drops,
             suppressed_cells=result.suppressed)


def _all_territories(period, lang, fmt, jobs, internal) -> None:
    """`--all-territories`: one line per territory as it finishes, then a summary; exit 1 when
    one failed (the others are rendered all the same)."""
    from ...formatting import Formatter
    from ...periods import normalise_period
    from ...report.batch import batch_territories, log_failures, render_territories

    ws = workspace()
    territories = batch_territories(ws.settings)
    period = normalise_period(period or ws.default_period())
    number = Formatter("fr").number
    if internal:
        say("ÉDITION INTERNE NOMINATIVE : ne pas diffuser au comité.", style="red")

    def done(report) -> None:
        if report.error:
            say(f"{report.territory} : ÉCHEC après {number(report.seconds)} s — {report.error}", style="red")
        else:
            say(f"{report.territory} : {number(report.seconds)} s → {report.path}")

    result = render_territories(ws, territories, period=period, jobs=jobs, fmt=fmt, lang=lang,
                                internal=internal, on_done=done)
    log = log_failures(ws, result)
    if STATE.json:
        emit_json(result.to_dict())
    else:
        summary = result.to_dict()
        per = summary["seconds_per_territory"]
        say(f"{summary['rendered']} diagnostic(s) sur {len(territories)} pour {period} en "
            f"{number(result.seconds)} s avec {result.jobs} processus"
            + (f" ({number(per)} s de rendu par territoire en moyenne)" if per is not None else "")
            + (f" ; {len(result.failed)} échec(s)" if result.failed else "") + ".",
            style="red" if result.failed else None)
        if log:
            say(f"Trace complète des erreurs dans {log}", style="red")
        for r in result.reports:
            if r.path:
                print(r.path)  # the files on stdout, for scripts
    if result.exit_code:
        raise typer.Exit(result.exit_code)
