"""Kind `bmo`: France Travail's BMO survey (Besoins en Main-d'Œuvre) open-data workbooks.

One row = employment area (x département) x occupation: hiring projects (`met`), projects the
employer expects to be difficult (`xmet`), seasonal projects (`smet`). The layout changes every
year (data-sources.md §3): header spellings differ (`code métier BMO ` with a trailing space in
2017–2019, `Code métier BMO` since), columns move, the area columns carry the zoning vintage
(`BE19`, `NOMBE19` … `BE26`), and 2026 adds `clpe` (comité local pour l'emploi) before `met`.
Columns are therefore found by their header, never by position.

`*` marks a cell masked by France Travail (too few answers): it is stored as NULL with its
`*_masked` flag set, never as 0, and counted. An area spanning several départements has one row
per département: rows are stored as published, with their `dep`, and :func:`summarise` sums them.
Occupation codes follow FAP-2009 (`A0Z40`) before 2024 and FAP-2021-style codes (`M1X80`) after.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ... import nomenclatures as nom
from ...errors import Report, cell_ref
from ..kinds import Kind, Parsed, Probe, register
from ..tables import Column, SheetSpec, locate_header, personal_header, read_table
from ..values import (
    BadValue,
    as_code_text,
    is_masked,
    norm_text,
    parse_count,
    parse_text,
    parse_year,
)
from ..workbook import Workbook
from .common import counted, fmt

#: First survey year coded in FAP-2021 (the 2024 survey).
FAP2021_FROM = 2024
_DATA_SHEET = re.compile(r"^bmo ?(\d{4})? ?open ?data")
_DESCRIPTION = "description des variables"
_ZONING = re.compile(r"^be ?(\d{2})$")
_CODE = re.compile(r"^[A-Z]\d[A-Z]\d{2}$")
_DEP = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$")


def _area(value: object) -> str:
    """`be:4419` from 4419, 4419.0 or `4419`; `be:0101` from 101 (Excel drops the zero)."""
    text = as_code_text(value)
    if not re.fullmatch(r"\d{1,4}", text):
        raise BadValue("invalid-territory", "Code de bassin d'emploi BMO mal formé (4 chiffres).",
                       "Vérifiez la colonne BEaa du fichier publié.")
    return f"be:{text.zfill(4)}"


def _dep(value: object) -> str:
    text = as_code_text(value).upper()
    text = text.zfill(2) if text.isdigit() and len(text) < 2 else text
    if not _DEP.match(text):
        raise BadValue("invalid-territory", "Code de département mal formé.", "Exemples : 01, 2A, 52, 971.")
    return text


def _reg(value: object) -> str:
    text = as_code_text(value)
    if not re.fullmatch(r"\d{1,2}", text):
        raise BadValue("invalid-territory", "Code de région mal formé.", "Exemples : 01, 44, 84.")
    return text.zfill(2)


def _occupation(value: object) -> str:
    code = as_code_text(value).upper().replace(" ", "")
    if not _CODE.match(code):
        raise BadValue("invalid-occupation", "Code métier BMO mal formé (lettre, chiffre, lettre, "
                       "deux chiffres : A0Z40, M1X80).", "Vérifiez le code dans le fichier publié.")
    return code


def _count_or_masked(value: object) -> tuple[float | None, int]:
    """(count, 0), or (None, 1) for a masked cell: missing, never 0."""
    if is_masked(value):
        return None, 1
    return parse_count(value), 0


class _PatternColumn(Column):
    """A column whose header carries the zoning vintage (`BE19`, `NOMBE25`): matched by pattern
    (a hundred spelled-out aliases would be normalised again at every header cell)."""

    def matches(self, label: str) -> bool:
        """True when a normalised header is this column's (`be19`, `be 25`, `code bassin`)."""
        return bool(re.fullmatch(self.aliases[0], label)) or label in {norm_text(a) for a in self.aliases[1:]}


