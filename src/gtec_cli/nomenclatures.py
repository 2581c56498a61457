"""Shipped nomenclatures and the code validators built on them.

A malformed code (wrong pattern, failed Luhn check) is an error; a well-formed code absent from
the shipped nomenclature is a warning, since nomenclatures change between vintages.
Files live in `data/reference/` (see its PROVENANCE.md) and are loaded once, on first use.
"""

from __future__ import annotations

import csv
import json
import os
import re
from functools import lru_cache
from pathlib import Path

from .ingest.values import BadValue, as_code_text


def data_dir() -> Path:
    """The repository's `data/` folder (or `$GTEC_DATA_DIR`)."""
    env = os.environ.get("GTEC_DATA_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "data" / "reference"
        if candidate.is_dir():
            return candidate.parent
    raise FileNotFoundError("gtec's data/reference folder was not found; set GTEC_DATA_DIR")


def reference_path(*parts: str) -> Path:
    return data_dir().joinpath("reference", *parts)


# --- loaders -------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def rome_labels() -> dict[str, str]:
    """ROME v3.46 code -> label, from the France Travail XML reference."""
    from defusedxml import ElementTree

    tree = ElementTree.parse(reference_path("france-travail", "unix_referentiel_code_rome_v346_utf8.xml"))
    return {
        item.findtext("code_rome").strip(): (item.findtext("libelle") or "").strip()
        for item in tree.getroot().iter("item_referentiel_code_rome")
    }


@lru_cache(maxsize=None)
def fap_codes() -> frozenset[str]:
    """FAP-2009 families (225, `A0Z40`), their 87 aggregates (`A0Z`) and 22 domains (`A`)."""
    with open(reference_path("dares", "fap225_rome.csv"), encoding="latin-1", newline="") as fh:
        fams = {row["Fap"].strip() for row in csv.DictReader(fh, delimiter=";") if row["Fap"].strip()}
    return frozenset(fams | {f[:3] for f in fams} | {f[0] for f in fams})


@lru_cache(maxsize=None)
def naf_labels() -> dict[str, str]:
    """NAF rév. 2 code -> label, for sub-classes, classes, groups, divisions and sections."""
    raw = json.loads(reference_path("naf", "naf_rev2.json").read_text(encoding="utf-8"))
    labels: dict[str, str] = {}
    for code, entry in raw.items():
        labels[code] = entry["description"]
        for level in ("classe", "groupe", "division", "section"):
            labels.setdefault(entry[level]["code"], entry[level]["description"])
    return labels


@lru_cache(maxsize=None)
def communes() -> dict[str, dict[str, str]]:
    """Insee commune code -> {name, dep, reg, be19, be19_name} (BMO employment areas, 2019 zoning)."""
    out = {}
    with open(reference_path("france-travail", "lexique-bassins.csv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out[row["CODE_COMMUNE_INSEE"].strip()] = {
                "name": row["NOMCOM"].strip(), "dep": row["DEP"].strip(), "reg": row["REG"].strip(),
                "be19": row["BE19"].strip(), "be19_name": row["NOMBE19"].strip(),
            }
    return out


# --- validators ----------------------------------------------------------------------------------
ROME_RE = re.compile(r"^[A-N]\d{4}$")
FAP_RE = re.compile(r"^[A-X]\d[A-Z](\d{2})?$")  # A0Z40 (225) or A0Z (87); FAP-2021 alike
NAF_RE = re.compile(r"^(\d{2})\.?(\d{1,2})?([A-Z])?$")
COMMUNE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


class UnknownCode(BadValue):
    """Well-formed but absent from the shipped nomenclature: a warning, the value is kept."""

    def __init__(self, value: str, message: str, fix: str):
        super().__init__("unknown-code", message, fix, severity="warning")
        self.value = value


def rome(value: object) -> str:
    code = as_code_text(value).upper().replace(" ", "")
    if not ROME_RE.match(code):
        raise BadValue("invalid-rome", "Code ROME mal formé (une lettre A à N et 4 chiffres).",
                       "Saisissez un code comme H2903 (voir la liste des métiers ROME).")
    if code not in rome_labels():
        raise UnknownCode(code, "Code ROME absent du référentiel ROME v3.46 livré.",
                          "Vérifiez le code ; s'il est récent, il sera accepté tel quel.")
    return code


def occupation(value: object) -> str:
    """A ROME code (`H2903`) or a FAP code (`D2Z40`, `D2Z`)."""
    code = as_code_text(value).upper().replace(" ", "")
    if ROME_RE.match(code):
        return rome(code)
    if FAP_RE.match(code):
        if code not in fap_codes():
            raise UnknownCode(code, "Code FAP absent de la nomenclature FAP-2009 livrée.",
                              "Vérifiez le code (FAP-2009 : D2Z40) ; un code FAP-2021 est accepté tel quel.")
        return code
    raise BadValue("invalid-occupation", "Code métier mal formé : ni ROME (H2903) ni FAP (D2Z40).",
                   "Saisissez un code ROME (une lettre et 4 chiffres) ou FAP.")


def occupation_system(code: str | None) -> str | None:
    if not code:
        return None
    if ROME_RE.match(code):
        return "rome"
    if FAP_RE.match(code):
        return "fap225" if len(code) == 5 else "fap87"
    return None


def naf(value: object) -> str:
    """NAF rév. 2 at any level: section `C`, division `25`, group `25.7`, class `25.73`, sub-class `25.73A`."""
    raw = as_code_text(value).upper().replace(" ", "")
    if re.fullmatch(r"[A-U]", raw):
        return raw
    if re.fullmatch(r"\d\.\d{2}[A-Z]|\d\.\d{1,2}|\d{3,4}[A-Z]?", raw) and not raw.startswith("0"):
        raw = "0" + raw  # 1.11Z, 111Z: the division lost its leading zero
    if re.fullmatch(r"\d", raw):
        raw = "0" + raw
    match = NAF_RE.match(raw)
    if not match:
        raise BadValue("invalid-naf", "Code NAF mal formé.",
                       "Saisissez un code NAF rév. 2 comme 25.73A (ou la section, C).")
    div, rest, letter = match.groups()
    code = div if not rest else f"{div}.{rest}{letter or ''}"
    if code not in naf_labels():
        raise UnknownCode(code, "Code NAF absent de la nomenclature NAF rév. 2.",
                          "Vérifiez le code sur la nomenclature NAF rév. 2 de l'Insee.")
    return code


def commune(value: object) -> str:
    code = as_code_text(value).upper().replace(" ", "")
    if re.fullmatch(r"\d{4}", code):
        code = "0" + code  # 1001 -> 01001: Excel dropped the leading zero
    if not COMMUNE_RE.match(code):
        raise BadValue("invalid-commune", "Code commune Insee mal formé (5 caractères).",
                       "Saisissez le code Insee de la commune (52269 pour Langres), pas le code postal.")
    if code not in communes():
        raise UnknownCode(code, "Code commune absent du référentiel livré (zonage 2019).",
                          "Vérifiez le code Insee ; une commune nouvelle est acceptée telle quelle.")
    return code


def siret(value: object) -> str:
    from stdnum.fr import siret as _siret

    code = re.sub(r"[\s.\-]", "", as_code_text(value))
    if re.fullmatch(r"\d{13}", code):
        code = "0" + code
    if not re.fullmatch(r"\d{14}", code):
        raise BadValue("invalid-siret", "SIRET mal formé : 14 chiffres attendus.",
                       "Saisissez les 14 chiffres du SIRET de l'établissement (SIREN + NIC).")
    if not _siret.is_valid(code):
        raise BadValue("invalid-siret", "SIRET invalide : la clé de contrôle (Luhn) ne correspond pas.",
                       "Vérifiez le SIRET sur l'avis de situation Insee ou annuaire-entreprises.data.gouv.fr.")
    return code


# --- territories ---------------------------------------------------------------------------------
MESHES = {
    "fr": "France", "reg": "région", "dep": "département", "arr": "arrondissement",
    "ze": "zone d'emploi", "be": "bassin d'emploi BMO", "epci": "EPCI", "com": "commune",
}
_MESH_NAMES = {
    "france": "fr", "fr": "fr", "pays": "fr", "nation": "fr", "national": "fr", "nat": "fr",
    "region": "reg", "reg": "reg", "departement": "dep", "dep": "dep", "dept": "dep",
    "arrondissement": "arr", "arr": "arr", "zone d emploi": "ze", "ze": "ze",
    "bassin": "be", "bassin d emploi": "be", "bassin bmo": "be", "bassin d emploi bmo": "be",
    "be": "be", "epci": "epci", "intercommunalite": "epci", "commune": "com", "com": "com",
}
_TERRITORY_CODE = {
    "reg": re.compile(r"^\d{2}$"),
    "dep": re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$"),
    "arr": re.compile(r"^(\d{2}|2A|2B|97\d)\d$"),
    "ze": re.compile(r"^\d{4}$"),
    "be": re.compile(r"^\d{4}$"),
    "epci": re.compile(r"^\d{9}$"),
    "com": COMMUNE_RE,
}


def mesh(value: object) -> str:
    from .ingest.values import norm_text

    key = norm_text(as_code_text(value))
    if key in _MESH_NAMES:
        return _MESH_NAMES[key]
    raise BadValue("invalid-mesh", "Maille territoriale non reconnue.",
                   "Saisissez commune, EPCI, arrondissement, département, région, zone d'emploi, "
                   "bassin BMO ou France.")


def territory(value: object, mesh_hint: str | None = None) -> str:
    """A qualified reference `MESH:CODE` from `dep:52`, or from `52` with a mesh column.

    Bare codes are accepted only where unambiguous: 5 characters (commune), 9 digits (EPCI).
    """
    text = as_code_text(value).strip()
    if ":" in text:
        prefix, _, code = text.partition(":")
        mesh_name = mesh(prefix)
    elif text.lower() in ("fr", "france"):
        return "fr"
    elif mesh_hint:
        mesh_name, code = mesh_hint, text
    elif COMMUNE_RE.match(text.upper()):
        mesh_name, code = "com", text
    elif re.fullmatch(r"\d{9}", text):
        mesh_name, code = "epci", text
    else:
        raise BadValue(
            "ambiguous-territory",
            "Code territorial sans maille : le même code existe dans plusieurs mailles (52 = Haute-Marne "
            "ou Pays de la Loire).",
            "Écrivez la référence qualifiée (dep:52, be:4419, arr:522) ou ajoutez une colonne « maille ».",
        )
    if mesh_name == "fr":
        return "fr"
    code = code.strip().upper()
    width = {"dep": 2, "reg": 2, "be": 4, "ze": 4, "com": 5}.get(mesh_name)
    if width and code.isdigit() and len(code) < width:
        code = code.zfill(width)  # codes that lost their leading zeros in Excel
    if not _TERRITORY_CODE[mesh_name].match(code):
        raise BadValue("invalid-territory", f"Code de {MESHES[mesh_name]} mal formé.",
                       "Vérifiez le code officiel (Insee, France Travail).")
    return f"{mesh_name}:{code}"
