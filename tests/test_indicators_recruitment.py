"""Recruitment-difficulty indicators against figures computed by hand from small tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from gtec_cli.errors import UsageError
from gtec_cli.indicators import recruitment as r
from gtec_cli.indicators.territories import select
from gtec_cli.settings import Settings

NAN = float("nan")


def bmo_rows(rows):
    """BMO table rows: (year, territory, dep, occupation, met, xmet, smet); None = masked (`*`)."""
    out = []
    for year, terr, dep, occ, met, xmet, smet in rows:
        out.append({"year": year, "territory": terr, "dep": dep, "reg": "44" if dep == "52" else "27",
                    "occupation": occ, "occupation_system": "fap2009", "occupation_label": occ,
                    "family": occ[0], "family_label": f"Famille {occ[0]}",
                    "projects": NAN if met is None else float(met),
                    "difficult": NAN if xmet is None else float(xmet),
                    "seasonal": NAN if smet is None else float(smet),
                    "projects_masked": int(met is None), "difficult_masked": int(xmet is None),
                    "seasonal_masked": int(smet is None)})
    return pd.DataFrame(out)


# The Langres area spans two départements: one row per département, summed.
BMO = bmo_rows([
    (2025, "be:4419", "52", "D2Z42", 40, 30, 0),
    (2025, "be:4419", "21", "D2Z42", 30, 20, 3),
    (2025, "be:4419", "52", "D2Z42", 10, None, 1),    # xmet masked: row left out of the share
    (2025, "be:4419", "52", "D1Z40", 20, 5, 2),
    (2025, "be:4419", "52", "J1Z80", None, None, None),  # everything masked
    (2024, "be:4419", "52", "D2Z42", 100, 10, 0),     # an older year, not the latest
])


def test_bmo_difficult_share_is_a_ratio_of_sums_over_unmasked_rows():
    out = r.bmo_difficult_share(BMO, by=["occupation"]).set_index("occupation")
    welders = out.loc["D2Z42"]
    # 2025 only; the masked xmet row (met 10) is out: (30 + 20) / (40 + 30).
    assert welders["value"] == pytest.approx(100 * (30 + 20) / (40 + 30))
    assert welders["n_projects"] == 70
    assert welders["n_masked_rows"] == 1
    assert welders["projects_in_masked_rows"] == 10
    # Reading the masked cell as 0 would give 50/80: the definition forbids it.
    assert welders["value"] != pytest.approx(100 * 50 / 80)
    assert out.loc["D1Z40", "value"] == pytest.approx(100 * 5 / 20)
    # All masked: no share (NaN, never inf or 0), flagged.
    assert math.isnan(out.loc["J1Z80", "value"]) and out.loc["J1Z80", "fragile"]
    assert out.loc["J1Z80", "n_masked_rows"] == 1


def test_bmo_total_and_masked_rows_counted():
    out = r.bmo_difficult_share(BMO)
    assert len(out) == 1 and out.loc[0, "year"] == 2025
    assert out.loc[0, "value"] == pytest.approx(100 * (30 + 20 + 5) / (40 + 30 + 20))
    assert out.loc[0, "n_masked_rows"] == 2
    assert out.loc[0, "n_rows"] == 5


def test_bmo_projects_and_seasonal_share():
    proj = r.bmo_projects(BMO)
    assert proj.loc[0, "value"] == 40 + 30 + 10 + 20  # met known on four 2025 rows
    assert proj.loc[0, "n_masked_rows"] == 1
    seas = r.bmo_seasonal_share(BMO, by=["occupation"]).set_index("occupation")
    assert seas.loc["D2Z42", "value"] == pytest.approx(100 * (0 + 3 + 1) / (40 + 30 + 10))


def test_bmo_by_period_keeps_every_year():
    out = r.bmo_difficult_share(BMO, by=["occupation", "period"])
    older = out[(out["year"] == 2024) & (out["occupation"] == "D2Z42")]
    assert older["value"].iloc[0] == pytest.approx(100 * 10 / 100)
    assert set(out["year"]) == {2024, 2025}


def test_bmo_small_base_is_fragile():
    out = r.bmo_difficult_share(BMO, by=["occupation"]).set_index("occupation")
    # min_projects defaults to 30: D1Z40 has 20 projects, D2Z42 70.
    assert out.loc["D1Z40", "fragile"] and not out.loc["D2Z42", "fragile"]
    relaxed = Settings.model_validate({"small_numbers": {"min_projects": 10}})
    assert not r.bmo_difficult_share(BMO, by=["occupation"], settings=relaxed).set_index(
        "occupation").loc["D1Z40", "fragile"]


def test_bmo_zero_denominator_is_nan_and_flagged():
    zero = bmo_rows([(2025, "be:9999", "52", "A0Z40", 0, 0, 0)])
    out = r.bmo_difficult_share(zero)
    assert math.isnan(out.loc[0, "value"]) and out.loc[0, "fragile"]


def test_departement_adds_up_its_rows_of_multi_departement_areas():
    settings = Settings()
    dep52 = select(BMO, ["dep:52", "be:4419"], settings, table="bmo")
    out = r.bmo_difficult_share(dep52, by=["occupation"])
    out = out.set_index(["territory", "occupation"])
    # dep:52 keeps the Haute-Marne rows of the area only; the area sums both départements.
    assert out.loc[("dep:52", "D2Z42"), "value"] == pytest.approx(100 * 30 / 40)
    assert out.loc[("be:4419", "D2Z42"), "value"] == pytest.approx(100 * 50 / 70)


def test_territory_alias_reads_the_bmo_area():
    settings = Settings.model_validate({"territory": {"code": "arr:522", "aliases": ["be:4419"]}})
    rows = select(BMO, ["arr:522"], settings, table="bmo")
    assert set(rows["territory"]) == {"arr:522"} and set(rows["source_territory"]) == {"be:4419"}
    assert len(rows) == len(BMO)


# --- audits --------------------------------------------------------------------------------------
COMPANIES = pd.DataFrame({
    "siret": ["A", "B", "C"], "naf": ["25.71Z", "25.62A", "10.71C"], "headcount": [42, 8, 300],
    "territory": "arr:522",
})
HIRES = pd.DataFrame({
    "siret": ["A", "A", "B", "C", "C"],
    "occupation": ["H2913", "H2903", "H2913", "D1106", "H2913"],
    "horizon": ["<1an", "1-3ans", "<1an", "<1an", "1-3ans"],
    "positions": [3.0, 2.0, 1.0, 4.0, 6.0],
    "cadre": [0, 0, 1, 0, 0],
    "difficult": [1, 0, 1, None, 0],
    "reasons": ["penurie;mobilite", None, "profil", None, "penurie"],
})


def test_audit_difficult_share_by_occupation():
    out = r.audit_difficult_share(HIRES, COMPANIES, by=["occupation"]).set_index("occupation")
    # H2913: A 3 difficult, B 1 difficult, C 6 not: (3 + 1) / (3 + 1 + 6).
    assert out.loc["H2913", "value"] == pytest.approx(100 * 4 / 10)
    assert out.loc["H2913", "n_companies"] == 3
    assert out.loc["H2913", "top_company_share"] == pytest.approx(6 / 10)
    # A single company in a cell: computed, counted, flagged.
    assert out.loc["H2903", "value"] == 0 and out.loc["H2903", "n_companies"] == 1
    assert out.loc["H2903", "fragile"]
    # Difficulty not given: left out and counted, no share.
    assert out.loc["D1106", "n_rows_unknown"] == 1 and math.isnan(out.loc["D1106", "value"])
    assert out.loc["H2913", "occupation_level"] == "rome"


def test_audit_difficult_share_by_size_class_cadre_and_sector():
    out = r.audit_difficult_share(HIRES, COMPANIES, by=["size_class", "cadre"])
    cell = out.set_index(["size_class", "cadre"])
    # A has 42 employees (10-49), B 8 (1-9), C 300 (250+).
    assert cell.loc[("10-49", "non-cadre"), "value"] == pytest.approx(100 * 3 / 5)
    assert cell.loc[("1-9", "cadre"), "value"] == 100
    assert cell.loc[("250+", "non-cadre"), "value"] == 0  # C: 6 known positions, none difficult
    sector = r.audit_difficult_share(HIRES, COMPANIES, by=["sector"]).set_index("sector")
    assert sector.loc["25", "value"] == pytest.approx(100 * (3 + 1) / (3 + 2 + 1))
    total = r.audit_difficult_share(HIRES, COMPANIES)
    assert total.loc[0, "value"] == pytest.approx(100 * 4 / (3 + 2 + 1 + 6))
    assert total.loc[0, "territory"] == "arr:522"


def test_audit_difficulty_reasons_multi_answer():
    out = r.audit_difficulty_reasons(HIRES, COMPANIES).set_index("reason")
    # Positions concerned: difficult or with a reason = 3 (A) + 1 (B) + 6 (C, reason given) = 10.
    assert out.loc["penurie", "value"] == 3 + 6
    assert out.loc["penurie", "n_companies"] == 2
    assert out.loc["mobilite", "value"] == 3
    assert out.loc["profil", "share_positions"] == pytest.approx(100 * 1 / 10)
    assert out.loc["penurie", "reason_label"] == "Manque de candidats"
    assert out["share_positions"].sum() > 100  # several reasons per position


def test_difficult_positions_without_reason_are_shown():
    hires = HIRES.assign(reasons=[None, None, "profil", None, None])
    out = r.audit_difficulty_reasons(hires, COMPANIES).set_index("reason")
    assert out.loc["(non renseigné)", "value"] == 3  # A's difficult welders, no reason given


def test_unsupported_dimension_is_a_usage_error():
    with pytest.raises(UsageError, match="size_class"):
        r.bmo_difficult_share(BMO, by=["size_class"])
    with pytest.raises(UsageError, match="Dimension inconnue"):
        r.audit_difficult_share(HIRES, COMPANIES, by=["colour"])


# --- official tension ------------------------------------------------------------------------------
TENSION = pd.DataFrame({
    "source": ["dares", "dares", "france-travail"], "year": [2019, 2019, 2021],
    "territory": ["dep:52", "dep:52", "be:4419"], "occupation": ["D2Z42", "D1Z40", "H2913"],
    "occupation_system": ["fap225", "fap225", "rome"], "employment": [500.0, 20.0, NAN],
    "tension_value": [-0.9, NAN, NAN], "tension_class": [5, None, 4],
    "hiring_intensity": [4, None, 3], "training_link": [5, None, 2], "labour_shortage": [3, None, 4],
    "non_durable_employment": [1, None, 2], "working_conditions": [4, None, 5],
    "geographic_mismatch": [2, None, 3], "offers": [NAN, NAN, 12.0], "jobseekers_abc": [NAN, NAN, 30.0],
})


def test_tension_class_is_read_never_recomputed():
    out = r.tension_class(TENSION).set_index("occupation")
    # Class 5 stays 5 even though the published value is low: classes are never re-binned.
    assert out.loc["D2Z42", "value"] == 5 and out.loc["D2Z42", "tension_value"] == -0.9
    assert out.loc["H2913", "value"] == 4 and out.loc["H2913", "source"] == "france-travail"
    # Not published (insufficient volume): missing and fragile, not 0.
    assert math.isnan(out.loc["D1Z40", "value"]) and out.loc["D1Z40", "fragile"]


def test_tension_factors_long_format():
    out = r.tension_factors(TENSION)
    welders = out[out["occupation"] == "D2Z42"].set_index("factor")
    assert list(welders.index) == list(r.TENSION_FACTORS)
    assert welders.loc["training_link", "value"] == 5
    assert welders.loc["geographic_mismatch", "factor_label"] == "Inadéquation géographique"


# --- offers per job seeker ---------------------------------------------------------------------------
OFFERS = pd.DataFrame({"territory": "arr:522", "period": ["2025-T4", "2025-T4", "2025-T3"],
                       "occupation": ["H2913", "H2903", "H2913"], "offers": [6.0, 0.0, 50.0]})
JOBSEEKERS = pd.DataFrame({
    "territory": "arr:522", "period": "2025-T4",
    "occupation": ["H2913", "H2913", "H2913", "H2913", "H2903"],
    "category": ["A", "A", "B", "ABC", "A"],
    "age_band": ["<25", "25-49", "<25", None, "<25"],
    "age_min": [0, 25, 0, None, 0], "age_max": [24, 49, 24, None, 24],
    "people": [4.0, 8.0, 5.0, 20.0, 0.0],
})


def test_offers_per_jobseeker_category_a_latest_period():
    out = r.offers_per_jobseeker(OFFERS, JOBSEEKERS, by=["occupation"]).set_index("occupation")
    # 2025-T4 only; category A: 4 + 8 job seekers for 6 offers.
    assert out.loc["H2913", "value"] == pytest.approx(6 / 12)
    assert out.loc["H2913", "jobseeker_categories"] == "A"
    # No job seeker: NaN, flagged.
    assert math.isnan(out.loc["H2903", "value"]) and out.loc["H2903", "fragile"]


def test_offers_per_jobseeker_abc_uses_the_abc_rows():
    settings = Settings.model_validate({"assumptions": {"jobseeker_categories": "ABC"}})
    out = r.offers_per_jobseeker(OFFERS, JOBSEEKERS, by=["occupation"], settings=settings)
    out = out.set_index("occupation")
    assert out.loc["H2913", "value"] == pytest.approx(6 / 20)
    assert out.loc["H2913", "jobseeker_categories"] == "A+B+C"


def test_offers_per_jobseeker_falls_back_on_france_travail_tension():
    out = r.offers_per_jobseeker(pd.DataFrame(), pd.DataFrame(), TENSION, by=["occupation"])
    assert len(out) == 1
    assert out.loc[0, "value"] == pytest.approx(12 / 30)
    assert out.loc[0, "jobseeker_categories"] == "A+B+C"


def test_offers_per_jobseeker_without_category_a_says_it_used_abc():
    abc_only = JOBSEEKERS[JOBSEEKERS["category"] == "ABC"]
    out = r.offers_per_jobseeker(OFFERS, abc_only, by=["occupation"]).set_index("occupation")
    assert out.loc["H2913", "value"] == pytest.approx(6 / 20)
    assert out.loc["H2913", "jobseeker_categories"] == "A+B+C (catégorie A non fournie)"
