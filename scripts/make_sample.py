"""Regenerate the Pays de Langres sample data in `data/sample/` (or in the folder given).

    python scripts/make_sample.py [OUT_DIR]        # `make sample`

Deterministic: a fixed random seed, no clock (workbook dates are fixed), so two runs give
byte-identical files. What is real and what is fictional is said in data/sample/README.md:
population (Insee) and job seekers / offers (France Travail, employment area 4419) are real;
employment, establishments, training and the 30 companies are plausible inventions.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))

from sample_companies import COMPANIES, DIAG_BASE, DIAG_COMMENTS

from gtec_cli.ingest.specs import AUDIT_SHEETS
from gtec_cli.ingest.template import write_template

SEED = 4419
CREATED = dt.datetime(2026, 1, 15, 9, 0, 0)
REF = ROOT / "data" / "reference" / "france-travail"
NNBSP = "\u202f"  # the narrow no-break space French spreadsheets put in thousands

AUDIT_BANDS = ("moins de 25 ans", "25-34 ans", "35-44 ans", "45-54 ans", "55-59 ans", "60 ans ou plus")
PROFILES = {  # shares by AUDIT_BANDS; "senior" is the ageing industry of the plateau (a third 55+)
    "young": (0.26, 0.30, 0.19, 0.14, 0.06, 0.05),
    "balanced": (0.10, 0.23, 0.26, 0.24, 0.10, 0.07),
    "ageing": (0.07, 0.17, 0.22, 0.29, 0.15, 0.10),
    "senior": (0.05, 0.13, 0.18, 0.30, 0.20, 0.14),
    "veteran": (0.03, 0.08, 0.13, 0.30, 0.24, 0.22),  # trades whose holders all leave within 10 years
    "boss": (0.0, 0.04, 0.18, 0.38, 0.22, 0.18),
}


def fr_int(n: int) -> str:
    """`17 312` with a narrow no-break space, as Excel shows it and as people paste it."""
    return f"{n:,}".replace(",", NNBSP)


def half_up(x: float) -> int:
    return int(Decimal(str(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def apportion(total: int, weights, rng: random.Random, noise: float = 0.0) -> list[int]:
    """Integers summing to `total`, proportional to weights (largest remainder), with optional noise."""
    w = [max(0.0, x * (1 + rng.uniform(-noise, noise))) if noise else x for x in weights]
    s = sum(w) or 1.0
    raw = [total * x / s for x in w]
    out = [int(x) for x in raw]
    order = sorted(range(len(w)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


# ------------------------------------------------------------------------------------------------
# Observatory workbook
# ------------------------------------------------------------------------------------------------
#: Insee POP T0, Communauté d'agglomération du Grand Langres (PROVENANCE.md): band totals, total.
GRAND_LANGRES = {
    2010: ((3820, 3536, 4192, 4788, 3390, 2231), 21957),
    2015: ((3443, 3209, 3718, 4715, 3809, 2347), 21242),  # published total; bands sum to 21 241
    2021: ((3333, 2932, 3490, 4494, 4135, 2366), 20750),
}
POP_BANDS = ("0-14 ans", "15-29 ans", "30-44 ans", "45-59 ans", "60-74 ans", "75 ans ou plus")
POP_FEMALE = (0.487, 0.476, 0.502, 0.506, 0.521, 0.622)
HAUTE_MARNE_2024 = ((34327, 75723, 35901, 22058), 168009)
HM_BANDS = ("moins de 20 ans", "20-59 ans", "60-74 ans", "75 ans ou plus")
HM_FEMALE = (0.486, 0.494, 0.515, 0.615)

EMP_BANDS = ("15-24 ans", "25-34 ans", "35-44 ans", "45-54 ans", "55-59 ans", "60 ans ou plus")
#: Employment, arrondissement de Langres, 2021: NAF division, ROME, people, share of women, profile.
EMPLOYMENT = (
    (25, "H2903", 230, 0.08, "senior"), (25, "H2913", 165, 0.03, "senior"),
    (25, "H2902", 120, 0.04, "ageing"), (25, "H2909", 95, 0.22, "ageing"),
    (25, "H3401", 75, 0.25, "senior"), (25, "H2905", 48, 0.12, "senior"),
    (25, "H2502", 46, 0.22, "ageing"), (25, "I1310", 55, 0.03, "ageing"),
    (32, "H2909", 135, 0.52, "ageing"), (32, "H3401", 82, 0.30, "senior"),
    (32, "H1506", 36, 0.58, "balanced"), (22, "H3201", 270, 0.31, "balanced"),
    (22, "H3202", 62, 0.06, "ageing"), (22, "H3302", 115, 0.57, "balanced"),
    (22, "I1304", 40, 0.03, "ageing"), (16, "H2206", 96, 0.06, "ageing"),
    (16, "H2205", 52, 0.04, "senior"), (10, "H2102", 112, 0.44, "balanced"),
    (10, "A1412", 46, 0.40, "ageing"), (10, "D1103", 38, 0.30, "ageing"),
    (1, "A1407", 420, 0.24, "senior"), (2, "A1201", 60, 0.03, "ageing"),
    (86, "J1506", 245, 0.87, "balanced"), (86, "J1501", 270, 0.90, "ageing"),
    (86, "J1301", 125, 0.84, "ageing"), (87, "J1501", 225, 0.92, "ageing"),
    (87, "J1301", 112, 0.88, "senior"), (88, "K1302", 390, 0.96, "senior"),
    (49, "N4101", 265, 0.05, "ageing"), (49, "N4105", 92, 0.12, "balanced"),
    (52, "N1103", 134, 0.26, "balanced"), (52, "N1101", 62, 0.08, "balanced"),
    (55, "G1501", 46, 0.86, "young"), (55, "G1703", 31, 0.72, "young"),
    (56, "G1602", 142, 0.31, "young"), (56, "G1803", 118, 0.61, "young"),
    (43, "F1703", 172, 0.01, "ageing"), (43, "F1602", 112, 0.03, "balanced"),
    (43, "F1610", 58, 0.01, "senior"), (47, "D1507", 180, 0.55, "young"),
    (47, "D1505", 150, 0.85, "balanced"), (84, "M1602", 355, 0.78, "ageing"),
)

SIZES = ("0 salarié", "1 à 9 salariés", "10 à 49 salariés", "50 à 249 salariés", "250 salariés et plus")
#: Establishments, arrondissement de Langres, 2023, by NAF division and size class; None = masked.
ESTABLISHMENTS = (
    (1, (812, 204, 5, 0, 0)), (2, (46, 22, 2, 0, 0)), (10, (21, 38, 9, 2, 0)),
    (16, (18, 24, 6, 1, 0)), (22, (2, 4, 5, 3, None)), (25, (31, 44, 21, 6, 0)),
    (32, (14, 16, 6, 2, 0)), (33, (12, 15, 4, 0, 0)), (41, (64, 26, 3, 0, 0)),
    (43, (182, 158, 19, 1, 0)), (45, (38, 41, 3, 0, 0)), (47, (196, 171, 18, 3, 0)),
    (49, (16, 29, 12, 2, 0)), (52, (4, 6, 4, 2, 0)), (55, (22, 34, 4, None, 0)),
    (56, (64, 71, 6, 0, 0)), (84, (58, 96, 31, 6, 1)), (85, (21, 38, 22, 3, 0)),
    (86, (146, 58, 4, 1, None)), (87, (3, 2, 6, 6, 0)), (88, (9, 11, 8, 3, 0)),
)

#: Training supply 2024: territory, title, level, speciality, ROME, leavers, graduates, apprentices,
#: insertion rate at 6 months (None = not published, a text = as typed with a decimal comma).
TRAINING = (
    ("arr:522", "CAP Réalisations industrielles en chaudronnerie ou soudage", "3 (CAP)",
     "254 Structures métalliques", "H2913", 14, 11, 6, 64),
    ("arr:522", "Bac pro Technicien en chaudronnerie industrielle", "4 (Bac pro)",
     "254 Structures métalliques", "H2902", 12, 10, 3, 71),
    ("arr:522", "Bac pro Technicien en réalisation de produits mécaniques", "4 (Bac pro)",
     "251 Mécanique générale et de précision, usinage", "H2903", 15, 12, 4, "73,3"),
    ("arr:522", "BTS Conception des processus de réalisation de produits", "5 (BTS)",
     "251 Mécanique générale et de précision, usinage", "H1404", 11, 9, 5, 82),
    ("dep:52", "CAP Instruments coupants et de chirurgie", "3 (CAP)",
     "Coutellerie et instruments de chirurgie", "H3401", 8, 7, 5, None),
    ("arr:522", "Bac pro Plastiques et composites", "4 (Bac pro)",
     "225 Plasturgie, matériaux composites", "H3201", 10, 8, 2, 75),
    ("arr:522", "CAP Menuisier fabricant", "3 (CAP)", "234 Travail du bois et de l'ameublement",
     "H2206", 12, 10, 8, 70),
    ("arr:522", "Diplôme d'État d'aide-soignant (IFAS)", "4", "331 Santé", "J1501", 32, 29, 0, 93),
    ("dep:52", "Diplôme d'État d'infirmier (IFSI)", "6 (licence)", "331 Santé", "J1506", 45, 42, 0, 97),
    ("arr:522", "Diplôme d'État d'accompagnant éducatif et social", "3",
     "330 Spécialités sanitaires et sociales", "K1302", 14, 12, 2, 85),
    ("arr:522", "CAP Cuisine", "3 (CAP)", "221 Agro-alimentaire, alimentation, cuisine", "G1602",
     16, 13, 9, 69),
    ("arr:522", "Bac pro Cuisine", "4 (Bac pro)", "221 Agro-alimentaire, alimentation, cuisine", "G1602",
     9, 8, 2, "71,4"),
    ("arr:522", "CAP Commercialisation et services en hôtel-café-restaurant", "3 (CAP)",
     "334 Accueil, hôtellerie, tourisme", "G1803", 10, 8, 6, 66),
    ("arr:522", "CAP Opérateur/opératrice logistique", "3 (CAP)", "311 Transport, manutention, magasinage",
     "N1103", 12, 10, 3, 62),
    ("arr:522", "Titre professionnel Conducteur du transport routier de marchandises sur porteur",
     "3", "311 Transport, manutention, magasinage", "N4101", 24, 20, 0, 78),
    ("arr:522", "CAP Maçon", "3 (CAP)", "232 Bâtiment : construction et couverture", "F1703", 14, 11, 10, 72),
    ("arr:522", "CAP Électricien", "3 (CAP)", "255 Électricité, électronique", "F1602", 13, 10, 7, 74),
    ("arr:522", "Bac pro Maintenance des systèmes de production connectés", "4 (Bac pro)",
     "250 Spécialités pluritechnologiques mécanique-électricité", "I1304", 11, 9, 3, 79),
    ("arr:522", "BTS Maintenance des systèmes (systèmes de production)", "5 (BTS)",
     "250 Spécialités pluritechnologiques mécanique-électricité", "I1304", 10, 8, 6, 88),
    ("dep:52", "Bac pro Bio-industries de transformation", "4 (Bac pro)",
     "221 Agro-alimentaire, alimentation, cuisine", "H2102", 8, 7, 2, None),
)


def france_travail_4419() -> list[tuple[str, float, float]]:
    """(ROME, average job seekers A+B+C, offers) for employment area 4419, year 2021 (real)."""
    out = []
    with open(REF / "cities-tension-utf8.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if row["cbassin"] == "4419" and row["annee"] == "2021":
                out.append((row["ROME"], float(row["defm_abc"].replace(",", ".")),
                            float(row["oee"].replace(",", "."))))
    return sorted(out)


def jobseekers_by_sector_4419() -> list[tuple[str, int]]:
    with open(REF / "secteurs_bassins.csv", encoding="utf-8", newline="") as fh:
        return [(r["secteur_libelle"].replace("  ", " "), int(r["demandeurs_emploi"]))
                for r in csv.DictReader(fh, delimiter=";") if r["code_bassin"] == "4419"]


def rome_labels() -> dict[str, str]:
    from gtec_cli import nomenclatures as nom

    return nom.rome_labels()


class Sheet:
    """A human-formatted sheet: a cursor over rows, with the observatory's formats."""

    def __init__(self, book, name: str, fmt: dict, widths: list[int]):
        self.ws = book.add_worksheet(name)
        self.fmt = fmt
        self.r = 0
        for c, w in enumerate(widths):
            self.ws.set_column(c, c, w)

    def row(self, values, style: str | None = None, r: int | None = None) -> None:
        r = self.r if r is None else r
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            f = self.fmt.get(style) if style else None
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                self.ws.write_number(r, c, v, f or self.fmt["num"])
            else:
                self.ws.write_string(r, c, str(v), f)
        self.r = r + 1

    def title(self, text: str, sub: str | None = None) -> None:
        self.row([text], "title")
        if sub:
            self.row([sub], "sub")
        self.r += 1  # the blank row above the header

    def notes(self, lines: list[str]) -> None:
        self.r += 1
        for line in lines:
            self.row([line], "note")


