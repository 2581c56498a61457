"""Employment by sector and establishments by size class, computed by hand from small tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from gtec_cli.indicators import compute_frames
from gtec_cli.indicators.compute import compact
from gtec_cli.indicators.economy import employment, establishments
from gtec_cli.settings import Settings

NAN = float("nan")


def emp(rows):
    """(territory, year, naf, sex, band, people) -> employment rows; band None = all ages."""
    bands = {"15-24": (15, 24), "25-54": (25, 54), None: (NAN, NAN)}
    return pd.DataFrame([{"territory": t, "year": y, "naf": naf, "occupation": "H2913", "sex": sex,
                          "age_band": band, "age_min": bands[band][0], "age_max": bands[band][1],
                          "people": NAN if p is None else float(p)} for t, y, naf, sex, band, p in rows])


EMPLOYMENT = emp([
    # arr:522, 2021: men and women by age band, added up. Division 25: 10 + 5 + 30; 10: 20; no NAF: 5.
    ("arr:522", 2021, "25.71Z", "H", "15-24", 10), ("arr:522", 2021, "25.71Z", "F", "15-24", 5),
    ("arr:522", 2021, "25.73A", "H", "25-54", 30), ("arr:522", 2021, "10.71C", "F", "25-54", 20),
    ("arr:522", 2021, None, "H", "25-54", 5),
    ("arr:522", 2018, "25.71Z", "H", "15-24", 999),  # an older year
    # dep:52, 2021: both-sexes all-ages rows win over the age bands and the men's row; 10.71C masked.
    ("dep:52", 2021, "25.71Z", "T", None, 100), ("dep:52", 2021, "25.71Z", "T", "15-24", 40),
    ("dep:52", 2021, "25.71Z", "H", None, 60), ("dep:52", 2021, "10.71C", "T", None, None),
    # epci:1, 2021: every cell masked (a zero denominator).
    ("epci:1", 2021, "25.71Z", "T", None, None),
])


def test_employment_by_division_latest_year_nobody_twice():
    out = employment(EMPLOYMENT)
    own = out[out["territory"] == "arr:522"]
    assert own["sector"].tolist() == ["25", "10", "(non renseigné)"]  # by decreasing employment
    assert own["value"].tolist() == [45.0, 20.0, 5.0] and own["year"].tolist() == [2021] * 3
    assert own["share"].tolist() == pytest.approx([100 * 45 / 70, 100 * 20 / 70, 100 * 5 / 70])
    dep = out[out["territory"] == "dep:52"].set_index("sector")
    assert dep.loc["25", "value"] == 100.0 and dep.loc["25", "share"] == pytest.approx(100.0)
    assert dep.loc["10", "value"] == 0.0 and dep.loc["10", "n_masked"] == 1
    assert own["fragile"].tolist() == [False, True, True]  # under 30 people


def test_employment_zero_denominator_and_single_row():
    masked = employment(EMPLOYMENT).set_index("territory").loc["epci:1"]
    assert masked["value"] == 0.0 and math.isnan(masked["share"]) and bool(masked["fragile"])
    one = employment(EMPLOYMENT.iloc[[0]]).iloc[0]
    assert (one["sector"], one["value"], one["share"]) == ("25", 10.0, 100.0)
    assert employment(EMPLOYMENT.iloc[0:0]).empty


def test_employment_every_year_and_total():
    years = employment(EMPLOYMENT[EMPLOYMENT["territory"] == "arr:522"], by=["sector", "period"])
    assert years.loc[years["year"] == 2018, "value"].tolist() == [999.0]
    total = employment(EMPLOYMENT, by=["territory"]).set_index("territory")["value"]
    assert total.to_dict() == {"arr:522": 70.0, "dep:52": 100.0, "epci:1": 0.0}


def test_employment_same_figures_on_compacted_rows():
    """Big tables are first added up over the columns a request needs (no age band label): the
    all-ages rows are still told apart by their missing bounds."""
    settings = Settings()
    frames = {"employment": compact(EMPLOYMENT.assign(source_territory=EMPLOYMENT["territory"]),
                                    ["territory", "year", "sex", "age_min", "age_max", "source_territory",
                                     "naf"])}
    assert "age_band" not in frames["employment"].columns
    got = compute_frames(frames, settings, ["employment"], territory="*")["employment"]
    expected = employment(EMPLOYMENT)
    assert got["value"].tolist() == expected["value"].tolist()
    assert got["sector"].tolist() == expected["sector"].tolist()


ESTABLISHMENTS = pd.DataFrame({
    "territory": "arr:522", "year": [2023] * 6 + [2022],
    "naf": ["01", "01", "25", "25", "25", "25", "01"],
    "size_class": ["1-9", "0", "250+", "10-49", None, "10-49", "0"],
    "establishments": [204.0, 812.0, 1.0, 5.0, 3.0, NAN, 700.0]})


def test_establishments_by_size_class_in_class_order():
    out = establishments(ESTABLISHMENTS)
    assert out["size_class"].tolist() == ["0", "1-9", "10-49", "250+", "(non renseigné)"]
    assert out["value"].tolist() == [812.0, 204.0, 5.0, 1.0, 3.0]
    assert out["share"].tolist() == pytest.approx([100 * n / 1025 for n in (812, 204, 5, 1, 3)])
    assert out.loc[out["size_class"] == "10-49", "n_masked"].tolist() == [1]
    assert set(out["year"]) == {2023}


def test_establishments_by_sector_share_within_sector():
    out = establishments(ESTABLISHMENTS, by=["size_class", "sector"])
    assert list(zip(out["sector"], out["size_class"])) == [
        ("01", "0"), ("01", "1-9"), ("25", "10-49"), ("25", "250+"), ("25", "(non renseigné)")]
    assert out["share"].tolist() == pytest.approx([100 * 812 / 1016, 100 * 204 / 1016, 100 * 5 / 9,
                                                   100 * 1 / 9, 100 * 3 / 9])


def test_establishments_zero_denominator_and_single_row():
    masked = establishments(ESTABLISHMENTS.iloc[[5]]).iloc[0]
    assert masked["value"] == 0.0 and math.isnan(masked["share"]) and masked["n_masked"] == 1
    one = establishments(ESTABLISHMENTS.iloc[[0]]).iloc[0]
    assert (one["size_class"], one["value"], one["share"]) == ("1-9", 204.0, 100.0)
    assert not one["fragile"]
    assert establishments(ESTABLISHMENTS.iloc[0:0]).empty
