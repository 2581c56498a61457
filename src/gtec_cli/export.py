"""Writing tables for analysts: CSV, JSON, Excel, Parquet.

Exported cells are untrusted text (company answers, file contents). Following the OWASP guidance
on CSV injection, text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed
with a single quote in CSV and Excel outputs, so a spreadsheet never runs it as a formula; numbers
(including negative ones) are numbers, not text, and are never touched. Excel files are written
with xlsxwriter cell by cell: text as text (`write_string`), never as a formula, a number or a URL.

CSV flavours: by default UTF-8, `,` and a decimal point, for scripts (pandas, R, csvkit). With
`excel_fr`, what French Excel opens correctly on a double click: a UTF-8 byte-order mark (else
accents break), `;` between fields (the French list separator) and a decimal comma.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from .errors import UsageError

FORMATS = ("csv", "json", "xlsx", "parquet")
#: Characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_576
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula, prefixed with `'`; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where every text cell is neutralised; numeric columns are left as they are."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype.kind in "iufb" or isinstance(out[col].dtype, pd.BooleanDtype):
            continue
        if pd.api.types.is_numeric_dtype(out[col].dtype):
            continue
        out[col] = out[col].astype(object).map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _plain(value: object) -> object:
    """A JSON-ready Python scalar: NaN/NA -> None, numpy scalars -> Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.generic,)):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    return value


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values (the JSON export and `--json`)."""
    cols = list(df.columns)
    return [{str(c): _plain(v) for c, v in zip(cols, row)}
            for row in df.astype(object).itertuples(index=False, name=None)]


def write_csv(df: pd.DataFrame, target: str | Path | IO[str], *, excel_fr: bool = False) -> None:
    """CSV, neutralised; `excel_fr` for French Excel (BOM, `;`, decimal comma)."""
    out = neutralise_frame(df)
    options = dict(index=False, lineterminator="\r\n" if excel_fr else "\n")
    if excel_fr:
        options.update(sep=";", decimal=",")
    if isinstance(target, (str, Path)):
        out.to_csv(target, encoding="utf-8-sig" if excel_fr else "utf-8", **options)
    else:
        if excel_fr:
            target.write("\ufeff")
        out.to_csv(target, **options)


def write_json(df: pd.DataFrame, target: str | Path | IO[str]) -> None:
    """JSON: a list of records, missing values as null."""
    text = json.dumps(records(df), ensure_ascii=False, indent=2, default=str) + "\n"
    if isinstance(target, (str, Path)):
        Path(target).write_text(text, encoding="utf-8")
    else:
        target.write(text)


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("_", name).strip("'")[:31] or "Feuille"
    candidate, i = base, 2
    while candidate.lower() in used:
        suffix = f" ({i})"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


def write_xlsx(sheets: Mapping[str, pd.DataFrame] | pd.DataFrame, target: str | Path | IO[bytes]) -> None:
    """Excel workbook, one sheet per table: text cells written as text, never as formulas."""
    import xlsxwriter

    if isinstance(sheets, pd.DataFrame):
        sheets = {"donnees": sheets}
    for name, df in sheets.items():
        if len(df) + 1 > EXCEL_MAX_ROWS:
            raise UsageError(f"{name} : {len(df)} lignes, plus qu'une feuille Excel n'en contient "
                             f"({EXCEL_MAX_ROWS - 1}). Exportez en csv ou parquet.")
    book = xlsxwriter.Workbook(target, {
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        "nan_inf_to_errors": False, "constant_memory": False,
    })
    bold = book.add_format({"bold": True})
    used: set[str] = set()
    try:
        for name, df in sheets.items():
            ws = book.add_worksheet(_sheet_name(str(name), used))
            for j, col in enumerate(df.columns):
                ws.write_string(0, j, str(neutralise(str(col))), bold)
                ws.set_column(j, j, min(max(len(str(col)) + 2, 10), 40))
            for i, row in enumerate(df.astype(object).itertuples(index=False, name=None), start=1):
                for j, value in enumerate(row):
                    _write_cell(ws, i, j, _plain(value))
            ws.freeze_panes(1, 0)
    finally:
        book.close()


def _write_cell(ws, i: int, j: int, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(i, j, value)
    elif isinstance(value, (int, float)):
        ws.write_number(i, j, value)
    else:
        ws.write_string(i, j, str(neutralise(str(value))))


def write_parquet(df: pd.DataFrame, target: str | Path | IO[bytes]) -> None:
    """Parquet through pyarrow (optional dependency: `pip install 'gtec[parquet]'`)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise UsageError("Le format parquet demande le paquet pyarrow : pip install 'gtec[parquet]' "
                         "(ou choisissez --format csv, json ou xlsx).") from None
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            kinds = {type(v) for v in out[col].dropna()}
            if len(kinds) > 1:
                # Arrow columns have one type: a column mixing text and numbers becomes text.
                out[col] = out[col].map(lambda v: None if v is None or v is pd.NA or v != v else str(v))
    out.to_parquet(target, index=False)


def export(data: pd.DataFrame | Mapping[str, pd.DataFrame], fmt: str, out: str | Path | None = None,
           *, excel_fr: bool = False, stdout: IO[str] | None = None) -> None:
    """Write `data` (one table, or several named tables for xlsx) in `fmt` to `out` or stdout.

    Several tables in a single-table format (csv, json, parquet) are stacked; their `indicator`
    column tells them apart."""
    if fmt not in FORMATS:
        raise UsageError(f"Format inconnu : {fmt!r}. Formats : {', '.join(FORMATS)}.")
    if excel_fr and fmt != "csv":
        raise UsageError("--excel-fr ne s'applique qu'au format csv.")
    if isinstance(data, Mapping) and fmt != "xlsx":
        frames = [d for d in data.values() if not d.empty]
        data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if fmt in ("xlsx", "parquet") and out is None:
        raise UsageError(f"Le format {fmt} est binaire : indiquez le fichier avec --out.")
    if out is not None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        write_csv(data, out if out is not None else stdout, excel_fr=excel_fr)
    elif fmt == "json":
        write_json(data, out if out is not None else stdout)
    elif fmt == "xlsx":
        write_xlsx(data, out)
    else:
        write_parquet(data, out)


def csv_text(df: pd.DataFrame, *, excel_fr: bool = False) -> str:
    """The CSV export as a string (tests, previews)."""
    buffer = io.StringIO()
    write_csv(df, buffer, excel_fr=excel_fr)
    return buffer.getvalue()
