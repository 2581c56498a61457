"""Kinds `dares-tension` and `ft-tension`: the official tension indicators (indicators.md §1).

Dares publishes them by FAP-2009 x geography (`dares/tensions.csv`, year 2019: France, régions,
départements); France Travail by ROME x BMO employment area (`cities-tension-utf8.csv`, 2021).
The main class and the six complementary factors (1–5) are stored as published and never
re-binned: classes are quintiles of the 2014–2018 reference period, so recent years are not
uniform. Rows the producer left without a class (volume too small) are kept with an empty class
and counted in a warning, never dropped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ... import nomenclatures as nom
from ...errors import Report
from ..kinds import Kind, Parsed, Probe, register
from .common import (
    TextTable,
    classes,
    counted,
    header_names,
    numbers,
    read_text_table,
    report_cells,
    storable,
)

#: The six complementary factors, in the Dares order, as store columns.
FACTORS = ("hiring_intensity", "training_link", "labour_shortage", "non_durable_employment",
           "working_conditions", "geographic_mismatch")

#: store column -> (header as Dares publishes it, other spellings); compared in normal form.
DARES_COLUMNS = {
    "occupation": ("fap",),
    "employment": ("Emploi moyen",),
    "tension_value": ("Tension ",),
    "tension_class": ("Catégorie Tension",),
    "hiring_intensity": ("Intensité d'embauches",),
    "training_link": ("Lien formation-emploi",),
    "labour_shortage": ("Manque de main-d'œuvre disponible",),
    "non_durable_employment": ("Non-durabilité de l'emploi",),
    "working_conditions": ("Conditions de travail contraignantes",),
    "geographic_mismatch": ("Inadéquation géographique",),
    "year": ("Année", "annee"),
    "geo_level": ("niveau_geo",),
    "fap_level": ("niveau_fap",),
    "reg": ("reg",),
    "dep": ("dep",),
}

#: France Travail's `ind_*_d` columns (classes 1–5) -> the same store columns as Dares.
FT_COLUMNS = {
    "year": ("annee",),
    "occupation": ("ROME",),
    "area": ("cbassin",),
    "offers": ("oee",),
    "jobseekers_abc": ("defm_abc",),
    "tension_class": ("ind_tension_d",),
    "hiring_intensity": ("ind_int_emb_d",),
    "labour_shortage": ("ind_main_oeuvre_d",),
    "non_durable_employment": ("ind_dur_empl_d",),
    "working_conditions": ("ind_cond_travail_d",),
    "geographic_mismatch": ("ind_mismatch_geo_d",),
    "training_link": ("ind_specif_form_empl_d",),
}

_LABELS = {"tension_class": "Catégorie de tension", "hiring_intensity": "Intensité d'embauches",
           "training_link": "Lien formation-emploi", "labour_shortage": "Manque de main-d'œuvre",
           "non_durable_employment": "Non-durabilité de l'emploi",
           "working_conditions": "Conditions de travail", "geographic_mismatch": "Inadéquation géographique"}


# --- detection -----------------------------------------------------------------------------------
def detect_dares(probe: Probe) -> int:
    """Confidence that a CSV is the Dares tension file: its `fap`, `Catégorie Tension`,
    `niveau_geo` and `niveau_fap` headers."""
    names = set(header_names(probe))
    if {"fap", "categorie tension", "niveau geo", "niveau fap"} <= names:
        return 95
    return 60 if {"fap", "categorie tension"} <= names else 0


def detect_ft(probe: Probe) -> int:
    """Confidence that a CSV is France Travail's tension file: `ROME`, `cbassin`, `ind_tension_d`."""
    names = set(header_names(probe))
    if {"rome", "cbassin", "ind tension d"} <= names:
        return 95
    return 60 if {"rome", "ind tension d"} <= names else 0


# --- shared --------------------------------------------------------------------------------------
def _classes(table: TextTable, report: Report, out: pd.DataFrame) -> None:
    for column in ("tension_class", *FACTORS):
        out[column] = classes(table, column, report, _LABELS[column]).values


def _no_class(report: Report, out: pd.DataFrame) -> int:
    n = int(out["tension_class"].isna().sum())
    counted(report, "no-tension-class",
            "Ligne(s) sans catégorie de tension (le producteur ne la publie pas quand le volume est "
            "insuffisant) : gardées avec une catégorie vide, jamais supprimées.", n)
    return n


def _duplicates(report: Report, table: TextTable, out: pd.DataFrame) -> None:
    dup = out.duplicated(subset=["year", "territory", "occupation"], keep="first")
    if dup.any():
        report_cells(report, table, "occupation", dup, code="duplicate-row",
                     message="Ligne en double (même année, territoire et métier qu'une ligne "
                             "précédente) : les chiffres seraient comptés deux fois.",
                     fix="Repartez du fichier publié, sans lignes ajoutées.")