def write_opeq(path: Path, rng: random.Random) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"title": "OPEQ Pays de Langres 2025", "author": "OPEQ Pays de Langres (exemple gtec)",
                         "company": "gtec", "created": CREATED})
    fmt = {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "sub": book.add_format({"italic": True}),
        "head": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                 "align": "center", "valign": "vcenter"}),
        "total": book.add_format({"bold": True, "top": 1}),
        "note": book.add_format({"italic": True, "font_size": 9}),
        "num": book.add_format({"num_format": "0"}),
        "pct": book.add_format({"num_format": "0"}),
    }
    _population(book, fmt, rng)
    _employment(book, fmt, rng)
    _establishments(book, fmt)
    real = france_travail_4419()
    _jobseekers(book, fmt, real)
    _offers(book, fmt, real)
    _training(book, fmt)
    book.close()


def _population(book, fmt, rng) -> None:
    s = Sheet(book, "Population", fmt, [18, 34, 8, 10, 16, 13])
    s.title("Population par sexe et grande tranche d'âge",
            "Communauté d'agglomération du Grand Langres (recensements 2010, 2015, 2021) ; "
            "Haute-Marne (estimation au 1er janvier 2024), territoire de comparaison")
    s.row(["Territoire", "Libellé", "Année", "Sexe", "Tranche d'âge", "Population"], "head")
    for year, (bands, total) in GRAND_LANGRES.items():
        for band, people, share in zip(POP_BANDS, bands, POP_FEMALE, strict=True):
            women = half_up(people * (share + rng.uniform(-0.008, 0.008)))
            s.row(["epci:200072999", "CA du Grand Langres", year, "H", band, people - women])
            s.row(["epci:200072999", "CA du Grand Langres", year, "F", band, women])
        s.row([f"Total Grand Langres {year}", "", "", "", "", total], "total")
    bands, total = HAUTE_MARNE_2024
    for band, people, share in zip(HM_BANDS, bands, HM_FEMALE, strict=True):
        women = half_up(people * share)
        # Thousands typed as text with a narrow no-break space, as pasted from an Insee web table.
        s.row(["dep:52", "Haute-Marne", 2024, "Hommes", band, fr_int(people - women)])
        s.row(["dep:52", "Haute-Marne", 2024, "Femmes", band, fr_int(women)])
    s.row(["Total Haute-Marne 2024", "", "", "", "", fr_int(total)], "total")
    s.notes([
        ("Source : Insee, recensements de la population 2010, 2015 et 2021, tableau POP T0 (population par "
        "grande tranche d'âge), EPCI 200072999 ; Insee, estimations de population au 1er janvier 2024, Haute-Marne."),
        ("Note : les effectifs par tranche d'âge sont ceux publiés par l'Insee ; leur répartition hommes/femmes "
        "est une estimation de l'observatoire (fictive). Le total publié de 2015 (21 242) dépasse d'une unité "
        "la somme des tranches (arrondis Insee)."),
    ])


