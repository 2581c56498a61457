"""Shipped nomenclatures and the code validators built on them.

A malformed code (wrong pattern, failed Luhn check) is an error; a well-formed code absent from
the shipped nomenclature is a warning, since nomenclatures change between vintages.
Files live in `data/reference/` (see its PROVENANCE.md) and are loaded once, on first use.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .ingest.values import BadValue, as_code_text


def data_dir() -> Path:
    """The repository's `data/` folder (or `$GTEC_DATA_DIR`)."""
    from .paths import shipped_folder

    return shipped_folder("data", "reference", "GTEC_DATA_DIR")


def reference_path(*parts: str) -> Path:
    """A file of `data/reference/` (`reference_path("dares", "tensions.csv")`)."""
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
    """A ROME v3 code (`H2903`): malformed is an error, absent from ROME v3.46 a warning."""
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
    """`rome`, `fap225` or `fap87` for a code already validated; None otherwise."""
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
    if re.fullmatch(r"\d\.\d{1,2}[A-Z]?|\d{3}[A-Z]?", raw):
        raw = "0" + raw  # 1.11Z, 111Z: the division lost its leading zero (2571Z is whole)
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
    """An Insee commune code (`52269`, `2A004`; `1001` becomes `01001`)."""
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
    """A SIRET: 14 digits (a lost leading zero restored) passing the Luhn check."""
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
    """The mesh prefix (`dep`, `be`…) from a qualified prefix or a name (`département`)."""
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


# --- FAP-2009 labels and crosswalks --------------------------------------------------------------
# The Dares files say latin-1 but hold Windows-1252 bytes (0x9C = œ in « gros œuvre »).
DARES_ENCODING = "cp1252"


def _dares_rows(name: str, delimiter: str) -> list[dict[str, str]]:
    with open(reference_path("dares", name), encoding=DARES_ENCODING, newline="") as fh:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k}
                for row in csv.DictReader(fh, delimiter=delimiter)]


@lru_cache(maxsize=None)
def fap_labels() -> dict[str, str]:
    """FAP-2009 code -> label, for the 225 families (`D2Z40`), the 87 aggregates (`D2Z`) and the
    22 domains (`D`), from the Dares age file (Portraits statistiques des métiers)."""
    labels: dict[str, str] = {}
    for row in _dares_rows("age_2017_2019_3niv.csv", ","):
        for code, label in ((row["fap"], row["libelle"]),
                            (row["code_fap_agregee"], row["libelle_fap_agregee"]),
                            (row["code_domaine"], row["libelle_domaine"])):
            if code and code not in ("NA", "ENS", "ENSEMBLE") and label and label != "NA":
                labels.setdefault(code, label)
    return labels


@lru_cache(maxsize=None)
def _fap_rome() -> tuple[tuple[str, str, bool], ...]:
    """(FAP-225, ROME, primary) links of `dares/fap225_rome.csv`; `*` after the ROME label marks a
    secondary link; `NA` (a family without ROME code) is no link."""
    return tuple((r["Fap"], r["Rome"], not r["intitule_rome"].endswith("*"))
                 for r in _dares_rows("fap225_rome.csv", ";")
                 if r["Fap"] and r["Rome"] and r["Rome"] != "NA")


def rome_to_fap(code: str, *, primary_only: bool = False) -> list[str]:
    """FAP-2009 families (225 level) a ROME code belongs to, sorted; often two or three (skilled
    and unskilled, technician and manager). With `primary_only`, links marked secondary (`*`) are
    left out unless they are the only ones."""
    code = code.strip().upper()
    links = [(fap, primary) for fap, rome, primary in _fap_rome() if rome == code]
    if primary_only and any(p for _f, p in links):
        links = [(f, p) for f, p in links if p]
    return sorted({fap for fap, _p in links})


def fap_to_rome(code: str) -> list[str]:
    """ROME codes of a FAP-2009 family (`D2Z42`), aggregate (`D2Z`) or domain (`D`), sorted."""
    code = code.strip().upper()
    return sorted({rome for fap, rome, _p in _fap_rome() if fap.startswith(code)})


@lru_cache(maxsize=None)
def _fap_pcs() -> tuple[tuple[str, str], ...]:
    """(FAP-225, PCS-2003) links of `dares/FAP_PCS.csv`; each PCS belongs to one family."""
    return tuple((r["Fap"], r["PCS"].lower()) for r in _dares_rows("FAP_PCS.csv", ";")
                 if r["Fap"] and r["PCS"] and r["PCS"] != "NA")


def pcs_to_fap(code: str) -> list[str]:
    """FAP-2009 families (225 level) of a PCS-2003 code (`691e`)."""
    code = code.strip().lower()
    return sorted({fap for fap, pcs in _fap_pcs() if pcs == code})


def fap_to_pcs(code: str) -> list[str]:
    """PCS-2003 codes of a FAP-2009 family, aggregate or domain."""
    code = code.strip().upper()
    return sorted({pcs for fap, pcs in _fap_pcs() if fap.startswith(code)})