def _finish(out: pd.DataFrame, source: str, table: TextTable, report: Report,
            unknown: list[str], extra: dict) -> Parsed:
    out["sheet"] = None
    out["row"] = out.index + 2
    no_class = _no_class(report, out)
    _duplicates(report, table, out)
    years = sorted({int(y) for y in out["year"].dropna()})
    territories = sorted(set(out["territory"].dropna()))
    metadata = {
        "source": source, "vintage": "-".join(map(str, years)) if years else None, "years": years,
        "territories": territories, "occupations": int(out["occupation"].nunique()),
        "rows": len(out), "rows_without_class": no_class, "unknown_codes": len(unknown),
        "unknown_codes_sample": unknown[:20], **extra,
    }
    keys = {f"tension|{source}|{y}|{t}" for y, t in
            out[["year", "territory"]].dropna().drop_duplicates().itertuples(index=False, name=None)}
    return Parsed(tables={"tension": storable(out.reset_index(drop=True))}, metadata=metadata, keys=keys)


# --- Dares ---------------------------------------------------------------------------------------
def _dares_territories(table: TextTable, report: Report) -> pd.Series:
    """`fr`, `reg:44` (from `44.0`) or `dep:52`, from niveau_geo (`reg ` has a trailing space)."""
    f = table.frame
    level = f["geo_level"].str.strip().str.lower()
    bad = ~level.isin(["nat", "reg", "dep"])
    if bad.any():
        report_cells(report, table, "geo_level", bad, code="invalid-choice",
                     message="Niveau géographique inconnu (nat, reg ou dep attendu).")
    reg = numbers(table, "reg", report, lo=1, hi=99, integer=True, what="Code région").values
    reg_code = reg.map(lambda v: f"{int(v):02d}" if pd.notna(v) else None)
    dep_code = f["dep"].str.strip().str.upper()
    dep_code = dep_code.where(~dep_code.str.fullmatch(r"\d"), "0" + dep_code)
    valid_dep = {code: _valid("dep", code) for code in dep_code.unique() if code}
    territory = pd.Series(None, index=f.index, dtype=object)
    territory[level == "nat"] = "fr"
    is_reg = (level == "reg") & reg_code.notna()
    territory[is_reg] = "reg:" + reg_code[is_reg]
    is_dep = (level == "dep") & dep_code.map(lambda c: bool(valid_dep.get(c)))
    territory[is_dep] = "dep:" + dep_code[is_dep]
    lost = ~bad & territory.isna()
    if lost.any():
        report_cells(report, table, "geo_level", lost, code="invalid-territory",
                     message="Code de région ou de département absent ou mal formé pour ce niveau.")
    return territory


def _valid(mesh: str, code: str) -> bool:
    try:
        nom.territory(code, mesh)
    except ValueError:
        return False
    return True


def read_dares(path: Path, report: Report, probe: Probe, options: dict) -> Parsed | None:
    """The Dares tension file into `tension` rows (source `dares`), quirks counted in `report`."""
    table = read_text_table(path, probe, report, DARES_COLUMNS, tuple(DARES_COLUMNS))
    if table is None:
        return None
    f = table.frame
    out = pd.DataFrame(index=f.index)
    out["source"] = "dares"
    out["year"] = numbers(table, "year", report, lo=1990, hi=2100, integer=True,
                          what="Année").values.round().astype("Int64")
    out["territory"] = _dares_territories(table, report)
    code = f["occupation"].str.strip().str.upper()
    level = f["fap_level"].str.strip().str.lower().str.replace(" ", "", regex=False)
    bad_level = ~level.isin(["fap225", "fap87"])
    if bad_level.any():
        report_cells(report, table, "fap_level", bad_level, code="invalid-choice",
                     message="Niveau de FAP inconnu (« fap 225 » ou « fap 87 » attendu).")
    width = level.map({"fap225": 5, "fap87": 3})
    malformed = ~code.str.fullmatch(nom.FAP_RE.pattern) | (~bad_level & (code.str.len() != width))
    if malformed.any():
        report_cells(report, table, "occupation", malformed, code="invalid-occupation",
                     message="Code FAP mal formé ou incohérent avec niveau_fap (5 caractères en "
                             "FAP-225, 3 en FAP-87).")
    out["occupation"] = code
    out["occupation_system"] = level.where(~bad_level)
    out["employment"] = numbers(table, "employment", report, lo=0, what="Emploi moyen").values
    out["tension_value"] = numbers(table, "tension_value", report, what="Indicateur de tension").values
    _classes(table, report, out)
    known = nom.fap_codes()
    unknown = sorted(set(code[~malformed]) - known)
    counted(report, "unknown-code", "Code(s) FAP absent(s) de la nomenclature FAP-2009 livrée "
            f"({', '.join(unknown[:8])}) : gardé(s) tels quels.",
            int(code[~malformed].isin(unknown).sum()))
    no_value = int(out["tension_value"].isna().sum())
    counted(report, "no-tension-value", "Ligne(s) sans valeur de l'indicateur de tension : gardées, "
            "valeur vide.", no_value, severity="info")
    levels = level.where(~bad_level).value_counts().to_dict()
    geo = f["geo_level"].str.strip().str.lower().value_counts().to_dict()
    return _finish(out, "dares", table, report, unknown, {
        "rows_without_value": no_value, "levels": {k: int(v) for k, v in levels.items()},
        "geography": {k: int(v) for k, v in geo.items()}})