def _employment(book, fmt, rng) -> None:
    s = Sheet(book, "Emploi", fmt, [14, 8, 12, 14, 16, 8, 10])
    s.title("Emploi par secteur, métier, âge et sexe, arrondissement de Langres, 2021",
            "Principaux couples secteur × métier, au lieu de travail")
    # Two header rows: group labels merged over columns, and « Emplois » merged down both rows.
    top = s.r
    s.ws.merge_range(top, 0, top, 1, "Champ", fmt["head"])
    s.ws.merge_range(top, 2, top, 3, "Activité", fmt["head"])
    s.ws.merge_range(top, 4, top, 5, "Personnes", fmt["head"])
    s.ws.merge_range(top, 6, top + 1, 6, "Emplois", fmt["head"])
    s.r = top + 1
    s.row(["Territoire", "Année", "Secteur (NAF)", "Code ROME", "Tranche d'âge", "Sexe"], "head")
    masked = 0
    for naf, rome, total, share, profile in EMPLOYMENT:
        weights = PROFILES[profile]
        by_band = apportion(total, weights, rng, noise=0.15)
        for band, n in zip(EMP_BANDS, by_band, strict=True):
            women = sum(rng.random() < share for _ in range(n))
            for sex, people in (("H", n - women), ("F", women)):
                value: object = people
                if people in (1, 2) and masked < 6 and rng.random() < 0.5:
                    value, masked = "*", masked + 1  # statistical secret: a few small cells
                # The NAF division is typed as a number: 01 and 02 lose their leading zero.
                s.row(["arr:522", 2021, naf, rome, band, sex, value])
    s.notes([
        ("Source : OPEQ Pays de Langres d'après Insee, recensement 2021 (exploitation complémentaire, lieu de "
        "travail). Données d'exemple fictives, ordres de grandeur plausibles."),
        "* : effectif non diffusable (secret statistique).",
    ])