PCS_RE = re.compile(r"^\d{3}[a-z]$", re.I)
#: Occupation levels from the finest to the coarsest, with how reports name them.
LEVELS = {
    "rome": "codes ROME (fiches métiers de France Travail)",
    "fap225": "FAP-2009 en 225 familles professionnelles",
    "fap87": "FAP-2009 en 87 familles professionnelles",
    "domain": "FAP-2009 en 22 domaines professionnels",
}


def code_level(code: str) -> str | None:
    """`rome`, `fap225`, `fap87`, `domain` or `pcs` for a code; None when it is none of them."""
    code = code.strip()
    up = code.upper()
    if ROME_RE.match(up):
        return "rome"
    if FAP_RE.match(up):
        return "fap225" if len(up) == 5 else "fap87"
    if re.fullmatch(r"[A-X]", up):
        return "domain"
    return "pcs" if PCS_RE.match(code) else None


def _targets(code: str, level: str) -> list[str] | None:
    """What `code` becomes at `level`: a list (empty when the crosswalk has no link), or None
    when the level is finer than the code's own (a FAP-87 aggregate has no single family)."""
    own = code_level(code)
    code = code.strip().upper() if own != "pcs" else code.strip().lower()
    if own is None:
        return []
    if own == level:
        return [code]
    order = ("fap225", "fap87", "domain")
    if own == "rome":
        faps = rome_to_fap(code)
        return faps if level == "fap225" else sorted({_cut(f, level) for f in faps})
    if own == "pcs":
        faps = pcs_to_fap(code)
        if level == "rome":
            return sorted({r for f in faps for r in fap_to_rome(f)})
        return sorted({_cut(f, level) for f in faps})
    if level == "rome":
        return fap_to_rome(code)
    if order.index(level) < order.index(own):
        return None
    return [_cut(code, level)]


def _cut(fap: str, level: str) -> str:
    return {"fap225": fap, "fap87": fap[:3], "domain": fap[:1]}[level]


@dataclass(frozen=True)
class OccupationMapping:
    """Occupation codes brought to one level, and what could not be brought there exactly."""

    level: str
    #: code -> its one code at `level` (None when ambiguous, impossible or without link).
    mapping: dict[str, str | None]
    #: codes linked to several codes at `level` (a ROME code in two FAP families).
    ambiguous: dict[str, tuple[str, ...]]
    #: codes the crosswalks do not know, or that are coarser than `level`.
    unmapped: tuple[str, ...]

    @property
    def label(self) -> str:
        """How the report names the level used."""
        return LEVELS[self.level]

    def describe(self) -> str:
        """One sentence for the report's methodology: which level, and what did not map."""
        text = f"Métiers rapprochés au niveau {self.label}."
        if self.ambiguous:
            text += f" {len(self.ambiguous)} code(s) relèvent de plusieurs familles à ce niveau."
        if self.unmapped:
            text += f" {len(self.unmapped)} code(s) sans correspondance : {', '.join(self.unmapped[:5])}."
        return text

    def apply(self, codes):
        """The codes of a column (pandas Series or list) at the mapping's level."""
        if hasattr(codes, "map"):
            return codes.map(lambda c: self.mapping.get(c) if isinstance(c, str) else None)
        return [self.mapping.get(c) for c in codes]


def map_occupations(codes, level: str | None = None) -> OccupationMapping:
    """Bring a column of occupation codes (ROME, FAP-225, FAP-87, domain or PCS, mixed) to one
    level. Without `level`, the finest level where every code has exactly one counterpart is
    chosen (ROME codes alone stay ROME; ROME mixed with FAP goes to FAP-225, or FAP-87 when a
    ROME code spans several families). `OccupationMapping.level` says which level was used."""
    unique = sorted({c.strip() for c in codes if isinstance(c, str) and c.strip()})
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    candidates = [level] if level else list(LEVELS)
    for lvl in candidates:
        targets = {c: _targets(c, lvl) for c in unique}
        exact = all(t is not None and len(t) <= 1 for t in targets.values())
        if exact or lvl == candidates[-1]:
            mapping = {c: (t[0] if t and len(t) == 1 else None) for c, t in targets.items()}
            return OccupationMapping(
                level=lvl, mapping=mapping,
                ambiguous={c: tuple(t) for c, t in targets.items() if t and len(t) > 1},
                unmapped=tuple(c for c, t in targets.items() if not t))
    raise AssertionError("unreachable")


