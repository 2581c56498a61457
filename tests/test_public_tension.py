"""Kinds `dares-tension` and `ft-tension` on the real files shipped in data/reference.

Expected values are read from the CSV lines with the csv module here, independently of gtec's
reader, and checked against the published figures quoted in the issue.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from gtec_cli.ingest.pipeline import detect_kind, ingest_files, probe, validate_file

REF = Path(__file__).resolve().parents[1] / "data" / "reference"
DARES = REF / "dares" / "tensions.csv"
FT = REF / "france-travail" / "cities-tension-utf8.csv"
FACTORS = ("hiring_intensity", "training_link", "labour_shortage", "non_durable_employment",
           "working_conditions", "geographic_mismatch")
DARES_FACTOR_HEADERS = ("Intensité d'embauches", "Lien formation-emploi",
                        "Manque de main-d'œuvre disponible", "Non-durabilité de l'emploi",
                        "Conditions de travail contraignantes", "Inadéquation géographique")


@pytest.fixture(scope="module")
def dares_csv() -> list[dict]:
    with open(DARES, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def ft_csv() -> list[dict]:
    with open(FT, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


@pytest.fixture(scope="module")
def stored():
    from gtec_cli.store import Store

    store = Store.open(":memory:")
    start = time.perf_counter()
    ingest_files(store, [DARES, FT], period="2026")
    elapsed = time.perf_counter() - start
    yield store, elapsed
    store.close()


def _row(store, source: str, territory: str, occupation: str) -> dict:
    frame = store.read("tension", where={"source": source, "territory": territory,
                                         "occupation": occupation})
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


def _cls(text: str) -> int | None:
    return int(float(text)) if text.strip() else None


def test_both_files_are_detected():
    assert detect_kind(probe(DARES)) == "dares-tension"
    assert detect_kind(probe(FT)) == "ft-tension"


def test_full_files_ingest_in_seconds(stored, dares_csv, ft_csv):
    store, elapsed = stored
    assert elapsed < 30  # about 2 s on the 2-core reference machine
    assert len(store.read("tension", where={"source": "dares"})) == len(dares_csv) == 31034
    assert len(store.read("tension", where={"source": "france-travail"})) == len(ft_csv) == 27135


def test_haute_marne_d2z_as_published(stored, dares_csv):
    store, _ = stored
    row = _row(store, "dares", "dep:52", "D2Z")
    # Published: tension class 5, factors 2/5/4/3/4/2 (in the Dares order).
    assert row["tension_class"] == 5
    assert [row[f] for f in FACTORS] == [2, 5, 4, 3, 4, 2]
    line = next(r for r in dares_csv if r["fap"] == "D2Z" and r["dep"] == "52")
    assert row["tension_value"] == float(line["Tension "])
    assert row["employment"] == float(line["Emploi moyen"])
    assert row["occupation_system"] == "fap87" and row["year"] == 2019


@pytest.mark.parametrize("fap, geo, reg, dep", [
    ("A0Z40", "nat", "", ""),     # first line of the file
    ("D2Z42", "nat", "", ""),
    ("J3Z43", "reg", "44.0", ""),  # region stored as a float
    ("B2Z", "reg ", "44.0", ""),   # `reg ` with a trailing space (FAP-87 region rows)
    ("S1Z40", "dep", "", "52"),
    ("T4Z", "dep", "", "2A"),
])
def test_rows_equal_the_published_lines(stored, dares_csv, fap, geo, reg, dep):
    store, _ = stored
    line = next(r for r in dares_csv
                if r["fap"] == fap and r["niveau_geo"] == geo and r["reg"] == reg and r["dep"] == dep)
    territory = {"nat": "fr", "reg": f"reg:{int(float(reg or 0)):02d}", "dep": f"dep:{dep}"}[geo.strip()]
    row = _row(store, "dares", territory, fap)
    assert row["tension_class"] == _cls(line["Catégorie Tension"])
    assert [row[f] for f in FACTORS] == [_cls(line[h]) for h in DARES_FACTOR_HEADERS]
    assert row["occupation_system"] == line["niveau_fap"].replace(" ", "")


def test_rows_without_class_are_kept_and_counted(stored, dares_csv):
    store, _ = stored
    expected = sum(1 for r in dares_csv if not r["Catégorie Tension"].strip())
    assert expected > 0
    frame = store.read("tension", where={"source": "dares"})
    assert frame["tension_class"].isna().sum() == expected
    drop = store.drops(kind="dares-tension")[0]
    assert drop.metadata["rows_without_class"] == expected
    assert drop.metadata["findings"]["no-tension-class"] == expected
    assert drop.warnings >= expected
    line = next(r for r in dares_csv if not r["Catégorie Tension"].strip() and r["niveau_geo"] == "dep")
    row = _row(store, "dares", f"dep:{line['dep']}", line["fap"])
    assert row["tension_class"] is None or row["tension_class"] != row["tension_class"]


def test_france_travail_langres_row(stored, ft_csv):
    store, _ = stored
    line = next(r for r in ft_csv if r["cbassin"] == "4419" and r["ROME"] == "A1203")
    row = _row(store, "france-travail", "be:4419", "A1203")
    assert row["offers"] == pytest.approx(float(line["oee"].replace(",", ".")))  # 182,7962799
    assert row["jobseekers_abc"] == pytest.approx(float(line["defm_abc"].replace(",", ".")))
    assert row["tension_class"] == int(line["ind_tension_d"])
    mapping = {"hiring_intensity": "ind_int_emb_d", "labour_shortage": "ind_main_oeuvre_d",
               "non_durable_employment": "ind_dur_empl_d", "working_conditions": "ind_cond_travail_d",
               "geographic_mismatch": "ind_mismatch_geo_d", "training_link": "ind_specif_form_empl_d"}
    assert {k: row[k] for k in mapping} == {k: int(line[v]) for k, v in mapping.items()}
    assert row["occupation_system"] == "rome" and row["year"] == 2021


def test_area_codes_keep_their_leading_zero(stored, ft_csv):
    store, _ = stored
    line = next(r for r in ft_csv if r["cbassin"] == "0203")
    row = _row(store, "france-travail", "be:0203", line["ROME"])
    assert row["offers"] == pytest.approx(float(line["oee"].replace(",", ".")))


def test_france_travail_quirks_are_counted(stored, ft_csv):
    store, _ = stored
    drop = store.drops(kind="ft-tension")[0]
    with open(REF / "france-travail" / "lexique-bassins.csv", encoding="utf-8", newline="") as fh:
        areas = {r["BE19"] for r in csv.DictReader(fh)}
    outside = [r for r in ft_csv if r["cbassin"] not in areas]
    assert drop.metadata["unknown_areas"] == sorted({r["cbassin"] for r in outside})
    assert drop.metadata["findings"]["unknown-area"] == len(outside)
    empty_link = sum(1 for r in ft_csv if not r["ind_specif_form_empl_d"])
    assert drop.metadata["rows_without_factor"] == {"training_link": empty_link}


def test_forcing_the_other_tension_kind_says_what_is_missing(tmp_path):
    head = DARES.read_text(encoding="utf-8").splitlines()[:30]
    path = tmp_path / "tensions_extrait.csv"
    path.write_text("\n".join(head) + "\n", encoding="utf-8")
    assert validate_file(path).kind == "dares-tension" and validate_file(path).valid
    forced = validate_file(path, kind="ft-tension")
    assert forced.kind == "ft-tension" and not forced.valid
    assert {f.column for f in forced.report.errors if f.code == "missing-column"} == {None}
    assert forced.report.counts["missing-column"] >= 3


def test_bad_class_is_located(tmp_path):
    lines = DARES.read_text(encoding="utf-8").splitlines()[:5]
    fields = lines[2].split(",")
    fields[3] = "7.0"  # Catégorie Tension of file line 3
    lines[2] = ",".join(fields)
    path = tmp_path / "tensions_bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = validate_file(path).report.errors
    assert [(e.code, e.cell, e.value) for e in errors] == [("out-of-range", "D3", "7.0")]
