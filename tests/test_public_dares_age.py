"""Kind `dares-age` on the real Dares file (national employed by FAP x age band, 2017–2019)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gtec_cli.ingest.pipeline import detect_kind, ingest_files, probe, validate_file

AGE = Path(__file__).resolve().parents[1] / "data" / "reference" / "dares" / "age_2017_2019_3niv.csv"


@pytest.fixture(scope="module")
def lines() -> list[dict]:
    # Declared latin-1; the bytes are Windows-1252 (œ is 0x9C).
    with open(AGE, encoding="cp1252", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def stored():
    from gtec_cli.store import Store

    store = Store.open(":memory:")
    ingest_files(store, [AGE], period="2026")
    yield store
    store.close()


def test_detected_as_dares_age():
    assert detect_kind(probe(AGE)) == "dares-age"


def test_national_shares_of_older_workers(stored):
    """indicators.md §2: 30.6 % of the employed are 50 or older, 17.4 % 55 or older (2017–2019)."""
    frame = stored.read("workforce_age_national", where={"occupation": "ENSEMBLE"})
    assert len(frame) == 9 and set(frame["level"]) == {"all"} and set(frame["period"]) == {"2017-2019"}
    total = frame["employed_thousands"].sum()
    fifty = frame.loc[frame["age_min"] >= 50, "employed_thousands"].sum()
    fifty_five = frame.loc[frame["age_min"] >= 55, "employed_thousands"].sum()
    assert round(100 * fifty / total, 1) == 30.6
    assert round(100 * fifty_five / total, 1) == 17.4


@pytest.mark.parametrize("fap, band", [
    ("J5Z61", "15-24 ans"), ("D2Z", "60 ans ou plus"), ("P", "35-39 ans"), ("ENSEMBLE", "50-54 ans"),
    ("S1Z40", "25-29 ans"),
])
def test_rows_equal_the_published_lines(stored, lines, fap, band):
    line = next(r for r in lines if r["fap"] == fap and r["tr_age"] == band)
    frame = stored.read("workforce_age_national", where={"occupation": fap})
    label = {"15-24 ans": "15-24", "60 ans ou plus": "60+", "35-39 ans": "35-39",
             "50-54 ans": "50-54", "25-29 ans": "25-29"}[band]
    row = frame[frame["age_band"] == label].iloc[0]
    assert row["employed_thousands"] == pytest.approx(float(line["annee_2017_2019"]))
    assert row["label"] == line["libelle"]
    expected_level = {1: "domain", 3: "fap87", 5: "fap225"}.get(len(fap), "all")
    assert row["level"] == expected_level


def test_open_band_and_levels(stored, lines):
    frame = stored.read("workforce_age_national")
    old = frame[frame["age_band"] == "60+"]
    assert set(old["age_min"]) == {60} and old["age_max"].isna().all()
    counts = frame["level"].value_counts().to_dict()
    by_length = {}
    for r in lines:
        level = {1: "domain", 3: "fap87", 5: "fap225"}.get(len(r["fap"]), "all")
        by_length[level] = by_length.get(level, 0) + 1
    assert counts == by_length


def test_na_value_is_kept_missing_and_counted(stored, lines):
    na = [r for r in lines if r["annee_2017_2019"] == "NA"]
    assert [(r["fap"], r["tr_age"]) for r in na] == [("X0Z01", "15-24 ans")]
    row = stored.read("workforce_age_national", where={"occupation": "X0Z01", "age_band": "15-24"})
    assert row["employed_thousands"].isna().all()
    drop = stored.drops(kind="dares-age")[0]
    assert drop.metadata["missing_values"] == 1
    assert drop.metadata["findings"]["missing-value"] == 1


def test_codes_outside_the_shipped_fap_nomenclature_are_warned(stored):
    drop = stored.drops(kind="dares-age")[0]
    # P1Z82, T2Z60 (and their aggregate T2Z) are in the age file but not in fap225_rome.csv;
    # ZZZ / ZZZZZ are Dares' "not stated".
    assert drop.metadata["unknown_codes_sample"] == ["P1Z82", "T2Z", "T2Z60", "ZZZ", "ZZZZZ"]
    assert drop.metadata["findings"]["unknown-code"] == 5 * 9


def test_bad_age_band_is_located(tmp_path):
    text = AGE.read_bytes().decode("cp1252").splitlines()
    text[1] = text[1].replace('"15-24 ans"', '"quinze ans"')
    path = tmp_path / "age.csv"
    path.write_text("\n".join(text[:20]) + "\n", encoding="cp1252")
    errors = validate_file(path).report.errors
    assert [(e.code, e.cell) for e in errors] == [("unknown-age-band", "B2")]
