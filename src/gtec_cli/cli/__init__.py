"""The `gtec` command: a thin layer over the library.

Each command opens the workspace, calls one library function and renders its result. Known
failures (:class:`~gtec_cli.errors.GtecError`) end with their exit code and one line; anything else
is an internal error (exit 70) whose traceback goes to a log file, not the terminal.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Optional

import typer

from .. import __version__
from ..errors import EXIT_INTERNAL, GtecError
from .common import STATE, err, say

app = typer.Typer(
    name="gtec",
    help=(
        "gtec : gestion territoriale des emplois et des compétences.\n\n"
        "Rassemble les chiffres de l'observatoire, les fichiers publics (BMO, Dares, Insee) et les "
        "audits d'entreprises d'un territoire, calcule les indicateurs (difficultés de recrutement, "
        "vieillissement, écarts de compétences) et produit le diagnostic et le plan d'action pour le "
        "comité de pilotage.\n\n"
        "Pour commencer : gtec init MON_TERRITOIRE, puis gtec template audit, puis gtec ingest FICHIERS."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"gtec {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    workspace: Optional[Path] = typer.Option(
        None, "--workspace", "-w", envvar="GTEC_WORKSPACE",
        help="Dossier de l'espace de travail (par défaut : GTEC_WORKSPACE, sinon le dossier courant).",
    ),
    json_output: bool = typer.Option(False, "--json", help="Écrire le résultat en JSON sur la sortie standard."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="N'afficher que les erreurs."),
    debug: bool = typer.Option(False, "--debug", help="Afficher la trace complète en cas d'erreur interne."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Afficher la version de gtec."),
) -> None:
    STATE.workspace = workspace
    STATE.json = json_output
    STATE.quiet = quiet
    STATE.debug = debug


from . import commands  # noqa: E402,F401  (registers the commands on `app`)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `gtec` script; returns the process exit code."""
    try:
        # Without standalone mode, click returns the code of a `typer.Exit` instead of raising it.
        code = app(args=argv, standalone_mode=False)
        return code if isinstance(code, int) else 0
    except typer.Exit as exc:
        return exc.exit_code
    except GtecError as exc:
        err.print(f"[red]Erreur :[/] {_escape(str(exc))}")
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("Interrompu.")
        return 130
    except typer.Abort:
        return 1
    except Exception as exc:  # noqa: BLE001 - the contract: one line, the log has the rest
        usage = _click_exceptions()
        if usage is not None and isinstance(exc, usage.ClickException):
            if isinstance(exc, getattr(usage, "NoArgsIsHelpError", ())):
                exc.show()
                return 0 if not argv and len(sys.argv) <= 1 else exc.exit_code
            exc.show()
            return exc.exit_code  # 2 for usage errors
        return _internal_error(exc)


def _click_exceptions():
    """Typer ≥ 0.20 vendors click as `typer._click`; older releases depend on click itself."""
    try:
        from typer._click import exceptions
    except ImportError:
        try:
            from click import exceptions
        except ImportError:
            return None
    return exceptions


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _internal_error(exc: BaseException) -> int:
    log = _error_log_path()
    try:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"--- gtec {__version__} {' '.join(sys.argv)}\n")
            traceback.print_exception(exc, file=fh)
        where = f" ; trace complète dans {log}"
    except OSError:
        where = ""
    if STATE.debug:
        traceback.print_exception(exc)
    err.print(f"[red]Erreur interne de gtec[/] ({type(exc).__name__}: {_escape(str(exc))[:200]}){where}")
    return EXIT_INTERNAL


def _error_log_path() -> Path:
    try:
        from ..workspace import Workspace

        ws = Workspace.locate(STATE.workspace)
        folder = ws.folder("logs")
        folder.mkdir(parents=True, exist_ok=True)
        return folder / "gtec-errors.log"
    except Exception:
        return Path(tempfile.gettempdir()) / f"gtec-errors-{os.getuid()}.log"


def run() -> None:
    sys.exit(main())
