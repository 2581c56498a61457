"""Which rows of a public table describe a requested territory.

Sources publish different meshes: the BMO survey by employment area (one row per area ×
département), Dares tensions by département, region and France, the observatory by whatever mesh
it chose. A requested territory is matched exactly first; BMO rows also add up to a département
(`dep`), a region (`reg`) or France; otherwise the territory's aliases from `gtec.toml` (the
Langres arrondissement is the employment area `be:4419`) or, for communes, their employment areas.
Each selected row is labelled with the requested territory, and `source_territory` says what was
actually read.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..settings import Settings


def requested(settings: Settings, territory: str | None = None) -> list[str]:
    """The territory asked for, or the workspace territory followed by its comparisons."""
    if territory:
        return [territory]
    own = settings.territory.code or (settings.territory.name if settings.territory.communes else "")
    return [t for t in dict.fromkeys([own, *settings.territory.comparisons]) if t]


def _bmo_rows(df: pd.DataFrame, code: str) -> pd.Series:
    """Rows of the BMO table adding up to `code` (sum of areas × départements)."""
    if code == "fr":
        return pd.Series(True, index=df.index)
    mesh, _, value = code.partition(":")
    if mesh == "dep" and "dep" in df.columns:
        return df["dep"].astype(str).str.zfill(2) == value
    if mesh == "reg" and "reg" in df.columns:
        return df["reg"].astype(str).str.replace(r"\.0$", "", regex=True).str.zfill(2) == value
    return df["territory"] == code


def _alias_codes(code: str, settings: Settings) -> list[str]:
    """Other references of the same territory: aliases, or the employment areas of its communes."""
    own = settings.territory.code or settings.territory.name
    if code != own:
        return _commune_areas([code[4:]]) if code.startswith("com:") else []
    if settings.territory.aliases:
        return list(settings.territory.aliases)
    if settings.territory.communes:
        return _commune_areas(settings.territory.communes)
    return _commune_areas([code[4:]]) if code.startswith("com:") else []


def _commune_areas(communes: Sequence[str]) -> list[str]:
    from .. import nomenclatures as nom

    table = nom.communes()
    return sorted({f"be:{table[c]['be19']}" for c in communes if c in table and table[c]["be19"]})


def candidates(settings: Settings, territory: str | None = None) -> set[str]:
    """Every stored territory code :func:`select` may read for the request (not for BMO, whose
    rows also add up by département and region): the requested codes and their aliases."""
    chain = requested(settings, territory)
    return {*chain, *(alias for code in chain for alias in _alias_codes(code, settings))}


def select(df: pd.DataFrame, territories: Sequence[str], settings: Settings, *,
           table: str = "") -> pd.DataFrame:
    """Rows for each requested territory, labelled with it (`territory`) and with the reference
    read (`source_territory`). Rows may serve several territories (an area inside its région)."""
    if df.empty or "territory" not in df.columns:
        out = df.copy()
        out["source_territory"] = pd.Series(dtype=object)
        return out
    parts = []
    for code in territories:
        mask = _bmo_rows(df, code) if table == "bmo" else df["territory"] == code
        if not mask.any():
            for alias in _alias_codes(code, settings):
                mask = mask | (_bmo_rows(df, alias) if table == "bmo" else df["territory"] == alias)
        if mask.any():
            part = df[mask].copy()
            part["source_territory"] = part["territory"]
            part["territory"] = code
            parts.append(part)
    if not parts:
        out = df.iloc[0:0].copy()
        out["source_territory"] = pd.Series(dtype=object)
        return out
    return pd.concat(parts, ignore_index=True)
