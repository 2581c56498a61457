"""Skills-gap indicators and triangulation, computed by hand from small tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from gtec_cli import nomenclatures as nom
from gtec_cli.indicators import skills as sk
from gtec_cli.indicators.occupations import faps_of, to_fap
from gtec_cli.indicators.triangulation import triangulation
from gtec_cli.settings import Settings

NAN = float("nan")
COMPANIES = pd.DataFrame({"siret": ["A", "B", "C"], "naf": ["25.71Z", "25.62A", "10.71C"],
                          "headcount": [42, 8, 300], "territory": "arr:522"})
EMPLOYMENT = pd.DataFrame({
    "territory": "arr:522", "year": 2021, "naf": "25.71Z", "occupation": ["H2913", "H2913", "H2903"],
    "occupation_system": "rome", "age_band": ["30-59", "60-64", "60-64"], "age_min": [30, 60, 60],
    "age_max": [59, 64, 64], "sex": "T", "people": [100.0, 20.0, 5.0],
})
HIRES = pd.DataFrame({
    "siret": ["A", "A", "B"], "occupation": ["H2913", "H2913", "H2903"],
    "horizon": ["<1an", "1-3ans", "<1an"], "positions": [4.0, 2.0, 1.0], "cadre": 0,
    "difficult": [1, 1, 0], "reasons": ["penurie", "penurie", None],
})
DEPARTURES = pd.DataFrame({"siret": ["A"], "occupation": ["H2913"], "horizon": ["1-3ans"],
                           "retirements": [2.0], "other_departures": [2.0], "knowhow_at_risk": [None]})
JOBSEEKERS = pd.DataFrame({"territory": "arr:522", "period": "2025-T4",
                           "occupation": ["H2913", "H2913", "K2204"], "category": ["A", "B", "A"],
                           "age_band": None, "age_min": None, "age_max": None, "people": [3.0, 9.0, 7.0]})
TRAINING = pd.DataFrame({"territory": "arr:522", "year": [2024, 2023, 2024],
                         "title": ["CAP soudure", "CAP soudure", "BP"], "occupation": ["H2913", "H2913", "H2903"],
                         "graduates": [5.0, 50.0, NAN]})


def test_job_openings_departures_plus_net_creation():
    out = sk.job_openings(EMPLOYMENT, None, DEPARTURES, HIRES, COMPANIES, horizons=[2, 5])
    out = out.set_index(["horizon_years", "occupation"])
    # H = 2: territory departures 3/5 of the 60-64 band; audit net creation = hires within 2 years
    # (4 + 2/2) minus declared departures within 2 years ((2 + 2) / 2).
    assert out.loc[(2, "H2913"), "departures"] == pytest.approx(20 * 3 / 5)
    assert out.loc[(2, "H2913"), "net_creation"] == pytest.approx((4 + 1) - 2)
    assert out.loc[(2, "H2913"), "value"] == pytest.approx(12 + 3)
    # H = 5: everyone 59+ (all of 60-64, 1/30 of 30-59); audit flows read over 3 years at most.
    assert out.loc[(5, "H2913"), "departures"] == pytest.approx(20 + 100 / 30)
    assert out.loc[(5, "H2913"), "net_creation"] == pytest.approx((4 + 2) - 4)
    assert out.loc[(2, "H2903"), "value"] == pytest.approx(5 * 3 / 5 + 1)
    assert out.loc[(2, "H2913"), "occupation_level"] == "rome"


def test_local_supply_job_seekers_plus_graduates_times_h():
    out = sk.local_supply(JOBSEEKERS, TRAINING, horizons=[5]).set_index("occupation")
    # Category A job seekers (3) + latest year's graduates (5 a year) × 5 years.
    assert out.loc["H2913", "value"] == pytest.approx(3 + 5 * 5)
    assert out.loc["H2913", "jobseeker_categories"] == "A"
    # Graduates not given: counted, not read as 0 silently.
    assert out.loc["H2903", "n_training_rows_without_graduates"] == 1
    assert out.loc["K2204", "value"] == 7  # job seekers but no training


def test_occupation_gap_positive_means_shortage():
    out = sk.occupation_gap(EMPLOYMENT, None, DEPARTURES, HIRES, COMPANIES, JOBSEEKERS, TRAINING,
                            horizons=[2]).set_index("occupation")
    openings = 20 * 3 / 5 + 3
    supply = 3 + 5 * 2
    assert out.loc["H2913", "value"] == pytest.approx(openings - supply)
    assert out.loc["H2913", "supply_ratio"] == pytest.approx(supply / openings)
    # Only job seekers: no openings, negative gap, ratio undefined (NaN, not inf).
    assert out.loc["K2204", "value"] == -7 and math.isnan(out.loc["K2204", "supply_ratio"])
    # Openings but nobody available.
    assert out.loc["H2903", "local_supply"] == 0 and out.loc["H2903", "value"] == pytest.approx(4)


def test_missing_skills_grouped_by_label():
    ms = pd.DataFrame({"siret": ["A", "B", "B"], "skill": ["Soudage TIG inox", "soudage tig  INOX", "Lean"],
                       "skill_code": [None, None, None], "occupation": ["H2913", "H2913", "H2903"],
                       "people": [2.0, 3.0, 1.0], "criticality": [3, 1, 2]})
    out = sk.missing_skills(ms, COMPANIES).set_index("skill")
    row = out.loc["Soudage TIG inox"]
    assert row["n_companies"] == 2 and row["people"] == 5
    assert row["mean_criticality"] == pytest.approx((3 + 1) / 2)
    assert row["value"] == 3 * 2 + 1 * 3
    assert row["fragile"]


def test_crosswalk_rome_to_fap_splits_counts_equally():
    # A1301 belongs to two primary families: its count is split, totals stay the same.
    assert faps_of("A1301") == tuple(nom.rome_to_fap("A1301", primary_only=True))
    assert len(faps_of("A1301")) == 2
    df = pd.DataFrame({"occupation": ["A1301", "D2Z42"], "people": [10.0, 4.0]})
    out, unmapped = to_fap(df, ["people"])
    assert unmapped == 0 and out["people"].sum() == 14
    assert out.set_index("occupation").loc[list(faps_of("A1301")), "people"].tolist() == [5.0, 5.0]
    # H2913 (manual welding): D2Z42, its D3Z20 link is secondary (`*`).
    assert faps_of("H2913") == ("D2Z42",)


def test_skills_gap_score_by_hand():
    weights = {"occupation_gap": 2, "audit_difficult_share": 1, "bmo_difficult_share": 0,
               "tension_class": 1, "missing_skills": 0}
    settings = Settings.model_validate({"skills_gap_weights": weights,
                                        "assumptions": {"main_horizon": 2}})
    tension = pd.DataFrame({"source": "france-travail", "year": 2021, "territory": "arr:522",
                            "occupation": ["H2913"], "occupation_system": "rome", "tension_class": [5]})
    out = sk.skills_gap_score(EMPLOYMENT, None, DEPARTURES, HIRES, COMPANIES, JOBSEEKERS, TRAINING,
                              tension=tension, territories=["arr:522"], settings=settings)
    out = out.set_index("occupation")
    # Gaps at H = 2: H2913 15 - 13 = 2, H2903 4 - 0 = 4, K2204 0 - 7 (no shortage).
    # Normalised shortage: 2/4, 4/4, 0. Audit difficult share: 100 % and 0 %. Tension: (5-1)/4.
    total_w = 2 + 1 + 0 + 1 + 0
    assert out.loc["H2913", "value"] == pytest.approx(100 * (2 * 0.5 + 1 * 1.0 + 1 * 1.0) / total_w)
    assert out.loc["H2903", "value"] == pytest.approx(100 * (2 * 1.0 + 1 * 0.0) / total_w)
    assert out.loc["K2204", "value"] == 0
    assert out.loc["H2913", "rank"] == 1 and out.loc["H2903", "rank"] == 2
    assert "tension_class" in out.loc["H2903", "missing_components"]
    assert out.loc["H2903", "coverage"] == pytest.approx((2 + 1) / total_w)
    assert "occupation_gap 2" in out.loc["H2913", "weights"]


# --- triangulation ---------------------------------------------------------------------------------
BMO = pd.DataFrame({
    "year": 2025, "territory": "arr:522", "source_territory": "be:4419",
    "occupation": ["D2Z42", "D3Z20", "J1Z80", "D1Z40"],
    "projects": [40.0, 100.0, 60.0, 20.0], "difficult": [30.0, 10.0, 50.0, NAN],
    "difficult_masked": [0, 0, 0, 1], "projects_masked": 0,
})
TENSION = pd.DataFrame({"source": ["dares", "dares"], "year": 2019, "territory": "dep:52",
                        "occupation": ["D2Z42", "D1Z41"], "occupation_system": "fap225",
                        "employment": [300.0, 200.0], "tension_class": [5, 2]})


def test_triangulation_agreement_and_sides_missing():
    hires = pd.DataFrame({
        "siret": ["A", "B", "C", "C"], "occupation": ["H2913", "H2913", "H2903", "K2204"],
        "horizon": "<1an", "positions": [3.0, 1.0, 2.0, 1.0], "cadre": 0,
        "difficult": [1, 1, 1, 1], "reasons": None,
    })
    out = triangulation(hires, COMPANIES, None, BMO, TENSION, territories=["arr:522", "dep:52"])
    out = out.set_index("occupation")
    welding = out.loc["H2913"]
    # H2913 -> D2Z42 only (D3Z20 is a secondary link): 30/40 difficult, and Dares class 5 at dep:52.
    assert welding["bmo_difficult_share"] == pytest.approx(100 * 30 / 40)
    assert welding["bmo_faps"] == "D2Z42"
    assert welding["tension_class"] == 5 and welding["tension_territory"] == "dep:52"
    assert welding["audit_signal"] == "difficile" and welding["public_signal"] == "tendu"
    assert welding["value"] == "accord"
    # H2903 -> D1Z41 (class 2) and D0Z20 (no data): the audits find it difficult, public data do not.
    assert out.loc["H2903", "public_signal"] == "non tendu" and out.loc["H2903", "value"] == "désaccord"
    # K2204 has no public evidence: audits only.
    assert out.loc["K2204", "value"] == "audits seuls"
    # BMO families no audited occupation maps to: public only, at FAP level; a masked share stays NaN.
    assert out.loc["J1Z80", "value"] == "public seul" and out.loc["J1Z80", "occupation_level"] == "fap225"
    assert out.loc["J1Z80", "bmo_difficult_share"] == pytest.approx(100 * 50 / 60)
    assert math.isnan(out.loc["D1Z40", "bmo_difficult_share"])
    assert "D3Z20" in out.index  # shown as public only: H2913's secondary link is not used
    # Small numbers: one or two companies per occupation.
    assert welding["fragile"]


def test_triangulation_thresholds_are_settings():
    hires = pd.DataFrame({"siret": ["A", "B"], "occupation": "H2913", "horizon": "<1an",
                          "positions": [3.0, 1.0], "cadre": 0, "difficult": [1, 0], "reasons": None})
    strict = Settings.model_validate({"triangulation": {"audit_difficult_share": 80,
                                                        "bmo_difficult_share": 80, "tension_class": 5}})
    default = triangulation(hires, COMPANIES, None, BMO, None, territories=["arr:522"]).set_index("occupation")
    moved = triangulation(hires, COMPANIES, None, BMO, None, territories=["arr:522"],
                          settings=strict).set_index("occupation")
    # Audit share 75 %, BMO share 75 %: "accord" at 50 %, still "accord" (both below) at 80 %.
    assert default.loc["H2913", "audit_signal"] == "difficile"
    assert moved.loc["H2913", "audit_signal"] == "non difficile"
    assert moved.loc["H2913", "public_signal"] == "non tendu" and moved.loc["H2913", "value"] == "accord"


def test_triangulation_on_an_empty_workspace_says_no_data(gtec, workspace):
    """Regression: with no audit and no public data the merge keys differed in dtype (exit 70)."""
    result = gtec("-w", workspace.root, "indicators", "triangulation")
    assert result.exit_code == 0, result.stderr
    assert "aucune donnée" in result.stderr + result.stdout
