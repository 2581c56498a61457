"""Everything a section builder needs: the loaded data, the indicators, the words and formats, the
charts drawn so far and the tables protected by statistical secrecy."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import nomenclatures as nom
from ..formatting import Formatter, finite
from ..settings import Settings
from .i18n import Text
from .model import Figure, HeatScale, Table


@dataclass
class ReportContext:
    """One report being built."""

    root: Path
    settings: Settings
    period: str
    lang: str
    internal: bool
    frames: dict[str, pd.DataFrame]
    drops: list
    #: "pdf": charts are served by the fetcher (`gtec-chart:`); "html": embedded as data URIs.
    output: str = "pdf"
    charts: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    protected: dict = field(default_factory=dict)
    #: Key findings gathered while sections are built, for the summary: (order, sentence).
    findings: list[tuple[int, str]] = field(default_factory=list)
    #: The latest earlier period with audits or an observatory workbook, and how to load it.
    previous_period: str | None = None
    load_previous: object = None
    #: File name of the CSV attached to the PDF.
    attachment_name: str = "gtec-diagnostic.csv"
    #: Printed label of each audited skill key (set when the audit tables are protected).
    skill_labels: dict[str, str] = field(default_factory=dict)
    #: Hidden printed cells by rule (A, B, D), filled by the secrecy annex.
    secrecy_totals: dict[str, int] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict)
    _ids: dict[str, int] = field(default_factory=dict)
    _fap_labels: dict | None = None

    def __post_init__(self):
        self.fmt = Formatter(self.lang)
        self.t = Text(self.lang)

    # --- identity of the territory ----------------------------------------------------------
    @property
    def territory(self) -> str:
        """The workspace territory as the indicators label it (code, or name of a commune list)."""
        t = self.settings.territory
        return t.code or t.name

    @property
    def chain(self) -> list[str]:
        """The territory then its comparison territories."""
        return [x for x in dict.fromkeys([self.territory, *self.settings.territory.comparisons]) if x]

    def territory_label(self, code: object) -> str:
        """A reader's name for a territory reference: the workspace's own name, else the mesh and
        the code (`département 52`)."""
        if not isinstance(code, str) or not code:
            return "—"
        if code == self.territory:
            return self.settings.territory.name
        if code == "fr":
            return "France"
        mesh, _, value = code.partition(":")
        mesh_name = nom.MESHES.get(mesh, mesh)
        if self.lang == "en":
            mesh_name = {"région": "region", "département": "département",
                         "zone d'emploi": "employment zone", "bassin d'emploi BMO": "BMO area",
                         "commune": "municipality"}.get(mesh_name, mesh_name)
        return f"{mesh_name} {value}"

    # --- indicators ---------------------------------------------------------------------------
    def indicator(self, name: str, by: tuple[str, ...] = ()) -> pd.DataFrame:
        """An indicator's result on the report's data (computed once per `by`)."""
        key = (name, tuple(by))
        if key not in self._cache:
            from ..indicators import compute_frames

            self._cache[key] = compute_frames(self.frames, self.settings, [name],
                                              by=list(by) or None)[name]
        return self._cache[key]

    def frame(self, table: str) -> pd.DataFrame:
        """A loaded store table (empty when the report has none of it)."""
        return self.frames.get(table, pd.DataFrame())

    # --- blocks -------------------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        """A unique HTML id (`tab-3`)."""
        self._ids[prefix] = self._ids.get(prefix, 0) + 1
        return f"{prefix}-{self._ids[prefix]}"

    def figure(self, chart, title: str) -> Figure:
        """Register a chart's image and wrap it with its title, alternative text and data table."""
        self.charts[chart.name] = (chart.png, "image/png")
        if self.output == "html":
            src = "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
        else:
            src = f"gtec-chart:{chart.name}"
        return Figure(id=self.new_id("fig"), title=title, src=src, alt=chart.alt, table=chart.table)

    def table(self, title: str, columns: list[str], rows: list, *, source: str, vintage: str = "",
              base: str = "", notes: list[str] | None = None, total_rows: set[int] | None = None,
              heat: HeatScale | None = None, reading: str = "") -> Table:
        """A table with a fresh id. With `heat`, it is a heat map: every published figure is
        coloured by its class on that scale (hidden and missing cells stay white)."""
        if heat is not None:
            for row in rows:
                for cell in row:
                    if cell.kind in ("num", "total") and cell.status == "V":
                        cell.heat = heat.classify(cell.raw)
        return Table(id=self.new_id("tab"), title=title, columns=columns, rows=rows, source=source,
                     vintage=vintage, base=base, notes=list(notes or []),
                     total_rows=set(total_rows or ()), heat=heat, reading=reading)

    def heat_scale(self, name: str, title: str, bounds: list[float], *, digits: int = 1) -> HeatScale:
        """A colour scale of the style sheet (`score`, `tension`) cut at `bounds`, with its legend:
        whole classes (1, 2, …) when the bounds are consecutive integers, ranges otherwise."""
        f = self.fmt
        if all(float(b).is_integer() for b in bounds) and \
                all(b2 - b1 == 1 for b1, b2 in zip(bounds, bounds[1:])):
            legend = [f.integer(bounds[0] - 1), *(f.integer(b) for b in bounds)]
        else:
            edges = [f.number(b, digits) for b in bounds]
            legend = [f"< {edges[0]}", *(f"{a} – {b}" for a, b in zip(edges, edges[1:])), f"≥ {edges[-1]}"]
        return HeatScale(name=name, title=title, bounds=list(bounds), legend=legend)

    def finding(self, order: int, sentence: str) -> None:
        """A key finding for the summary (sorted by `order`, the order of the sections)."""
        self.findings.append((order, sentence))

    @property
    def audit_source(self) -> str:
        """Source line of tables built from the audits."""
        return self.t.f("audit_source", period=self.fmt.period(self.period))

    def fragile_companies(self, n) -> bool:
        """Below the small-numbers threshold in companies (the dagger)."""
        return finite(n) and float(n) < self.settings.small_numbers.min_companies

    def fragile_people(self, n) -> bool:
        """Below the small-numbers threshold in people."""
        return finite(n) and float(n) < self.settings.small_numbers.min_people
