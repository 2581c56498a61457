"""`gtec validate --annotate`: a copy of the workbook with each faulty cell highlighted and
commented, to send back to whoever filled it. The original file is never modified."""

from __future__ import annotations

from pathlib import Path

from ..errors import Report

_FILL = {"error": "FFC7CE", "warning": "FFEB9C"}
#: Findings that mean the file was not opened safely: openpyxl must not open it either.
UNSAFE = frozenset({"zip-bomb", "huge-dimension", "huge-row", "xml-entities", "corrupt-file",
                    "corrupt-sheet", "password-protected", "legacy-xls", "not-a-workbook",
                    "empty-file", "xlsb", "file-too-large"})


#: openpyxl loads a whole workbook in memory (about 10 times its XML): beyond this much XML the
#: annotated copy is not written (the listed errors say the same, cell by cell).
MAX_ANNOTATED_BYTES = 60 * 1024 * 1024


def _inflated_size(path: Path) -> int:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError):
        return MAX_ANNOTATED_BYTES + 1


def annotated_path(path: Path) -> Path:
    """Where the annotated copy of `path` goes: `name.annote.xlsx` beside it."""
    return path.with_name(f"{path.stem}.annote{path.suffix}")


def annotate_workbook(path: Path, report: Report, out: Path | None = None) -> Path | None:
    """Write the annotated copy; return its path, or None if the file cannot be opened safely.

    Only called on files that passed the archive checks (the report would say otherwise), so
    openpyxl never sees a bomb.
    """
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    if any(f.code in UNSAFE for f in report.findings) or any(c in UNSAFE for c in report.counts):
        return None
    if _inflated_size(path) > MAX_ANNOTATED_BYTES:
        return None  # openpyxl would take minutes and gigabytes: the error list has it all
    try:
        book = load_workbook(path)  # keeps formulas as written: nothing is evaluated
    except Exception:
        return None
    _blank_personal_columns(book, report)
    located = [f for f in report.findings if f.sheet and f.cell and f.severity in _FILL]
    by_cell: dict[tuple[str, str], list] = {}
    for f in located:
        by_cell.setdefault((f.sheet, f.cell), []).append(f)
    for (sheet, cell), findings in by_cell.items():
        if sheet not in book.sheetnames:
            continue
        ws = book[sheet]
        severity = "error" if any(f.severity == "error" for f in findings) else "warning"
        target = ws[cell]
        target.fill = PatternFill("solid", start_color=_FILL[severity], end_color=_FILL[severity])
        text = "\n".join(
            f"{'ERREUR' if f.severity == 'error' else 'Attention'} : {f.message}"
            + (f"\n→ {f.fix}" if f.fix else "") for f in findings)
        comment = Comment(text[:30000], "gtec")
        comment.width, comment.height = 320, 160
        target.comment = comment
    if "Erreurs gtec" not in book.sheetnames:
        summary = book.create_sheet("Erreurs gtec", 0)
        summary.append(["Feuille", "Cellule", "Gravité", "Problème", "Comment corriger"])
        for f in report.findings:
            if f.severity in _FILL:
                summary.append([f.sheet or "", f.cell or "", f.severity, _safe(f.message), _safe(f.fix or "")])
        summary.column_dimensions["D"].width = 80
        summary.column_dimensions["E"].width = 80
    target_path = out or annotated_path(path)
    book.save(target_path)
    return target_path


def _blank_personal_columns(book, report: Report) -> None:
    """Empty the cells of refused personal-identifier columns: gtec never writes them anywhere,
    the annotated copy included (the header stays, highlighted, with the comment saying why)."""
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    for f in report.findings:
        if f.code != "personal-identifier" or not f.sheet or not f.cell or f.sheet not in book.sheetnames:
            continue
        ws = book[f.sheet]
        letters, header_row = coordinate_from_string(f.cell)
        col = column_index_from_string(letters)
        for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=col, max_col=col):
            if cell.value is not None:
                try:
                    cell.value = None
                except AttributeError:  # the hidden part of a merged cell holds no value
                    pass


def _safe(text: str) -> str:
    """A message written into a cell must never become a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
