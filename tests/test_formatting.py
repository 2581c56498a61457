"""French and English typography of figures: one module, checked character by character."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from gtec_cli.formatting import MINUS, NNBSP, Formatter, finite, is_missing

FR = Formatter("fr")
EN = Formatter("en")


def test_integers_use_a_narrow_no_break_space_between_thousands():
    assert FR.integer(12345) == "12\u202f345"
    assert FR.integer(1234567) == "1\u202f234\u202f567"
    assert FR.integer(999) == "999"
    assert EN.integer(12345) == "12,345"
    # No ordinary or no-break space sneaks in: a line break there would split the number.
    assert " " not in FR.integer(1234567) and "\u00a0" not in FR.integer(1234567)


def test_decimal_comma_and_fixed_decimals():
    assert FR.number(12.5) == "12,5"
    assert FR.number(12) == "12,0"
    assert FR.number(12345.678, 2) == "12\u202f345,68"
    assert EN.number(12345.678, 2) == "12,345.68"


def test_rounding_is_half_away_from_zero_not_bankers():
    # round(0.125, 2) is 0.12 in Python (half-even on a binary float); tables print 0,13.
    assert FR.number(0.125, 2) == "0,13"
    assert FR.integer(2.5) == "3"
    assert FR.integer(3.5) == "4"
    assert FR.number(-3.25) == MINUS + "3,3"


def test_negative_numbers_use_the_minus_sign_and_zero_has_no_sign():
    assert FR.integer(-1200) == f"{MINUS}1{NNBSP}200"
    assert FR.number(-0.04) == "0,0"  # not "−0,0"
    assert FR.signed(1.24) == "+1,2"
    assert FR.signed(-1.24) == MINUS + "1,2"
    assert FR.signed(0.04) == "0,0"
    assert FR.signed(3, percent=True) == f"+3,0{NNBSP}%"
    assert FR.points(2.5) == "+2,5\u00a0pts"


def test_percent_has_a_narrow_no_break_space_before_the_sign_in_french():
    assert FR.percent(45.3) == f"45,3{NNBSP}%"
    assert FR.percent(45.34, 0) == f"45{NNBSP}%"
    assert FR.percent(100) == f"100,0{NNBSP}%"
    assert EN.percent(45.3) == "45.3%"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_missing_values_print_an_em_dash(missing):
    assert is_missing(missing)
    assert FR.integer(missing) == "—"
    assert FR.percent(missing) == "—"
    assert FR.cell(missing) == "—"
    assert not finite(missing)


def test_numpy_and_pandas_scalars_are_numbers():
    assert FR.integer(np.int64(12345)) == "12\u202f345"
    assert FR.number(np.float32(2.5)) == "2,5"
    assert not is_missing(0) and finite(0) and not finite(math.inf)


def test_cells_suppressed_by_secrecy_print_s_whatever_their_value():
    for status in ("A", "B", "D"):
        assert FR.cell(12, status=status) == "s"
        assert FR.cell(None, status=status) == "s"
    assert FR.cell(12, status="V") == "12"
    assert FR.cell(12.34, kind="percent", status="V") == f"12,3{NNBSP}%"
    assert FR.cell(2.345, kind="number", digits=2) == "2,35"


def test_fragile_values_carry_a_dagger():
    assert FR.cell(12.5, kind="percent", fragile=True) == f"12,5{NNBSP}%{NNBSP}†"
    assert FR.cell(4, fragile=True) == f"4{NNBSP}†"
    # Suppression wins over fragility: a hidden cell shows nothing else.
    assert FR.cell(4, fragile=True, status="A") == "s"
    with pytest.raises(ValueError):
        FR.cell(1, kind="money")


def test_dates_and_periods_in_both_languages():
    day = dt.date(2026, 11, 3)
    assert FR.date(day) == "3 novembre 2026"
    assert EN.date(day) == "3 November 2026"
    assert FR.date("2026-11-03T10:15:00+00:00") == "3 novembre 2026"
    assert FR.period("2026-T4") == "4e trimestre 2026"
    assert FR.period("2026-t1") == "1er trimestre 2026"
    assert EN.period("2026-T4") == "Q4 2026"
    assert FR.period("2026-11") == "novembre 2026"
    assert FR.period("2026") == "2026"


def test_plural_follows_each_language():
    assert FR.plural(1, "entreprise") == "1\u00a0entreprise"
    assert FR.plural(0, "entreprise") == "0\u00a0entreprise"
    assert FR.plural(2, "entreprise") == "2\u00a0entreprises"
    assert EN.plural(0, "company", "companies") == "0\u00a0companies"
    assert FR.plural(1200, "poste") == f"1{NNBSP}200\u00a0postes"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        Formatter("de")
