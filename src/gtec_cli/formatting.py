"""Numbers, dates and table cells as a reader expects them, in French or in English.

The one place where figures become text: reports, templates and exports never format a number
themselves. French follows the Imprimerie nationale rules as Insee prints them: `12 345` with a
narrow no-break space (U+202F) between thousands, decimal comma `12,5`, `45,3 %` with a narrow
no-break space before `%`. Suppressed cells print `s` (statistical secrecy), missing ones `—`, and
values whose base is small carry a dagger that a footnote explains.
"""

from __future__ import annotations

import datetime as _dt
import math
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

NNBSP = "\u202f"  # espace fine insécable: thousands separator and before % in French
NBSP = "\u00a0"
MINUS = "\u2212"  # typographic minus: a hyphen can break a line or read as a dash
SUPPRESSED = "s"
MISSING = "—"
FRAGILE_MARK = "†"
#: Statuses of statistical secrecy that hide a cell (confidentiality.md): frequency, dominance,
#: secondary suppression. `V` is publishable.
HIDDEN_STATUSES = frozenset({"A", "B", "D"})

_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def is_missing(value: object) -> bool:
    """True for None, NaN, pandas NA/NaT: a figure that is not there (printed `—`)."""
    if value is None or value is _pd_na():
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def _pd_na():
    try:
        import pandas as pd

        return pd.NA
    except ImportError:  # pragma: no cover - pandas is a dependency
        return None


def _round(value: float, digits: int) -> Decimal:
    """Round half away from zero, as statistical tables do (Python's round() is half-even)."""
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


class Formatter:
    """Formats figures for one report language (`fr` or `en`)."""

    def __init__(self, lang: str = "fr"):
        if lang not in _LOCALES:
            raise ValueError(f"unsupported language {lang!r}; choose fr or en")
        self.lang = lang
        self.locale = _LOCALES[lang]

    # --- numbers ----------------------------------------------------------------------------
    def number(self, value: object, digits: int = 1) -> str:
        """A decimal number with exactly `digits` decimals: `12 345,5` / `12,345.5`."""
        if is_missing(value):
            return MISSING
        rounded = _round(float(value), digits)
        if rounded == 0:
            rounded = abs(rounded)  # no "-0,0"
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        text = format_decimal(rounded, format=pattern, locale=self.locale)
        if self.lang == "fr":
            # Babel's French group symbol is already U+202F; normalise older CLDR data too.
            text = text.replace(NBSP, NNBSP).replace(" ", NNBSP)
        return text.replace("-", MINUS)

    def integer(self, value: object) -> str:
        """A whole number: `12 345` (French), `12,345` (English)."""
        return self.number(value, 0)

    def percent(self, value: object, digits: int = 1) -> str:
        """A percentage given in percent units (45.3 -> `45,3 %` / `45.3%`)."""
        if is_missing(value):
            return MISSING
        body = self.number(value, digits)
        return f"{body}{NNBSP}%" if self.lang == "fr" else f"{body}%"

    def signed(self, value: object, digits: int = 1, *, percent: bool = False) -> str:
        """A change with its sign: `+1,2`, `−3,0 %`; zero has no sign."""
        if is_missing(value):
            return MISSING
        text = self.percent(value, digits) if percent else self.number(value, digits)
        return ("+" + text) if _round(float(value), digits) > 0 else text

    def points(self, value: object, digits: int = 1) -> str:
        """A difference of percentages in points: `+2,5 pts` / `+2.5 pts`."""
        if is_missing(value):
            return MISSING
        return f"{self.signed(value, digits)}{NBSP}pts"

    # --- table cells ------------------------------------------------------------------------
    def cell(self, value: object, *, kind: str = "integer", digits: int = 1,
             status: str | None = None, fragile: bool = False) -> str:
        """One table cell: `s` when secrecy hides it, `—` when missing, else the formatted
        value, followed by a dagger when its base is below the small-numbers threshold.

        `kind` is `integer`, `number` or `percent`.
        """
        if status in HIDDEN_STATUSES:
            return SUPPRESSED
        if is_missing(value):
            return MISSING
        if kind == "integer":
            text = self.integer(value)
        elif kind == "percent":
            text = self.percent(value, digits)
        elif kind == "number":
            text = self.number(value, digits)
        else:
            raise ValueError(f"unknown cell kind {kind!r}")
        return f"{text}{NNBSP}{FRAGILE_MARK}" if fragile else text

    # --- dates and periods ------------------------------------------------------------------
    def date(self, value: _dt.date | _dt.datetime | str) -> str:
        """`3 novembre 2026` / `3 November 2026`."""
        if isinstance(value, str):
            value = _dt.datetime.fromisoformat(value)
        if isinstance(value, _dt.datetime):
            value = value.date()
        return format_date(value, format="long", locale=self.locale)

    def period(self, text: str) -> str:
        """A gtec period for people: `2026-T4` -> `4e trimestre 2026` / `Q4 2026`."""
        from .periods import normalise_period

        norm = normalise_period(text)
        year, _, part = norm.partition("-")
        if not part:
            return year
        if part.startswith("T"):
            q = int(part[1])
            if self.lang == "fr":
                ordinal = "1er" if q == 1 else f"{q}e"
                return f"{ordinal} trimestre {year}"
            return f"Q{q} {year}"
        month = _dt.date(int(year), int(part), 1)
        return format_date(month, format="LLLL y", locale=self.locale)

    def plural(self, count: int, singular: str, plural: str | None = None) -> str:
        """`1 entreprise`, `12 entreprises` (French uses the singular for 0 and 1)."""
        plural = plural or singular + "s"
        one = count in (0, 1) if self.lang == "fr" else count == 1
        return f"{self.integer(count)}{NBSP}{singular if one else plural}"


def finite(value: object) -> bool:
    """True when `value` is a real, finite number (not missing, not infinite)."""
    if is_missing(value):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
