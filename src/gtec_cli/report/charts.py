"""The report's charts: matplotlib (Agg), one style, PNG at 150 dpi.

PNG rather than SVG: tech-notes.md measured WeasyPrint 25 % faster with PNG charts, and every
chart has its data table printed beside it, so no figure is only in pixels. Each function returns
a :class:`Chart`: the image, its text alternative and that data table. Charts only ever receive
publishable figures: a cell hidden by statistical secrecy is drawn as an `s` label, never as a bar.
Heat maps are not drawn here: they are tables whose cells the style sheet colours
(:class:`gtec_cli.report.model.HeatScale`), which keeps their figures as text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .model import Table

# Figures are built with the object API and the Agg canvas: no pyplot (0.5 s to import, global
# state), no display needed, nothing shared between charts.
rc_context = matplotlib.rc_context

DPI = 150
WIDTH_IN = 6.3  # the A4 text width of report.css (16 cm)
INK = "#1f2d3d"
PRIMARY = "#1f4e79"
ACCENT = "#d9822b"
MEN = "#2f6f9f"     # Insee pyramids: men in blue on the left,
WOMEN = "#c0504d"   # women in red on the right
GREY = "#9aa5b1"
SERIES = (PRIMARY, ACCENT, "#5b8c5a", "#8e6c8a", GREY)

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "axes.titlesize": 8.5,
    "axes.labelsize": 7.5,
    "axes.edgecolor": "#6b7785",
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#e3e7eb",
    "grid.linewidth": 0.6,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
    "legend.frameon": False,
    "legend.fontsize": 7,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "svg.fonttype": "none",
}


@dataclass
class Chart:
    """A chart: its PNG, the text alternative, and the table of the figures drawn."""

    name: str
    png: bytes
    alt: str
    table: Table


# Charts are drawn in the report's own process. A second process drawing them while the data are
# built was tried and measured: with the heat maps drawn as tables, five charts remain, and on two
# cores the process's start-up competed with WeasyPrint (35 % own work with it, 35 % without).


def age_pyramid(name: str, *args, table: Table, alt: str, **kwargs) -> Chart:
    """Age pyramid (see :func:`_draw_age_pyramid`) with its alternative text and data table."""
    return Chart(name, _draw_age_pyramid(*args, **kwargs), alt, table)


def lines(name: str, *args, table: Table, alt: str, **kwargs) -> Chart:
    """Line chart (see :func:`_draw_lines`) with its alternative text and data table."""
    return Chart(name, _draw_lines(*args, **kwargs), alt, table)


def hbars(name: str, *args, table: Table, alt: str, **kwargs) -> Chart:
    """Horizontal bars (see :func:`_draw_hbars`) with its alternative text and data table."""
    return Chart(name, _draw_hbars(*args, **kwargs), alt, table)


def _figure(height: float):
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _png(fig) -> bytes:
    buf = io.BytesIO()
    with rc_context(STYLE):
        fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.04,
                    metadata={"Software": None})
    return buf.getvalue()


def _number_axis(axis, fmt, kind: str = "integer", absolute: bool = False) -> None:
    def tick(value, _pos):
        value = abs(value) if absolute else value
        if kind == "percent":
            return fmt.percent(value, 0)
        return fmt.integer(value)

    axis.set_major_formatter(FuncFormatter(tick))


def _draw_age_pyramid(bands: list[str], lows: list[float], highs: list[float | None],
                men: list[float], women: list[float], *, fmt, xlabel: str,
                legend: tuple[str, str], comparison: tuple[list[float], list[float], str] | None = None,
                open_top: int = 100) -> bytes:
    """Insee-convention pyramid: men left, women right, ages on the vertical axis.

    Values are shares of the total population (%). Bands may have unequal widths (census
    0-19, 20-59, 60-74, 75+): each bar spans its ages and shows the share *per year of age*, so that
    areas, not lengths, compare. An open top band (75+) is drawn up to `open_top`. `comparison`
    outlines another territory's shares (same bands).
    """
    lo = np.asarray(lows, float)
    hi = np.array([h + 1 if h is not None and h == h else max(open_top, lo[i] + 5)
                   for i, h in enumerate(highs)], float)
    width = hi - lo
    dm, dw = np.asarray(men, float) / width, np.asarray(women, float) / width
    with rc_context(STYLE):
        fig, ax = _figure(2.9)
        ax.barh(lo, -dm, height=width, align="edge", color=MEN, edgecolor="white", linewidth=0.5,
                label=legend[0])
        ax.barh(lo, dw, height=width, align="edge", color=WOMEN, edgecolor="white", linewidth=0.5,
                label=legend[1])
        limit = max(dm.max(initial=0), dw.max(initial=0))
        if comparison is not None:
            cm = np.asarray(comparison[0], float) / width
            cw = np.asarray(comparison[1], float) / width
            for values, sign in ((cm, -1), (cw, 1)):
                xs = np.repeat(sign * values, 2)
                ys = np.column_stack([lo, hi]).ravel()
                ax.plot(xs, ys, color=INK, linewidth=0.9)
            ax.plot([], [], color=INK, linewidth=0.9, label=comparison[2])
            limit = max(limit, cm.max(initial=0), cw.max(initial=0))
        limit = (limit or 1) * 1.12
        ax.set_xlim(-limit, limit)
        ax.set_ylim(lo.min(), hi.max())
        ax.set_yticks((lo + hi) / 2, bands)
        ax.tick_params(axis="y", length=0)
        ax.axvline(0, color=INK, linewidth=0.6)
        ax.xaxis.set_major_locator(MaxNLocator(6, symmetric=True, steps=[1, 2, 2.5, 5, 10]))
        digits = 2 if limit < 1 else (1 if limit < 10 else 0)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.number(abs(v), digits)))
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3)
        return _png(fig)


def _draw_lines(series: list[tuple[str, list, list]], *, fmt,
          ylabel: str, kind: str = "number") -> bytes:
    """One line per territory (or measure) over the years."""
    with rc_context(STYLE):
        fig, ax = _figure(2.3)
        for (label_text, xs, ys), color in zip(series, SERIES * 3):
            ax.plot(xs, ys, marker="o", markersize=3, linewidth=1.6, color=color, label=label_text)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: str(int(v))))
        _number_axis(ax.yaxis, fmt, kind)
        ax.set_ylabel(ylabel)
        ax.grid(axis="x", visible=False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _png(fig)


def _draw_hbars(labels: list[str], values: list[float | None], *, fmt,
          xlabel: str, kind: str = "integer", second: list[float | None] | None = None,
          legend: tuple[str, str] | None = None, hidden: list[bool] | None = None,
          color: str = PRIMARY) -> bytes:
    """Horizontal bars, largest on top; `second` overlays a second measure (difficult projects
    within projects). Hidden cells (statistical secrecy) get an `s` and no bar."""
    n = len(labels)
    hidden = hidden or [False] * n
    with rc_context(STYLE):
        fig, ax = _figure(0.22 * n + 0.7)
        y = np.arange(n)[::-1]
        vals = np.array([np.nan if (v is None or h) else float(v) for v, h in zip(values, hidden)])
        ax.barh(y, np.nan_to_num(vals), color=color, height=0.7,
                label=legend[0] if legend else None)
        if second is not None:
            sec = np.array([np.nan if (v is None or h) else float(v) for v, h in zip(second, hidden)])
            ax.barh(y, np.nan_to_num(sec), color=ACCENT, height=0.38,
                    label=legend[1] if legend else None)
        top = np.nanmax(vals) if np.isfinite(vals).any() else 1.0
        for yi, v, h in zip(y, vals, hidden):
            if h:
                ax.text(0, yi, " s", va="center", ha="left", fontsize=7, style="italic")
            elif np.isfinite(v):
                text = fmt.percent(v) if kind == "percent" else (
                    fmt.number(v) if kind == "number" else fmt.integer(v))
                ax.text(v + top * 0.01, yi, text, va="center", ha="left", fontsize=6.5)
        ax.set_yticks(y, [_short(lbl) for lbl in labels])
        ax.set_xlim(0, top * 1.15 or 1)
        _number_axis(ax.xaxis, fmt, kind)
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
        if legend:
            ax.legend(loc="lower right")
        return _png(fig)


def _short(text: str, width: int = 38) -> str:
    """Axis labels stay on one line: long occupation names are cut with an ellipsis."""
    text = str(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"