def _measure(name: str, header: str, what: str) -> Column:
    return Column(name, (header,), _count_or_masked, label=header, expands=(name, f"{name}_masked"),
                  help=what)


COLUMNS = (
    Column("year", ("annee",), parse_year, required=True, label="annee"),
    Column("occupation", ("code metier bmo", "code metier", "code_metier_bmo"), _occupation,
           required=True, label="Code métier BMO"),
    Column("occupation_label", ("nom metier bmo", "nom metier", "occupation_label"), parse_text,
           label="Nom métier BMO"),
    Column("family", ("famille met", "famille metier"), parse_text, label="Famille_met"),
    Column("family_label", ("lbl fam met", "libelle de famille de metier", "libelle famille metier"),
           parse_text, label="Lbl_fam_met"),
    _PatternColumn("territory", (r"be ?\d{2}", "code bassin", "bassin"), _area, required=True,
                   label="BEaa"),
    _PatternColumn("area_name", (r"nombe ?\d{2}", "nom bassin", "area_name"), parse_text, label="NOMBEaa"),
    Column("dep", ("dept", "departement", "code departement"), _dep, label="Dept"),
    Column("dep_name", ("nomdept", "nom departement", "dep_name"), parse_text, label="NomDept", store=False),
    Column("reg", ("reg", "region", "code region"), _reg, label="REG"),
    Column("reg_name", ("nom reg", "nom region", "reg_name"), parse_text, label="NOM_REG", store=False),
    Column("clpe", ("clpe",), parse_text, label="clpe"),
    _measure("projects", "met", "projets de recrutement"),
    _measure("difficult", "xmet", "projets jugés difficiles"),
    _measure("seasonal", "smet", "projets saisonniers"),
)
SPEC = SheetSpec("bmo", "bmo", "BMO_AAAA_open_data", (), COLUMNS,
                 keys=("year", "territory", "dep", "occupation"),
                 description="Enquête Besoins en Main-d'Œuvre, France Travail.")
MEASURES = ("projects", "difficult", "seasonal")


def detect(probe: Probe) -> int:
    """Confidence that a workbook is a BMO open-data file: a `BMO_<YYYY>_open_data` sheet."""
    if probe.format != "xlsx":
        return 0
    names = [norm_text(n) for n in probe.sheet_names]
    if any(_DATA_SHEET.match(n) for n in names):
        return 95
    return 50 if _DESCRIPTION in names else 0


def _data_sheet(book: Workbook, report: Report):
    """The `BMO_<YYYY>_open_data` sheet; failing that, the first sheet whose header has met/xmet."""
    named = [n for n in book.sheet_names if _DATA_SHEET.match(norm_text(n))]
    others = [n for n in book.sheet_names if norm_text(n) != _DESCRIPTION and n not in named]
    for name in named + others:
        sheet = book.sheet(name)
        match = locate_header(sheet, SPEC)
        if match and {"projects", "territory", "occupation"} <= set(match.mapping):
            return sheet, match
    report.error("missing-sheet", "Aucune feuille de données BMO (en-têtes annee, code métier, BEaa, "
                 "met, xmet, smet) dans le classeur.",
                 fix="Vérifiez qu'il s'agit du fichier « Base open data BMO » de France Travail.")
    return None, None


