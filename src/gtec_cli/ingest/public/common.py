"""What the public-file kinds share: reading a published CSV with its header mapped, parsing whole
columns at once, and reporting each quirk once with its count.

Published CSVs are large (31 000 rows for the Dares tensions) and regular: parsing them column by
column with pandas takes milliseconds where a cell-by-cell parse takes seconds. Problems stay
located: the first bad cells of a column are reported with their line, the others are counted.
Codes are always read as text (`0203` keeps its zero, `2A` stays a code).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ...errors import Report, cell_ref
from ..kinds import Probe
from ..values import MASKED, norm_text

#: Bad cells of one column reported one by one; beyond this they are counted in one finding.
LOCATED = 20
#: Spellings of "no value" in published CSVs (R writes `NA`).
MISSING = frozenset({"", "na", "nan", "n/a", "null"})
_SPACES = r"[\s\u00a0\u202f\u2009']"


def delimiter(line: str) -> str:
    """The field separator of a CSV header line: the most frequent of `;`, `,` and tab."""
    counts = {sep: line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def header_names(probe: Probe) -> list[str]:
    """The normalised column names of a text file's first line (empty for workbooks)."""
    if probe.format != "text" or not probe.head_lines:
        return []
    line = probe.head_lines[0].lstrip("\ufeff").rstrip("\r\n")
    return [norm_text(h.strip().strip('"')) for h in line.split(delimiter(line))]


@dataclass
class TextTable:
    """A CSV read as text: columns renamed to canonical names, where each came from."""

    frame: pd.DataFrame
    positions: dict[str, int]
    headers: dict[str, str]
    name: str

    def line(self, index: int) -> int:
        """Line number in the file (the header is line 1) of the row with this index."""
        return int(index) + 2

    def cell(self, column: str, index: int) -> str:
        """Spreadsheet reference of a cell, as the CSV shows when opened in a spreadsheet."""
        return cell_ref(self.line(index) - 1, self.positions[column])


def read_text_table(path: Path, probe: Probe, report: Report, columns: dict[str, tuple[str, ...]],
                    required: tuple[str, ...], *, sep: str | None = None) -> TextTable | None:
    """Read a CSV as text and map its headers (compared in normal form: case, accents and
    trailing spaces do not matter) to canonical names. Missing required columns are errors and
    return None; unknown columns are ignored with one warning."""
    frame = load_csv(path, probe, report, sep=sep)
    if frame is None:
        return None
    aliases = {norm_text(a): name for name, names in columns.items() for a in (name, *names)}
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    renamed: dict[str, str] = {}
    ignored: list[str] = []
    for i, raw in enumerate(frame.columns):
        name = aliases.get(norm_text(raw))
        if name is None:
            if str(raw).strip():
                ignored.append(str(raw).strip())
            continue
        if name in positions:
            report.error("duplicate-header", f"Deux colonnes portent l'en-tête de « {name} ».",
                         cell=cell_ref(0, i), column=str(raw),
                         fix="Gardez une seule colonne de ce nom.")
            return None
        positions[name], headers[name], renamed[raw] = i, str(raw), name
    missing = [name for name in required if name not in positions]
    for name in missing:
        report.error("missing-column", f"Colonne obligatoire absente : « {columns[name][0]} ».",
                     cell="A1", fix="Vérifiez que c'est bien le fichier attendu, avec sa ligne d'en-tête.")
    if missing:
        return None
    if ignored:
        report.warning("ignored-column", f"{len(ignored)} colonne(s) non reconnue(s), ignorée(s) : "
                       f"{', '.join(ignored[:8])}" + ("…" if len(ignored) > 8 else ""))
    frame = frame[list(renamed)].rename(columns=renamed)
    return TextTable(frame=frame, positions=positions, headers=headers, name=path.name)


def load_csv(path: Path, probe: Probe, report: Report, *, sep: str | None = None) -> pd.DataFrame | None:
    """A CSV as a DataFrame of text (codes keep their zeros), in the encoding the probe found;
    None, with an error in the report, when it cannot be parsed."""
    encoding = probe.encoding or "utf-8"
    if sep is None:
        sep = delimiter(probe.head_lines[0]) if probe.head_lines else ","
    try:
        try:
            return _read_csv(path, sep, encoding)
        except UnicodeDecodeError:
            # The first 4 kB looked like UTF-8 but a later byte is not: Windows-1252 reads any byte.
            frame = _read_csv(path, sep, "cp1252")
            report.warning("encoding", f"Le fichier n'est pas entièrement en {encoding} : lu en "
                           "Windows-1252.", fix="Vérifiez les accents ; enregistrez le fichier en UTF-8.")
            return frame
    except (pd.errors.ParserError, ValueError) as exc:
        report.error("malformed-csv", f"CSV illisible : {str(exc).strip().splitlines()[0][:160]}.",
                     fix="Vérifiez le séparateur et les guillemets du fichier.")
        return None


