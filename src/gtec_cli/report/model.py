"""What a report is made of, already formatted: sections holding paragraphs, tables and figures.

Templates only lay these out; every number in them was turned into text by
:mod:`gtec_cli.formatting`, every table knows its source, vintage and base, and every figure
carries its text alternative and the data table behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..formatting import HIDDEN_STATUSES, MISSING, finite


@dataclass
class Cell:
    """One printed cell: its text and how it is set (number, label, suppressed, missing…)."""

    text: str
    kind: str = "num"  # num, label, head, suppressed, missing, total
    #: The raw figure, for the CSV attached to the PDF (None when hidden or missing).
    raw: object = None
    status: str = "V"
    #: Class of the figure on its table's :class:`HeatScale` (1 = first class; 0 = not coloured).
    heat: int = 0

    @property
    def css(self) -> str:
        """CSS classes of the cell."""
        classes = [self.kind]
        if self.status in HIDDEN_STATUSES:
            classes.append("secret")
        return " ".join(classes)


def label(text: object) -> Cell:
    """A row or column label (escaped by the template like any text)."""
    return Cell("" if text is None else str(text), kind="label", raw=text)


def number_cell(fmt, value, *, kind: str = "integer", digits: int = 1, status: str = "V",
                fragile: bool = False, total: bool = False) -> Cell:
    """A formatted figure; hidden cells keep no raw value, so it cannot reach the attachment.
    A zero has no base to be fragile about: it never carries the dagger."""
    if fragile and finite(value) and float(value) == 0:
        fragile = False
    text = fmt.cell(value, kind=kind, digits=digits, status=status, fragile=fragile)
    if status in HIDDEN_STATUSES:
        return Cell(text, kind="suppressed", raw=None, status=status)
    if text == MISSING:
        return Cell(text, kind="missing", raw=None, status=status)
    return Cell(text, kind="total" if total else "num", raw=value, status=status)


@dataclass
class HeatScale:
    """A heat map printed as the table itself: each coloured cell keeps its figure, the style sheet
    colours it by class (`heat-NAME-K`), and a legend gives the range of each class.

    A table of coloured cells reads like matplotlib's heat map and costs none of its drawing: the
    figures stay text (searchable, selectable, sharp at any zoom) and are printed only once."""

    #: Colour family of the style sheet: `score` (red 1, weakness … green 4, strength) or `tension`.
    name: str
    title: str
    #: Upper bound of each class but the last (a value equal to a bound goes to the next class).
    bounds: list[float]
    #: Printed range of each class, in order (one more than `bounds`).
    legend: list[str]

    def classify(self, value) -> int:
        """Class 1…n of a figure; 0 (not coloured) for a missing or hidden one."""
        if not finite(value):
            return 0
        return 1 + sum(float(value) >= b for b in self.bounds)


@dataclass
class Table:
    """A table with everything a reader needs to trust it."""

    id: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    source: str
    vintage: str = ""
    base: str = ""
    notes: list[str] = field(default_factory=list)
    #: Index of rows printed as totals (bold, rule above).
    total_rows: set[int] = field(default_factory=set)
    number: int = 0
    #: Number of the figure this table gives the data of (0 for a table of its own).
    figure: int = 0
    #: Set when the table is a heat map: its coloured cells carry their class (`Cell.heat`).
    heat: HeatScale | None = None
    #: How to read it (printed under the title, like a figure's reading line).
    reading: str = ""
    block_type = "table"

    @property
    def ref(self) -> str:
        """`T9` for table 9, `G4` for the data of figure 4 (the attached CSV's key)."""
        return f"G{self.figure}" if self.figure else f"T{self.number}"

    @property
    def has_secret(self) -> bool:
        """True when a cell is hidden by statistical secrecy (the template adds the footnote)."""
        return any(c.status in HIDDEN_STATUSES for row in self.rows for c in row)

    @property
    def has_fragile(self) -> bool:
        """True when a figure carries the small-numbers dagger."""
        return any("†" in c.text for row in self.rows for c in row if c.kind != "label")


@dataclass
class Figure:
    """A chart: the image URL served by the fetcher, its text alternative and its data table."""

    id: str
    title: str
    src: str
    alt: str
    table: Table
    number: int = 0
    block_type = "figure"


@dataclass
class Paragraph:
    """A paragraph of running text (escaped)."""

    text: str
    kind: str = "text"  # text, absent, warning, note
    block_type = "paragraph"


@dataclass
class Bullets:
    """A list of short statements (the key findings)."""

    items: list[str]
    block_type = "bullets"


@dataclass
class Section:
    """A numbered section of the report; `absent` says in one line why it has no content."""

    id: str
    title: str
    blocks: list = field(default_factory=list)
    subsections: list["Section"] = field(default_factory=list)
    absent: str | None = None
    number: str = ""

    def add(self, block) -> None:
        """Append a paragraph, table or figure."""
        self.blocks.append(block)

    def tables(self) -> list[Table]:
        """Every table of the section and its subsections, figures' data tables included."""
        out = []
        for block in self.blocks:
            if isinstance(block, Table):
                out.append(block)
            elif isinstance(block, Figure):
                out.append(block.table)
        for sub in self.subsections:
            out.extend(sub.tables())
        return out


def number_blocks(sections: list[Section]) -> None:
    """Number sections (1, 1.2), tables and figures in reading order."""
    counters = {"table": 0, "figure": 0}

    def walk(section: Section, number: str) -> None:
        section.number = number
        for block in section.blocks:
            if block.block_type in counters:
                counters[block.block_type] += 1
                block.number = counters[block.block_type]
                if block.block_type == "figure":
                    block.table.figure = block.number
        for i, sub in enumerate(section.subsections, 1):
            walk(sub, f"{number}.{i}")

    for i, section in enumerate(sections, 1):
        walk(section, str(i))
