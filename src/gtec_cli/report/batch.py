"""The reports of a period in one call (used by `gtec refresh`)."""

from __future__ import annotations

from pathlib import Path


def render_period_reports(ws, store, period: str) -> list[Path]:
    """Render the committee editions of the period's diagnostic and, when the plan module is
    installed, its action plan; returns the files written."""
    from .diagnostic import render_diagnostic

    written = [render_diagnostic(ws, store, period=period).path]
    try:
        from ..plan.report import default_output, render_plan
    except ImportError:  # the plan report is optional for the diagnostic
        return written
    out = default_output(ws, period)
    render_plan(store, period, out, settings=ws.settings, workspace_root=ws.root)
    written.append(out)
    return written
