"""What every command shares: the global options, the consoles, JSON output and error rendering.

Human output goes to stderr, machine output (`--json`) to stdout as one JSON document. Heavy
libraries (pandas, weasyprint, matplotlib) are imported inside commands, so `gtec --help` is instant.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape


@dataclass
class Globals:
    workspace: Path | None = None
    json: bool = False
    quiet: bool = False
    debug: bool = False


STATE = Globals()
err = Console(stderr=True, highlight=False, soft_wrap=True)


def say(text: str = "", *, style: str | None = None) -> None:
    """A line for people (stderr), escaped so data in it cannot restyle the terminal."""
    if STATE.quiet and style != "red":
        return
    err.print(escape(text), style=style)


def emit_json(document) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def show_progress() -> bool:
    return not STATE.quiet and not STATE.json and sys.stderr.isatty()


def workspace():
    from ..workspace import Workspace

    return Workspace.locate(STATE.workspace)


def print_report(report, *, max_lines: int = 40) -> None:
    """Findings of one file, errors first, each on one line a person can act on."""
    order = {"error": 0, "warning": 1, "info": 2}
    findings = sorted(report.findings, key=lambda f: order[f.severity])
    shown = 0
    for f in findings:
        if shown >= max_lines:
            break
        tag = {"error": "ERREUR", "warning": "attention", "info": "info"}[f.severity]
        style = {"error": "red", "warning": "yellow", "info": "dim"}[f.severity]
        err.print(f"  [{style}]{tag}[/] " + escape(f.render()))
        shown += 1
    rest = report.n_added - shown
    if rest > 0:
        err.print(f"  … {rest} autre(s) constat(s) non affiché(s) (voir --json ou --annotate).")