# --- territory footprint -------------------------------------------------------------------------
@lru_cache(maxsize=None)
def employment_areas() -> dict[str, dict]:
    """BMO employment area (2019 zoning, `4419`) -> {name, communes, deps, regs}."""
    areas: dict[str, dict] = {}
    for code, c in communes().items():
        area = areas.setdefault(c["be19"], {"name": c["be19_name"], "communes": [], "deps": set(),
                                            "regs": set()})
        area["communes"].append(code)
        area["deps"].add(c["dep"])
        area["regs"].add(c["reg"].zfill(2))
    return {k: {"name": v["name"], "communes": tuple(sorted(v["communes"])),
                "deps": tuple(sorted(v["deps"])), "regs": tuple(sorted(v["regs"]))}
            for k, v in areas.items()}


@dataclass(frozen=True)
class Footprint:
    """What a territory covers in the meshes public files use (qualified references)."""

    territory: str
    communes: tuple[str, ...]
    employment_areas: tuple[str, ...]  # be:4419 (2019 zoning)
    departements: tuple[str, ...]  # dep:52
    regions: tuple[str, ...]  # reg:44
    #: Employment areas only partly inside the territory: their BMO figures cover more than it.
    partial_areas: tuple[str, ...] = ()
    unknown_communes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def territory_footprint(territory) -> Footprint:
    """The communes, BMO employment areas (2019 zoning), départements and régions a territory
    touches. `territory` is the `[territory]` settings (a `code` and/or a `communes` list), a
    qualified reference (`dep:52`, `be:4419`, `com:52269`, `reg:44`, `fr`) or a list of communes.

    A commune list, when given, defines the territory. Otherwise the official code is expanded
    through the commune -> area lexicon, which knows communes, areas, départements and régions but
    not arrondissements, EPCI or zones d'emploi: for those, the département is derived where the
    code gives it (`arr:522` -> `dep:52`) and a note asks for the list of communes.
    """
    if isinstance(territory, str):
        code, listed = territory.strip(), []
    elif isinstance(territory, (list, tuple, set, frozenset)):
        code, listed = "", list(territory)
    else:
        code, listed = (territory.code or "").strip(), list(territory.communes or [])
    table = communes()
    notes: list[str] = []
    unknown: list[str] = []
    deps_extra: set[str] = set()
    if listed:
        chosen = []
        for value in listed:
            raw = as_code_text(value).upper()
            c = raw.zfill(5) if raw.isdigit() and len(raw) == 4 else raw
            (chosen if c in table else unknown).append(c)
        selected = set(chosen)
        if unknown:
            notes.append(f"{len(unknown)} commune(s) absente(s) du lexique des bassins (zonage 2019) : "
                         f"{', '.join(unknown[:5])}.")
    else:
        ref = _qualified(code) if code else ""
        selected, deps_extra, note = _expand(ref, table)
        if note:
            notes.append(note)
    found = [table[c] for c in selected]
    areas = {c["be19"] for c in found}
    partial = sorted(f"be:{a}" for a in areas if not set(employment_areas()[a]["communes"]) <= selected)
    deps = {c["dep"] for c in found} | deps_extra
    regs = {c["reg"].zfill(2) for c in found} | {_dep_region(d) for d in deps_extra if _dep_region(d)}
    return Footprint(
        territory=code or "communes", communes=tuple(sorted(selected)),
        employment_areas=tuple(sorted(f"be:{a}" for a in areas)),
        departements=tuple(sorted(f"dep:{d}" for d in deps)),
        regions=tuple(sorted(f"reg:{r}" for r in regs)),
        partial_areas=tuple(partial), unknown_communes=tuple(unknown), notes=tuple(notes))


def _qualified(code: str) -> str:
    # `territory` the function, shadowed by the parameter of territory_footprint.
    return territory(code)


def _expand(ref: str, table: dict) -> tuple[set[str], set[str], str | None]:
    """Communes of an official reference, extra départements, and a note when not derivable."""
    mesh_name, _, value = ref.partition(":")
    if ref == "fr":
        return set(table), set(), None
    field = {"com": None, "dep": "dep", "reg": "reg", "be": "be19"}.get(mesh_name, "")
    if mesh_name == "com":
        return ({value} if value in table else set()), set(), (
            None if value in table else f"Commune {value} absente du lexique des bassins (zonage 2019).")
    if field:
        key = (lambda c: c["reg"].zfill(2)) if field == "reg" else (lambda c: c[field])
        return {k for k, c in table.items() if key(c) == value}, set(), None
    fix = ("listez ses communes dans gtec.toml ([territory] communes = [...]) pour en déduire les "
           "bassins d'emploi.")
    if mesh_name == "arr":
        dep = value[:3] if value.startswith("97") else value[:2]
        return set(), {dep}, (f"Le lexique des bassins ne connaît pas les arrondissements : département "
                              f"{dep} déduit du code ; {fix}")
    what = {"epci": "les EPCI", "ze": "les zones d'emploi"}.get(mesh_name, "ce territoire")
    return set(), set(), f"Le lexique des bassins ne connaît pas {what} : {fix}"


def _dep_region(dep: str) -> str | None:
    regs = {c["reg"].zfill(2) for c in communes().values() if c["dep"] == dep}
    return next(iter(regs)) if len(regs) == 1 else None
