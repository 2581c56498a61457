"""What a workspace holds: drops, periods, sources with their coverage, staleness."""

from __future__ import annotations

from .periods import parse_period


def coverage_detail(drops) -> dict:
    """What a kind's drops cover, from the metadata their readers wrote: years, periods,
    territories, occupations, companies, zoning or census vintages, and the quirks counted on the
    way in (masked cells, rows without a tension class, unknown codes)."""
    years, periods, territories, vintages = set(), set(), set(), set()
    companies = masked = without_class = unknown = extra_territories = occupations = 0
    for d in drops:
        meta = d.metadata
        companies += meta.get("companies", 0) or 0
        sheets = meta.get("sheets") if isinstance(meta.get("sheets"), dict) else {}
        for sheet in sheets.values():
            years.update(sheet.get("years") or [])
            periods.update(sheet.get("periods") or [])
            territories.update(sheet.get("territories") or [])
            masked += sum((sheet.get("masked") or {}).values())
        years.update(meta.get("years") or [])
        listed = meta.get("territories") or []
        territories.update(listed)
        # Census drops of 35 000 communes list a sample only, with the full count beside it.
        extra_territories += max(0, (meta.get("territories_count") or 0) - len(listed))
        masked += meta.get("masked_cells", 0) or 0
        without_class += meta.get("rows_without_class", 0) or 0
        unknown += meta.get("unknown_codes", 0) or 0
        # A count per drop, not a list: the largest tells how many occupations a year covers.
        occupations = max(occupations, meta.get("occupations", 0) or 0)
        if meta.get("vintage"):
            vintages.add(str(meta["vintage"]))
    return {
        "years": sorted(years), "periods": sorted(periods),
        "territories": len(territories) + extra_territories,
        "territories_sample": sorted(territories)[:4], "occupations": occupations,
        "companies": companies, "vintages": sorted(vintages), "masked_cells": masked,
        "rows_without_class": without_class, "unknown_codes": unknown,
    }


def _n(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def coverage(drops) -> str:
    """One line for people: vintage, years, territories, occupations, and the counted quirks."""
    c = coverage_detail(drops)
    years = c["years"]
    parts = []
    if c["vintages"]:
        parts.append(f"millésime {', '.join(c['vintages'])}")
    if years:
        parts.append(f"années {min(years)}–{max(years)}" if len(years) > 1 else f"année {min(years)}")
    if c["periods"]:
        parts.append(f"périodes {', '.join(c['periods'])}")
    if c["territories"]:
        shown = ", ".join(c["territories_sample"]) + ("…" if c["territories"] > 4 else "")
        parts.append(f"{_n(c['territories'])} territoire(s) ({shown})")
    if c["occupations"]:
        parts.append(f"{_n(c['occupations'])} métier(s)")
    if c["companies"]:
        parts.append(f"{c['companies']} entreprise(s)")
    if c["masked_cells"]:
        parts.append(f"{_n(c['masked_cells'])} cellule(s) masquée(s)")
    if c["rows_without_class"]:
        parts.append(f"{_n(c['rows_without_class'])} ligne(s) sans catégorie de tension")
    if c["unknown_codes"]:
        parts.append(f"{_n(c['unknown_codes'])} code(s) hors nomenclature")
    return " ; ".join(parts) or "—"


def workspace_status(ws, store) -> dict:
    """A JSON-ready description of the workspace, used by `gtec status` and the API."""
    drops = store.drops()
    current = ws.default_period()
    by_kind: dict[str, list] = {}
    for d in drops:
        by_kind.setdefault(d.kind, []).append(d)
    sources = []
    for kind, ds in sorted(by_kind.items()):
        periods = sorted({d.period for d in ds}, key=parse_period)
        sources.append({
            "kind": kind,
            "drops": len(ds),
            "periods": periods,
            "latest_period": periods[-1],
            "rows": sum(sum(d.row_counts.values()) for d in ds),
            "coverage": coverage(ds),
            "coverage_detail": coverage_detail(ds),
            "vintages": sorted({str(d.metadata["vintage"]) for d in ds if d.metadata.get("vintage")}),
            # Audits and observatory drops are expected every period; public files are yearly.
            "stale": parse_period(periods[-1]) < parse_period(current) if kind in ("audit", "opeq")
            else parse_period(periods[-1])[0] < parse_period(current)[0] - 1,
        })
    return {
        "workspace": str(ws.root),
        "store": str(ws.store_path),
        "schema_version": store.version,
        "territory": ws.settings.territory.model_dump(),
        "current_period": current,
        "periods": store.periods(),
        "drops": [
            {"id": d.id, "kind": d.kind, "period": d.period, "file_name": d.file_name,
             "sha256": d.sha256, "ingested_at": d.ingested_at, "rows": sum(d.row_counts.values()),
             "row_counts": d.row_counts, "warnings": d.warnings}
            for d in drops
        ],
        "sources": sources,
        "tables": {t: store.db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                   for t in store.tables()},
        # What `gtec purge` erased: dates and counts only (the store keeps no name of it).
        "purges": store.purges(),
    }
