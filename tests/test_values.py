"""Parsers of the values people type in spreadsheets, and the code validators built on them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gtec_cli import nomenclatures as nom
from gtec_cli.ingest.values import (
    BadValue,
    as_code_text,
    is_excel_error,
    is_masked,
    multi_choice,
    norm_text,
    parse_age_band,
    parse_bool,
    parse_count,
    parse_int_in,
    parse_number,
    parse_rate,
    parse_sex,
    parse_text,
    parse_year,
)


def refused(parse, value, *args) -> BadValue:
    with pytest.raises(BadValue) as info:
        parse(value, *args)
    return info.value


# --- numbers ----------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, number", [
    (12, 12.0), (12.5, 12.5), ("12", 12.0), ("12,5", 12.5), (" 12,5 ", 12.5),
    ("12 345", 12345.0),            # ordinary space as thousands separator
    ("12\u202f345", 12345.0),       # narrow no-break space (what Excel in French writes)
    ("1\u00a0234,5", 1234.5),       # no-break space
    ("1\u2009234", 1234.0),         # thin space
    ("1.234,5", 1234.5),            # dot thousands, comma decimals
    ("1 234,5 €", 1234.5), ("45 %", 45.0), ("-3", -3.0), ("-0,5", -0.5), ("1'234", 1234.0),
])
def test_numbers_as_people_type_them(raw, number):
    assert parse_number(raw) == number


@pytest.mark.parametrize("raw", ["", "abc", "12,5,3", "nan", "inf", "-inf", "1,2.3,4", "une dizaine"])
def test_not_numbers(raw):
    assert refused(parse_number, raw).code == "type-error"


def test_a_yes_no_cell_is_not_a_number():
    assert refused(parse_number, True).code == "type-error"


@given(st.integers(0, 10**9), st.integers(0, 99),
       st.sampled_from([" ", "\u00a0", "\u202f", "\u2009", ""]))
def test_french_formatting_round_trip(whole, cents, sep):
    """Any amount written the French way reads back as the number."""
    groups = f"{whole:,}".replace(",", sep)
    assert parse_number(f"{groups},{cents:02d}") == pytest.approx(whole + cents / 100)


def test_counts_are_never_negative():
    assert parse_count("0") == 0.0 and parse_count(3) == 3.0
    problem = refused(parse_count, -3)
    assert problem.code == "negative-count" and "négatif" in problem.message
    assert refused(parse_count, "-0,5").code == "negative-count"


def test_rates_and_bounded_integers():
    assert parse_rate(0.45) == pytest.approx(45.0)  # a share typed as a fraction
    assert parse_rate("45 %") == 45.0 and parse_rate(100) == 100.0 and parse_rate(1.0) == 100.0
    assert parse_rate("1") == 1.0  # typed as text: read as written
    assert refused(parse_rate, 150).code == "out-of-range"
    score = parse_int_in(1, 4)
    assert score(1.0) == 1 and score("4") == 4
    assert refused(score, 5).code == "out-of-range"
    assert refused(score, 2.5).code == "out-of-range"
    assert refused(score, 0).code == "out-of-range"


def test_years():
    assert parse_year(2016.0) == 2016 and parse_year("2016") == 2016
    assert parse_year(dt.date(2021, 1, 1)) == 2021 and parse_year(dt.datetime(2019, 6, 30)) == 2019
    for bad in (1850, 2016.5, "21", 2101):
        assert refused(parse_year, bad).code == "invalid-year"


# --- masked and error tokens -------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["*", "s", "nd", "n.d.", " NC ", "-", "–", "secret", "c", "S"])
def test_masked_tokens(raw):
    assert is_masked(raw)


@pytest.mark.parametrize("raw", ["0", "x", "", "12", "non", "**", 0.0, None])
def test_not_masked(raw):
    assert not is_masked(raw)


def test_excel_error_tokens_in_both_languages():
    assert all(is_excel_error(v) for v in ("#N/A", "#REF!", "#DIV/0!", "#VALEUR!", "#N/D", " #nom? "))
    assert not any(is_excel_error(v) for v in ("N/A", "#", "#1", 0.0))


# --- age bands --------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, band", [
    ("15-24 ans", ("15-24", 15, 24)), ("15 à 24 ans", ("15-24", 15, 24)),
    ("de 15 à 24 ans", ("15-24", 15, 24)), ("15–24", ("15-24", 15, 24)), ("15 - 24 ans", ("15-24", 15, 24)),
    ("0014", ("0-14", 0, 14)), (2529.0, ("25-29", 25, 29)),            # census column suffixes
    ("25-29 ans révolus", ("25-29", 25, 29)),
    ("0-120", ("0-120", 0, 120)), ("50-50", ("50-50", 50, 50)),           # boundaries
    ("60 ans ou plus", ("60+", 60, None)), ("60 ans et plus", ("60+", 60, None)),
    ("60+", ("60+", 60, None)), ("90P", ("90+", 90, None)), ("≥ 60 ans", ("60+", 60, None)),
    ("plus de 60 ans", ("61+", 61, None)), ("> 60", ("61+", 61, None)),     # strictly more than 60
    ("moins de 25 ans", ("<25", 0, 24)), ("< 25", ("<25", 0, 24)),
    ("  15-24 ANS ", ("15-24", 15, 24)),
])
def test_age_bands(raw, band):
    assert parse_age_band(raw) == band


@pytest.mark.parametrize("raw", ["jeunes", "25", "29-25 ans", "0-121", "moins de 0 ans", "121+", "",
                                 "15-24-30", "seniors"])
def test_unknown_age_bands(raw):
    problem = refused(parse_age_band, raw)
    assert problem.code == "unknown-age-band" and "25-29 ans" in problem.fix


# --- sex, yes/no, choices ---------------------------------------------------------------------
@pytest.mark.parametrize("raw, sex", [
    ("H", "H"), ("Homme", "H"), ("hommes", "H"), ("M", "H"), ("Masculin", "H"), (1.0, "H"),
    ("F", "F"), ("Femmes", "F"), ("féminin", "F"), (2.0, "F"),
    ("Ensemble", "T"), ("Total", "T"), ("T", "T"), ("Hommes et femmes", "T"),
])
def test_sex(raw, sex):
    assert parse_sex(raw) == sex


def test_unknown_sex():
    assert refused(parse_sex, "X").code == "invalid-sex"
    assert refused(parse_sex, 3.0).code == "invalid-sex"


@pytest.mark.parametrize("raw, value", [("oui", 1), ("Oui", 1), ("x", 1), (1.0, 1), (True, 1),
                                        ("vrai", 1), ("non", 0), ("NON", 0), (0.0, 0), (False, 0)])
def test_yes_no(raw, value):
    assert parse_bool(raw) == value


def test_yes_no_refuses_maybe():
    assert refused(parse_bool, "peut-être").code == "invalid-choice"


def test_multi_choice_normalises_and_deduplicates():
    parse = multi_choice({"penurie": "penurie", "mobilite": "mobilite", "logement": "logement"},
                         "Raison", "…")
    assert parse("Pénurie ; mobilité / LOGEMENT, pénurie") == "penurie;mobilite;logement"
    assert refused(parse, "penurie; météo").code == "invalid-choice"


# --- text and codes ---------------------------------------------------------------------------
def test_text_and_its_limit():
    assert parse_text("  Soudage TIG  ") == "Soudage TIG"
    assert parse_text(42.0) == "42"
    assert parse_text("=SOMME(A1:A3)") == "=SOMME(A1:A3)"  # text, kept as typed
    assert refused(parse_text, "x" * 32_768).code == "cell-too-long"


def test_code_text_from_numbers():
    assert as_code_text(2016.0) == "2016" and as_code_text(1.5) == "1.5"
    assert as_code_text(" 52 ") == "52"
    assert refused(as_code_text, dt.date(2021, 1, 1)).code == "type-error"


def test_norm_text_folds_case_accents_and_spacing():
    assert norm_text("  Code métier BMO ") == "code metier bmo"
    assert norm_text("Tranche d'âge") == "tranche d age"
    assert norm_text("MAIN-D'ŒUVRE") == "main d oeuvre"
    assert norm_text("Effectif\u00a0(nb)") == "effectif nb"


# --- codes that lost their leading zeros ------------------------------------------------------
def test_commune_lost_its_zero():
    assert nom.commune(1001.0) == "01001" and nom.commune("1001") == "01001"
    assert nom.commune("52269") == "52269" and nom.commune("2A004") == "2A004"
    assert refused(nom.commune, "520").code == "invalid-commune"


def test_departement_and_bmo_area_lost_their_zeros():
    assert nom.territory(1.0, "dep") == "dep:01" and nom.territory("dep:1") == "dep:01"
    assert nom.territory(203.0, "be") == "be:0203" and nom.territory("be:203") == "be:0203"
    assert nom.territory(52.0, "dep") == "dep:52" and nom.territory("2A", "dep") == "dep:2A"
    assert nom.territory("52269") == "com:52269" and nom.territory("200072999") == "epci:200072999"
    assert refused(nom.territory, "52").code == "ambiguous-territory"  # dep or region?
    assert refused(nom.territory, "dep:999").code == "invalid-territory"


def test_siret_with_13_digits_gets_its_zero_back():
    from stdnum import luhn
    from stdnum.fr import siret as stdnum_siret

    siren = "0" + "1234567"
    siren += luhn.calc_check_digit(siren)  # a SIREN starting with 0, valid
    code = siren + "0001"
    code += luhn.calc_check_digit(code)
    assert stdnum_siret.is_valid(code) and code.startswith("0") and len(code) == 14
    assert nom.siret(float(code)) == code        # read as a number: 13 digits left
    assert nom.siret(code[1:]) == code
    assert nom.siret("732 829 320 00074") == "73282932000074"
    assert nom.siret("732.829.320.00074") == "73282932000074"


def test_siret_errors():
    luhn = refused(nom.siret, "73282932000075")
    assert luhn.code == "invalid-siret" and "Luhn" in luhn.message
    assert "14 chiffres" in refused(nom.siret, "1234").message


def test_occupation_codes():
    assert nom.occupation("h2913") == "H2913" and nom.occupation("H 2913") == "H2913"
    assert nom.occupation("D2Z40") == "D2Z40" and nom.occupation("A0Z") == "A0Z"
    for bad in ("H29X3", "Z1234", "H291", "2913", "H29133"):
        assert refused(nom.occupation, bad).code == "invalid-occupation"
    unknown = refused(nom.occupation, "A9999")  # well formed, absent from ROME v3.46
    assert (unknown.code, unknown.severity, unknown.value) == ("unknown-code", "warning", "A9999")


def test_naf_codes():
    assert nom.naf("25.71Z") == "25.71Z" and nom.naf("2571Z") == "25.71Z"  # the APE form
    assert nom.naf("25.71z") == "25.71Z" and nom.naf("C") == "C" and nom.naf(25.0) == "25"
    assert nom.naf("1.11Z") == "01.11Z" and nom.naf("111Z") == "01.11Z"  # lost zeros
    assert nom.naf(2571.0) == "25.71"
    assert refused(nom.naf, "abc").code == "invalid-naf"
    unknown = refused(nom.naf, "99.99Z")
    assert (unknown.severity, unknown.value) == ("warning", "99.99Z")
