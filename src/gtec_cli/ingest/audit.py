"""Kind `audit`: a company audit workbook, one company per workbook or one consolidated workbook
with a SIRET column in every sheet (data-sources.md §2)."""

from __future__ import annotations

from pathlib import Path

from ..errors import Report
from .kinds import Kind, Parsed, Probe, register
from .sheets import read_known_sheets, sheet_score
from .specs import AUDIT_SHEETS


def detect(probe: Probe) -> int:
    if probe.format != "xlsx":
        return 0
    score = sheet_score(probe.sheet_names, AUDIT_SHEETS)
    has_company = any(AUDIT_SHEETS[0].matches_sheet(n) for n in probe.sheet_names)
    return min(95, 20 * score + (40 if has_company else 0)) if score else 0


def read(path: Path, report: Report, probe: Probe, options: dict) -> Parsed | None:
    results = read_known_sheets(path, AUDIT_SHEETS, report, required=("entreprise",))
    if results is None or "entreprise" not in results:
        return None
    specs = {s.key: s for s in AUDIT_SHEETS}
    companies = results["entreprise"].frame
    sirets = [s for s in companies["siret"] if s]
    if companies.empty:
        report.error("missing-company", "La feuille Entreprise ne décrit aucune entreprise.",
                     sheet=specs["entreprise"].title,
                     fix="Remplissez une ligne par entreprise (SIRET, raison sociale, NAF, effectif…).")
        return None
    if not sirets:
        return None  # every SIRET was refused, and the report says why at its cell
    single = sirets[0] if len(companies) == 1 else None
    tables = {"companies": companies}
    for key, result in results.items():
        if key == "entreprise":
            continue
        frame = result.frame
        spec = specs[key]
        if "siret" not in frame.columns or frame["siret"].isna().all():
            if single is None and not frame.empty:
                report.error("missing-column",
                             "Classeur consolidé (plusieurs entreprises) : la colonne SIRET est obligatoire "
                             "dans chaque feuille.", sheet=frame["sheet"].iloc[0],
                             fix="Ajoutez une colonne « SIRET » qui dit à quelle entreprise est chaque ligne.")
                continue
            frame["siret"] = single
        else:
            missing = frame["siret"].isna()
            if single is not None:
                frame.loc[missing, "siret"] = single
            known = set(sirets)
            for sheet, row, siret in frame.loc[~frame["siret"].isin(known) & frame["siret"].notna(),
                                               ["sheet", "row", "siret"]].itertuples(index=False):
                report.error("unknown-company",
                              "SIRET absent de la feuille Entreprise de ce classeur.", sheet=sheet,
                              cell=f"A{row}", value=siret,
                              fix="Ajoutez l'entreprise à la feuille Entreprise ou corrigez le SIRET.")
        tables[spec.table] = frame.drop(columns=[c for c in frame.columns if c.startswith("_")])
    return Parsed(
        tables=tables,
        keys={f"company|{s}" for s in sirets},
        metadata={"companies": len(sirets), "consolidated": single is None,
                  "sheets": sorted(results)},
    )


AUDIT = register(Kind(
    name="audit", label="Audit d'entreprise", detect=detect, read=read,
    tables=tuple(s.table for s in AUDIT_SHEETS),
    description="Une entreprise (ou un classeur consolidé) : effectifs, départs, recrutements, "
                "compétences manquantes, diagnostic, coopération.",
))