def read(path: Path, report: Report, probe: Probe, options: dict) -> Parsed | None:
    """A BMO workbook, whatever its layout, into `bmo` rows; masked cells flagged and counted."""
    with Workbook(path) as book:
        sheet, match = _data_sheet(book, report)
        if sheet is None:
            return None
        missing = [c for c in MEASURES if c not in match.mapping]
        for name in missing:
            header = next(col.label for col in COLUMNS if col.name == name)
            report.error("missing-column", f"Colonne obligatoire absente : « {header} ».",
                         sheet=sheet.name, cell=cell_ref(match.row, 0),
                         fix="Le fichier BMO publié a toujours les colonnes met, xmet et smet.")
        if missing:
            return None
        zoning = _zoning(sheet, match, report)
        for name, c in match.mapping.items():
            # `Nom métier BMO`, `NOM_REG` name a trade or a region, not a person: the reader's
            # personal-identifier rule (headers starting with « nom ») must not refuse them.
            if personal_header(match.labels[c]):
                sheet.rows[match.row][c] = name
        result = read_table(sheet, SPEC, report)
    if result is None:
        return None
    frame = result.frame.drop(columns=[c for c in result.frame.columns if c.startswith("_")])
    for name in MEASURES:
        frame[f"{name}_masked"] = frame[f"{name}_masked"].fillna(0).astype(int)
    frame["zoning"] = zoning
    frame["occupation_system"] = [
        None if y is None else ("fap2009" if y < FAP2021_FROM else "fap2021") for y in frame["year"]]
    metadata = _checks(frame, sheet, match, report, zoning)
    keys = {f"bmo|{y}|{t}|{d}" for y, t, d in frame[["year", "territory", "dep"]].itertuples(
        index=False, name=None) if y is not None and t is not None}
    return Parsed(tables={"bmo": frame}, metadata=metadata, keys=keys)


def _zoning(sheet, match, report: Report) -> str | None:
    """`BE19` from the area column's header: the zoning vintage of the employment areas."""
    header = norm_text(sheet.rows[match.row][match.mapping["territory"]])
    found = _ZONING.match(header)
    if found:
        return f"BE{found[1]}"
    report.warning("unknown-zoning", "Millésime du zonage des bassins inconnu (en-tête BEaa attendu) : "
                   "les bassins ne peuvent pas être rapprochés des communes avec certitude.",
                   sheet=sheet.name, cell=cell_ref(match.row, match.mapping["territory"]))
    return None


def _checks(frame: pd.DataFrame, sheet, match, report: Report, zoning: str | None) -> dict:
    """Counted quirks (masked and empty cells, xmet > met, unknown codes, areas split by
    département), each reported once; returns the drop metadata."""
    masked = {name: int(frame[f"{name}_masked"].sum()) for name in MEASURES}
    total_masked = sum(masked.values())
    detail = ", ".join(f"{_header(n)} {fmt(masked[n])}" for n in MEASURES if masked[n])
    counted(report, "masked-cell", f"Cellule(s) masquée(s) « * » (secret statistique : {detail}) : lues "
            "comme manquantes, jamais comme 0 ; les taux sont calculés sur les lignes publiées.",
            total_masked, fix=None)
    for name in MEASURES:
        empty = int((frame[name].isna() & (frame[f"{name}_masked"] == 0)).sum())
        counted(report, "missing-value", f"Cellule(s) vide(s) dans « {_header(name)} » : lues comme "
                "manquantes.", empty)
    for name in ("difficult", "seasonal"):
        over = frame[name] > frame["projects"]
        for row in frame.loc[over, "row"].head(20):
            report.warning("inconsistent-value", f"« {_header(name)} » dépasse le nombre de projets (met).",
                           sheet=sheet.name, cell=cell_ref(int(row) - 1, match.mapping[name]))
    years = sorted({int(y) for y in frame["year"].dropna()})
    old = frame["occupation_system"] == "fap2009"
    unknown = sorted(set(frame.loc[old, "occupation"].dropna()) - nom.fap_codes())
    counted(report, "unknown-code", "Code(s) métier BMO absent(s) de la nomenclature FAP-2009 livrée "
            f"({', '.join(unknown[:8])}) : gardé(s) tels quels.",
            int(frame.loc[old, "occupation"].isin(unknown).sum()))
    unknown_areas: list[str] = []
    if zoning == "BE19":
        known = {f"be:{c['be19']}" for c in nom.communes().values()}
        unknown_areas = sorted(set(frame["territory"].dropna()) - known)
        counted(report, "unknown-area", "Bassin(s) absent(s) du zonage BMO 2019 livré "
                f"({', '.join(unknown_areas[:8])}) : lignes gardées.",
                int(frame["territory"].isin(unknown_areas).sum()))
    deps = frame.dropna(subset=["dep"]).groupby(["year", "territory"])["dep"].nunique()
    split = sorted({t for (_y, t), n in deps.items() if n > 1})
    counted(report, "area-split", "Bassin(s) à cheval sur plusieurs départements "
            f"({', '.join(split[:6])}{'…' if len(split) > 6 else ''}) : une ligne par département, "
            "gardées telles quelles et sommées par les indicateurs.", len(split), severity="info")
    return {
        "vintage": zoning, "zoning": zoning, "sheet": sheet.name, "years": years,
        "territories": sorted(set(frame["territory"].dropna())),
        "occupations": int(frame["occupation"].nunique()),
        "occupation_systems": sorted(set(frame["occupation_system"].dropna())),
        "rows": len(frame), "masked_cells": total_masked, "masked": masked,
        "masked_rows": int((frame[[f"{n}_masked" for n in MEASURES]].sum(axis=1) > 0).sum()),
        "unknown_codes": len(unknown), "unknown_codes_sample": unknown[:20],
        "unknown_areas": unknown_areas, "areas_split_by_departement": split,
    }


