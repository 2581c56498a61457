"""Reading a workbook's sheets as grids of raw values, anchored at A1, after the safety checks.

python-calamine reads values 5–10× faster than openpyxl, but it returns Excel error cells
(`#N/A`, `#REF!`) and formulas without a cached value as empty strings. A streaming scan of the
sheet XML finds those cells (cheaply: a byte search first, a parse only when one is present), so
they are reported instead of silently read as blanks. Formulas are never evaluated.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Finding, UnreadableFile
from .safety import check_xlsx, stream_contains

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


class Workbook:
    """An opened, checked workbook. Sheets are read on demand by name."""

    def __init__(self, path: Path):
        self.path = Path(path)
        check_xlsx(self.path)
        import python_calamine

        try:
            self._book = python_calamine.CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:  # calamine raises its own error types for XML/zip faults
            raise UnreadableFile(Finding(
                code="corrupt-file",
                message=f"Classeur illisible : {_short(exc)}.",
                fix="Ouvrez-le dans Excel ou LibreOffice, vérifiez son contenu et enregistrez-le à nouveau en .xlsx.",
                file=self.path.name)) from None
        self.sheet_names: list[str] = list(self._book.sheet_names)
        self._members: dict[str, str] | None = None

    def close(self) -> None:
        try:
            self._book.close()
        except Exception:
            pass

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def sheet(self, name: str) -> Sheet:
        try:
            raw = self._book.get_sheet_by_name(name)
            rows = raw.to_python(skip_empty_area=False)
            merged = list(raw.merged_cell_ranges or [])
        except Exception as exc:
            raise UnreadableFile(Finding(
                code="corrupt-sheet", message=f"Feuille illisible : {_short(exc)}.",
                fix="Ouvrez le classeur dans Excel, vérifiez la feuille et enregistrez-le à nouveau.",
                file=self.path.name, sheet=name)) from None
        return Sheet(name=name, rows=rows, merged=merged, bad_cells=self._bad_cells(name))

    # --- the XML scan for error cells and formulas without cached values -----------------------
    def _member_of(self, sheet_name: str) -> str | None:
        if self._members is None:
            self._members = _sheet_members(self.path)
        return self._members.get(sheet_name)

    def _bad_cells(self, sheet_name: str) -> dict[tuple[int, int], str]:
        member = self._member_of(sheet_name)
        if member is None:
            return {}
        with zipfile.ZipFile(self.path) as zf:
            found = stream_contains(zf, member, (b't="e"', b"<f>", b"<f ", b"<f/>"))
            if not found:
                return {}
            return _scan_cells(zf, member)


def _sheet_members(path: Path) -> dict[str, str]:
    """Sheet name -> its XML member, through workbook.xml and its relationships."""
    from defusedxml import ElementTree

    with zipfile.ZipFile(path) as zf:
        try:
            book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        except Exception:
            return {}
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for sheet in book.iter(f"{_NS}sheet"):
        target = targets.get(sheet.get(f"{_REL_NS}id"))
        if target:
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
            out[sheet.get("name")] = member
    return out


def _scan_cells(zf: zipfile.ZipFile, member: str) -> dict[tuple[int, int], str]:
    from defusedxml.ElementTree import iterparse

    bad: dict[tuple[int, int], str] = {}
    with zf.open(member) as fh:
        for _event, elem in iterparse(fh, events=("end",)):
            if elem.tag != f"{_NS}c":
                if elem.tag == f"{_NS}row":
                    elem.clear()
                continue
            ref = elem.get("r")
            value = elem.find(f"{_NS}v")
            text = value.text if value is not None else None
            if elem.get("t") == "e":
                bad[_parse_ref(ref)] = (text or "#ERREUR").strip()
            elif elem.find(f"{_NS}f") is not None and (text is None or text == ""):
                bad[_parse_ref(ref)] = "formula-no-value"
    return bad


def _parse_ref(ref: str) -> tuple[int, int]:
    col = 0
    i = 0
    while i < len(ref) and ref[i].isalpha():
        col = col * 26 + ord(ref[i].upper()) - 64
        i += 1
    return int(ref[i:]) - 1, col - 1


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
