"""The audit answers of one period, read once from the store, and the keys that compare them.

Rules and matchmaking read the same tables (companies, hires, departures, missing skills,
assessments, cooperation, workforce); :class:`AuditData` holds them with the column types fixed
(counts as floats, flags as 0/1), so every consumer sees the same thing. Skill labels typed by
different companies are compared through :class:`SkillKeys`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from ..ingest.values import norm_text

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
def norm_code(code: object) -> str | None:
    """A skill or occupation code in canonical form (upper case, no spaces), or None."""
    if code is None or (isinstance(code, float) and code != code):
        return None
    text = re.sub(r"\s+", "", str(code)).upper()
    return text or None


def norm_label(label: object) -> str | None:
    """A free-text label in comparable form: accents, case, punctuation and spacing folded."""
    if label is None or (isinstance(label, float) and label != label):
        return None
    return norm_text(label) or None


def split_items(text: object) -> list[str]:
    """Free text listing several items (`affûtage; polissage`) -> the items."""
    if text is None or (isinstance(text, float) and text != text):
        return []
    return [p.strip() for p in re.split(r"[;\n]+", str(text)) if p.strip()]


class SkillKeys:
    """Compare skills across companies: the code when there is one, else the folded label.

    A label that some company typed with a code (and only ever with that one code) takes the code's
    key, so `Soudage TIG` without a code meets `soudage tig` coded `ESCO-123`.
    """

    def __init__(self, pairs: list[tuple[object, object]]):
        codes_of: dict[str, set[str]] = {}
        for label, code in pairs:
            lab, cod = norm_label(label), norm_code(code)
            if lab and cod:
                codes_of.setdefault(lab, set()).add(cod)
        self._label_code = {lab: next(iter(c)) for lab, c in codes_of.items() if len(c) == 1}
        self._labels: dict[str, Counter] = {}
        for label, code in pairs:
            key = self.key(label, code)
            if key and label is not None and str(label).strip():
                self._labels.setdefault(key, Counter())[str(label).strip()] += 1

    @classmethod
    def from_data(cls, data: AuditData) -> "SkillKeys":
        """Keys over every skill mention of the audits: missing skills, cooperation, know-how."""
        ms = data.missing_skills
        pairs = list(zip(ms["skill"], ms["skill_code"]))
        pairs += [(s, None) for s in data.cooperation["skill"] if s]
        pairs += [(item, None) for text in data.departures["knowhow_at_risk"]
                  for item in split_items(text)]
        return cls(pairs)

    def key(self, label: object, code: object = None) -> str | None:
        """`code:ESCO-123` or `label:soudage tig inox`; None when there is neither."""
        cod = norm_code(code)
        if cod:
            return f"code:{cod}"
        lab = norm_label(label)
        if not lab:
            return None
        if lab in self._label_code:
            return f"code:{self._label_code[lab]}"
        return f"label:{lab}"

    def label(self, key: str) -> str:
        """The label companies typed most often for a key (first seen on ties)."""
        counts = self._labels.get(key)
        if counts:
            return counts.most_common(1)[0][0]
        return key.split(":", 1)[1]


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
