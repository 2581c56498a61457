"""Expected departures, replacement rate and single-holder risk, computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from gtec_cli.indicators import departures as d
from gtec_cli.settings import Settings


def workforce(rows):
    """(siret, occupation, lo, hi, headcount) -> workforce rows; hi None = open band."""
    return pd.DataFrame([{"siret": s, "occupation": o, "age_band": f"{lo}+" if hi is None else f"{lo}-{hi}",
                          "age_min": lo, "age_max": hi, "sex": "H", "contract": "CDI", "headcount": float(n)}
                         for s, o, lo, hi, n in rows])


COMPANIES = pd.DataFrame({"siret": ["A", "B", "C"], "naf": ["25.71Z", "25.62A", "10.71C"],
                          "headcount": [42, 8, 300], "territory": "arr:522"})


def test_band_straddling_the_retirement_age_counts_its_share():
    wf = workforce([("B", "H2913", 60, 64, 10)])
    out = d.expected_departures(workforce=wf, companies=COMPANIES, horizons=[2], retirement_ages=[64])
    # Age + 2 ≥ 64 means 62, 63, 64: 3 of the 5 years of 60-64.
    assert out.loc[0, "value"] == pytest.approx(10 * 3 / 5)
    assert "60-64" in out.loc[0, "approximation"] and "3/5" in out.loc[0, "approximation"]


def test_ages_exactly_at_the_threshold():
    wf = workforce([("B", "H2913", 62, 62, 4), ("B", "H2913", 61, 61, 7), ("B", "H2913", 64, 64, 2)])
    out = d.expected_departures(workforce=wf, companies=COMPANIES, horizons=[2], retirement_ages=[64])
    # 62 + 2 = 64 reaches 64: leaves; 61 + 2 = 63 does not; 64 has reached it already.
    assert out.loc[0, "value"] == 4 + 2
    assert out.loc[0, "approximation"] == ""


def test_scenarios_and_horizons_from_settings():
    emp = pd.DataFrame({"territory": "arr:522", "year": 2021, "naf": "25.71Z", "occupation": "H2913",
                        "occupation_system": "rome", "age_band": ["50-54", "55-59", "60-64"],
                        "age_min": [50, 55, 60], "age_max": [54, 59, 64], "sex": "H",
                        "people": [50.0, 40.0, 30.0]})
    out = d.expected_departures(employment=emp).set_index(["horizon_years", "retirement_age"])
    assert set(out.index) == {(h, a) for h in (2, 5, 10) for a in (64, 62, 67)}
    # H = 5, A = 64: ages 59 and over: 1/5 of 55-59 and all of 60-64.
    assert out.loc[(5, 64), "value"] == pytest.approx(40 / 5 + 30)
    assert out.loc[(5, 64), "scenario"] == "central" and out.loc[(5, 62), "scenario"] == "scénario"
    # H = 10, A = 62: ages 52 and over: 3/5 of 50-54, then everybody older.
    assert out.loc[(10, 62), "value"] == pytest.approx(50 * 3 / 5 + 40 + 30)
    # H = 2, A = 67: ages 65 and over: nobody.
    assert out.loc[(2, 67), "value"] == 0
    assert (out["scope"] == "territoire").all() and out.loc[(5, 64), "n_people"] == 120


def test_declared_departures_win_and_say_who_declared():
    wf = workforce([("A", "H2913", 60, 64, 5), ("A", "H2903", 25, 29, 3), ("B", "H2913", 60, 64, 10)])
    deps = pd.DataFrame({"siret": ["A", "A"], "occupation": ["H2913", "H2913"],
                         "horizon": ["<1an", "1-3ans"], "retirements": [1.0, 2.0],
                         "other_departures": [1.0, 0.0], "knowhow_at_risk": [None, None]})
    out = d.expected_departures(workforce=wf, departures=deps, companies=COMPANIES, horizons=[2, 5],
                                retirement_ages=[64]).set_index("horizon_years")
    # A declared: its retirements within H (1-3ans cut in half at H = 2), never its workforce estimate.
    # B estimated: 3/5 of 10 at H = 2; at H = 5 (ages 59+) all of 60-64.
    assert out.loc[2, "value"] == pytest.approx((1 + 2 / 2) + 10 * 3 / 5)
    assert out.loc[5, "value"] == pytest.approx((1 + 2) + 10)
    assert out.loc[2, "declared"] == pytest.approx(2) and out.loc[2, "estimated"] == pytest.approx(6)
    assert out.loc[2, "companies_declared"] == "A" and out.loc[2, "companies_estimated"] == "B"
    assert out.loc[2, "n_companies_declared"] == 1 and out.loc[2, "n_companies_estimated"] == 1
    # A declared nothing for H2903: none expected there, although nobody is old anyway.
    by_occ = d.expected_departures(workforce=wf, departures=deps, companies=COMPANIES, horizons=[2],
                                   retirement_ages=[64], by=["occupation"]).set_index("occupation")
    assert by_occ.loc["H2903", "value"] == 0


def test_open_band_read_with_the_configured_width():
    wf = workforce([("B", "H2913", 60, None, 10)])
    wide = Settings.model_validate({"assumptions": {"open_age_band_width": 10}})
    five = d.expected_departures(workforce=wf, companies=COMPANIES, horizons=[2], retirement_ages=[64])
    ten = d.expected_departures(workforce=wf, companies=COMPANIES, horizons=[2], retirement_ages=[64],
                                settings=wide)
    assert five.loc[0, "value"] == pytest.approx(10 * 3 / 5)    # 60+ as 60-64
    assert ten.loc[0, "value"] == pytest.approx(10 * 8 / 10)    # 60+ as 60-69: ages 62-69


def test_replacement_rate_leaves_out_companies_without_workforce():
    wf = workforce([("B", "H2913", 60, 64, 10), ("B", "H2913", 30, 34, 20)])
    deps = pd.DataFrame({"siret": ["C"], "occupation": ["H2913"], "horizon": ["<1an"],
                         "retirements": [3.0], "other_departures": [0.0], "knowhow_at_risk": [None]})
    out = d.replacement_rate(workforce=wf, departures=deps, companies=COMPANIES, horizons=[2],
                             retirement_ages=[64])
    row = out.loc[0]
    # C declared 3 retirements but gave no workforce: a rate over B alone, C counted apart.
    assert row["value"] == pytest.approx(100 * (10 * 3 / 5) / 30)
    assert row["n_companies_without_workforce"] == 1
    # The departures count keeps C's declared retirements.
    exp = d.expected_departures(workforce=wf, departures=deps, companies=COMPANIES, horizons=[2],
                                retirement_ages=[64])
    assert exp.loc[0, "value"] == pytest.approx(6 + 3)


def test_replacement_rate_territory_scope():
    emp = pd.DataFrame({"territory": "arr:522", "year": 2021, "naf": "25.71Z", "occupation": "H2913",
                        "occupation_system": "rome", "age_band": ["30-59", "60-64"], "age_min": [30, 60],
                        "age_max": [59, 64], "sex": "T", "people": [70.0, 30.0]})
    out = d.replacement_rate(employment=emp, horizons=[2], retirement_ages=[64])
    assert out.loc[0, "value"] == pytest.approx(100 * (30 * 3 / 5) / 100)


def test_horizon_fraction_spreads_declared_horizons_evenly():
    h = pd.Series(["<1an", "1-3ans", "3-5ans", "5-10ans", "plus tard"])
    assert d.horizon_fraction(h, 2).tolist()[:4] == [1.0, 0.5, 0.0, 0.0]
    assert d.horizon_fraction(h, 5).tolist()[:4] == [1.0, 1.0, 1.0, 0.0]
    assert d.horizon_fraction(h, 10).tolist()[:4] == [1.0, 1.0, 1.0, 1.0]
    assert pd.isna(d.horizon_fraction(h, 2).iloc[4])


def test_single_holder_risk_by_hand():
    ms = pd.DataFrame({"siret": ["A", "B", "B", "C"],
                       "skill": ["Soudage TIG inox", "soudage TIG Inox", "Affûtage", "Conduite four"],
                       "occupation": ["H2913", "H2913", None, "D1106"], "people": [2.0, 1.0, 1.0, 3.0],
                       "criticality": [3, 2, 3, 1], "single_holder": [1, 1, 1, 0]})
    deps = pd.DataFrame({"siret": ["A"], "occupation": ["H2913"], "horizon": ["1-3ans"],
                         "retirements": [2.0], "other_departures": [1.0],
                         "knowhow_at_risk": ["Soudage TIG sur inox ; soudage TIG inox"]})
    wf = workforce([("B", "H2913", 55, 59, 2)])
    out = d.single_holder_risk(ms, deps, wf, COMPANIES, horizons=[2, 5]).set_index("horizon_years")
    # A names the know-how in a 1-3 years departure: P = half of that horizon at H = 2, all at 5.
    # B did not fill the departures sheet: its 2 welders are 55-59; at H = 2 nobody reaches 64,
    # at H = 5 ages 59+ (1/5 of the band) leave: 0.4 leavers out of 2 people, P = 0.2.
    # B's "Affûtage" has no occupation: unknown, not 0. C's skill has several holders.
    assert out.loc[2, "value"] == pytest.approx(0.5 + 0.0)
    assert out.loc[5, "value"] == pytest.approx(1.0 + 0.2)
    assert out.loc[2, "n_pairs"] == 3 and out.loc[2, "n_unknown"] == 1
    assert out.loc[2, "n_pairs_knowhow_cited"] == 1 and out.loc[2, "n_pairs_estimated"] == 1
    assert out.loc[2, "fragile"]  # 2 companies
