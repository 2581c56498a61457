"""From a human-formatted sheet to a validated table.

A sheet as people make it: title rows above the header, merged header cells, header spellings that
vary in case, accents and spacing, notes and "Source : …" lines below, totals rows, masked cells,
numbers typed as text. :func:`read_table` finds the header, maps the columns it knows, parses each
column (caching parses of repeated codes, so 200 000 rows stay fast), and reports every problem at
its cell. It returns the rows it could read; the caller stores nothing if any error was reported.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter

import pandas as pd

from ..errors import Report, cell_ref
from .values import (
    BadValue,
    is_empty,
    is_excel_error,
    is_masked,
    norm_text,
    parse_text,
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
        """The header written in templates and shown in messages."""
        return self.label or self.aliases[0]

    def matches(self, label: str) -> bool:
        """Whether a normalised header label names this column."""
        return label in self._alias_set

    @cached_property
    def _alias_set(self) -> frozenset[str]:
        # Computed once per column: header location asks it for every cell of 40 rows.
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
        """Whether a sheet name (any case, accents, spacing) is this sheet's."""
        key = norm_text(name)
        return key in {norm_text(a) for a in (self.title, self.key, *self.aliases)}


# --- personal identifiers ----------------------------------------------------------------------
_PERSONAL_HEADERS = re.compile(
    # A bare "Nom" is a person's name; "Nom métier" or "Nom de l'entreprise" are not.
    r"^(noms?$|noms? (de famille|d usage|patronymique|de naissance|de jeune fille|prenoms?|et prenoms?|"
    r"du salarie|des salaries|du contact|contact|de la personne|du responsable|du referent|du tuteur)|"
    r"prenoms?|first ?names?|last ?names?|surnames?|"
    r"nir|numero de securite sociale|n securite sociale|n ss|no ss|numero ss|secu|insee salarie|"
    r"e ?mail|courriel|adresse mail|adresse e ?mail|mail|telephone|tel|portable|mobile|phone|"
    r"date de naissance|ne le|nee le|birth ?date|matricule|adresse personnelle)\b"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_PHONE = re.compile(r"^(?:\+33 ?|0)[1-9](?:[ .-]?\d{2}){4}$")
_NIR = re.compile(r"^[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2A|2B) ?\d{3} ?\d{3}(?: ?\d{2})?$")


def personal_header(label: str) -> bool:
    """Whether a normalised header names a personal identifier (name, NIR, e-mail, phone…)."""
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
    """Where a sheet's header is and which of its columns gtec knows."""

    row: int
    #: store column name -> sheet column index
    mapping: dict[str, int]
    labels: list[str]
    missing: list[Column] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    duplicates: list[tuple[str, list[int]]] = field(default_factory=list)


#: A cell longer than this is not a header (and normalising a 10 MB cell would take seconds).
MAX_HEADER_CHARS = 200


def _header_text(value: object) -> str:
    if is_empty(value) or (isinstance(value, str) and len(value) > MAX_HEADER_CHARS):
        return ""
    return norm_text(value)


def _header_labels(sheet: Sheet, r: int) -> tuple[list[str], list[str]]:
    """Labels of row r (merged cells filled in) and, where the row above has a merged group
    label over several columns, the combined `group label` form."""
    width = max((len(x) for x in sheet.rows[max(0, r - 1): r + 1]), default=0)
    row = sheet.rows[r]
    labels = [_header_text(row[c]) if c < len(row) else "" for c in range(width)]
    parents = [""] * width
    for (r0, c0), (r1, c1) in sheet.merged:
        top = sheet.rows[r0][c0] if r0 < len(sheet.rows) and c0 < len(sheet.rows[r0]) else ""
        if r0 <= r <= r1:  # a header merged vertically or across columns: fill it in
            for c in range(c0, min(c1 + 1, width)):
                if not labels[c]:
                    labels[c] = _header_text(top)
        elif r1 == r - 1 and c1 > c0:  # a group label above this row
            for c in range(c0, min(c1 + 1, width)):
                parents[c] = _header_text(top)
    combined = [f"{p} {lab}".strip() if p and lab else lab for p, lab in zip(parents, labels)]
    return labels, combined


def locate_header(sheet: Sheet, spec: SheetSpec) -> HeaderMatch | None:
    """The row of the first 40 that names the most required, then known, columns of `spec`."""
    best: HeaderMatch | None = None
    best_score: tuple[int, int] = (-1, -1)
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
        # A header on two rows (a group label merged above its sub-labels) matches as well on
        # both: the lower row is the one right above the data.
        if best is None or score > best_score or (score == best_score and r == best.row + 1):
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
#: Totals rows: in a free-text column only an explicit « Total » counts (« Tous publics » may be a
#: training's title); in a code column « Ensemble » or « Tous » cannot be a code either.
_TOTAL = re.compile(r"^(total|sous total|total general)\b")
_TOTAL_CODE = re.compile(r"^(total|sous total|ensemble|tous|toutes|all|total general)\b")
_NOTE = re.compile(r"^(source|sources|note|notes|champ|lecture|nb|n b|guide|aide|\*|\(|exemple|ex )")


@dataclass
class TableResult:
    """A sheet read: its rows (with `sheet` and `row`), and what was set aside and why."""

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
    mapped = {c: name for name, c in match.mapping.items()}
    for c in range(len(match.labels)):
        label = match.labels[c]
        # A header the spec declares (« Nom de l'entreprise ») says what the column is.
        if label and c not in mapped and personal_header(label):
            report.error("personal-identifier",
                         "Colonne de donnée personnelle refusée : gtec n'a besoin que d'effectifs agrégés, "
                         "jamais de noms, NIR, e-mails ou téléphones.",
                         cell=cell_ref(match.row, c), column=_header_name(sheet, match, c),
                         fix="Supprimez cette colonne du classeur avant de l'envoyer.", **where)
            ok = False
    free_text = [c for c, name in mapped.items() if _col(spec, name).parse is parse_text]
    for c in [*match.unknown, *free_text]:
        if personal_header(match.labels[c]) and c not in mapped:
            continue
        values = [row[c] for row in sheet.rows[match.row + 1: match.row + 301] if c < len(row)]
        kind = personal_content(values)
        if kind:
            report.error("personal-identifier",
                         f"La colonne contient des {kind} : données personnelles refusées.",
                         cell=cell_ref(match.row, c), column=_header_name(sheet, match, c),
                         fix="Supprimez cette colonne du classeur avant de l'envoyer.", **where)
            ok = False
    for why in sheet.unplaced[:50]:
        _report_bad_cell(report, sheet.name, None, None, None, why)
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
    unknown = [_header_name(sheet, match, c) for c in match.unknown]
    if unknown:
        report.warning("ignored-column",
                       f"{len(unknown)} colonne(s) non reconnue(s), ignorée(s) : {', '.join(unknown[:8])}"
                       + ("…" if len(unknown) > 8 else ""), **where, count=1)
    return _read_rows(sheet, spec, match, report, column_context or {})


def _col(spec: SheetSpec, name: str) -> Column:
    return next(c for c in spec.columns if c.name == name)


def _header_name(sheet: Sheet, match: HeaderMatch, c: int) -> str:
    """A header as written, for messages (cut short: a header cell is not a paragraph)."""
    row = sheet.rows[match.row]
    text = str(row[c]).strip() if c < len(row) else ""
    return text if len(text) <= 80 else text[:77] + "…"


class _Cell:
    """What a distinct raw value of a column turned into: its value and why it is not clean."""

    EMPTY = "empty"
    MASKED = "masked"


def _column_values(body: list, c: int) -> list:
    try:
        return list(map(itemgetter(c), body))
    except IndexError:  # ragged rows (a CSV, a hand-built grid): missing cells are blank
        return [row[c] if c < len(row) else "" for row in body]


def _positions(values: list, targets: set) -> list[int]:
    """Indices of the values in `targets`; fast when they are few (list.index runs in C)."""
    out = []
    for target in targets:
        i = -1
        try:
            while True:
                i = values.index(target, i + 1)
                out.append(i)
        except ValueError:
            pass
    return out


def _select(values: list, drop: set[int]) -> list:
    """`values` without the indices in `drop`, by slices (dropped rows are few: notes, totals)."""
    if not drop:
        return values
    out, start = [], 0
    for i in sorted(drop):
        out.extend(values[start:i])
        start = i + 1
    out.extend(values[start:])
    return out


def _blank_values(distinct: set) -> set:
    """The distinct values of a column that mean an empty cell ('', None, spaces, NaN), as
    present in the column (an empty set for a full column: then no row needs looking at)."""
    return {v for v in distinct if v is None or (type(v) is str and not v.strip())
            or (type(v) is float and v != v)}


def _read_rows(sheet: Sheet, spec: SheetSpec, match: HeaderMatch, report: Report,
               context: dict[str, Callable]) -> TableResult:
    """Parse the body column by column: each distinct raw value is parsed once, then mapped.

    Real sheets repeat their codes (a territory, a year, twenty age bands over 200 000 rows), so
    parsing distinct values and looking them up is what keeps a large sheet fast.
    """
    first = match.row + 1
    body = sheet.rows[first:]
    n = len(body)
    mapped = [(col, match.mapping[col.name]) for col in spec.columns if col.name in match.mapping]
    raw = {col.name: _column_values(body, c) for col, c in mapped}
    distinct = {col.name: set(raw[col.name]) for col, _c in mapped}  # few values, many rows
    blanks = {col.name: _blank_values(distinct[col.name]) for col, _c in mapped}
    result = TableResult(frame=pd.DataFrame(), header_row=match.row)
    columns_of = {c: col for col, c in mapped}
    bad = {(r - first, c): why for (r, c), why in sheet.bad_cells.items()
           if r >= first and c in columns_of}

    # Which rows are data: skip blank rows, notes under the table and totals rows.
    missing = Counter()
    for col, _c in mapped:
        values, blank = raw[col.name], blanks[col.name]
        if blank:
            missing.update(_positions(values, blank))
    m = len(mapped)
    drop = {i for i, k in missing.items() if k >= m}
    drop -= {i for i, _c in bad}  # a row of error cells is not blank: its errors are reported
    for i, k in missing.items():
        if k == m - 1 and i not in drop and m > 1:
            v = next(raw[col.name][i] for col, _c in mapped if raw[col.name][i] not in blanks[col.name])
            if isinstance(v, str) and (_NOTE.match(norm_text(v[:200])) or (
                    len(v) > 20 and sum(not is_empty(x) for x in body[i]) == 1)):
                drop.add(i)
                result.notes_skipped += 1
    for col, _c in mapped:
        if not col.totals_marker:
            continue
        pattern = _TOTAL if col.parse is parse_text else _TOTAL_CODE
        values = raw[col.name]
        totals = {v for v in distinct[col.name]
                  if type(v) is str and pattern.match(norm_text(v[:200]))}
        if totals:
            found = {i for i, v in enumerate(values) if v in totals} - drop
            drop |= found
            result.totals_skipped += len(found)
    rows_idx = _select(list(range(n)), drop)
    if result.totals_skipped:
        report.add_info(f"{result.totals_skipped} ligne(s) de total ignorée(s) (les totaux sont recalculés).",
                        sheet=sheet.name, code="totals-row-skipped", count=result.totals_skipped)

    data: dict[str, list] = {"sheet": [sheet.name] * len(rows_idx),
                             "row": [first + i + 1 for i in rows_idx]}
    mesh_values: list | None = None
    ordered = sorted(mapped, key=lambda m: m[0].name != "mesh")  # the mesh first: territory uses it
    for col, c in ordered:
        values = raw[col.name]
        selected = _select(values, drop)
        hints = mesh_values if col.name == "territory" and mesh_values else None
        out, masked = _parse_column(selected, rows_idx, hints, col, c, first, sheet.name, report,
                                    context.get(col.name, col.parse), blanks[col.name],
                                    distinct[col.name] if selected is values else None,
                                    {i: why for (i, cc), why in bad.items() if cc == c})
        if masked:
            result.masked[col.name] = masked
            report.add_info(f"{masked} cellule(s) masquée(s) (secret statistique) dans « {col.header} » : "
                            "lues comme manquantes, jamais comme 0.", sheet=sheet.name,
                            code="masked-cell", column=col.header, count=masked)
        if col.name == "mesh":
            mesh_values = out
        if col.expands:
            empty = (None,) * len(col.expands)
            filled = [x if x is not None else empty for x in out]
            for k, name in enumerate(col.expands):
                data[name] = list(map(itemgetter(k), filled))
        elif col.store:
            data[col.name] = out
        else:
            data[f"_{col.name}"] = out
    _check_duplicates(data, spec, report, sheet.name)
    result.frame = _frame(data)
    return result


def _frame(data: dict[str, list]) -> pd.DataFrame:
    """The table as a DataFrame; text columns stay Python objects (None for missing).

    Letting pandas convert 200 000 strings per column to its string type, only for the store to
    convert them back to Python objects, cost a third of a second per column.
    """
    columns = {}
    for name, values in data.items():
        kinds = set(map(type, values))
        kinds.discard(type(None))
        columns[name] = pd.Series(values, dtype=object) if kinds and kinds <= {str} else values
    return pd.DataFrame(columns)


def _parse_column(selected: list, rows_idx: list[int], hints: list | None, col: Column, c: int,
                  first: int, sheet: str, report: Report, parse: Callable, blank: set,
                  distinct: set | None, bad: dict[int, str]) -> tuple[list, int]:
    """Parse one column's kept cells; report each problem at its cell. Returns (values, masked).

    `distinct` is the set of `selected` when the caller has it already (no row was dropped).
    """
    if distinct is None:
        distinct = set(selected)
    if hints is not None:
        keys = list(zip(selected, hints))
    elif (True in distinct or False in distinct) and bool in set(map(type, selected)):
        # True == 1.0 for a set: key booleans apart so a yes/no cell is not read as the number 1.
        keys = [(v, type(v) is bool) for v in selected]
    else:
        keys = selected
    paired = hints is not None or keys is not selected
    outcomes: dict = {}
    for key in (distinct if keys is selected else set(keys)):
        v, hint = key if paired else (key, None)
        outcomes[key] = _classify(v, hints is not None and hint or None, col, parse, blank)
    out = list(map({k: o[0] for k, o in outcomes.items()}.__getitem__, keys))
    flagged = {k for k, (_v, status) in outcomes.items() if status is not None
               and status is not _Cell.MASKED and not (status is _Cell.EMPTY and not col.required)}
    masked = sum(keys.count(k) for k, (_v, status) in outcomes.items() if status is _Cell.MASKED)
    bad_js = {}
    if bad:
        where = {i: j for j, i in enumerate(rows_idx)}
        bad_js = {where[i]: why for i, why in bad.items() if i in where}
    for j, why in bad_js.items():
        _report_bad_cell(report, sheet, first + rows_idx[j], c, col, why)
        out[j] = None
    if not flagged:
        return out, masked
    for j in [j for j, k in enumerate(keys) if k in flagged]:
        if j in bad_js:
            continue
        status = outcomes[keys[j]][1]
        r = first + rows_idx[j]
        if status is _Cell.EMPTY:
            report.error("missing-value", f"Valeur obligatoire manquante : « {col.header} ».",
                         sheet=sheet, cell=cell_ref(r, c), column=col.header,
                         fix="Remplissez la cellule, ou supprimez la ligne si elle est vide.")
        elif isinstance(status, str):
            _report_bad_cell(report, sheet, r, c, col, status)
        else:
            _report_value(report, sheet, r, c, col, selected[j], status)
    return out, masked


def _classify(v, hint, col: Column, parse: Callable, blank: set):
    """(value, status) of one distinct raw value: status None when clean, else why not."""
    if v in blank or v == "":
        return None, _Cell.EMPTY
    if type(v) is str:
        if is_excel_error(v):
            return None, v.strip()
        if col.maskable and is_masked(v):
            return None, _Cell.MASKED
    value, problem = _parse_cell(parse, v, hint)
    if problem is not None and problem.severity == "error":
        return None, problem
    return value, problem


def _parse_cell(parse: Callable, value: object, mesh_hint: str | None):
    try:
        return (parse(value, mesh_hint) if mesh_hint is not None else parse(value)), None
    except BadValue as problem:
        kept = getattr(problem, "value", None)
        return kept, problem


def _report_bad_cell(report: Report, sheet: str, r: int | None, c: int | None, col: Column | None,
                     why: str) -> None:
    """An error cell or a formula without cached value; unplaced (r None) in odd files."""
    where = {"sheet": sheet, "cell": cell_ref(r, c) if r is not None and c is not None else None,
             "column": col.header if col is not None else None}
    if why == "formula-no-value":
        report.error("formula-without-value",
                     "Formule sans valeur calculée enregistrée : gtec n'évalue jamais les formules.",
                     fix="Ouvrez le classeur dans Excel, laissez-le recalculer et enregistrez-le, "
                         "ou remplacez la formule par sa valeur (Collage spécial > Valeurs).", **where)
    else:
        why = why[:40]
        report.error("excel-error", f"Cellule en erreur Excel {why}.", value=why,
                     fix="Corrigez la formule ou saisissez la valeur ; * si la donnée est masquée.", **where)


def _report_value(report: Report, sheet: str, r: int, c: int, col: Column, value: object,
                  problem: BadValue) -> None:
    shown = value if isinstance(value, str) else repr(value)
    if isinstance(shown, str) and len(shown) > 200:
        shown = shown[:60] + f"… ({len(shown)} caractères)"
    report.add_finding(code=problem.code, message=problem.message, severity=problem.severity,
                       sheet=sheet, cell=cell_ref(r, c), column=col.header, value=str(shown),
                       fix=problem.fix)


def _check_duplicates(data: dict[str, list], spec: SheetSpec, report: Report, sheet: str) -> None:
    """Two rows with the same key would be counted twice: an error at the second one."""
    keys = [k for k in spec.keys if k in data]
    if not keys or not data["row"]:
        return
    tuples = list(zip(*(data[k] for k in keys)))
    if len(set(tuples)) == len(tuples):
        return
    first_rows: dict[tuple, int] = {}
    shown = 0
    for key, row_number in zip(tuples, data["row"]):
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
