"""The audit answers of one period, read once from the store, and the keys that compare them.

Rules and matchmaking read the same tables (companies, hires, departures, missing skills,
assessments, cooperation, workforce); :class:`AuditData` holds them with the column types fixed
(counts as floats, flags as 0/1), so every consumer sees the same thing. Skill labels typed by
different companies are compared through :class:`SkillKeys` (the indicators' keys, so the plan's
matching and the `missing_skills_by_code` indicator group skills alike).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from ..indicators.skillkeys import SkillKeys as _SkillKeys
from ..indicators.skillkeys import norm_code, norm_label, split_items

__all__ = ["AUDIT_TABLES", "AuditData", "SkillKeys", "norm_code", "norm_label", "occupation_label",
           "split_items"]

#: Audit tables and the columns the plan reads from each.
AUDIT_TABLES: dict[str, tuple[str, ...]] = {
    "companies": ("siret", "name", "naf", "headcount", "commune", "company_type", "club_member"),
    "workforce": ("siret", "occupation", "age_band", "age_min", "age_max", "sex", "contract",
                  "headcount"),
    "departures": ("siret", "occupation", "horizon", "retirements", "other_departures",
                   "knowhow_at_risk"),
    "hires": ("siret", "occupation", "horizon", "positions", "contract", "cadre", "difficult",
              "reasons", "months_to_fill"),
    "missing_skills": ("siret", "skill", "skill_code", "occupation", "people", "criticality",
                       "trainable_inhouse", "single_holder"),
    "assessments": ("siret", "theme", "score", "comment"),
    "cooperation": ("siret", "cooperation_type", "direction", "occupation", "skill", "people",
                    "period_note", "comment"),
}
_NUMBERS = {"headcount", "retirements", "other_departures", "positions", "months_to_fill", "people",
            "age_min", "age_max"}
_FLAGS = {"club_member", "cadre", "difficult", "trainable_inhouse", "single_holder", "criticality",
          "score"}


@dataclass
class AuditData:
    """The audit tables of one period (one DataFrame per table, always with its columns)."""

    period: str | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @classmethod
    def load(cls, store, period: str) -> "AuditData":
        """Read the active audit rows of `period` from the store."""
        frames = {}
        for table, columns in AUDIT_TABLES.items():
            frames[table] = store.read(table, period=period, columns=list(columns))
        return cls.from_frames(period, **frames)

    @classmethod
    def from_frames(cls, period: str | None = None, **frames: pd.DataFrame) -> "AuditData":
        """Build from DataFrames (missing tables are empty); types are normalised."""
        tables = {}
        for table, columns in AUDIT_TABLES.items():
            frame = frames.get(table)
            frame = pd.DataFrame(columns=list(columns)) if frame is None else frame.copy()
            for col in columns:
                if col not in frame.columns:
                    frame[col] = None
            frame = frame[list(columns)].reset_index(drop=True)
            for col in columns:
                if col in _NUMBERS:
                    frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
                elif col in _FLAGS:
                    frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Float64")
                else:
                    frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
            tables[table] = frame
        return cls(period, tables)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def empty(self) -> bool:
        """True when no company was audited in the period."""
        return self.tables["companies"].empty

    def names(self) -> dict[str, str]:
        """SIRET -> company name (for the project team's internal edition only)."""
        c = self.tables["companies"]
        return {s: (n or s) for s, n in zip(c["siret"], c["name"])}

    def company_attr(self, column: str) -> dict[str, object]:
        """SIRET -> one column of the companies table (company_type, club_member, naf…)."""
        c = self.tables["companies"]
        return dict(zip(c["siret"], c[column]))

    def with_company(self, table: str, columns=("company_type", "club_member", "naf")) -> pd.DataFrame:
        """A table with company attributes joined on SIRET (for `where` filters)."""
        frame = self.tables[table]
        comp = self.tables["companies"][["siret", *columns]].drop_duplicates("siret")
        extra = [c for c in columns if c not in frame.columns]
        return frame.merge(comp[["siret", *extra]], on="siret", how="left") if extra else frame


# --- keys ---------------------------------------------------------------------------------------
class SkillKeys(_SkillKeys):
    """Skill keys (see :class:`gtec_cli.indicators.skillkeys.SkillKeys`), built from an audit."""

    @classmethod
    def from_data(cls, data: AuditData) -> SkillKeys:
        """Keys over every skill mention of the audits: missing skills, cooperation, know-how."""
        return cls.from_tables(data.missing_skills, data.cooperation, data.departures)


@lru_cache(maxsize=4096)
def occupation_label(code: str | None) -> str:
    """`H2913 Soudage manuel` for a ROME code; the code alone when its label is unknown."""
    if not code:
        return "Métier non précisé"
    try:
        from ..nomenclatures import rome_labels

        label = rome_labels().get(code)
    except Exception:  # noqa: BLE001 - a missing reference file only loses the label
        label = None
    return f"{code} {label}" if label else str(code)