def _establishments(book, fmt) -> None:
    s = Sheet(book, "Établissements", fmt, [16, 8, 12, 22, 14])
    s.title("Établissements par secteur et taille, arrondissement de Langres, 2023")
    s.row(["Territoire", "Année", "Secteur (NAF)", "Tranche d'effectif", "Établissements"], "head")
    grand = 0
    for naf, counts in ESTABLISHMENTS:
        for size, n in zip(SIZES, counts, strict=True):
            s.row(["arr:522", 2023, naf, size, "*" if n is None else n])
        subtotal = sum(n if n is not None else 1 for n in counts)
        grand += subtotal
        s.row(["arr:522", 2023, naf, "Ensemble", subtotal], "total")
    s.row(["Total", "", "", "", grand], "total")
    s.notes([
        "Source : OPEQ Pays de Langres d'après Insee, REE/Sirene 2023. Données d'exemple fictives.",
        ("Lecture : les lignes « Ensemble » et « Total » sont des sous-totaux ; * : secret statistique "
        "(un seul établissement)."),
    ])


def _jobseekers(book, fmt, real) -> None:
    labels = rome_labels()
    s = Sheet(book, "Demandeurs d'emploi", fmt, [11, 12, 9, 14, 46, 10, 14, 12])
    s.title("Demandeurs d'emploi inscrits en catégories A, B, C par métier recherché",
            "Bassin d'emploi BMO de Langres (4419), moyenne annuelle 2021")
    s.row(["Territoire", "Maille", "Période", "Code ROME", "Libellé ROME", "Catégorie",
           "Tranche d'âge", "Demandeurs"], "head")
    total = 0
    for rome, defm, _oee in real:
        n = half_up(defm)
        total += n
        # The area code typed as a number, qualified by the Maille column.
        s.row([4419, "bassin BMO", 2021, rome, labels.get(rome, ""), "ABC", "", n])
    s.row(["", "", "", f"Total des {len(real)} métiers", "", "", "", total], "total")
    sectors = jobseekers_by_sector_4419()
    s.notes([
        ("Source : France Travail, indicateurs de tension 2021 par métier et bassin (open data, fichier "
        "« cities-tension », colonne defm_abc), bassin 4419 Langres. Moyenne de quatre trimestres arrondie à "
        "l'unité (29,75 → 30 ; 184,5 → 185) ; toutes tranches d'âge."),
        "Pour mémoire, demandeurs d'emploi par secteur d'activité (France Travail, même bassin) : "
        + " ; ".join(f"{lab.lower()} {n}" for lab, n in sectors[:6])
        + f" ; total {sum(n for _, n in sectors)} sur {len(sectors)} secteurs.",
    ])


