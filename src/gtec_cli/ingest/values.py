"""Parsing the values people type in spreadsheets: numbers as text with a decimal comma or thin
spaces, masked cells, codes that lost their leading zeros, age bands, sexes, yes/no.

Each parser takes one raw cell value (as python-calamine returns it: str, float, int, bool, date or
'') and returns the canonical value, or raises :class:`BadValue` with the rule broken and the fix.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata

#: Tokens statistical producers use for masked or unavailable cells (`*` in BMO, `s` for secret).
MASKED = frozenset({"*", "s", "nd", "n.d.", "n.d", "nc", "n.c.", "-", "–", "—", "secret", "ns", "c"})

#: Excel error values, as cached in cells or typed as text.
EXCEL_ERRORS = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
     "#GETTING_DATA", "#N/D", "#REF", "#VALEUR!", "#NOM?", "#NOMBRE!", "#NUL!"}
)

#: Longest text Excel itself accepts in a cell; a longer value is hostile or corrupted.
MAX_CELL_CHARS = 32_767

_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009\u2007\u2008\u200a'"), None)


class BadValue(ValueError):
    """A cell value broke a rule. `code` is stable; `message` and `fix` are for people."""

    def __init__(self, code: str, message: str, fix: str | None = None, severity: str = "error"):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fix = fix
        self.severity = severity


def norm_text(text: object) -> str:
    """Header/label normal form: no accents, lower case, punctuation and spacing folded.

    >>> norm_text("  Code métier BMO ")
    'code metier bmo'
    """
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = s.replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.sub(r"[^0-9a-z+<>]+", " ", s).split())


def is_empty(value: object) -> bool:
    """A blank cell: None, '', spaces only, or NaN."""
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and value != value
    )


def is_masked(value: object) -> bool:
    """A token producers write for masked or unavailable figures (`*`, `s`, `nd`…)."""
    return isinstance(value, str) and value.strip().lower() in MASKED


def is_excel_error(value: object) -> bool:
    """An Excel error value typed or cached as text (`#N/A`, `#REF!`, `#VALEUR!`…)."""
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


def parse_number(value: object) -> float:
    """A number from a numeric cell or from text such as `12,5`, `12 345`, `1 234,5 €`, `45 %`."""
    if type(value) is float or type(value) is int:
        return float(value)
    if isinstance(value, bool):
        raise BadValue("type-error", "Valeur oui/non là où un nombre est attendu.",
                       "Saisissez un nombre.")
    if isinstance(value, str):
        text = value.strip().translate(_SPACES).replace("€", "").replace("%", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        elif text.count(",") == 1 and text.count(".") >= 1 and text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")  # 1.234,5
        try:
            number = float(text)
        except ValueError:
            pass
        else:
            if number == number and number not in (float("inf"), float("-inf")):
                return number
    raise BadValue("type-error", "Nombre attendu.",
                   "Saisissez un nombre (virgule décimale acceptée), ou * si la donnée est masquée.")


def parse_count(value: object) -> float:
    """A count of people, positions, offers...: a number ≥ 0."""
    number = parse_number(value)
    if number < 0:
        raise BadValue("negative-count", "Un effectif ou un nombre ne peut pas être négatif.",
                       "Saisissez un nombre positif ou nul.")
    return number


def parse_int_in(lo: int, hi: int):
    """A parser of whole numbers from `lo` to `hi` (scores, criticality)."""
    def parse(value: object) -> int:
        number = parse_number(value)
        if number != int(number) or not lo <= number <= hi:
            raise BadValue("out-of-range", f"Entier de {lo} à {hi} attendu.",
                           f"Saisissez un entier entre {lo} et {hi}.")
        return int(number)

    return parse


def parse_rate(value: object) -> float:
    """A percentage 0–100 (a share typed as 0.45 is read as 45 %)."""
    number = parse_number(value)
    if isinstance(value, float) and 0 < number <= 1 and not isinstance(value, str):
        number *= 100
    if not 0 <= number <= 100:
        raise BadValue("out-of-range", "Taux en pourcentage (0 à 100) attendu.",
                       "Saisissez un pourcentage, par exemple 72 ou 72 %.")
    return number


def parse_year(value: object) -> int:
    """A four-digit year (1900–2100), from a number, text or a date cell."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.year
    number = parse_number(value)
    if number != int(number) or not 1900 <= number <= 2100:
        raise BadValue("invalid-year", "Année à quatre chiffres attendue.", "Saisissez par exemple 2021.")
    return int(number)


