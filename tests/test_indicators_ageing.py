"""Ageing indicators against figures computed by hand, including real Insee and Dares figures."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from gtec_cli.errors import UsageError
from gtec_cli.indicators import ageing as a
from gtec_cli.indicators.bands import band_sums
from gtec_cli.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
INF = math.inf

# Communauté d'agglomération du Grand Langres, census POP T0 (data/reference/PROVENANCE.md).
POP_T0 = (("0-14", 0, 14), ("15-29", 15, 29), ("30-44", 30, 44), ("45-59", 45, 59),
          ("60-74", 60, 74), ("75+", 75, None))
GRAND_LANGRES = {
    2021: (20750, [3333, 2932, 3490, 4494, 4135, 2366]),
    2015: (21242, [3443, 3209, 3718, 4715, 3809, 2347]),
    2010: (21957, [3820, 3536, 4192, 4788, 3390, 2231]),
}


def census(territory: str, figures: dict, *, total_row: bool = True) -> pd.DataFrame:
    rows = []
    for year, (total, bands) in figures.items():
        if total_row:
            rows.append({"territory": territory, "year": year, "sex": "T", "age_band": None,
                         "age_min": None, "age_max": None, "people": float(total)})
        for (label, lo, hi), people in zip(POP_T0, bands):
            rows.append({"territory": territory, "year": year, "sex": "T", "age_band": label,
                         "age_min": lo, "age_max": hi, "people": float(people)})
    return pd.DataFrame(rows)


POP = census("epci:200072999", GRAND_LANGRES)


def test_ageing_index_grand_langres_2021_with_the_uniform_split():
    out = a.ageing_index(POP)
    assert len(out) == 1 and out.loc[0, "year"] == 2021
    # 65+ is 10 of the 15 years of 60-74, plus 75+; under 20 is 0-14 plus 5 of the 15 years of 15-29.
    p65 = 4135 * 10 / 15 + 2366
    p20 = 3333 + 2932 * 5 / 15
    assert out.loc[0, "p65_plus"] == pytest.approx(p65)
    assert out.loc[0, "p_under_20"] == pytest.approx(p20)
    assert out.loc[0, "value"] == pytest.approx(100 * p65 / p20)
    assert round(out.loc[0, "value"], 1) == 118.8
    note = out.loc[0, "approximation"]
    assert "60-74" in note and "10/15" in note and "15-29" in note and "5/15" in note
    assert out.loc[0, "n_people"] == 20750


def test_shares_grand_langres_use_the_published_total():
    s60 = a.share_60_plus(POP).loc[0]
    s75 = a.share_75_plus(POP).loc[0]
    assert s60["value"] == pytest.approx(100 * (4135 + 2366) / 20750)
    assert s75["value"] == pytest.approx(100 * 2366 / 20750)
    assert s60["approximation"] == ""  # 60+ and 75+ are band limits: exact
    # 2015: the published total (21 242) differs from the sum of bands (21 241); the total row wins.
    s60_2015 = a.share_60_plus(POP, by=["period"]).set_index("year").loc[2015]
    assert s60_2015["value"] == pytest.approx(100 * (3809 + 2347) / 21242)


def test_population_change_total_and_by_band():
    out = a.population_change(POP)
    total = out[out["age_band"] == "total"].set_index(["year_from", "year_to"])
    assert total.loc[(2015, 2021), "value"] == pytest.approx(100 * (20750 - 21242) / 21242)
    assert total.loc[(2015, 2021), "annual_rate"] == pytest.approx(100 * ((20750 / 21242) ** (1 / 6) - 1))
    assert total.loc[(2010, 2021), "annual_rate"] == pytest.approx(100 * ((20750 / 21957) ** (1 / 11) - 1))
    assert total.loc[(2010, 2015), "value"] == pytest.approx(100 * (21242 - 21957) / 21957)
    band = out[(out["age_band"] == "60-74") & (out["year_from"] == 2015) & (out["year_to"] == 2021)]
    assert band["value"].iloc[0] == pytest.approx(100 * (4135 - 3809) / 3809)


def test_haute_marne_2024_under_20_exact_65_plus_split():
    # Insee estimates 2024: under 20, 20-59, 60-74, 75+ (PROVENANCE.md).
    hm = pd.DataFrame({"territory": "dep:52", "year": 2024, "sex": "T",
                       "age_band": ["<20", "20-59", "60-74", "75+"], "age_min": [0, 20, 60, 75],
                       "age_max": [19, 59, 74, None], "people": [34327.0, 75723.0, 35901.0, 22058.0]})
    out = a.ageing_index(hm).loc[0]
    assert out["p_under_20"] == 34327
    assert out["p65_plus"] == pytest.approx(35901 * 10 / 15 + 22058)
    assert out["value"] == pytest.approx(100 * (35901 * 10 / 15 + 22058) / 34327)
    assert "p_under_20" not in out["approximation"]  # exact
    assert a.share_75_plus(hm).loc[0, "value"] == pytest.approx(100 * 22058 / 168009)


def test_exact_census_bands_win_over_the_split():
    # The census base layout can also give P21_POP0019 and P21_POP65P: then no approximation.
    extra = pd.DataFrame({"territory": "epci:200072999", "year": 2021, "sex": "T",
                          "age_band": ["0-19", "65+"], "age_min": [0, 65], "age_max": [19, None],
                          "people": [4300.0, 5100.0]})
    out = a.ageing_index(pd.concat([POP, extra], ignore_index=True)).loc[0]
    assert out["value"] == pytest.approx(100 * 5100 / 4300)
    assert out["approximation"] == ""
    assert out["n_people"] == 20750  # the overlapping bands are not added to the total


def test_a_total_with_too_few_bands_leaves_the_rest_unknown():
    # A total and a 65+ band only: people under 20 are unknown, not zero.
    pop = pd.DataFrame({"territory": "x", "year": 2021, "sex": "T", "age_band": [None, "65+"],
                        "age_min": [None, 65], "age_max": [None, None], "people": [1000.0, 300.0]})
    out = a.ageing_index(pop).loc[0]
    assert math.isnan(out["p_under_20"]) and math.isnan(out["value"]) and out["fragile"]
    assert out["p65_plus"] == 300 and out["n_people"] == 1000
    assert a.share_60_plus(pop).loc[0, "value"] != a.share_60_plus(pop).loc[0, "value"]  # NaN


def test_sexes_added_without_double_counting():
    men = POP[POP["age_band"].notna() & (POP["year"] == 2021)].assign(sex="H")
    women = men.assign(sex="F", people=men["people"] * 2)
    both = pd.concat([men, women], ignore_index=True)
    out = a.share_75_plus(both)
    assert out.loc[0, "value"] == pytest.approx(100 * 2366 * 3 / (20750 * 3))
    # With a T row for the same group, the T rows are used alone.
    with_total = pd.concat([both, POP[POP["year"] == 2021]], ignore_index=True)
    assert a.share_75_plus(with_total).loc[0, "n_people"] == 20750
    by_sex = a.share_75_plus(both, by=["sex"]).set_index("sex")
    assert by_sex.loc["F", "n_people"] == 2 * 20750


def test_masked_counts_are_counted_not_zero():
    pop = POP[POP["year"] == 2021].copy()
    pop.loc[pop["age_band"] == "75+", "people"] = float("nan")
    out = a.share_75_plus(pop).loc[0]
    assert out["n_masked"] == 1


# --- national check values: Dares, Portraits statistiques des métiers ---------------------------
def dares_age() -> tuple[pd.DataFrame, dict]:
    """The Dares age file as the store keeps it, and the sums per FAP read with the csv module."""
    path = ROOT / "data" / "reference" / "dares" / "age_2017_2019_3niv.csv"
    rows, sums = [], {}
    with open(path, encoding="latin-1", newline="") as fh:
        for row in csv.DictReader(fh):
            band = row["tr_age"]
            if band == "60 ans ou plus":
                lo, hi, label = 60, None, "60+"
            else:
                lo, hi = (int(x) for x in band.replace(" ans", "").split("-"))
                label = f"{lo}-{hi}"
            fap = row["fap"]
            level = "all" if fap == "ENSEMBLE" else {1: "domain", 3: "fap87", 5: "fap225"}[len(fap)]
            # `NA`: too few respondents; missing, left out of the sums (and counted by gtec).
            value = float("nan") if row["annee_2017_2019"] == "NA" else float(row["annee_2017_2019"])
            rows.append({"period": "2017-2019", "occupation": fap, "level": level, "label": row["libelle"],
                         "age_band": label, "age_min": lo, "age_max": hi, "employed_thousands": value})
            entry = sums.setdefault(fap, {"total": 0.0, "50": 0.0, "55": 0.0, "na": 0})
            if value != value:
                entry["na"] += 1
                continue
            entry["total"] += value
            if lo >= 50:
                entry["50"] += value
            if lo >= 55:
                entry["55"] += value
    return pd.DataFrame(rows), sums


def test_national_shares_50_and_55_plus_match_dares():
    table, sums = dares_age()
    s50 = a.workforce_share_50_plus(national=table)
    s55 = a.workforce_share_55_plus(national=table)
    all_ = sums["ENSEMBLE"]
    assert s50.loc[0, "scope"] == "national" and s50.loc[0, "territory"] == "fr"
    assert s50.loc[0, "value"] == pytest.approx(100 * all_["50"] / all_["total"])
    assert s55.loc[0, "value"] == pytest.approx(100 * all_["55"] / all_["total"])
    # The published check values (indicators.md).
    assert round(s50.loc[0, "value"], 1) == 30.6
    assert round(s55.loc[0, "value"], 1) == 17.4
    assert s50.loc[0, "n_people"] == pytest.approx(all_["total"] * 1000)
    # By occupation: FAP-225 rows only, never the domain or FAP-87 rows added on top.
    welders = a.workforce_share_55_plus(national=table, by=["occupation"]).set_index("occupation")
    assert welders.loc["D2Z42", "value"] == pytest.approx(100 * sums["D2Z42"]["55"] / sums["D2Z42"]["total"])
    masked = next(f for f, e in sums.items() if len(f) == 5 and e["na"])
    assert welders.loc[masked, "n_masked"] == sums[masked]["na"]
    assert "D2Z" not in welders.index and "ENSEMBLE" not in welders.index


# --- territory and audit workforce ----------------------------------------------------------------
EMPLOYMENT = pd.DataFrame({
    "territory": "arr:522", "year": 2021, "naf": ["25.71Z", "25.71Z", "25.71Z", "10.71C", "10.71C"],
    "occupation": ["H2913", "H2913", "H2913", "D1106", "D1106"], "occupation_system": "rome",
    "age_band": ["15-29", "30-49", "50-59", "15-29", "50-59"],
    "age_min": [15, 30, 50, 15, 50], "age_max": [29, 49, 59, 29, 59],
    "sex": "H", "people": [10.0, 30.0, 20.0, 5.0, 15.0],
})
COMPANIES = pd.DataFrame({"siret": ["A", "B"], "naf": ["25.71Z", "10.71C"], "headcount": [42, 300],
                          "territory": "arr:522"})
WORKFORCE = pd.DataFrame({
    "siret": ["A", "A", "A", "B"], "occupation": ["H2913", "H2913", "H2913", "D1106"],
    "age_band": ["25-29", "55-59", "60+", "50-54"], "age_min": [25, 55, 60, 50],
    "age_max": [29, 59, None, 54], "sex": "H", "contract": "CDI", "headcount": [4.0, 5.0, 1.0, 10.0],
})


def test_workforce_shares_by_scope_and_dimension():
    out = a.workforce_share_50_plus(EMPLOYMENT, WORKFORCE, COMPANIES, by=["occupation"])
    terr = out[out["scope"] == "territoire"].set_index("occupation")
    assert terr.loc["H2913", "value"] == pytest.approx(100 * 20 / 60)
    assert terr.loc["D1106", "value"] == pytest.approx(100 * 15 / 20)
    aud = out[out["scope"] == "audits"].set_index("occupation")
    assert aud.loc["H2913", "value"] == pytest.approx(100 * 6 / 10)
    assert aud.loc["H2913", "n_companies"] == 1 and aud.loc["H2913", "fragile"]
    by_size = a.workforce_share_55_plus(workforce=WORKFORCE, companies=COMPANIES, by=["size_class"])
    assert by_size.set_index("size_class").loc["250+", "value"] == 0
    sector = a.workforce_share_50_plus(EMPLOYMENT, by=["sector"]).set_index("sector")
    assert sector.loc["10", "value"] == pytest.approx(100 * 15 / 20)


def test_a_dimension_only_audits_have_keeps_the_audit_scope():
    out = a.workforce_share_50_plus(EMPLOYMENT, WORKFORCE, COMPANIES, by=["company"])
    assert set(out["scope"]) == {"audits"}
    with pytest.raises(UsageError):
        a.workforce_share_50_plus(EMPLOYMENT, WORKFORCE, COMPANIES, by=["cadre"])


def test_a_straddling_band_is_split_and_said():
    # 30-54 holds 5 of its 25 years at 50 or more.
    emp = EMPLOYMENT.assign(age_band=["15-29", "30-54", "55-59", "15-29", "55-59"],
                            age_min=[15, 30, 55, 15, 55], age_max=[29, 54, 59, 29, 59])
    out = a.workforce_share_50_plus(emp).loc[0]
    assert out["value"] == pytest.approx(100 * (30 * 5 / 25 + 20 + 15) / 80)
    assert "30-54" in out["approximation"] and "5/25" in out["approximation"]


def test_junior_senior_ratio_and_zero_denominator():
    out = a.junior_senior_ratio(workforce=WORKFORCE, companies=COMPANIES, by=["occupation"])
    out = out.set_index("occupation")
    assert out.loc["H2913", "value"] == pytest.approx(4 / (5 + 1))
    # No one aged 55+: the ratio is missing (NaN, not inf) and flagged.
    assert math.isnan(out.loc["D1106", "value"]) and out.loc["D1106", "fragile"]


def test_band_sums_open_band_straddling_needs_a_width():
    df = pd.DataFrame({"age_min": [55, 60], "age_max": [59, None], "people": [10.0, 10.0]})
    assert math.isnan(band_sums(df, [], "people", {"x": (62, INF)}).loc[0, "x"])
    # Read as 60-64, ages 62, 63 and 64 are 3 of 5 years.
    assert band_sums(df, [], "people", {"x": (62, INF)}, open_width=5).loc[0, "x"] == pytest.approx(6)


def test_settings_defaults_are_the_documented_ones():
    s = Settings()
    assert s.assumptions.retirement_age == 64 and s.assumptions.retirement_scenarios == [62, 67]
    assert (s.small_numbers.min_companies, s.small_numbers.min_people) == (5, 30)
