"""Kind `opeq`: the observatory workbook (data-sources.md §1)."""

from __future__ import annotations

from pathlib import Path

from .. import nomenclatures as nom
from ..errors import Report
from .kinds import Kind, Parsed, Probe, register
from .sheets import read_known_sheets, sheet_score
from .specs import OPEQ_SHEETS


def detect(probe: Probe) -> int:
    if probe.format != "xlsx":
        return 0
    score = sheet_score(probe.sheet_names, OPEQ_SHEETS)
    return min(90, 30 * score) if score else 0


def read(path: Path, report: Report, probe: Probe, options: dict) -> Parsed | None:
    results = read_known_sheets(path, OPEQ_SHEETS, report)
    if results is None:
        return None
    specs = {s.key: s for s in OPEQ_SHEETS}
    tables, keys, metadata = {}, set(), {"sheets": {}}
    for key, result in results.items():
        frame = result.frame.drop(columns=[c for c in result.frame.columns if c.startswith("_")])
        if "occupation" in frame.columns and specs[key].table == "employment":
            systems = {c: nom.occupation_system(c) for c in frame["occupation"].dropna().unique()}
            frame["occupation_system"] = frame["occupation"].map(systems)  # per code, not per row
        table = specs[key].table
        tables[table] = frame
        # Two drops double count only where they share a table, a territory and a year/period.
        when = "year" if "year" in frame.columns else "period"
        for territory, at in frame[["territory", when]].dropna().drop_duplicates().itertuples(index=False):
            keys.add(f"{table}|{territory}|{at}")
        metadata["sheets"][table] = {
            "rows": len(frame), "masked": result.masked, "totals_skipped": result.totals_skipped,
            "years": sorted({int(y) for y in frame["year"].dropna()}) if "year" in frame else None,
            "periods": sorted(set(frame["period"].dropna())) if "period" in frame else None,
            "territories": sorted(set(frame["territory"].dropna())),
        }
    return Parsed(tables=tables, metadata=metadata, keys=keys)


OPEQ = register(Kind(
    name="opeq", label="Classeur de l'observatoire (OPEQ)", detect=detect, read=read,
    tables=tuple(s.table for s in OPEQ_SHEETS),
    description="Population, emploi, établissements, demandeurs d'emploi, offres, formation.",
))