def as_code_text(value: object) -> str:
    """A code cell as text: `2016.0` (calamine reads numbers as floats) becomes `2016`."""
    if type(value) is float:
        if value == int(value):
            return str(int(value))
        return repr(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        raise BadValue("type-error", "Une date là où un code est attendu.",
                       "Saisissez le code en texte (format de cellule Texte).")
    return str(value).strip()


def parse_text(value: object) -> str:
    """Free text, stripped, as typed (never evaluated), at most Excel's 32 767 characters."""
    text = value if isinstance(value, str) else as_code_text(value)
    text = text.strip()
    if len(text) > MAX_CELL_CHARS:
        raise BadValue("cell-too-long", f"Texte de plus de {MAX_CELL_CHARS} caractères.",
                       "Raccourcissez le texte.")
    return text


_YES = {"oui", "o", "yes", "y", "x", "1", "vrai", "true", "v"}
_NO = {"non", "n", "no", "0", "faux", "false", "f"}


def parse_bool(value: object) -> int:
    """1 or 0 from oui/non, yes/no, x, vrai/faux, 1/0 or a boolean cell."""
    if isinstance(value, bool):
        return int(value)
    key = norm_text(as_code_text(value))
    if key in _YES:
        return 1
    if key in _NO:
        return 0
    raise BadValue("invalid-choice", "Oui ou non attendu.", "Saisissez oui ou non.")


# --- age bands -----------------------------------------------------------------------------------
_RANGE = re.compile(r"^(?:de )?(\d{1,3}) ?(?:-|a|to) ?(\d{1,3})(?: ans?)?(?: revolus)?$")
_INSEE = re.compile(r"^(\d{2})(\d{2})$")  # census column suffixes: 0014, 1529
_OPEN = re.compile(r"^(?:(\d{1,3})(?: ans?)? ?(?:ou plus|et plus|et \+|\+|p)|(?:plus de|>=|>) ?(\d{1,3})(?: ans?)?)$")
_UNDER = re.compile(r"^(?:moins de|<) ?(\d{1,3})(?: ans?)?$")


def _band_key(text: str) -> str:
    s = unicodedata.normalize("NFKD", text.replace("≥", ">=").replace("–", "-"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"[^0-9a-z+<>=-]+", " ", s)
    return " ".join(s.split()).replace(" - ", "-")


def parse_age_band(value: object) -> tuple[str, int, int | None]:
    """(`15-24`, 15, 24) from `15-24 ans`, `15 à 24 ans`, `0014`; (`60+`, 60, None) from
    `60 ans ou plus`, `60+`, `90P`; (`<25`, 0, 24) from `moins de 25 ans`."""
    key = _band_key(value if isinstance(value, str) else as_code_text(value))
    if (m := _RANGE.match(key) or _INSEE.match(key)) and int(m[1]) <= int(m[2]) <= 120:
        return f"{int(m[1])}-{int(m[2])}", int(m[1]), int(m[2])
    if (m := _OPEN.match(key)) and int(m[1] or m[2]) <= 120:
        lo = int(m[1] or m[2]) + (1 if key.startswith(("plus de", ">")) and not key.startswith(">=") else 0)
        return f"{lo}+", lo, None
    if (m := _UNDER.match(key)) and 0 < int(m[1]) <= 120:
        return f"<{int(m[1])}", 0, int(m[1]) - 1
    raise BadValue(
        "unknown-age-band",
        "Tranche d'âge non reconnue.",
        "Écrivez-la comme « 25-29 ans », « 15 à 24 ans », « moins de 25 ans » ou « 60 ans ou plus ».",
    )


_SEX = {"h": "H", "homme": "H", "hommes": "H", "m": "H", "masculin": "H", "1": "H", "male": "H",
        "men": "H", "f": "F", "femme": "F", "femmes": "F", "feminin": "F", "2": "F", "female": "F",
        "women": "F", "ensemble": "T", "t": "T", "total": "T", "tous": "T", "all": "T",
        "hommes et femmes": "T"}


def parse_sex(value: object) -> str:
    """H, F, or T (both: Ensemble, Total) from the usual spellings and Insee's 1/2."""
    key = norm_text(as_code_text(value))
    if key in _SEX:
        return _SEX[key]
    raise BadValue("invalid-sex", "Sexe non reconnu.", "Saisissez H (hommes), F (femmes) ou Ensemble.")


def choice(options: dict[str, str], label: str, fix: str):
    """A parser for a closed list: `options` maps normalised spellings to canonical values."""
    def parse(value: object) -> str:
        key = norm_text(as_code_text(value))
        if key in options:
            return options[key]
        raise BadValue("invalid-choice", f"{label} non reconnu(e).", fix)

    parse.options = options
    return parse


def multi_choice(options: dict[str, str], label: str, fix: str):
    """Several answers from a closed list, separated by `;`, `,` or `/`; stored `a;b`."""
    single = choice(options, label, fix)

    def parse(value: object) -> str:
        parts = [p for p in re.split(r"[;,/\n]+", as_code_text(value)) if p.strip()]
        return ";".join(dict.fromkeys(single(p) for p in parts))

    parse.options = options
    return parse
