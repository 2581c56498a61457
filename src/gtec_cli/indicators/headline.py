"""The headline figures of the workspace territory, one line each (`gtec indicators --headline`).

Each line is read from a registered indicator computed for the workspace territory only, so it is
the same figure the tables and the report show; indicators without data are left out.
"""

from __future__ import annotations

import pandas as pd

from .compute import compute_each
from .registry import get

#: (indicator, label, filter on the result rows) in reading order.
_LINES = (
    ("ageing_index", "Indice de vieillissement (65+ pour 100 moins de 20 ans)", {}),
    ("share_60_plus", "Part des 60 ans ou plus", {}),
    ("share_75_plus", "Part des 75 ans ou plus", {}),
    ("workforce_share_55_plus", "Part des 55 ans ou plus dans l'emploi du territoire", {"scope": "territoire"}),
    ("workforce_share_55_plus", "Part des 55 ans ou plus dans les entreprises auditées", {"scope": "audits"}),
    ("bmo_projects", "Projets de recrutement (BMO)", {}),
    ("bmo_difficult_share", "Part des projets de recrutement jugés difficiles (BMO)", {}),
    ("audit_difficult_share", "Part des recrutements prévus jugés difficiles (audits)", {}),
    ("expected_departures", "Départs en fin de carrière attendus, emploi du territoire",
     {"scope": "territoire", "scenario": "central", "horizon_years": "main"}),
    ("expected_departures", "Départs en fin de carrière attendus, entreprises auditées",
     {"scope": "audits", "scenario": "central", "horizon_years": "main"}),
)


def _base(row: pd.Series) -> tuple[float | None, str]:
    for col, label in (("n_companies", "entreprises"), ("n_projects", "projets"), ("n_people", "personnes")):
        if col in row and pd.notna(row[col]):
            return float(row[col]), label
    return None, ""


def headline(store, settings) -> pd.DataFrame:
    """One row per headline figure: label, value, unit, base, its unit, year, fragile, indicator."""
    from .territories import requested

    chain = requested(settings)
    own = chain[0] if chain else None
    names = list(dict.fromkeys(n for n, _, _ in _LINES))
    results = compute_each(store, settings, names, territory=own)
    rows = []
    for name, label, where in _LINES:
        df = results[name]
        if df.empty:
            continue
        for col, wanted in where.items():
            if col not in df.columns:
                df = df.iloc[0:0]
                break
            wanted = settings.assumptions.main_horizon if wanted == "main" else wanted
            df = df[df[col] == wanted]
        if own is not None and "territory" in df.columns and where.get("scope") != "audits":
            df = df[df["territory"] == own]
        if df.empty:
            continue
        row = df.iloc[0]
        base, base_unit = _base(row)
        year = row.get("year") if "year" in row and pd.notna(row.get("year")) else None
        rows.append({"indicator": name, "label": label, "value": row["value"], "unit": get(name).unit,
                     "base": base, "base_unit": base_unit, "year": year,
                     "horizon_years": row.get("horizon_years") if "horizon_years" in row else None,
                     "fragile": bool(row["fragile"]), "source": get(name).source})
    return pd.DataFrame(rows, columns=["indicator", "label", "value", "unit", "base", "base_unit",
                                       "year", "horizon_years", "fragile", "source"])
