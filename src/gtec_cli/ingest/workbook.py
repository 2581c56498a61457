"""Reading a workbook's sheets as grids of raw values, anchored at A1, after the safety checks.

python-calamine reads values 5–10× faster than openpyxl, but it returns Excel error cells
(`#N/A`, `#REF!`) and formulas without a cached value as empty strings, and it aborts the process on
a sheet whose cells span an absurd rectangle. So each sheet's XML is scanned first
(:func:`~gtec_cli.ingest.safety.scan_sheet`): the scan refuses what calamine cannot survive and
finds the cells it would misreport. Formulas are never evaluated.

The sheet names come from `xl/workbook.xml`, so detecting a file's kind does not load calamine
(which parses all shared strings when it opens a workbook).
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Finding, UnreadableFile
from .safety import check_xlsx, scan_sheet

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@dataclass
class Sheet:
    """One sheet: `rows[r][c]` is the raw value of cell (r, c), 0-based from A1."""

    name: str
    rows: list[list]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    #: (row, col) -> why the cell's value cannot be trusted: `#N/A`, or `formula-no-value`.
    bad_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    #: Such cells the scan could not place (files without cell references): reported per sheet.
    unplaced: list[str] = field(default_factory=list)


class Workbook:
    """An opened, checked workbook. Sheets are read on demand by name."""

    def __init__(self, path: Path):
        self.path = Path(path)
        check_xlsx(self.path)
        self._members = _sheet_members(self.path)
        self.sheet_names: list[str] = list(self._members)
        self._book = None

    def _calamine(self):
        if self._book is None:
            import python_calamine

            try:
                self._book = python_calamine.CalamineWorkbook.from_path(str(self.path))
            except Exception as exc:  # calamine raises its own error types for XML/zip faults
                raise UnreadableFile(Finding(
                    code="corrupt-file",
                    message=f"Classeur illisible : {_short(exc)}.",
                    fix="Ouvrez-le dans Excel ou LibreOffice, vérifiez son contenu et enregistrez-le "
                        "à nouveau en .xlsx.",
                    file=self.path.name)) from None
        return self._book

    def close(self) -> None:
        """Release calamine's handle on the file."""
        if self._book is not None:
            try:
                self._book.close()
            except Exception:
                pass
            self._book = None

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def sheet(self, name: str) -> Sheet:
        """Scan the sheet's XML, then read its values with calamine."""
        member = self._members.get(name)
        if member is None:
            raise UnreadableFile(Finding(
                code="corrupt-sheet", message="Feuille introuvable dans la structure du classeur.",
                fix="Ouvrez le classeur dans Excel et enregistrez-le à nouveau.", file=self.path.name,
                sheet=name))
        with zipfile.ZipFile(self.path) as zf:
            if member not in zf.NameToInfo:
                raise UnreadableFile(Finding(
                    code="corrupt-sheet", message="Le contenu de la feuille manque dans l'archive.",
                    fix="Ouvrez le classeur dans Excel et enregistrez-le à nouveau.",
                    file=self.path.name, sheet=name))
            scan = scan_sheet(self.path, zf, member, name)
        book = self._calamine()
        try:
            raw = book.get_sheet_by_name(name)
            rows = raw.to_python(skip_empty_area=False)
            merged = list(raw.merged_cell_ranges or [])
        except Exception as exc:
            raise UnreadableFile(Finding(
                code="corrupt-sheet", message=f"Feuille illisible : {_short(exc)}.",
                fix="Ouvrez le classeur dans Excel, vérifiez la feuille et enregistrez-le à nouveau.",
                file=self.path.name, sheet=name)) from None
        return Sheet(name=name, rows=rows, merged=merged, bad_cells=scan.bad_cells,
                     unplaced=scan.unplaced)


def _sheet_members(path: Path) -> dict[str, str]:
    """Sheet name -> its XML member, in workbook order, through workbook.xml and its relationships."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as zf:
            book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        raise UnreadableFile(Finding(
            code="corrupt-file", message="Structure du classeur illisible (xl/workbook.xml).",
            fix="Ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau en .xlsx.",
            file=path.name)) from None
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for sheet in book.iter(f"{_NS}sheet"):
        target = targets.get(sheet.get(f"{_REL_NS}id")) or ""
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        out[sheet.get("name") or ""] = member
    return out


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