def _offers(book, fmt, real) -> None:
    s = Sheet(book, "Offres d'emploi", fmt, [11, 9, 14, 10])
    s.title("Offres d'emploi par métier, bassin d'emploi de Langres (4419), 2021")
    s.row(["Territoire", "Période", "Code ROME", "Offres"], "head")
    for rome, _defm, oee in real:
        s.row(["be:4419", 2021, rome, half_up(oee)])
    s.notes([("Source : France Travail, indicateurs de tension 2021 (open data, colonne oee), bassin 4419 ; "
             "arrondi à l'unité.")])


def _training(book, fmt) -> None:
    s = Sheet(book, "Formation", fmt, [10, 7, 52, 11, 36, 10, 9, 9, 9, 12])
    s.title("Offre de formation professionnelle initiale et continue autour de Langres, session 2024")
    top = s.r
    for c, label in enumerate(("Territoire", "Année", "Formation", "Niveau", "Spécialité", "Code ROME")):
        s.ws.merge_range(top, c, top + 1, c, label, fmt["head"])
    s.ws.merge_range(top, 6, top, 8, "Effectifs de la promotion", fmt["head"])
    s.ws.merge_range(top, 9, top + 1, 9, "Taux d'insertion à 6 mois (%)", fmt["head"])
    s.row(["", "", "", "", "", "", "Sortants", "Diplômés", "dont apprentis"], "head", r=top + 1)
    for territory, title, level, spec, rome, leavers, grads, appr, rate in TRAINING:
        s.row([territory, 2024, title, level, spec, rome, leavers, grads, appr, "nd" if rate is None else rate])
    s.notes([
        ("Source : OPEQ Pays de Langres d'après les organismes de formation et InserJeunes. Données d'exemple "
        "fictives. nd : taux non diffusé (promotion de moins de 10 sortants)."),
    ])


