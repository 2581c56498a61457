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


def test_only_the_requested_territories_are_read_and_nothing_they_need_is_lost(store, workspace):
    """A national file holds every département: `load` reads the territory, its aliases and its
    comparisons (SQL `IN`), and keeps exactly the rows that selecting after a full read keeps."""
    from gtec_cli.indicators.compute import ALL_TERRITORIES, prepare

    own = workspace.settings.territory
    # The arrondissement is published as its employment area (its alias) only.
    settings = workspace.settings.model_copy(update={"territory": own.model_copy(update={"aliases": ["be:4419"]})})
    wanted = ["be:4419", *settings.territory.comparisons]
    assert settings.territory.comparisons
    others = ["dep:21", "dep:10", "reg:11", "be:1101"]
    rows = [(code, 2021, "0-14", 0, 14, 100.0 + i) for i, code in enumerate([*wanted, *others])]
    _population(store, "2026-T4", "national.xlsx", rows)

    read = load(store, settings, ["population"], period="2026-T4")["population"]
    everything = load(store, settings, ["population"], period="2026-T4", territory=ALL_TERRITORIES)
    assert set(everything["population"]["territory"]) == {*wanted, *others}
    selected = prepare(everything, settings)["population"]
    key = ["territory", "source_territory", "people"]
    pd.testing.assert_frame_equal(read[key].sort_values(key).reset_index(drop=True),
                                  selected[key].sort_values(key).reset_index(drop=True))
    assert not set(read["source_territory"]) & set(others)
    assert set(read["territory"]) == {settings.territory.code, *settings.territory.comparisons}
