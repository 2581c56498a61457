"""Periods drops belong to: a year (`2026`), a quarter (`2026-T4`) or a month (`2026-11`)."""

from __future__ import annotations

import datetime as _dt
import re

from .errors import UsageError

_PERIOD = re.compile(r"^(?P<year>(19|20)\d\d)(?:-(?:(?P<q>[TQ][1-4])|(?P<m>0[1-9]|1[0-2])))?$")


def parse_period(text: str) -> tuple[int, int]:
    """Return a sortable key (year, month of the period's end) for a period string.

    >>> parse_period("2026-T4")
    (2026, 12)
    """
    match = _PERIOD.match(str(text).strip().upper())
    if not match:
        raise UsageError(
            f"Période invalide : {text!r}. Formats acceptés : 2026, 2026-T4 (trimestre), 2026-11 (mois)."
        )
    year = int(match["year"])
    if match["q"]:
        return year, int(match["q"][1]) * 3
    if match["m"]:
        return year, int(match["m"])
    return year, 12


def normalise_period(text: str) -> str:
    """Canonical spelling: quarters as `T` (French usage), upper case."""
    parse_period(text)
    return str(text).strip().upper().replace("Q", "T")


def current_quarter(today: _dt.date | None = None) -> str:
    today = today or _dt.date.today()
    return f"{today.year}-T{(today.month - 1) // 3 + 1}"
