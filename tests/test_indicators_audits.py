"""Indicators of the audits' other sheets (HR self-assessment, cooperation, know-how at risk, missing
skills grouped by code), computed by hand from small tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from gtec_cli.confidentiality import TOTAL, cell_table
from gtec_cli.errors import UsageError
from gtec_cli.indicators import skills as sk
from gtec_cli.indicators.assessments import assessment_mean_score, assessment_weak_share
from gtec_cli.indicators.cooperation import cooperation_declarations
from gtec_cli.indicators.departures import knowhow_at_risk
from gtec_cli.report import data as d

NAN = float("nan")
#: A: TPE; B and D: the "PME, ETI, GE" group; C: an association. E has no company sheet.
COMPANIES = pd.DataFrame({"siret": ["A", "B", "C", "D"], "naf": ["25.71Z", "10.71C", "88.10A", "25.62A"],
                          "headcount": [8, 42, 120, 300], "company_type": ["TPE", "PME", "association", "GE"],
                          "territory": "arr:522"})
PME_GROUP, SOCIAL_GROUP = "PME, ETI, GE", "SIAE, public, associations"


def scores(rows):
    return pd.DataFrame([{"siret": s, "theme": t, "score": NAN if v is None else float(v)}
                         for s, t, v in rows])


# recrutement: A 1, B 2, C 4 -> mean 7/3, weak A and B (2 of 3).
# formation:   A 3, B 4, C 2 and 4 (a repeated theme counts once, its mean 3) -> mean 10/3, no weak point.
# transmission: A 2, D 1 -> mean 1.5, both weak. D's recrutement has no score; one row has no theme.
ASSESSMENTS = scores([
    ("A", "recrutement", 1), ("A", "formation", 3), ("A", "transmission", 2),
    ("B", "recrutement", 2), ("B", "formation", 4),
    ("C", "recrutement", 4), ("C", "formation", 2), ("C", "formation", 4),
    ("D", "recrutement", None), ("D", "transmission", 1), ("D", None, 1),
])


def test_mean_score_per_theme_each_company_once():
    out = assessment_mean_score(ASSESSMENTS, COMPANIES).set_index("theme")
    assert out.loc["recrutement", "value"] == pytest.approx(7 / 3)
    assert out.loc["recrutement", "n_ratings"] == 3 and out.loc["recrutement", "n_companies"] == 3
    assert out.loc["formation", "value"] == pytest.approx((3 + 4 + 3) / 3)
    assert out.loc["formation", "score_sum"] == pytest.approx(10.0)
    assert out.loc["transmission", "value"] == pytest.approx(1.5)
    assert sorted(out.index) == ["formation", "recrutement", "transmission"]
    assert out["fragile"].all()  # fewer than 5 companies everywhere


def test_mean_score_by_company_group_and_overall():
    out = assessment_mean_score(ASSESSMENTS, COMPANIES, by=["theme", "company_group"])
    got = {(r.theme, r.company_group): r.value for r in out.itertuples()}
    assert got[("recrutement", "TPE")] == pytest.approx(1.0)
    assert got[("recrutement", PME_GROUP)] == pytest.approx(2.0)  # D has no score
    assert got[("transmission", PME_GROUP)] == pytest.approx(1.0)
    assert got[("formation", SOCIAL_GROUP)] == pytest.approx(3.0)
    # Without the theme: the mean of the 8 (company, theme) scores, 4 companies.
    whole = assessment_mean_score(ASSESSMENTS, COMPANIES, by=[]).iloc[0]
    assert whole["value"] == pytest.approx((1 + 3 + 2 + 2 + 4 + 4 + 3 + 1) / 8)
    assert whole["n_ratings"] == 8 and whole["n_companies"] == 4


def test_weak_share_per_theme_and_over_all_scores():
    out = assessment_weak_share(ASSESSMENTS, COMPANIES).set_index("theme")
    assert out.loc["recrutement", "value"] == pytest.approx(100 * 2 / 3)
    assert out.loc["recrutement", "n_weak"] == 2 and out.loc["recrutement", "n_ratings"] == 3
    # C scored formation 2 once, 4 once: its mean 3 is no weak point.
    assert out.loc["formation", "value"] == 0.0 and out.loc["formation", "n_weak_companies"] == 0
    assert out.loc["transmission", "value"] == pytest.approx(100.0)
    whole = assessment_weak_share(ASSESSMENTS, COMPANIES, by=[]).iloc[0]
    # Weak scores A 1, A 2, B 2, D 1 among 8; three companies have a weak point.
    assert whole["value"] == pytest.approx(50.0)
    assert whole["n_weak_companies"] == 3 and whole["n_companies"] == 4


def test_weak_share_by_company_type():
    out = assessment_weak_share(ASSESSMENTS, COMPANIES, by=["theme", "company_type"])
    got = {(r.theme, r.company_type): (r.value, r.n_ratings) for r in out.itertuples()}
    assert got[("recrutement", "TPE")] == (100.0, 1)
    assert got[("recrutement", "association")] == (0.0, 1)
    assert ("recrutement", "GE") not in got  # D gave no score


def test_assessments_single_company_and_no_score():
    one = assessment_weak_share(ASSESSMENTS[ASSESSMENTS["siret"] == "B"], COMPANIES).set_index("theme")
    assert one.loc["recrutement", "value"] == 100.0 and one.loc["formation", "value"] == 0.0
    assert one["n_companies"].tolist() == [1, 1] and one["fragile"].all()
    # No score at all: no cell (never 0 / 0), and the mean has no row either.
    blank = scores([("A", "recrutement", None), ("B", "formation", None)])
    assert assessment_weak_share(blank, COMPANIES).empty
    assert assessment_mean_score(blank, COMPANIES).empty
    assert assessment_mean_score(scores([]).reindex(columns=["siret", "theme", "score"]), COMPANIES).empty


def test_a_company_without_company_sheet_is_kept_not_given():
    out = assessment_mean_score(scores([("E", "formation", 2)]), COMPANIES, by=["theme", "company_group"])
    assert out["company_group"].tolist() == ["(non renseigné)"] and out["value"].tolist() == [2.0]


# Cooperation: A offers tutoring on two rows (2 + 1 people) and needs it (people not given);
# B needs tutoring (3) and an employer group (1); C's row has no type.
COOPERATION = pd.DataFrame({
    "siret": ["A", "A", "A", "B", "B", "C"],
    "cooperation_type": ["tutorat", "tutorat", "tutorat", "tutorat", "groupement d employeurs", None],
    "direction": ["offre", "offre", "besoin", "besoin", "besoin", "offre"],
    "people": [2.0, 1.0, NAN, 3.0, 1.0, 5.0]})


def test_cooperation_counts_companies_once_per_cell():
    out = cooperation_declarations(COOPERATION, COMPANIES).set_index("cooperation_type")
    assert out.loc["tutorat", "value"] == 2  # A and B, offers and needs together
    assert out.loc["tutorat", "people"] == pytest.approx(2 + 1 + 3)
    assert out.loc["tutorat", "n_rows"] == 4 and out.loc["tutorat", "n_rows_without_people"] == 1
    assert out.loc["groupement d employeurs", "value"] == 1
    assert len(out) == 2  # the row without a type is left out
    split = cooperation_declarations(COOPERATION, COMPANIES, by=["cooperation_type", "direction"])
    got = {(r.cooperation_type, r.direction): (r.value, r.people) for r in split.itertuples()}
    assert got == {("groupement d employeurs", "besoin"): (1, 1.0), ("tutorat", "besoin"): (2, 3.0),
                   ("tutorat", "offre"): (1, 3.0)}


def test_cooperation_single_company_and_nothing_declared():
    one = cooperation_declarations(COOPERATION[COOPERATION["siret"] == "A"], COMPANIES)
    assert one[["cooperation_type", "value", "people", "n_companies"]].values.tolist() == \
        [["tutorat", 1, 3.0, 1]]
    assert bool(one["fragile"].iloc[0])
    assert cooperation_declarations(COOPERATION.iloc[0:0], COMPANIES).empty


# Departures: A names two know-how items on its <1an row; B one (retirements not given); C's
# know-how cell is blank; D one. A's other row names none.
DEPARTURES = pd.DataFrame({
    "siret": ["A", "A", "B", "C", "D"], "occupation": ["H2913", "H2913", "H2903", "K1302", "H2913"],
    "horizon": ["<1an", "1-3ans", "<1an", "3-5ans", "1-3ans"], "retirements": [2.0, 1.0, NAN, 4.0, 3.0],
    "other_departures": 0.0,
    "knowhow_at_risk": ["Affûtage; polissage", None, "Soudure TIG", "  ", "Traçage"]})


def test_knowhow_at_risk_counts_companies_rows_and_retirements():
    whole = knowhow_at_risk(DEPARTURES, COMPANIES).iloc[0]
    assert whole["value"] == 3 and whole["n_companies"] == 3  # A, B, D
    assert whole["n_rows"] == 3 and whole["n_items"] == 4
    assert whole["retirements"] == pytest.approx(2 + 0 + 3)  # B's missing retirements count 0
    out = knowhow_at_risk(DEPARTURES, COMPANIES, by=["occupation"]).set_index("occupation")
    assert out.loc["H2913", "value"] == 2 and out.loc["H2913", "retirements"] == pytest.approx(5.0)
    assert out.loc["H2903", "value"] == 1 and "K1302" not in out.index
    assert out.loc["H2913", "occupation_level"] == "rome"
    by_horizon = knowhow_at_risk(DEPARTURES, COMPANIES, by=["horizon"]).set_index("horizon")["value"]
    assert by_horizon.to_dict() == {"1-3ans": 1, "<1an": 2}


def test_knowhow_at_risk_single_company_and_none_named():
    one = knowhow_at_risk(DEPARTURES[DEPARTURES["siret"] == "D"], COMPANIES).iloc[0]
    assert (one["value"], one["n_rows"], one["retirements"], bool(one["fragile"])) == (1, 1, 3.0, True)
    assert knowhow_at_risk(DEPARTURES[DEPARTURES["siret"] == "C"], COMPANIES).empty


# Missing skills: A's "Soudage TIG" coded ESCO-1, B's uncoded "soudage tig" (the label A coded, so
# it takes ESCO-1), C's "Soudure T.I.G." coded "esco-1 " (the same code), A's uncoded "Lecture de plans".
MISSING = pd.DataFrame({
    "siret": ["A", "B", "C", "A"],
    "skill": ["Soudage TIG", "soudage tig", "Soudure T.I.G.", "Lecture de plans"],
    "skill_code": ["ESCO-1", None, "esco-1 ", None], "occupation": ["H2913", "H2913", "H2903", "H2913"],
    "people": [2.0, 1.0, 4.0, 3.0], "criticality": [3, 2, 1, None]})


def test_missing_skills_by_code_groups_by_code():
    out = sk.missing_skills_by_code(MISSING, COMPANIES).set_index("skill_key")
    tig = out.loc["code:ESCO-1"]
    assert tig["n_companies"] == 3 and tig["people"] == pytest.approx(7.0)
    assert tig["value"] == pytest.approx(2 * 3 + 1 * 2 + 4 * 1)
    assert tig["mean_criticality"] == pytest.approx((3 + 2 + 1) / 3)
    assert tig["skill"] == "Soudage TIG"  # the labels tie: the first typed
    plans = out.loc["label:lecture de plans"]
    assert plans["value"] == 0.0 and math.isnan(plans["mean_criticality"])
    # The diagnostic's `missing_skills` groups by label only: C's spelling stays apart.
    by_label = sk.missing_skills(MISSING, COMPANIES).set_index("skill")
    assert by_label.loc["Soudage TIG", "n_companies"] == 2
    assert by_label.loc["Soudure T.I.G.", "n_companies"] == 1


def test_missing_skills_by_code_without_skill_adds_up_skills():
    out = sk.missing_skills_by_code(MISSING, COMPANIES, by=["occupation"]).set_index("occupation")
    assert "skill" not in out.columns
    assert out.loc["H2913", "n_companies"] == 2 and out.loc["H2913", "people"] == pytest.approx(6.0)
    assert out.loc["H2913", "value"] == pytest.approx(2 * 3 + 1 * 2)
    assert out.loc["H2903", "value"] == pytest.approx(4.0) and out.loc["H2903", "n_rows"] == 1


def test_missing_skills_by_code_single_company_and_empty():
    one = sk.missing_skills_by_code(MISSING[MISSING["siret"] == "C"], COMPANIES)
    assert one[["skill_key", "skill", "n_companies", "value"]].values.tolist() == \
        [["code:ESCO-1", "Soudure T.I.G.", 1, 4.0]]
    assert sk.missing_skills_by_code(MISSING.iloc[0:0], COMPANIES).empty


def test_new_dimensions_are_checked():
    with pytest.raises(UsageError, match="cooperation_type"):
        assessment_mean_score(ASSESSMENTS, COMPANIES, by=["cooperation_type"])
    with pytest.raises(UsageError, match="theme"):
        cooperation_declarations(COOPERATION, COMPANIES, by=["theme"])


def test_the_diagnostic_secrecy_tables_add_up_to_the_registry_figures():
    """The diagnostic protects the indicators' rows by company; a cell of the protected table, sum
    over its companies, gives back the indicator's figure for that cell."""
    per = assessment_mean_score(ASSESSMENTS, COMPANIES, by=["theme", "company_group", "company"])
    cells = cell_table(d.indicator_contributions(per, {"theme": "theme", "company_group": "group"},
                                                 "score_sum"), ("theme", "group"), margins=("group",))
    printed = {(r.theme, r.group): r.value / r.n_companies for r in cells.itertuples() if r.n_companies}
    groups = assessment_mean_score(ASSESSMENTS, COMPANIES, by=["theme", "company_group"])
    themes = assessment_mean_score(ASSESSMENTS, COMPANIES, by=["theme"])
    expected = {**{(r.theme, r.company_group): r.value for r in groups.itertuples()},
                **{(r.theme, TOTAL): r.value for r in themes.itertuples()}}
    assert printed == pytest.approx(expected)

    per = cooperation_declarations(COOPERATION, COMPANIES, by=["cooperation_type", "direction", "company"])
    cells = cell_table(d.indicator_contributions(per, {"cooperation_type": "cooperation_type",
                                                       "direction": "direction"}, "value",
                                                 given=("direction",)),
                       ("cooperation_type", "direction"), margins=False)
    printed = {(r.cooperation_type, r.direction): r.value for r in cells.itertuples() if r.value}
    split = cooperation_declarations(COOPERATION, COMPANIES, by=["cooperation_type", "direction"])
    assert printed == {(r.cooperation_type, r.direction): r.value for r in split.itertuples()}