def _read_csv(path: Path, sep: str, encoding: str) -> pd.DataFrame:
    return pd.read_csv(path, sep=sep, dtype=str, encoding=encoding, keep_default_na=False,
                       na_filter=False, engine="c")


def report_cells(report: Report, table: TextTable, column: str, mask: pd.Series, *, code: str,
                 message: str, fix: str | None = None, severity: str = "error") -> int:
    """Report the cells of `column` where `mask` holds: the first ones located, the rest counted.
    Returns how many there are."""
    indices = mask[mask].index
    for index in indices[:LOCATED]:
        value = table.frame.at[index, column]
        report.add_finding(code=code, severity=severity, message=f"Ligne {table.line(index)} : {message}",
                           cell=table.cell(column, index), column=table.headers[column],
                           value=str(value), fix=fix)
    rest = len(indices) - LOCATED
    if rest > 0:
        report.add_finding(code=code, severity=severity, message=f"Autres lignes : {message}",
                           column=table.headers[column], fix=fix, count=rest)
    return len(indices)


@dataclass
class Numbers:
    """A column parsed as numbers: values (NaN where none), and which cells were masked or empty."""

    values: pd.Series
    masked: pd.Series
    missing: pd.Series


def numbers(table: TextTable, column: str, report: Report, *, lo: float | None = None,
            hi: float | None = None, integer: bool = False, what: str = "Nombre") -> Numbers:
    """Parse a column of numbers written as text (`16,61`, `3.0`, `44.0`, `1 234`).

    Empty and `NA` cells are missing; `*`, `s`, `nd`… are masked (both NaN, never 0); anything else
    that is not a number in range is a located error and read as NaN.
    """
    s = table.frame[column].str.strip()
    low = s.str.lower()
    missing = low.isin(MISSING)
    masked = low.isin(MASKED) & ~missing
    text = s.str.replace(_SPACES, "", regex=True)
    comma = text.str.contains(",", regex=False) & ~text.str.contains(".", regex=False)
    text = text.where(~comma, text.str.replace(",", ".", regex=False))
    values = pd.to_numeric(text.where(~(missing | masked), ""), errors="coerce").astype("float64")
    bad = ~(missing | masked) & values.isna()
    if bad.any():
        report_cells(report, table, column, bad, code="type-error", message=f"{what} attendu.",
                     fix="Le fichier a été modifié ? Repartez du fichier publié.")
    out = values.notna() & (
        (values < lo if lo is not None else False) | (values > hi if hi is not None else False)
        | ((values != values.round()) if integer else False))
    if out.any():
        span = f" de {lo:g} à {hi:g}" if lo is not None and hi is not None else ""
        report_cells(report, table, column, out, code="out-of-range",
                     message=f"{what} hors des valeurs admises ({'entier' if integer else 'nombre'}{span}).",
                     fix="Vérifiez la valeur dans le fichier publié.")
        values = values.where(~out)
    return Numbers(values=values, masked=masked, missing=missing)


def classes(table: TextTable, column: str, report: Report, what: str) -> Numbers:
    """A 1–5 class column (`3.0` or `3`) as nullable integers."""
    parsed = numbers(table, column, report, lo=1, hi=5, integer=True, what=what)
    parsed.values = parsed.values.round().astype("Int64")
    return parsed


def counted(report: Report, code: str, message: str, count: int, *, severity: str = "warning",
            fix: str | None = None) -> None:
    """One finding that stands for `count` rows or cells (nothing when count is 0); the count is
    shown after the message (`×13891`), so the message does not repeat it."""
    if count:
        report.add_finding(code=code, severity=severity, message=message, fix=fix, count=count)


def fmt(n: int) -> str:
    """`31 034`: French thousands separator (narrow no-break space)."""
    return f"{n:,}".replace(",", "\u202f")


def storable(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable integer columns as Python ints and None: the store binds values as they are, and
    SQLite cannot bind pandas' `<NA>`."""
    for column in frame.columns:
        series = frame[column]
        if isinstance(series.dtype, pd.api.extensions.ExtensionDtype) and series.dtype.kind in "iub":
            frame[column] = pd.Series([None if v is pd.NA else int(v) for v in series.tolist()],
                                      index=frame.index, dtype=object)
    return frame