def _header(name: str) -> str:
    return next(col.label for col in COLUMNS if col.name == name)


def summarise(frame: pd.DataFrame, by: tuple[str, ...] = ("year", "territory")) -> pd.DataFrame:
    """BMO headline figures per group, summing the département rows of split areas.

    - `projects` = Σ met over published cells (masked cells are missing: the sum is then a floor,
      and `masked_rows` says how many rows were left out);
    - `difficult_share` = 100 × Σ xmet / Σ met over rows where both are published (a ratio of
      sums, never a mean of rates), with its base `difficult_base` = that Σ met;
    - `seasonal_share` likewise with smet, base `seasonal_base`.
    """
    f = frame.copy()
    for name in MEASURES:
        f[name] = pd.to_numeric(f[name], errors="coerce")
    with_x = f["projects"].notna() & f["difficult"].notna()
    with_s = f["projects"].notna() & f["seasonal"].notna()
    f["_base_x"], f["_x"] = f["projects"].where(with_x), f["difficult"].where(with_x)
    f["_base_s"], f["_s"] = f["projects"].where(with_s), f["seasonal"].where(with_s)
    masked_cols = [f"{n}_masked" for n in MEASURES if f"{n}_masked" in f]
    f["_masked"] = (f[masked_cols].fillna(0).sum(axis=1) > 0).astype(int) if masked_cols else 0
    g = f.groupby(list(by), dropna=False)
    out = pd.DataFrame({
        "projects": g["projects"].sum(min_count=1),
        "difficult": g["_x"].sum(min_count=1),
        "difficult_base": g["_base_x"].sum(min_count=1),
        "seasonal": g["_s"].sum(min_count=1),
        "seasonal_base": g["_base_s"].sum(min_count=1),
        "rows": g.size(),
        "masked_rows": g["_masked"].sum(),
    })
    out["difficult_share"] = 100 * out["difficult"] / out["difficult_base"].where(out["difficult_base"] > 0)
    out["seasonal_share"] = 100 * out["seasonal"] / out["seasonal_base"].where(out["seasonal_base"] > 0)
    return out.reset_index()


BMO = register(Kind(
    name="bmo", label="Enquête BMO de France Travail (open data)", detect=detect, read=read,
    formats=("xlsx",), tables=("bmo",),
    description="Projets de recrutement (met), jugés difficiles (xmet) et saisonniers (smet) par "
                "bassin d'emploi et métier ; toutes les mises en page depuis 2017.",
))
