"""`gtec validate --annotate`: a copy of the workbook with each faulty cell highlighted and
commented, to send back to whoever filled it. The original file is never modified."""

from __future__ import annotations

from pathlib import Path

from ..errors import Report

_FILL = {"error": "FFC7CE", "warning": "FFEB9C"}


def annotated_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.annote{path.suffix}")


def annotate_workbook(path: Path, report: Report, out: Path | None = None) -> Path | None:
    """Write the annotated copy; return its path, or None if the file cannot be opened safely.

    Only called on files that passed the archive checks (the report would say otherwise), so
    openpyxl never sees a bomb.
    """
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    if any(f.code in ("zip-bomb", "huge-dimension", "corrupt-file", "password-protected", "legacy-xls",
                      "not-a-workbook", "empty-file", "xlsb", "file-too-large") for f in report.findings):
        return None
    try:
        book = load_workbook(path)  # keeps formulas as written: nothing is evaluated
    except Exception:
        return None
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


def _safe(text: str) -> str:
    """A message written into a cell must never become a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
