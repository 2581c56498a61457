"""Shipped nomenclatures, crosswalks and territory footprints, checked against the reference
files read here with the csv module."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gtec_cli import nomenclatures as nom
from gtec_cli.ingest.values import BadValue
from gtec_cli.settings import Territory

REF = Path(__file__).resolve().parents[1] / "data" / "reference"


def _lexique() -> list[dict]:
    with open(REF / "france-travail" / "lexique-bassins.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _dares(name: str) -> list[dict]:
    with open(REF / "dares" / name, encoding="cp1252", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";" if name != "age_2017_2019_3niv.csv" else ","))


# --- existing validators keep their behaviour ----------------------------------------------------
def test_validators_unchanged():
    assert nom.rome("h2903") == "H2903"
    assert nom.occupation("D2Z40") == "D2Z40"
    assert nom.naf("25.73a") == "25.73A"
    assert nom.commune("52269") == "52269"
    assert nom.territory("52", "dep") == "dep:52"
    with pytest.raises(BadValue):
        nom.territory("52")
    assert "A0Z40" in nom.fap_codes() and "A0Z" in nom.fap_codes()


# --- FAP labels and crosswalks -------------------------------------------------------------------
def test_fap_labels_from_the_dares_file():
    rows = _dares("age_2017_2019_3niv.csv")
    labels = nom.fap_labels()
    for code in ("D2Z40", "B2Z", "J5Z61", "P"):
        assert labels[code] == next(r["libelle"] for r in rows if r["fap"] == code)
    assert labels["B2Z"] == "Ouvriers qualifiés du gros œuvre du bâtiment"  # œ is cp1252 0x9C
    assert "ENSEMBLE" not in labels


def test_rome_fap_crosswalk():
    rows = [r for r in _dares("fap225_rome.csv") if r["Rome"] != "NA"]
    assert nom.rome_to_fap("H2913") == sorted(r["Fap"] for r in rows if r["Rome"] == "H2913")
    assert nom.rome_to_fap("H2913") == ["D2Z42", "D3Z20"]
    # D3Z20's link is marked secondary (`Soudage manuel *`).
    assert nom.rome_to_fap("H2913", primary_only=True) == ["D2Z42"]
    assert nom.fap_to_rome("A0Z40") == sorted({r["Rome"] for r in rows if r["Fap"] == "A0Z40"})
    assert nom.fap_to_rome("D2Z") == sorted({r["Rome"] for r in rows if r["Fap"].startswith("D2Z")})
    assert nom.fap_to_rome("A0Z00") == []  # `NA` in the crosswalk: no ROME code


def test_fap_pcs_crosswalk():
    rows = _dares("FAP_PCS.csv")
    assert nom.pcs_to_fap("111a") == ["A0Z00"]
    assert nom.fap_to_pcs("A0Z00") == sorted(r["PCS"] for r in rows if r["Fap"] == "A0Z00")


def test_map_occupations_says_which_level_it_used():
    only_rome = nom.map_occupations(["H2913", "A1416"])
    assert only_rome.level == "rome" and only_rome.mapping == {"A1416": "A1416", "H2913": "H2913"}
    # S1Z40 (cooks) has one ROME code, G1602: ROME stays exact.
    assert nom.map_occupations(["S1Z40", "K2204"]).mapping == {"K2204": "K2204", "S1Z40": "G1602"}
    # T4Z60 (cleaners) has four ROME codes, so ROME is not exact; FAP-225 is (K2204 -> T4Z60).
    mixed = nom.map_occupations(["T4Z60", "K2204"])
    assert mixed.level == "fap225" and mixed.mapping == {"K2204": "T4Z60", "T4Z60": "T4Z60"}
    # H2913 lies in D2Z42 and D3Z20: FAP-225 and FAP-87 are ambiguous, the domain (D) is not.
    spread = nom.map_occupations(["H2913", "T4Z60"])
    assert spread.level == "domain"
    assert spread.mapping == {"H2913": "D", "T4Z60": "T"}
    forced = nom.map_occupations(["H2913", "D2Z42", "D2Z"], level="fap87")
    assert forced.level == "fap87"
    assert forced.ambiguous == {"H2913": ("D2Z", "D3Z")}
    assert forced.mapping["D2Z42"] == "D2Z" and forced.mapping["D2Z"] == "D2Z"
    assert "FAP-2009 en 87 familles" in forced.describe()
    # A FAP-87 aggregate cannot be brought down to a single FAP-225 family.
    finer = nom.map_occupations(["D2Z"], level="fap225")
    assert finer.unmapped == ("D2Z",)
    assert nom.map_occupations(["691e"], level="fap225").mapping == {"691e": "A0Z40"}
    assert list(forced.apply(["D2Z42", "H2913"])) == ["D2Z", None]


# --- territory footprints ------------------------------------------------------------------------
def test_employment_area_4419_has_its_157_communes():
    rows = _lexique()
    communes = {r["CODE_COMMUNE_INSEE"] for r in rows if r["BE19"] == "4419"}
    assert len(communes) == 157
    f = nom.territory_footprint("be:4419")
    assert set(f.communes) == communes and "52269" in f.communes  # Langres
    assert f.employment_areas == ("be:4419",) and f.departements == ("dep:52",)
    assert f.regions == ("reg:44",) and f.partial_areas == ()


def test_departement_52_touches_its_employment_areas():
    rows = _lexique()
    f = nom.territory_footprint("dep:52")
    assert len(f.communes) == sum(1 for r in rows if r["DEP"] == "52")
    assert f.employment_areas == tuple(sorted({f"be:{r['BE19']}" for r in rows if r["DEP"] == "52"}))
    assert f.employment_areas == ("be:4418", "be:4419", "be:4420")


def test_commune_list_defines_a_custom_territory():
    rows = {r["CODE_COMMUNE_INSEE"]: r for r in _lexique()}
    chosen = ["52269", "52448", "1001"]  # 1001 lost its zero in a spreadsheet: 01001
    f = nom.territory_footprint(Territory(name="Sud Haute-Marne", communes=chosen + ["99999"]))
    assert f.communes == ("01001", "52269", "52448")
    assert f.employment_areas == tuple(sorted({f"be:{rows[c]['BE19']}" for c in f.communes}))
    assert f.departements == ("dep:01", "dep:52")
    # None of these areas is wholly inside three communes.
    assert f.partial_areas == f.employment_areas
    assert f.unknown_communes == ("99999",) and f.notes


def test_arrondissement_needs_its_communes():
    f = nom.territory_footprint(Territory(code="arr:522"))
    assert f.communes == () and f.employment_areas == ()
    assert f.departements == ("dep:52",) and f.regions == ("reg:44",)
    assert "communes" in f.notes[0]
    listed = nom.territory_footprint(Territory(code="arr:522", communes=["52269"]))
    assert listed.employment_areas == ("be:4419",)


def test_commune_and_region_references():
    assert nom.territory_footprint("com:52269").employment_areas == ("be:4419",)
    region = nom.territory_footprint("reg:01")  # Guadeloupe: REG `1` in the lexicon
    assert region.departements == ("dep:971",)
    assert nom.employment_areas()["4419"]["name"] == "LANGRES"
