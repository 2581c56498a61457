"""From a human-formatted sheet to a validated table.

A sheet as people make it: title rows above the header, merged header cells, header spellings that
vary in case, accents and spacing, notes and "Source : …" lines below, totals rows, masked cells,
numbers typed as text. :func:`read_table` finds the header, maps the columns it knows, parses each
column (caching parses of repeated codes, so 200 000 rows stay fast), and reports every problem at
its cell. It returns the rows it could read; the caller stores nothing if any error was reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from ..errors import Report, cell_ref
from .values import (
    BadValue,
    is_empty,
    is_excel_error,
    is_masked,
    norm_text,
)
from .workbook import Sheet

HEADER_SEARCH_ROWS = 40


@dataclass(frozen=True)
class Column:
    """A column gtec knows: where it is stored, how people head it, how its cells are parsed."""

    name: str
    aliases: tuple[str, ...]
    parse: Callable[[object], object]
    required: bool = False
    #: Masked cells (`*`, `s`, `nd`) are allowed: read as missing and counted, never as 0.
    maskable: bool = False
    #: Header written in the blank template, and shown in messages.
    label: str = ""
    example: object = None
    help: str = ""
    #: Helper columns (the mesh of a territory code, a company reference) are not stored as such.
    store: bool = True
    #: The parser returns a tuple spread over these store columns (age band -> band, min, max).
    expands: tuple[str, ...] = ()
    #: Rows whose value here reads "Total", "Sous-total" or "Ensemble" are totals rows, skipped.
    totals_marker: bool = False
    #: Options for the template's drop-down list.
    choices: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return self.label or self.aliases[0]

    def matches(self, label: str) -> bool:
        return label in self._alias_set

    @property
    def _alias_set(self) -> frozenset[str]:
        return frozenset(norm_text(a) for a in (self.label, *self.aliases) if a)


@dataclass(frozen=True)
class SheetSpec:
    """A sheet gtec knows, and the store table it fills."""

    key: str
    table: str
    title: str
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    #: Columns that identify a row: two rows with the same key are a duplicate (double counting).
    keys: tuple[str, ...] = ()
    description: str = ""

    def matches_sheet(self, name: str) -> bool:
        key = norm_text(name)
        return key in {norm_text(a) for a in (self.title, self.key, *self.aliases)}


# --- personal identifiers ----------------------------------------------------------------------
_PERSONAL_HEADERS = re.compile(
    r"^(prenoms?|first ?names?|last ?names?|surnames?|nom|noms|nom de famille|nom d usage|nom prenom|"
    r"prenom nom|nom et prenom|nom du salarie|nom du contact|nom contact|nom de la personne|"
    r"nir|numero de securite sociale|n securite sociale|n ss|no ss|numero ss|secu|insee salarie|"
    r"e ?mail|courriel|adresse mail|adresse e ?mail|mail|telephone|tel|portable|mobile|phone|"
    r"date de naissance|ne le|nee le|birth ?date|matricule|adresse personnelle)\b"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_PHONE = re.compile(r"^(?:\+33 ?|0)[1-9](?:[ .-]?\d{2}){4}$")
_NIR = re.compile(r"^[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2A|2B) ?\d{3} ?\d{3}(?: ?\d{2})?$")


def personal_header(label: str) -> bool:
    return bool(_PERSONAL_HEADERS.match(label))


def personal_content(values: list) -> str | None:
    """What kind of personal identifier a column's values look like, if most of them do."""
    texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if not texts:
        return None
    for kind, pattern in (("adresses e-mail", _EMAIL), ("numéros de téléphone", _PHONE),
                          ("numéros de sécurité sociale (NIR)", _NIR)):
        hits = sum(1 for t in texts if pattern.match(t))
        if hits and hits >= max(1, len(texts) // 2):
            return kind
    return None


# --- header location -------------------------------------------------------------------------
@dataclass
class HeaderMatch:
    row: int
    #: store column name -> sheet column index
    mapping: dict[str, int]
    labels: list[str]
    missing: list[Column] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    duplicates: list[tuple[str, list[int]]] = field(default_factory=list)


def _header_labels(sheet: Sheet, r: int) -> tuple[list[str], list[str]]:
    """Labels of row r (merged cells filled in) and, where the row above has a merged group
    label over several columns, the combined `group label` form."""
    width = max((len(x) for x in sheet.rows[max(0, r - 1): r + 1]), default=0)
    row = sheet.rows[r]
    labels = [norm_text(row[c]) if c < len(row) and not is_empty(row[c]) else "" for c in range(width)]
    parents = [""] * width
    for (r0, c0), (r1, c1) in sheet.merged:
        top = sheet.rows[r0][c0] if r0 < len(sheet.rows) and c0 < len(sheet.rows[r0]) else ""
        if r0 <= r <= r1:  # a header merged vertically or across columns: fill it in
            for c in range(c0, min(c1 + 1, width)):
                if not labels[c]:
                    labels[c] = norm_text(top)
        elif r1 == r - 1 and c1 > c0:  # a group label above this row
            for c in range(c0, min(c1 + 1, width)):
                parents[c] = norm_text(top)
    combined = [f"{p} {lab}".strip() if p and lab else lab for p, lab in zip(parents, labels)]
    return labels, combined


def locate_header(sheet: Sheet, spec: SheetSpec) -> HeaderMatch | None:
    best: HeaderMatch | None = None
    for r in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
        labels, combined = _header_labels(sheet, r)
        mapping: dict[str, int] = {}
        seen: dict[str, list[int]] = {}
        for c, (lab, comb) in enumerate(zip(labels, combined)):
            if not lab:
                continue
            for col in spec.columns:
                if col.matches(comb) or col.matches(lab):
                    seen.setdefault(col.name, []).append(c)
                    mapping.setdefault(col.name, c)
                    break
        if not mapping:
            continue
        score = (sum(col.required for col in spec.columns if col.name in mapping), len(mapping))
        if best is None or score > best_score:
            best_score = score
            best = HeaderMatch(row=r, mapping=mapping, labels=labels)
            best.duplicates = [(name, cols) for name, cols in seen.items() if len(cols) > 1]
    if best is None:
        return None
    best.missing = [col for col in spec.columns if col.required and col.name not in best.mapping]
    used = set(best.mapping.values())
    best.unknown = [c for c, lab in enumerate(best.labels) if lab and c not in used]
    return best


# --- reading ---------------------------------------------------------------------------------
_TOTAL = re.compile(r"^(total|sous total|ensemble|tous|all|total general)\b")
_NOTE = re.compile(r"^(source|sources|note|notes|champ|lecture|nb|n b|guide|aide|\*|\(|exemple|ex )")


@dataclass
class TableResult:
    frame: pd.DataFrame
    masked: dict[str, int] = field(default_factory=dict)
    totals_skipped: int = 0
    notes_skipped: int = 0
    header_row: int = 0


def read_table(sheet: Sheet, spec: SheetSpec, report: Report, *,
               column_context: dict[str, Callable] | None = None) -> TableResult | None:
    """Read one sheet against its spec; every problem goes to `report` located at its cell.

    Returns None when the table cannot be read at all (header not found, required column
    missing, personal identifiers present); those problems are in the report.
    """
    where = {"sheet": sheet.name}
    match = locate_header(sheet, spec)
    if match is None:
        expected = ", ".join(f"« {c.header} »" for c in spec.columns if c.required)
        report.error("missing-header",
                     f"En-tête du tableau introuvable dans les {HEADER_SEARCH_ROWS} premières lignes.",
                     fix=f"La ligne d'en-tête doit contenir les colonnes {expected}.", **where)
        return None
    ok = True
    for c in range(len(match.labels)):
        label = match.labels[c]
        if label and personal_header(label):
            report.error("personal-identifier",
                         "Colonne de donnée personnelle refusée : gtec n'a besoin que d'effectifs agrégés, "
                         "jamais de noms, NIR, e-mails ou téléphones.",
                         cell=cell_ref(match.row, c), column=str(sheet.rows[match.row][c]).strip(),
                         fix="Supprimez cette colonne du classeur avant de l'envoyer.", **where)
            ok = False
    for c in match.unknown:
        if personal_header(match.labels[c]):
            continue
        values = [row[c] for row in sheet.rows[match.row + 1: match.row + 301] if c < len(row)]
        kind = personal_content(values)
        if kind:
            report.error("personal-identifier",
                         f"La colonne contient des {kind} : données personnelles refusées.",
                         cell=cell_ref(match.row, c), column=str(sheet.rows[match.row][c]).strip(),
                         fix="Supprimez cette colonne du classeur avant de l'envoyer.", **where)
            ok = False
    for name, cols in match.duplicates:
        report.error("duplicate-header",
                     f"Deux colonnes portent l'en-tête de « {_col(spec, name).header} ».",
                     cell=cell_ref(match.row, cols[1]),
                     fix="Gardez une seule colonne de ce nom (renommez ou supprimez l'autre).", **where)
        ok = False
    for col in match.missing:
        report.error("missing-column", f"Colonne obligatoire absente : « {col.header} ».",
                     cell=cell_ref(match.row, 0),
                     fix=f"Ajoutez une colonne « {col.header} » à la ligne d'en-tête ({match.row + 1}).",
                     **where)
        ok = False
    if not ok:
        return None
    unknown = [str(sheet.rows[match.row][c]).strip() for c in match.unknown]
    if unknown:
        report.warning("ignored-column",
                       f"{len(unknown)} colonne(s) non reconnue(s), ignorée(s) : {', '.join(unknown[:8])}"
                       + ("…" if len(unknown) > 8 else ""), **where, count=1)
    return _read_rows(sheet, spec, match, report, column_context or {})


def _col(spec: SheetSpec, name: str) -> Column:
    return next(c for c in spec.columns if c.name == name)


def _read_rows(sheet: Sheet, spec: SheetSpec, match: HeaderMatch, report: Report,
               context: dict[str, Callable]) -> TableResult:
    first = match.row + 1
    body = sheet.rows[first:]
    mapped = [(col, match.mapping[col.name]) for col in spec.columns if col.name in match.mapping]
    raw = {col.name: [row[c] for row in body] for col, c in mapped}
    n = len(body)
    result = TableResult(frame=pd.DataFrame(), header_row=match.row)

    # Which rows are data: skip blank rows, notes under the table and totals rows.
    keep = [True] * n
    nonempty = [0] * n
    for col, _c in mapped:
        values = raw[col.name]
        for i in range(n):
            v = values[i]
            if not (v == "" or v is None):
                nonempty[i] += 1
    first_col = mapped[0][0].name if mapped else None
    for i in range(n):
        if nonempty[i] == 0:
            keep[i] = False
        elif nonempty[i] == 1 and first_col is not None:
            v = raw[first_col][i]
            row = body[i]
            if isinstance(v, str) and (_NOTE.match(norm_text(v)) or sum(
                    not is_empty(x) for x in row) == 1 and len(v) > 20):
                keep[i] = False
                result.notes_skipped += 1
    for col, _c in mapped:
        if not col.totals_marker:
            continue
        values = raw[col.name]
        for i in range(n):
            v = values[i]
            if keep[i] and isinstance(v, str) and _TOTAL.match(norm_text(v)):
                keep[i] = False
                result.totals_skipped += 1
    rows_idx = [i for i in range(n) if keep[i]]
    if result.totals_skipped:
        report.add_info(f"{result.totals_skipped} ligne(s) de total ignorée(s) (les totaux sont recalculés).",
                        sheet=sheet.name, code="totals-row-skipped", count=result.totals_skipped)

    data: dict[str, list] = {"sheet": [sheet.name] * len(rows_idx),
                             "row": [first + i + 1 for i in rows_idx]}
    bad_cells = sheet.bad_cells
    mesh_values: list | None = None
    ordered = sorted(mapped, key=lambda m: m[0].name != "mesh")  # the mesh first: territory uses it
    for col, c in ordered:
        values = raw[col.name]
        parse = context.get(col.name, col.parse)
        cache: dict = {}
        out: list = []
        masked = 0
        for i in rows_idx:
            v = values[i]
            r = first + i
            if bad_cells and (r, c) in bad_cells:
                why = bad_cells[(r, c)]
                _report_bad_cell(report, sheet.name, r, c, col, why)
                out.append(None)
                continue
            if v == "" or v is None:
                if col.required:
                    report.error("missing-value", f"Valeur obligatoire manquante : « {col.header} ».",
                                 sheet=sheet.name, cell=cell_ref(r, c), column=col.header,
                                 fix="Remplissez la cellule, ou supprimez la ligne si elle est vide.")
                out.append(None)
                continue
            if type(v) is str:
                if is_excel_error(v):
                    _report_bad_cell(report, sheet.name, r, c, col, v.strip())
                    out.append(None)
                    continue
                if col.maskable and is_masked(v):
                    masked += 1
                    out.append(None)
                    continue
            key = (v, mesh_values[len(out)] if col.name == "territory" and mesh_values else None)
            try:
                hit = cache[key]
            except KeyError:
                hit = cache[key] = _parse_cell(parse, v, key[1])
            except TypeError:  # unhashable (never from calamine, but be safe)
                hit = _parse_cell(parse, v, key[1])
            value, problem = hit
            if problem is not None:
                _report_value(report, sheet.name, r, c, col, v, problem)
                if problem.severity == "error":
                    out.append(None)
                    continue
            out.append(value)
        if masked:
            result.masked[col.name] = masked
            report.add_info(f"{masked} cellule(s) masquée(s) (secret statistique) dans « {col.header} » : "
                            "lues comme manquantes, jamais comme 0.", sheet=sheet.name,
                            code="masked-cell", column=col.header, count=masked)
        if col.name == "mesh":
            mesh_values = out
        if col.expands:
            parts = list(zip(*[(x if x is not None else (None,) * len(col.expands)) for x in out])) \
                if out else [[] for _ in col.expands]
            for name, part in zip(col.expands, parts):
                data[name] = list(part)
        elif col.store:
            data[col.name] = out
        else:
            data[f"_{col.name}"] = out
    frame = pd.DataFrame(data)
    result.frame = frame
    _check_duplicates(frame, spec, report, sheet.name, match)
    return result


def _parse_cell(parse: Callable, value: object, mesh_hint: str | None):
    try:
        return (parse(value, mesh_hint) if mesh_hint is not None else parse(value)), None
    except BadValue as problem:
        kept = getattr(problem, "value", None)
        return kept, problem


def _report_bad_cell(report: Report, sheet: str, r: int, c: int, col: Column, why: str) -> None:
    if why == "formula-no-value":
        report.error("formula-without-value",
                     "Formule sans valeur calculée enregistrée : gtec n'évalue jamais les formules.",
                     sheet=sheet, cell=cell_ref(r, c), column=col.header,
                     fix="Ouvrez le classeur dans Excel, laissez-le recalculer et enregistrez-le, "
                         "ou remplacez la formule par sa valeur (Collage spécial > Valeurs).")
    else:
        report.error("excel-error", f"Cellule en erreur Excel {why}.", sheet=sheet, cell=cell_ref(r, c),
                     column=col.header, value=why,
                     fix="Corrigez la formule ou saisissez la valeur ; * si la donnée est masquée.")


def _report_value(report: Report, sheet: str, r: int, c: int, col: Column, value: object,
                  problem: BadValue) -> None:
    shown = value if isinstance(value, str) else repr(value)
    if isinstance(shown, str) and len(shown) > 200:
        shown = shown[:60] + f"… ({len(shown)} caractères)"
    report.add_finding(code=problem.code, message=problem.message, severity=problem.severity,
                       sheet=sheet, cell=cell_ref(r, c), column=col.header, value=str(shown),
                       fix=problem.fix)


def _check_duplicates(frame: pd.DataFrame, spec: SheetSpec, report: Report, sheet: str,
                      match: HeaderMatch) -> None:
    """Two rows with the same key would be counted twice: an error at the second one."""
    keys = [k for k in spec.keys if k in frame.columns]
    if not keys or frame.empty:
        return
    dup = frame.duplicated(subset=keys, keep=False)
    if not dup.any():
        return
    first_rows: dict[tuple, int] = {}
    shown = 0
    for key, row_number in zip(frame.loc[dup, keys].itertuples(index=False, name=None),
                               frame.loc[dup, "row"]):
        key = tuple("∅" if v is None or v != v else v for v in key)
        if key not in first_rows:
            first_rows[key] = row_number
            continue
        if shown < 50:
            report.error("duplicate-row",
                         f"Ligne en double : mêmes {', '.join(_label(spec, k) for k in keys)} que la "
                         f"ligne {first_rows[key]} (les chiffres seraient comptés deux fois).",
                         sheet=sheet, cell=f"A{int(row_number)}",
                         fix="Fusionnez les deux lignes ou supprimez le doublon.")
        shown += 1
    if shown > 50:
        report.error("duplicate-row", f"… et {shown - 50} autre(s) ligne(s) en double.", sheet=sheet,
                     count=shown - 50)


def _label(spec: SheetSpec, name: str) -> str:
    for col in spec.columns:
        if col.name == name or name in col.expands:
            return col.header
    return name
