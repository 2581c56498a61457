"""Reading the known sheets of a workbook against a kind's specs (shared by `opeq` and `audit`)."""

from __future__ import annotations

from pathlib import Path

from ..errors import Report
from .tables import SheetSpec, TableResult, read_table
from .values import norm_text
from .workbook import Workbook

#: Sheets the blank templates add for people, never read as data.
HELP_SHEETS = {"instructions", "lisez moi", "mode d emploi", "listes", "aide", "readme", "notice"}


def read_known_sheets(path: Path, specs: tuple[SheetSpec, ...], report: Report,
                      required: tuple[str, ...] = ()) -> dict[str, TableResult] | None:
    """Read every sheet that matches a spec; say which sheets were ignored or are missing.

    Returns spec key -> table read, or None when no known sheet is present.
    """
    results: dict[str, TableResult] = {}
    with Workbook(path) as book:
        matched: dict[str, str] = {}
        ignored = []
        for name in book.sheet_names:
            spec = next((s for s in specs if s.matches_sheet(name)), None)
            if spec is None:
                if norm_text(name) not in HELP_SHEETS:
                    ignored.append(name)
                continue
            if spec.key in matched:
                report.error("duplicate-sheet",
                             f"Deux feuilles « {matched[spec.key]} » et « {name} » pour « {spec.title} ».",
                             sheet=name, fix="Gardez une seule feuille de ce type.")
                continue
            matched[spec.key] = name
        if not matched:
            known = ", ".join(f"« {s.title} »" for s in specs)
            report.error("missing-sheet", f"Aucune feuille reconnue. Feuilles attendues : {known}.",
                         fix="Partez du modèle `gtec template` et gardez les noms de feuilles.")
            return None
        for key in required:
            if key not in matched:
                title = next(s.title for s in specs if s.key == key)
                report.error("missing-sheet", f"Feuille obligatoire absente : « {title} ».",
                             fix=f"Ajoutez la feuille « {title} » (voir `gtec template`).")
        if ignored:
            report.warning("ignored-sheet", f"Feuille(s) non reconnue(s), ignorée(s) : {', '.join(ignored)}.")
        for spec in specs:
            if spec.key not in matched:
                continue
            sheet = book.sheet(matched[spec.key])
            result = read_table(sheet, spec, report)
            if result is not None:
                results[spec.key] = result
    return results


def sheet_score(sheet_names: list[str], specs: tuple[SheetSpec, ...]) -> int:
    """How many of a workbook's sheets match a kind's specs (for detection)."""
    return sum(any(s.matches_sheet(n) for s in specs) for n in sheet_names)
