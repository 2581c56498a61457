"""What a workspace holds: drops, periods, sources with their coverage, staleness."""

from __future__ import annotations

from .periods import parse_period


def _coverage(drops) -> str:
    """Years/periods, territories and companies a kind's drops cover, from their metadata."""
    years, periods, territories, companies, masked = set(), set(), set(), 0, 0
    for d in drops:
        meta = d.metadata
        companies += meta.get("companies", 0) or 0
        for sheet in (meta.get("sheets") or {}).values() if isinstance(meta.get("sheets"), dict) else []:
            years.update(sheet.get("years") or [])
            periods.update(sheet.get("periods") or [])
            territories.update(sheet.get("territories") or [])
            masked += sum((sheet.get("masked") or {}).values())
        years.update(meta.get("years") or [])
        territories.update(meta.get("territories") or [])
        masked += meta.get("masked_cells", 0) or 0
    parts = []
    if years:
        parts.append(f"années {min(years)}–{max(years)}" if len(years) > 1 else f"année {min(years)}")
    if periods:
        parts.append(f"périodes {', '.join(sorted(periods))}")
    if territories:
        shown = ", ".join(sorted(territories)[:4]) + ("…" if len(territories) > 4 else "")
        parts.append(f"{len(territories)} territoire(s) ({shown})")
    if companies:
        parts.append(f"{companies} entreprise(s)")
    if masked:
        parts.append(f"{masked} cellule(s) masquée(s)")
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
            "coverage": _coverage(ds),
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
    }