# ------------------------------------------------------------------------------------------------
# Company audits
# ------------------------------------------------------------------------------------------------
def make_siret(rng: random.Random, used: set[str], public: bool = False) -> str:
    """A fictional SIRET that passes the Luhn checks of SIREN and SIRET (head office NIC 0001x)."""
    from stdnum import luhn

    while True:
        head = "2652" + "".join(rng.choice("0123456789") for _ in range(4)) if public else \
            rng.choice("345789") + "".join(rng.choice("0123456789") for _ in range(7))
        siren = head + luhn.calc_check_digit(head)
        if siren not in used:
            used.add(siren)
            nic = "0001" if rng.random() < 0.7 else f"00{rng.randint(10, 99)}"
            return siren + nic + luhn.calc_check_digit(siren + nic)


def workforce(company: dict, rng: random.Random) -> list[dict]:
    """Rows occupation × band × sex × contract drawn person by person from the company's profile."""
    cells: dict[tuple, int] = {}
    mix = company["contracts"]
    for rome, n, share, profile in company["staff"]:
        for _ in range(n):
            if profile in AUDIT_BANDS:
                band = profile
            else:
                band = rng.choices(AUDIT_BANDS, weights=PROFILES[profile])[0]
            sex = "F" if rng.random() < share else "H"
            # Apprentices are young; managers and supervisors of an SIAE are on permanent contracts.
            allowed = {k: v for k, v in mix.items() if k != "apprentissage" or band == AUDIT_BANDS[0]}
            fixed = company.get("fixed", {}).get(rome) or ("CDI" if profile == "boss" else None)
            contract = fixed or rng.choices(list(allowed), weights=list(allowed.values()))[0]
            key = (rome, band, sex, contract)
            cells[key] = cells.get(key, 0) + 1
    order = {b: i for i, b in enumerate(AUDIT_BANDS)}
    return [{"occupation": r, "age_band": b, "sex": s, "contract": c, "headcount": n}
            for (r, b, s, c), n in sorted(cells.items(), key=lambda kv: (kv[0][0], order[kv[0][1]],
                                                                         kv[0][2], kv[0][3]))]