# --- France Travail ------------------------------------------------------------------------------
def read_ft(path: Path, report: Report, probe: Probe, options: dict) -> Parsed | None:
    """France Travail's tension file into `tension` rows (source `france-travail`)."""
    table = read_text_table(path, probe, report, FT_COLUMNS, tuple(FT_COLUMNS), sep=";")
    if table is None:
        return None
    f = table.frame
    out = pd.DataFrame(index=f.index)
    out["source"] = "france-travail"
    out["year"] = numbers(table, "year", report, lo=1990, hi=2100, integer=True,
                          what="Année").values.round().astype("Int64")
    area = f["area"].str.strip()
    area = area.where(~area.str.fullmatch(r"\d{1,3}"), area.str.zfill(4))  # Excel ate the zeros
    bad_area = ~area.str.fullmatch(r"\d{4}")
    if bad_area.any():
        report_cells(report, table, "area", bad_area, code="invalid-territory",
                     message="Code de bassin d'emploi mal formé (4 chiffres attendus).")
    out["territory"] = ("be:" + area).where(~bad_area)
    code = f["occupation"].str.strip().str.upper()
    malformed = ~code.str.fullmatch(nom.ROME_RE.pattern)
    if malformed.any():
        report_cells(report, table, "occupation", malformed, code="invalid-rome",
                     message="Code ROME mal formé (une lettre A à N et 4 chiffres).")
    out["occupation"] = code
    out["occupation_system"] = "rome"
    out["offers"] = numbers(table, "offers", report, lo=0, what="Offres d'emploi").values
    out["jobseekers_abc"] = numbers(table, "jobseekers_abc", report, lo=0,
                                    what="Demandeurs d'emploi").values
    _classes(table, report, out)
    unknown = sorted(set(code[~malformed]) - set(nom.rome_labels()))
    counted(report, "unknown-code", "Code(s) ROME absent(s) du référentiel ROME v3.46 livré "
            f"({', '.join(unknown[:8])}) : gardé(s) tels quels.",
            int(code[~malformed].isin(unknown).sum()))
    areas = {c["be19"] for c in nom.communes().values()}
    unknown_areas = sorted(set(area[~bad_area]) - areas)
    counted(report, "unknown-area",
            f"Bassin(s) d'emploi absent(s) du zonage BMO 2019 livré ({', '.join(unknown_areas[:8])}) : "
            "lignes gardées, mais sans correspondance avec des communes.",
            int(area[~bad_area].isin(unknown_areas).sum()))
    no_factor = {c: int(out[c].isna().sum()) for c in FACTORS if out[c].isna().any()}
    for column, n in no_factor.items():
        counted(report, "missing-factor", f"Facteur « {_LABELS[column]} » non publié sur certaines "
                "lignes : gardées, facteur vide.", n, severity="info")
    return _finish(out, "france-travail", table, report, unknown, {
        "unknown_areas": unknown_areas, "rows_without_factor": no_factor})


DARES_TENSION = register(Kind(
    name="dares-tension", label="Indicateurs de tension Dares (FAP × territoire)",
    detect=detect_dares, read=read_dares, formats=("text",), tables=("tension",),
    description="Dares, « Les tensions sur le marché du travail » : catégorie 1–5 et six facteurs, "
                "par FAP-2009, pour la France, les régions et les départements.",
))

FT_TENSION = register(Kind(
    name="ft-tension", label="Indicateurs de tension France Travail (ROME × bassin)",
    detect=detect_ft, read=read_ft, formats=("text",), tables=("tension",),
    description="France Travail : catégorie de tension 1–5 et facteurs, offres et demandeurs "
                "d'emploi ABC, par code ROME et bassin d'emploi BMO.",
))
