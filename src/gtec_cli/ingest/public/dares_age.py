"""Kind `dares-age`: Dares national workforce by occupation and age band (Portraits statistiques
des métiers, `dares/age_2017_2019_3niv.csv`, latin-1).

One row = FAP x age band: people in employment, in thousands, Enquête Emploi pooled over the period
the value column names (`annee_2017_2019`). Three FAP levels and the total live in one file; the
level comes from the code's length (1 = domain, 3 = FAP-87, 5 = FAP-225, `ENSEMBLE` = all
occupations). It is the national reference a territory's ageing is compared with (indicators.md
§2: 30.6 % of the employed are 50 or older in 2017–2019).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ... import nomenclatures as nom
from ...errors import Report
from ..kinds import Kind, Parsed, Probe, register
from ..values import BadValue, parse_age_band
from .common import counted, header_names, numbers, read_text_table, report_cells

_VALUE = re.compile(r"^annee[ _]?(\d{4})(?:[ _-](\d{4}))?$")
COLUMNS = {
    "occupation": ("fap",),
    "age": ("tr_age", "tranche d age"),
    "label": ("libelle",),
    "domain": ("code_domaine",),
    "domain_label": ("libelle_domaine",),
    "fap87": ("code_fap_agregee",),
    "fap87_label": ("libelle_fap_agregee",),
}
LEVELS = {1: "domain", 3: "fap87", 5: "fap225"}
TOTAL = "ENSEMBLE"
#: A domain letter, FAP-87 `D2Z`, FAP-225 `D2Z40`; Dares codes "not stated" as `Z`, `ZZZ`, `ZZZZZ`.
_CODE = r"[A-Z](\d[A-Z](\d{2})?)?|ZZZ(ZZ)?"


def _value_column(names: list[str]) -> tuple[str, str] | None:
    """(header, period) of the value column: `annee_2017_2019` -> `2017-2019`."""
    for name in names:
        match = _VALUE.match(name.strip().lower())
        if match:
            return name, "-".join(g for g in match.groups() if g)
    return None


def detect(probe: Probe) -> int:
    """Confidence that a CSV is the Dares age file: `fap`, `tr_age` and an `annee_AAAA_AAAA` column."""
    names = header_names(probe)
    if {"fap", "tr age"} <= set(names):
        return 95 if any(_VALUE.match(n.replace(" ", "_")) for n in names) else 60
    return 0


def read(path: Path, report: Report, probe: Probe, options: dict) -> Parsed | None:
    """The Dares age file into `workforce_age_national` rows, one per FAP x age band."""
    first = probe.head_lines[0].lstrip("\ufeff").rstrip("\r\n") if probe.head_lines else ""
    raw_header = [h.strip().strip('"') for h in first.split(",")]
    found = _value_column(raw_header)
    if found is None:
        report.error("missing-column", "Colonne des effectifs absente (en-tête « annee_AAAA_AAAA »).",
                     cell="A1", fix="Vérifiez que c'est le fichier « age » des Portraits statistiques "
                                    "des métiers, avec sa ligne d'en-tête.")
        return None
    header, period = found
    columns = {**COLUMNS, "employed_thousands": (header,)}
    table = read_text_table(path, probe, report, columns, ("occupation", "age", "employed_thousands"),
                            sep=",")
    if table is None:
        return None
    f = table.frame
    out = pd.DataFrame(index=f.index)
    out["period"] = period
    code = f["occupation"].str.strip().str.upper()
    level = code.str.len().map(LEVELS).where(code != TOTAL, "all")
    malformed = level.isna() | ((level != "all") & ~code.str.fullmatch(_CODE))
    if malformed.any():
        report_cells(report, table, "occupation", malformed, code="invalid-occupation",
                     message="Code FAP non reconnu (domaine à 1 lettre, FAP-87 à 3 caractères, "
                             "FAP-225 à 5, ou ENSEMBLE).")
    out["occupation"] = code
    out["level"] = level
    out["label"] = f["label"].str.strip() if "label" in f else None
    bands = {}
    for text in f["age"].unique():
        try:
            bands[text] = parse_age_band(text)
        except BadValue:
            bands[text] = (None, None, None)
    parsed = f["age"].map(bands)
    for i, column in enumerate(("age_band", "age_min", "age_max")):
        out[column] = pd.Series([b[i] for b in parsed], index=f.index, dtype=object)
    bad_band = out["age_band"].isna()
    if bad_band.any():
        report_cells(report, table, "age", bad_band, code="unknown-age-band",
                     message="Tranche d'âge non reconnue.")
    employed = numbers(table, "employed_thousands", report, lo=0, what="Effectif (milliers)")
    out["employed_thousands"] = employed.values
    missing = int((employed.missing | employed.masked).sum())
    counted(report, "missing-value", "Effectif non publié (NA) : ligne gardée, valeur vide "
            "(jamais 0).", missing)
    dup = out.duplicated(subset=["occupation", "age_band"], keep="first") & ~bad_band
    if dup.any():
        report_cells(report, table, "occupation", dup, code="duplicate-row",
                     message="Ligne en double (même FAP et même tranche d'âge).")
    fap = ~malformed & out["level"].isin(["fap87", "fap225"])
    unknown = sorted(set(code[fap]) - nom.fap_codes())
    counted(report, "unknown-code", "Code(s) FAP absent(s) de la nomenclature FAP-225 livrée "
            f"({', '.join(unknown[:8])}) : gardé(s) tels quels.", int(code[fap].isin(unknown).sum()))
    out["sheet"] = None
    out["row"] = out.index + 2
    bounds = [int(y) for y in period.split("-")]
    metadata = {
        "vintage": period, "period": period, "years": list(range(bounds[0], bounds[-1] + 1)),
        "territories": ["fr"], "occupations": int(code[out["level"] != "all"].nunique()),
        "levels": {k: int(v) for k, v in level.value_counts().items()},
        "rows": len(out), "missing_values": missing, "unknown_codes": len(unknown),
        "unknown_codes_sample": unknown[:20],
    }
    return Parsed(tables={"workforce_age_national": out.reset_index(drop=True)}, metadata=metadata,
                  keys={f"workforce_age_national|{period}"})


DARES_AGE = register(Kind(
    name="dares-age", label="Pyramide des âges nationale par métier (Dares)",
    detect=detect, read=read, formats=("text",), tables=("workforce_age_national",),
    description="Dares, Portraits statistiques des métiers : personnes en emploi (milliers) par FAP "
                "et tranche d'âge, France, Enquête Emploi.",
))