def departures(company: dict, staff_rows: list[dict], rng: random.Random) -> list[dict]:
    """Retirements from the 55-59 and 60+ permanent staff, spread over horizons; a few other leavers."""
    rows = []
    for rome, n, _share, _profile in company["staff"]:
        older = {b: sum(x["headcount"] for x in staff_rows if x["occupation"] == rome and x["age_band"] == b
                        and x["contract"] in ("CDI", "autre")) for b in AUDIT_BANDS[4:]}
        n60, n55 = older["60 ans ou plus"], older["55-59 ans"]
        soon = half_up(n60 * 0.4)
        mid = half_up((n60 - soon) * 0.75)
        later = n60 - soon - mid + half_up(n55 * 0.2)
        long = n55 - half_up(n55 * 0.2)
        for horizon, retire in (("moins d'1 an", soon), ("1-3 ans", mid), ("3-5 ans", later), ("5-10 ans", long)):
            other = rng.randint(0, n // 10) if horizon in ("moins d'1 an", "1-3 ans") and n >= 10 else 0
            if retire + other == 0:
                continue
            rows.append({"occupation": rome, "horizon": horizon, "retirements": retire,
                         "other_departures": other,
                         "knowhow_at_risk": company["knowhow"].get(rome, "") if retire else ""})
    return rows


def assessments(company: dict, rng: random.Random) -> list[dict]:
    """The 12 themes: the sector's usual scores, the company's own, a little variation; comments."""
    base = dict(DIAG_BASE[company["sector"]])
    rows = []
    for theme, score in base.items():
        own = company.get("diag", {}).get(theme)
        if own:
            score, comment = own
        else:
            score = min(4, max(1, score + rng.choice((-1, 0, 0, 0, 1))))
            comment = DIAG_COMMENTS[theme][score]
        rows.append({"theme": theme, "score": score, "comment": comment})
    return rows


def audit_tables(company: dict, rng: random.Random) -> dict[str, list[dict]]:
    staff = workforce(company, rng)
    assert sum(r["headcount"] for r in staff) == company["headcount"], company["slug"]
    yes = {True: "oui", False: "non"}
    return {
        "entreprise": [{"siret": company["siret"], "name": company["name"], "naf": company["naf"],
                        "headcount": company["headcount"], "commune": company["commune"],
                        "company_type": company["type"], "club_member": yes[company["club"]]}],
        "effectifs": staff,
        "departs": departures(company, staff, rng),
        "recrutements": [{"occupation": o, "horizon": h, "positions": p, "contract": c, "cadre": yes[k],
                          "difficult": yes[d], "reasons": r, "months_to_fill": m}
                         for o, h, p, c, k, d, r, m in company["hires"]],
        "competences": [{"skill": s, "occupation": o, "people": p, "criticality": c,
                         "trainable_inhouse": yes[t], "single_holder": yes[u]}
                        for s, o, p, c, t, u in company["skills"]],
        "diagnostic": assessments(company, rng),
        "cooperation": [{"cooperation_type": t, "direction": d, "occupation": o, "skill": s, "people": p,
                         "period_note": q, "comment": c} for t, d, o, s, p, q, c in company["coop"]],
    }


# How the one company that did not use the template laid out its own workbook: its sheet names,
# its headers, and how it spelled the values (all accepted spellings of the same data).
HUMAN_SHEETS = {
    "entreprise": ("Entreprise", {"siret": "N° SIRET", "name": "Raison sociale", "naf": "Code APE",
                                  "headcount": "Effectif total", "commune": "Code Insee",
                                  "company_type": "Type de structure", "club_member": "Adhérent club"}),
    "effectifs": ("Pyramide des âges", {"occupation": "Code ROME", "age_band": "Tranche d'âge",
                                        "sex": "Sexe", "contract": "Type de contrat", "headcount": "Nombre"}),
    "departs": ("Départs prévus", {"occupation": "Métier", "horizon": "Échéance", "retirements":
                                   "Départs en retraite", "other_departures": "Autres départs",
                                   "knowhow_at_risk": "Savoir-faire menacé"}),
    "recrutements": ("Besoins de recrutement", {"occupation": "Métier", "horizon": "Horizon",
                                                "positions": "Nombre de postes", "contract": "Type de contrat",
                                                "cadre": "Poste cadre", "difficult": "Recrutement difficile",
                                                "reasons": "Motifs", "months_to_fill": "Délai de recrutement (mois)"}),
    "competences": ("Compétences manquantes", {"skill": "Compétence manquante", "occupation": "Code ROME",
                                               "people": "Personnes concernées", "criticality": "Criticité (1-3)",
                                               "trainable_inhouse": "Formable en interne",
                                               "single_holder": "Un seul détenteur"}),
    "diagnostic": ("Forces et faiblesses", {"theme": "Thème", "score": "Note", "comment": "Commentaire"}),
    "cooperation": ("Coopération", {"cooperation_type": "Type de coopération", "direction": "Offre ou besoin",
                                    "occupation": "Code ROME", "skill": "Compétence", "people": "Nombre",
                                    "period_note": "Période", "comment": "Commentaire"}),
}
HUMAN_VALUES = {
    "sex": {"H": "Hommes", "F": "Femmes"},
    "age_band": {"moins de 25 ans": "moins de 25 ans", "25-34 ans": "25 à 34 ans", "35-44 ans": "35 à 44 ans",
                 "45-54 ans": "45 à 54 ans", "55-59 ans": "55 à 59 ans", "60 ans ou plus": "60 ans et plus"},
    "horizon": {"moins d'1 an": "moins d'un an", "1-3 ans": "1 à 3 ans", "3-5 ans": "3 à 5 ans",
                "5-10 ans": "5 à 10 ans"},
    "theme": {"recrutement": "Recrutement", "integration": "Accueil et intégration", "formation": "Formation",
              "transmission": "Transmission des savoir-faire", "management": "Management",
              "organisation": "Organisation du travail", "conditions de travail": "Conditions de travail",
              "attractivite": "Attractivité", "mobilite": "Transport / mobilité", "logement": "Logement",
              "dialogue social": "Dialogue social", "numerique": "Transition numérique"},
    "cooperation_type": {"tutorat": "Tutorat", "formation mutualisee": "Formation mutualisée",
                         "groupement d employeurs": "Groupement d'employeurs",
                         "pret de main d oeuvre": "Prêt de main-d'œuvre", "accueil insertion": "Accueil insertion",
                         "partage d equipements": "Partage d'équipements"},
    "direction": {"offre": "Offre", "besoin": "Besoin"},
    "reasons": {"penurie": "Pénurie de candidats", "profil": "Profil inadapté", "image": "Image du métier",
                "conditions": "Conditions de travail", "salaire": "Rémunération", "mobilite": "Mobilité",
                "logement": "Logement", "conjoint": "Emploi du conjoint", "concurrence": "Concurrence"},
}


def write_human_audit(path: Path, company: dict, tables: dict[str, list[dict]]) -> None:
    """A workbook laid out by hand: title rows, own headers, spelled-out values, totals and notes."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"title": f"Audit GTEC {company['name']}", "author": company["name"],
                         "created": CREATED})
    fmt = {"title": book.add_format({"bold": True, "font_size": 12}),
           "head": book.add_format({"bold": True, "bottom": 1, "text_wrap": True}),
           "total": book.add_format({"bold": True, "top": 1}),
           "note": book.add_format({"italic": True}), "num": None, "sub": None}
    for key, (sheet_name, headers) in HUMAN_SHEETS.items():
        rows = tables[key]
        names = list(headers)
        s = Sheet(book, sheet_name, fmt, [max(14, len(h) + 2) for h in headers.values()])
        s.title(f"Audit GTEC : {company['name']} : {sheet_name.lower()} au 31/12/2025")
        s.row([headers[n] for n in names], "head")
        for row in rows:
            out = []
            for n in names:
                v = row.get(n)
                if n == "reasons" and v:
                    v = "; ".join(HUMAN_VALUES["reasons"][x] for x in v.split(";"))
                elif n in HUMAN_VALUES and v in HUMAN_VALUES[n]:
                    v = HUMAN_VALUES[n][v]
                elif isinstance(v, str) and v in ("oui", "non"):
                    v = v.capitalize()
                out.append(v)
            s.row(out)
        if key == "effectifs":
            s.row(["Total", "", "", "", sum(r["headcount"] for r in rows)], "total")
        s.notes(["Source : service administratif de l'entreprise, situation au 31 décembre 2025."])
    book.close()


def write_audits(out: Path, rng: random.Random) -> None:
    used: set[str] = set()
    for company in COMPANIES:
        company["siret"] = make_siret(rng, used, public=company["type"] == "public")
        company["headcount"] = sum(n for _r, n, _s, _p in company["staff"])
    per_dir, cons_dir = out / "audits", out / "audits-consolidated"
    for folder in (per_dir, cons_dir):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.xlsx"):
            old.unlink()  # companies renamed or removed since the last run
    consolidated: dict[str, list[dict]] = {spec.key: [] for spec in AUDIT_SHEETS}
    for company in COMPANIES:
        tables = audit_tables(company, rng)
        for key, rows in tables.items():
            consolidated[key].extend({"siret": company["siret"], **r} for r in rows)
        path = per_dir / f"audit-{company['slug']}.xlsx"
        if company.get("layout") == "human":
            write_human_audit(path, company, tables)
            continue
        if company.get("commune_as_number"):
            tables["entreprise"][0]["commune"] = int(company["commune"])  # typed without text format
        write_template("audit", path, fill=tables, created=CREATED)
    write_template("audit", cons_dir / "audits-pays-de-langres-consolide.xlsx", fill=consolidated,
                   created=CREATED)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "data" / "sample"
    (out / "opeq").mkdir(parents=True, exist_ok=True)
    write_opeq(out / "opeq" / "opeq-pays-de-langres-2025.xlsx", random.Random(SEED))
    write_audits(out, random.Random(SEED + 1))
    print(f"Données d'exemple écrites dans {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
