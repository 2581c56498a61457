"""The follow-up of the action plan: the workbook the committee fills, read back as kind `plan`.

`gtec plan --export` writes one row per action (id, title, horizon, priority, owner, status, status at
the last committee, due date, progress notes, triggering indicator values at export). Owner,
status, due date and notes are pre-filled from the latest follow-up, so the workbook is one running
document. Once filled, `gtec ingest` stores it as a drop of kind `plan` (table `plan_followup`); the
next plan shows what moved, what is late and how the triggering indicators changed.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import Report
from ..ingest.kinds import Kind, Parsed, Probe, register
from ..ingest.tables import Column, SheetSpec
from ..ingest.values import BadValue, as_code_text, choice, parse_number, parse_text
from ..periods import normalise_period, parse_period

STATUSES = ("à lancer", "en cours", "fait", "abandonné")
DONE = frozenset({"fait", "abandonné"})
SHEET_TITLE = "Suivi du plan"
#: Characters that make a spreadsheet read text as a formula (neutralised on export).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _options(mapping: dict[str, list[str]]) -> dict[str, str]:
    from ..ingest.values import norm_text

    return {norm_text(s): canon for canon, spellings in mapping.items() for s in [canon, *spellings]}


_STATUS_OPTIONS = _options({
    "à lancer": ["a lancer", "a faire", "à faire", "pas commence", "non commence", "prevu", "nouvelle"],
    "en cours": ["encours", "commence", "demarre", "en cours de realisation"],
    "fait": ["fait", "termine", "terminee", "realise", "realisee", "fini", "acheve", "ok"],
    "abandonné": ["abandonne", "abandonnee", "abandon", "annule", "annulee", "arrete"],
})
_HORIZON_OPTIONS = _options({
    "court": ["court terme", "court terme (moins d'un an)", "moins d un an"],
    "moyen": ["moyen terme", "moyen terme (1 à 3 ans)", "1 a 3 ans"],
    "long": ["long terme", "long terme (plus de 3 ans)", "plus de 3 ans"],
})


def parse_date(value: object) -> str:
    """An ISO date from a date cell, an Excel serial number, or text `31/03/2027`, `2027-03-31`."""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return (_dt.date(1899, 12, 30) + _dt.timedelta(days=int(value))).isoformat()
    text = as_code_text(value).strip()
    for pattern, order in ((r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", "dmy"),
                           (r"^(\d{4})-(\d{1,2})-(\d{1,2})$", "ymd")):
        m = re.match(pattern, text)
        if m:
            d, mth, y = (m[1], m[2], m[3]) if order == "dmy" else (m[3], m[2], m[1])
            try:
                return _dt.date(int(y), int(mth), int(d)).isoformat()
            except ValueError:
                break
    raise BadValue("invalid-date", "Date non reconnue.",
                   "Saisissez la date au format JJ/MM/AAAA (par exemple 31/03/2027).")


def _period(value: object) -> str:
    from ..errors import UsageError

    try:
        return normalise_period(as_code_text(value))
    except UsageError:
        raise BadValue("invalid-period", "Période non reconnue.",
                       "Gardez la période écrite à l'export (par exemple 2026-T4).") from None


def _action_id(value: object) -> str:
    text = as_code_text(value).strip().lower()
    if not re.match(r"^[a-z0-9][a-z0-9-]{1,62}$", text):
        raise BadValue("invalid-action-id", "Identifiant d'action invalide.",
                       "Gardez l'identifiant écrit à l'export (colonne A), sans le modifier.")
    return text


#: The follow-up sheet, declared once: the export writes these headers, the reader maps them.
FOLLOWUP_SHEET = SheetSpec(
    "suivi", "plan_followup", SHEET_TITLE, ("suivi", "suivi du plan d action", "plan d action", "suivi plan"),
    (
        Column("action_id", ("identifiant", "id", "id action", "code action"), _action_id, required=True,
               label="Identifiant"),
        Column("title", ("action", "intitule", "titre"), parse_text, label="Action"),
        Column("horizon", ("horizon", "echeance du plan"),
               choice(_HORIZON_OPTIONS, "Horizon", "Gardez court, moyen ou long terme."), label="Horizon"),
        Column("priority", ("priorite", "score"), parse_number, label="Priorité"),
        Column("owner", ("pilote", "porteur", "responsable de l action", "structure pilote"), parse_text,
               label="Pilote (structure)"),
        Column("status", ("statut", "etat", "avancement statut"),
               choice(_STATUS_OPTIONS, "Statut", "Choisissez à lancer, en cours, fait ou abandonné."),
               required=True, label="Statut", choices=STATUSES),
        Column("previous_status", ("statut au dernier comite", "statut precedent", "statut a l export"),
               choice(_STATUS_OPTIONS, "Statut précédent", "Ne modifiez pas cette colonne."),
               label="Statut au dernier comité"),
        Column("due_date", ("echeance", "date d echeance", "date limite", "pour le"), parse_date,
               label="Échéance"),
        Column("progress", ("avancement", "notes", "commentaires", "notes d avancement"), parse_text,
               label="Avancement (notes)"),
        Column("indicators", ("indicateurs declencheurs", "indicateurs", "constats"), parse_text,
               label="Indicateurs déclencheurs (à l'export)"),
        Column("plan_period", ("periode du plan", "periode", "plan"), _period, required=True,
               label="Période du plan"),
    ),
    keys=("action_id",),
    description="Suivi du plan d'action : pilote, statut, échéance et avancement de chaque action.",
)


# --- reading (kind `plan`) -----------------------------------------------------------------------
def detect(probe: Probe) -> int:
    """A workbook with a « Suivi du plan » sheet is a follow-up workbook."""
    if probe.format != "xlsx":
        return 0
    return 90 if any(FOLLOWUP_SHEET.matches_sheet(n) for n in probe.sheet_names) else 0


def read(path: Path, report: Report, probe: Probe, options: dict) -> Parsed | None:
    """Read a filled follow-up workbook; every problem is located in `report`."""
    from ..ingest.sheets import read_known_sheets

    results = read_known_sheets(path, (FOLLOWUP_SHEET,), report, required=("suivi",))
    if not results or "suivi" not in results:
        return None
    frame = results["suivi"].frame
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("_")])
    if frame.empty:
        report.error("empty-followup", "Le classeur de suivi ne contient aucune action.",
                     sheet=SHEET_TITLE, fix="Repartez du classeur écrit par `gtec plan --export`.")
        return None
    periods = sorted(set(frame["plan_period"].dropna()))
    if len(periods) > 1:
        report.error("mixed-periods", f"Plusieurs périodes de plan dans le classeur : {', '.join(periods)}.",
                     sheet=SHEET_TITLE, fix="Un classeur de suivi concerne un seul plan : gardez la "
                                            "période écrite à l'export.")
    _warn_unknown_actions(frame, report)
    statuses = frame["status"].value_counts().to_dict()
    return Parsed(tables={"plan_followup": frame},
                  keys={f"plan|{p}" for p in periods},
                  metadata={"plan_period": periods[0] if periods else None, "actions": len(frame),
                            "statuses": {k: int(v) for k, v in statuses.items()}})


def _warn_unknown_actions(frame: pd.DataFrame, report: Report) -> None:
    try:
        from .catalogue import load_catalogue

        known = {a.id for a in load_catalogue().actions}
    except Exception:  # noqa: BLE001 - a workspace catalogue may differ; the check is a courtesy
        return
    for row, action_id in zip(frame["row"], frame["action_id"]):
        if action_id and action_id not in known:
            report.warning("unknown-action", "Action absente du catalogue livré avec gtec (catalogue "
                           "propre au territoire ?).", sheet=SHEET_TITLE, cell=f"A{row}", value=action_id)


PLAN_KIND = register(Kind(
    name="plan", label="Suivi du plan d'action", detect=detect, read=read, tables=("plan_followup",),
    description="Classeur de suivi du plan d'action rempli par le comité (gtec plan --export).",
))


# --- the follow-up state a plan starts from --------------------------------------------------------
@dataclass
class FollowUp:
    """What the latest follow-up says about one action."""

    action_id: str
    title: str | None
    horizon: str | None
    owner: str | None
    status: str
    previous_status: str | None
    due_date: _dt.date | None
    progress: str | None
    indicators: str | None
    plan_period: str | None
    late: bool = False

    @property
    def moved(self) -> bool:
        """The status changed since the last committee (the status pre-filled at export)."""
        return self.status != (self.previous_status or "à lancer")


def period_end(period: str) -> _dt.date:
    """Last day of a period (`2026-T4` -> 2026-12-31): the default date lateness is judged on."""
    year, month = parse_period(period)
    nxt = _dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - _dt.timedelta(days=1)


def latest_followup(store, period: str, as_of: _dt.date | None = None):
    """(drop, {action_id: FollowUp}) from the newest `plan` drop of a period up to `period`.

    An action is late when its due date is before `as_of` (default: the end of `period`) and its
    status is neither `fait` nor `abandonné`.
    """
    as_of = as_of or period_end(period)
    limit = parse_period(period)
    drops = [d for d in store.drops(kind="plan") if parse_period(d.period) <= limit]
    if not drops:
        return None, {}
    drop = max(drops, key=lambda d: (parse_period(d.period), d.id))
    rows = store.read("plan_followup", where={"drop_id": drop.id})
    out = {}
    for raw in rows.to_dict("records"):
        r = {k: _value(v) for k, v in raw.items()}
        due = _dt.date.fromisoformat(r["due_date"]) if r["due_date"] else None
        status = r["status"] or "à lancer"
        out[r["action_id"]] = FollowUp(
            action_id=r["action_id"], title=r["title"], horizon=r["horizon"], owner=r["owner"],
            status=status, previous_status=r["previous_status"], due_date=due, progress=r["progress"],
            indicators=r["indicators"], plan_period=r["plan_period"],
            late=due is not None and due < as_of and status not in DONE,
        )
    return drop, out


def _value(v):
    """A stored value, with SQL NULL (NaN or NA once in pandas) as None."""
    try:
        return None if v is None or pd.isna(v) else v
    except (TypeError, ValueError):
        return v


# --- writing ----------------------------------------------------------------------------------------
def safe_text(text: object) -> str:
    """Text for a spreadsheet cell, as text: None -> empty."""
    return "" if text is None or (isinstance(text, float) and text != text) else str(text)


def write_workbook(path: Path, rows: list[dict], *, period: str, territory: str) -> Path:
    """Write the follow-up workbook: one row per action, drop-down lists, text cells as text.

    `rows` carry the keys of :data:`FOLLOWUP_SHEET` columns (action_id … plan_period). Every text is
    written with `write_string` (never a formula) and text that a spreadsheet would read as a
    formula gets Excel's quote prefix, so it stays text even when a cell is edited.
    """
    import xlsxwriter

    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                          "strings_to_numbers": False})
    try:
        _fill(book, rows, period=period, territory=territory)
    finally:
        book.close()
    tmp.replace(path)
    return path


def _fill(book, rows: list[dict], *, period: str, territory: str) -> None:
    columns = FOLLOWUP_SHEET.columns
    header = book.add_format({"bold": True, "bg_color": "#DDE7F0", "border": 1, "text_wrap": True,
                              "valign": "top"})
    locked = book.add_format({"text_wrap": True, "valign": "top", "bg_color": "#F3F3F3", "border": 1})
    locked_q = book.add_format({"text_wrap": True, "valign": "top", "bg_color": "#F3F3F3", "border": 1,
                                "quote_prefix": True})
    editable = book.add_format({"text_wrap": True, "valign": "top", "locked": False, "border": 1})
    editable_q = book.add_format({"text_wrap": True, "valign": "top", "locked": False, "border": 1,
                                  "quote_prefix": True})
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy", "locked": False, "border": 1, "valign": "top"})
    number = book.add_format({"num_format": "0.0", "bg_color": "#F3F3F3", "border": 1, "valign": "top"})
    editable_cols = {"owner", "status", "due_date", "progress"}
    ws = book.add_worksheet(SHEET_TITLE)
    ws.write_string(0, 0, f"Suivi du plan d'action – {territory} – plan de la période {period}",
                    book.add_format({"bold": True, "font_size": 13}))
    ws.write_string(1, 0, "Remplissez les colonnes blanches (pilote, statut, échéance, avancement). "
                          "Ne modifiez pas l'identifiant ni la période : ils relient le suivi au plan.")
    first = 3
    widths = {"action_id": 26, "title": 44, "horizon": 14, "priority": 9, "owner": 24, "status": 14,
              "previous_status": 14, "due_date": 12, "progress": 44, "indicators": 60, "plan_period": 11}
    for c, col in enumerate(columns):
        ws.write_string(first, c, col.label, header)
        ws.set_column(c, c, widths.get(col.name, 16))
    for r, row in enumerate(rows, start=first + 1):
        for c, col in enumerate(columns):
            value = row.get(col.name)
            is_edit = col.name in editable_cols
            if col.name == "due_date":
                if value:
                    day = value if isinstance(value, _dt.date) else _dt.date.fromisoformat(str(value))
                    ws.write_datetime(r, c, _dt.datetime.combine(day, _dt.time()), date_fmt)
                else:
                    ws.write_blank(r, c, None, date_fmt)
            elif col.name == "priority" and value is not None:
                ws.write_number(r, c, float(value), number)
            else:
                text = safe_text(value)
                quoted = text.startswith(FORMULA_START)
                fmt = (editable_q if quoted else editable) if is_edit else (locked_q if quoted else locked)
                ws.write_string(r, c, text, fmt)
    last = first + len(rows)
    if rows:
        status_col = [c.name for c in columns].index("status")
        ws.data_validation(first + 1, status_col, last, status_col, {
            "validate": "list", "source": list(STATUSES), "error_title": "Statut",
            "error_message": "Choisissez à lancer, en cours, fait ou abandonné."})
        due_col = [c.name for c in columns].index("due_date")
        ws.data_validation(first + 1, due_col, last, due_col, {
            "validate": "date", "criteria": ">", "value": _dt.date(2000, 1, 1),
            "error_title": "Échéance", "error_message": "Saisissez une date (JJ/MM/AAAA)."})
    ws.freeze_panes(first + 1, 2)
    ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": False})
    ws.autofilter(first, 0, max(last, first), len(columns) - 1)
    help_ws = book.add_worksheet("Instructions")
    lines = [
        "Classeur de suivi du plan d'action, écrit par gtec.",
        "1. Pour chaque action, indiquez la structure pilote, le statut (liste déroulante), l'échéance "
        "et l'avancement depuis le dernier comité.",
        "2. Statuts : à lancer, en cours, fait, abandonné. Une action dont l'échéance est passée et qui "
        "n'est ni faite ni abandonnée est signalée en retard.",
        "3. Enregistrez le classeur puis : gtec ingest ce_fichier.xlsx --period PÉRIODE_DU_PROCHAIN_COMITÉ",
        "4. Les indicateurs déclencheurs sont les valeurs au moment de l'export (édition comité, "
        "secret statistique appliqué) : ne les modifiez pas.",
        "N'inscrivez pas de noms de personnes : indiquez la structure pilote.",
    ]
    for i, line in enumerate(lines):
        help_ws.write_string(i, 0, line)
    help_ws.set_column(0, 0, 120)
