"""Where a report comes from: gtec version, settings, drops, and the CSV of its tables.

The CSV attached to the PDF holds exactly what the report prints: hidden cells are empty (their
status says why), and text that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import csv
import io

from ..formatting import HIDDEN_STATUSES

#: Leading characters that make Excel or LibreOffice read a cell as a formula (product.md).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: object) -> object:
    """Prefix text that looks like a formula with an apostrophe; numbers pass unchanged."""
    if isinstance(text, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def settings_rows(settings) -> list[tuple[str, str]]:
    """Every setting as (`section.key`, value), in the order of gtec.toml."""
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else key, sub)
        elif isinstance(value, list):
            rows.append((prefix, ", ".join(str(v) for v in value) or "[]"))
        else:
            rows.append((prefix, "" if value is None else str(value)))

    walk("", settings.model_dump())
    return rows


def tables_csv(tables) -> bytes:
    """All printed tables in one long CSV (UTF-8 with BOM, `;`-separated as French Excel expects).

    One line per printed cell: table reference (`T9`, or `G4` for the data of figure 4) and title, the row's labels, the column, the value
    (empty when hidden or missing), the text as printed, the secrecy status, source, vintage, base.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(["tableau", "titre", "ligne", "colonne", "valeur", "texte_imprime", "statut",
                     "source", "millesime", "champ"])
    for table in tables:
        for row in table.rows:
            labels = " | ".join(c.text for c in row if c.kind == "label")
            for column, cell in zip(table.columns, row):
                if cell.kind == "label":
                    continue
                raw = None if cell.status in HIDDEN_STATUSES else cell.raw
                if isinstance(raw, float) and raw != raw:
                    raw = None
                writer.writerow([neutralise(v) for v in (
                    table.ref, table.title, labels, column, "" if raw is None else raw,
                    cell.text, cell.status, table.source, table.vintage, table.base)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
