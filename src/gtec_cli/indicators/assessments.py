"""The audited companies' HR self-assessment: scores 1 (weak point) to 4 (strong point) per theme
of the audit's Diagnostic sheet (recruitment, onboarding, training, know-how transfer…).

Each company counts once per theme: a theme repeated in a workbook counts with the mean of its
scores. The mean score and the weak-point share are ratios over the companies that scored the
theme (ratio of sums); without the `theme` dimension they run over the (company, theme) scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..settings import Settings
from . import common as c

ASSESSMENT_DIMS = ("territory", "theme", "company_type", "company_group", "sector", "size_class",
                   "company", "period")
#: Scores of the audit template: 1 = weak point … 4 = strong point. A theme scored this or lower
#: is a weak point (the template's two lower marks).
WEAK_SCORE = 2


def company_scores(assessments: pd.DataFrame, companies: pd.DataFrame | None,
                   keys: Sequence[str]) -> pd.DataFrame:
    """One score per company and theme (the mean of a repeated theme), with the `keys` columns;
    rows without theme or score are left out."""
    df = assessments[assessments["theme"].notna() & assessments["score"].notna()]
    df = c.fill_dims(c.with_company_attributes(df, companies), keys)
    df["score"] = c.as_float(df["score"])
    group = list(dict.fromkeys([*keys, "siret", "theme"]))
    if not df.duplicated(group).any():  # the workbook's rule: one row per theme
        return df
    per = c.aggregate(df, group, sums=["score"], count="_n")
    per["score"] = per["score"] / per.pop("_n")
    return per


def assessment_mean_score(assessments: pd.DataFrame, companies: pd.DataFrame | None = None, *,
                          by: Sequence[str] = ("theme",), settings: Settings | None = None) -> pd.DataFrame:
    """Mean self-assessment score (1 = weak point, 4 = strong point): Σ companies' scores / number
    of scores, per theme (and company type, sector…). `score_sum` and `n_ratings` are its terms;
    `n_companies` the companies that scored."""
    s = c.settings_or_default(settings)
    keys = c.territory_first(c.check_by(by, ASSESSMENT_DIMS, "assessment_mean_score"))
    if assessments is None or assessments.empty:
        return c.empty([*keys, "value", "score_sum", "n_ratings", "n_companies", "fragile"])
    per = company_scores(assessments, companies, keys)
    out = c.aggregate(per, keys, sums={"score_sum": "score"}, count="n_ratings",
                      distinct={"n_companies": "siret"})
    out.insert(len(keys), "value", c.ratio(out["score_sum"], out["n_ratings"]))
    return c.finish(c.flag(out, "n_companies", s.small_numbers.min_companies), keys)


def assessment_weak_share(assessments: pd.DataFrame, companies: pd.DataFrame | None = None, *,
                          by: Sequence[str] = ("theme",), settings: Settings | None = None) -> pd.DataFrame:
    """Share of the companies that score a theme as a weak point (score ≤ 2 of 4):
    100 × weak scores / scores. Per theme a score is a company, so `n_weak` companies of
    `n_ratings`; without the theme dimension the ratio runs over the (company, theme) scores and
    `n_weak_companies` counts the companies with at least one weak point."""
    s = c.settings_or_default(settings)
    keys = c.territory_first(c.check_by(by, ASSESSMENT_DIMS, "assessment_weak_share"))
    cols = [*keys, "value", "n_weak", "n_ratings", "n_weak_companies", "n_companies", "fragile"]
    if assessments is None or assessments.empty:
        return c.empty(cols)
    per = company_scores(assessments, companies, keys)
    per["_weak"] = (per["score"] <= WEAK_SCORE).astype("int64")
    per["_weak_siret"] = per["siret"].where(per["_weak"] == 1)
    out = c.aggregate(per, keys, sums={"n_weak": "_weak"}, count="n_ratings",
                      distinct={"n_weak_companies": "_weak_siret", "n_companies": "siret"})
    out.insert(len(keys), "value", c.ratio(out["n_weak"], out["n_ratings"], 100.0))
    return c.finish(c.flag(out, "n_companies", s.small_numbers.min_companies), keys)
