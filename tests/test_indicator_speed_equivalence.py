"""Rules the vectorised indicator code must keep: every branch of the single-holder probability,
the tension evidence look-up (territory chain, ROME then FAP, ties), band sums with notes and
blocked bands, and the company lists of audited departures, with their columns and dtypes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gtec_cli.indicators import departures as d
from gtec_cli.indicators.bands import band_sums
from gtec_cli.indicators.triangulation import _bmo_evidence, _tension_evidence

COMPANIES = pd.DataFrame({"siret": ["A", "B", "C"], "naf": ["25.71Z", "25.62A", "10.71C"],
                          "headcount": [42.0, 8.0, 300.0], "territory": "arr:522"})


def workforce(rows):
    """(siret, occupation, lo, hi, headcount) -> workforce rows; hi None = open band."""
    return pd.DataFrame([{"siret": s, "occupation": o, "age_min": lo,
                          "age_max": float("nan") if hi is None else hi, "sex": "H", "headcount": float(n)}
                         for s, o, lo, hi, n in rows])


WORKFORCE = workforce([("A", "H2913", 60, 64, 10), ("B", "H2913", 60, 64, 5), ("B", "H2903", 25, 29, 4)])
DEPARTURES = pd.DataFrame({"siret": ["A", "A"], "occupation": ["H2913", "H2913"], "horizon": ["<1an", "3-5ans"],
                           "retirements": [1.0, 2.0], "other_departures": [1.0, 0.0],
                           "knowhow_at_risk": ["Soudure TIG et brasage", None]})
MISSING = pd.DataFrame({
    "siret": ["A", "A", "A", "B", "B", "C", "A"],
    "skill": ["Soudure TIG", "Pliage", "Accueil", "Fraisage", "Tournage", "Cariste", "Ébavurage"],
    "occupation": ["H2913", "H2913", None, "H2913", "H2903", "H2913", "H2913"],
    "people": 1.0, "criticality": 3, "single_holder": [1, 1, 1, 1, 1, 1, 0]})


def test_single_holder_every_basis_and_horizon_order():
    out = d.single_holder_risk(MISSING, DEPARTURES, WORKFORCE, COMPANIES, horizons=[5, 2, 5])
    # Named know-how: share of `<1an` within H = 1. Declared (A, H2913): (1 + 1) × share(<1an)
    # + 2 × share(3-5ans) over A's 10 people. Estimated (B): 3/5 of 60-64 at H = 2, all at H = 5,
    # none of 25-29. A pair without occupation, and C without workforce, are unknown.
    assert out["horizon_years"].tolist() == [5, 2, 5]
    assert out["value"].tolist() == pytest.approx([1 + 0.4 + 1.0 + 0.0, 1 + 0.2 + 0.6 + 0.0,
                                                   1 + 0.4 + 1.0 + 0.0])
    assert out["n_pairs"].tolist() == [6, 6, 6] and out["n_unknown"].tolist() == [2, 2, 2]
    assert out["n_pairs_knowhow_cited"].tolist() == [1, 1, 1]
    assert out["n_pairs_declared"].tolist() == [1, 1, 1]
    assert out["n_pairs_estimated"].tolist() == [2, 2, 2]
    assert out["n_companies"].tolist() == [3, 3, 3]
    assert list(out.columns) == ["territory", "horizon_years", "value", "n_pairs", "n_unknown",
                                 "n_pairs_knowhow_cited", "n_pairs_declared", "n_pairs_estimated",
                                 "n_companies", "fragile"]
    assert out.dtypes.drop(["territory", "value", "fragile"]).eq("int64").all()


def test_single_holder_by_company_and_occupation():
    out = d.single_holder_risk(MISSING, DEPARTURES, WORKFORCE, COMPANIES, by=["company", "occupation"],
                               horizons=[2])
    got = {(r.company, r.occupation): (r.value, r.n_unknown) for r in out.itertuples()}
    assert got == {("A", "(non renseigné)"): (0.0, 1), ("A", "H2913"): (pytest.approx(1.2), 0),
                   ("B", "H2903"): (0.0, 0), ("B", "H2913"): (pytest.approx(0.6), 0),
                   ("C", "H2913"): (0.0, 1)}
    assert out["n_companies"].tolist() == [1, 1, 1, 1, 1]


def test_audited_departures_list_companies_and_notes():
    out = d.expected_departures(workforce=WORKFORCE, departures=DEPARTURES, companies=COMPANIES,
                                by=["size_class"], horizons=[2], retirement_ages=[64])
    # Audit scope only (size classes): counts stay plain integers.
    assert out["size_class"].tolist() == ["1-9", "10-49"]
    assert out["companies_declared"].tolist() == ["", "A"]
    assert out["companies_estimated"].tolist() == ["B", ""]
    assert out[["n_companies", "n_companies_declared", "n_companies_estimated"]].values.tolist() == \
        [[1, 0, 1], [1, 1, 0]]
    # Retirements only: A's 1 within <1an, none of its 3-5ans at H = 2; B's 3/5 of 5.
    assert out["value"].tolist() == pytest.approx([3.0, 1.0])
    assert out["approximation"].iloc[0].startswith("tranche 60-64 comptée pour 3/5")
    assert out["approximation"].iloc[1] == ""
    for col in ("n_companies", "n_companies_declared", "n_companies_estimated"):
        assert out[col].dtype == "int64"
    rate = d.replacement_rate(workforce=WORKFORCE, departures=DEPARTURES, companies=COMPANIES,
                              horizons=[2, 5], retirement_ages=[64])
    assert rate["horizon_years"].tolist() == [2, 5]
    assert rate["departures"].tolist() == pytest.approx([1 + 3, 3 + 5])
    assert rate["value"].tolist() == pytest.approx([100 * 4 / 19, 100 * 8 / 19])


def test_band_sums_notes_blocked_bands_and_columns():
    df = pd.DataFrame({"g": ["x", "x", "y", "y", "z"], "age_min": [55, 60, 55, 60, 50],
                       "age_max": [59, 64, 59, float("nan"), 54], "people": [10.0, 5.0, 4.0, 6.0, np.nan]})
    out = band_sums(df, ["g"], "people", {"p62": (62, math.inf), "p57": (57, math.inf)},
                    notes_per_target=True)
    assert list(out.columns) == ["g", "p62", "p57", "total", "n_masked", "approximation_p62",
                                 "approximation_p57", "approximation_total"]
    # x: 3/5 of 60-64 (62+); 3/5 of 55-59 and all of 60-64 (57+). y: the open band 60+ has no
    # width, so 62+ is unknown rather than smaller; 57+ still is 3/5 of 55-59 plus all of 60+.
    assert out.loc[0, "p62"] == pytest.approx(3.0) and out.loc[0, "p57"] == pytest.approx(6 + 5)
    assert math.isnan(out.loc[1, "p62"]) and out.loc[1, "p57"] == pytest.approx(2.4 + 6)
    assert out["total"].tolist() == [15.0, 10.0, 0.0]
    assert out["n_masked"].tolist() == [0, 0, 1] and out["n_masked"].dtype == "int64"
    assert out.loc[0, "approximation_p62"] == "tranche 60-64 comptée pour 3/5 (âges supposés répartis uniformément)"
    assert out.loc[1, "approximation_p62"] == "tranche ouverte 60+ non répartissable"
    assert out.loc[1, "approximation_p57"] == "tranche 55-59 comptée pour 3/5 (âges supposés répartis uniformément)"
    assert out.loc[2, "approximation_p57"] == "" and out["approximation_total"].eq("").all()
    assert out["approximation_p62"].dtype == object
    # One group: 60-64 overlaps 60+, so the partition 50-54, 55-59, 60+ is used.
    joined = band_sums(df, [], "people", {"p62": (62, math.inf)}, open_width=5)
    assert list(joined.columns) == ["p62", "total", "n_masked", "approximation"]
    assert joined.loc[0, "p62"] == pytest.approx(6 * 3 / 5) and joined.loc[0, "total"] == 20.0
    assert joined.loc[0, "n_masked"] == 1 and joined["n_masked"].dtype == "int64"
    assert joined.loc[0, "approximation"] == (
        "p62 : tranche 60+ lue comme 60-64, comptée pour 3/5 (âges supposés répartis uniformément)")


FACTORS = {"hiring_intensity": 1.0, "training_link": 2.0, "labour_shortage": 3.0,
           "non_durable_employment": 4.0, "working_conditions": 5.0, "geographic_mismatch": 1.0}


def tension(rows):
    return pd.DataFrame([{"source": s, "year": y, "territory": t, "occupation": o, "employment": e,
                          "tension_class": k, **FACTORS, "labour_shortage": float(i)}
                         for i, (s, y, t, o, e, k) in enumerate(rows)])


def test_tension_evidence_chain_direct_code_then_families_and_ties():
    table = tension([
        ("france-travail", 2021, "arr:522", "H2913", 10.0, 3.0),   # 0 the ROME code itself
        ("dares", 2021, "arr:522", "D2Z42", 900.0, 5.0),           # 1 its family: not needed
        ("dares", 2021, "arr:522", "T2A60", 100.0, 4.0),           # 2 K1302's family
        ("france-travail", 2021, "arr:522", "T2A60", 500.0, 4.0),  # 3 larger employment wins
        ("dares", 2021, "arr:522", "V0Z60", 50.0, 2.0),            # 4 tie on class and employment:
        ("france-travail", 2021, "arr:522", "V0Z60", 50.0, 2.0),   # 5 the first row wins
        ("dares", 2019, "arr:522", "L6Z00", 1.0, 5.0),             # 6 older year of the source: out
        ("dares", 2021, "dep:52", "L6Z00", None, 1.0),             # 7 next territory of the chain
        ("dares", 2021, "arr:522", "S1Z40", 1.0, None),            # 8 no class: out
    ])
    codes = ["H2913", "K1302", "J1501", "M1302", "G1602"]
    out = _tension_evidence(codes, table, ["arr:522", "dep:52"], "rome")
    assert out["occupation"].tolist() == codes
    assert out["tension_class"].tolist()[:4] == [3, 4, 2, 1] and math.isnan(out["tension_class"].iloc[4])
    assert out["tension_source"].tolist()[:4] == ["france-travail", "france-travail", "dares", "dares"]
    assert out["tension_territory"].tolist()[:4] == ["arr:522", "arr:522", "arr:522", "dep:52"]
    assert out["tension_occupation"].tolist()[:4] == ["H2913", "T2A60", "V0Z60", "L6Z00"]
    assert out["labour_shortage"].tolist()[:4] == [0.0, 3.0, 4.0, 7.0]
    assert list(out.columns) == ["occupation", "tension_class", "tension_source", "tension_territory",
                                 "tension_occupation", *FACTORS]
    fap = _tension_evidence(["T2A60"], table.drop(columns="employment"), ["arr:522"], "fap225")
    # Without employment figures, the first row of the highest class.
    assert fap["tension_source"].tolist() == ["dares"]


def test_bmo_evidence_sums_families_of_the_latest_year():
    bmo = pd.DataFrame({"territory": "arr:522", "year": [2025, 2025, 2025, 2024],
                        "occupation": ["D2Z42", "D2Z42", "T2A60", "T2A60"],
                        "projects": [10.0, 30.0, 20.0, 99.0], "difficult": [5.0, 15.0, None, 99.0],
                        "difficult_masked": [0, 0, 0, 0]})
    out = _bmo_evidence(["H2913", "K1302", "M1302"], bmo, ["dep:52", "arr:522"], "rome")
    assert out["bmo_projects"].tolist()[:2] == [40.0, 0.0] and math.isnan(out["bmo_projects"].iloc[2])
    assert out["bmo_difficult_share"].iloc[0] == 50.0
    assert out["bmo_difficult_share"].iloc[1:].isna().all()
    assert out["bmo_year"].tolist()[:2] == [2025, 2025] and math.isnan(out["bmo_year"].iloc[2])
    assert out["bmo_faps"].tolist() == ["D2Z42", "T2A60", ""]
    assert out["bmo_territory"].tolist()[:2] == ["arr:522", "arr:522"] and pd.isna(out["bmo_territory"].iloc[2])
