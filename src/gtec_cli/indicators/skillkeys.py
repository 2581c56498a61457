"""Keys that compare what different companies typed: skill codes and labels, lists of know-how.

Skills are free text in the audits. :class:`SkillKeys` compares them by code when there is one,
else by the folded label, and a label that some company typed with one code (and only ever that
one) takes the code's key: `Soudage TIG` without a code meets `soudage tig` coded `ESCO-123`.
The plan's matching and the `missing_skills_by_code` indicator share these keys.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import pandas as pd

from ..ingest.values import norm_text


def norm_code(code: object) -> str | None:
    """A skill or occupation code in canonical form (upper case, no spaces), or None."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return None
    text = re.sub(r"\s+", "", str(code)).upper()
    return text or None


def norm_label(label: object) -> str | None:
    """A free-text label in comparable form: accents, case, punctuation and spacing folded."""
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return None
    return norm_text(label) or None


def split_items(text: object) -> list[str]:
    """Free text listing several items (`affûtage; polissage`) -> the items."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
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
    def from_tables(cls, missing_skills: pd.DataFrame | None, cooperation: pd.DataFrame | None = None,
                    departures: pd.DataFrame | None = None) -> SkillKeys:
        """Keys over every skill mention of the audits: missing skills (label and code), skills of
        cooperation offers and needs, know-how at risk named in departures."""
        pairs: list[tuple[object, object]] = []
        if missing_skills is not None and not missing_skills.empty:
            codes = missing_skills["skill_code"] if "skill_code" in missing_skills.columns \
                else [None] * len(missing_skills)
            pairs += list(zip(missing_skills["skill"], codes))
        if cooperation is not None and not cooperation.empty and "skill" in cooperation.columns:
            pairs += [(s, None) for s in cooperation["skill"] if s]
        if departures is not None and not departures.empty and "knowhow_at_risk" in departures.columns:
            pairs += [(item, None) for text in departures["knowhow_at_risk"] for item in split_items(text)]
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
