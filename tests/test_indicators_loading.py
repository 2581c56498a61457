"""Loading across periods: each audit and each slice of a statistical table counts once."""

from __future__ import annotations

import pandas as pd

from gtec_cli.indicators.compute import load


def _population(store, period: str, file_name: str, rows: list[tuple]) -> None:
    frame = pd.DataFrame(rows, columns=["territory", "year", "age_band", "age_min", "age_max", "people"])
    frame["sheet"], frame["row"], frame["sex"] = "Population", range(2, 2 + len(frame)), "T"
    with store.atomic() as db:
        store.insert_drop(db, kind="opeq", period=period, file_name=file_name, sha256=file_name,
                          size_bytes=1, tables={"population": frame})


def test_a_later_drop_repeating_a_census_year_replaces_it(store, workspace):
    """Regression: two quarters' observatory workbooks both holding 2021 doubled the population."""
    settings = workspace.settings
    _population(store, "2026-T3", "opeq-t3.xlsx", [("arr:522", 2021, "0-14", 0, 14, 400.0),
                                                    ("arr:522", 2015, "0-14", 0, 14, 450.0)])
    _population(store, "2026-T4", "opeq-t4.xlsx", [("arr:522", 2021, "0-14", 0, 14, 410.0)])

    t4 = load(store, settings, ["population"], period="2026-T4")["population"]
    by_year = t4.groupby("year")["people"].sum().to_dict()
    # 2021 comes from the T4 drop only (410, not 400 + 410); 2015, absent from T4, is kept from T3.
    assert by_year == {2015: 450.0, 2021: 410.0}

    t3 = load(store, settings, ["population"], period="2026-T3")["population"]
    assert t3.groupby("year")["people"].sum().to_dict() == {2015: 450.0, 2021: 400.0}
