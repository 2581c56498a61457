"""Blank input workbooks (`gtec template audit|opeq`), built from the sheet specs.

Everything a person sees (sheet names, headers, examples, drop-down lists, help) comes from
`specs.py`, so the template and the reader cannot drift apart. Layout of each data sheet:

- row 1: the sheet's title and what one row is;
- row 2: one example row in grey italics, ABOVE the header. The reader locates the header row and
  only reads below it, so the example can never be ingested, even when a user leaves it in place
  (an example below the header would be read as data if the user typed under it);
- row 3: the header (bold, frozen with the example so both stay visible while scrolling);
- row 4 on: the user's rows, with drop-down lists (from a hidden « Listes » sheet) and code
  columns formatted as text so Excel keeps leading zeros.

The reader ignores the « Instructions » and « Listes » sheets (`sheets.HELP_SHEETS`).
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from .specs import KIND_SHEETS
from .tables import Column, SheetSpec

TITLE_ROW, EXAMPLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2, 3
#: Rows below the header prepared with drop-down lists (Excel extends nothing by itself).
PREPARED_ROWS = 2000
LISTS_SHEET = "Listes"
INSTRUCTIONS_SHEET = "Instructions"

#: Code columns stored as text: typed as numbers, Excel would drop leading zeros (01001, 0203).
TEXT_COLUMNS = frozenset({"siret", "commune", "naf", "occupation", "territory", "skill_code"})

#: Help for coded columns whose spec carries none (what the code is and where to find it).
CODE_HELP = {
    "siret": "14 chiffres (SIREN 9 + NIC 5) de l'établissement, sur l'avis de situation Insee ou "
             "annuaire-entreprises.data.gouv.fr.",
    "naf": "Code NAF rév. 2 (le code APE de l'établissement), ex. 25.71Z ; il figure sur l'avis de "
           "situation Insee.",
    "occupation": "Code ROME du métier : une lettre et 4 chiffres, ex. H2913 (Soudage manuel). "
                  "Liste complète à la fin de la feuille Instructions.",
    "commune": "Code Insee de la commune (5 caractères, Langres = 52269), pas le code postal (52200).",
    "age_band": "Tranche d'âge, ex. « moins de 25 ans », « 25-34 ans », « 55-59 ans », « 60 ans ou plus ».",
    "name": "Raison sociale de l'entreprise (jamais le nom d'une personne).",
    "headcount": "Nombre de salariés (ou d'équivalents temps plein), en chiffres.",
    "reasons": "Une ou plusieurs raisons de la liste, séparées par un point-virgule (penurie;mobilite).",
    "skill_code": "Facultatif : code de la compétence dans le ROME ou ESCO, si vous le connaissez.",
    "year": "Année sur 4 chiffres (millésime du recensement ou de l'enquête).",
}

#: Suggested values offered as a drop-down without refusing others (age bands are free in the spec,
#: but companies that use the same bands can be compared and summed).
SUGGESTED = {
    ("audit", "age_band"): ("moins de 25 ans", "25-34 ans", "35-44 ans", "45-54 ans", "55-59 ans",
                            "60 ans ou plus"),
}

_INTRO = {
    "audit": [
        "Audit GTEC de l'entreprise : mode d'emploi",
        ("Ce classeur recueille l'audit GTEC d'un établissement : effectifs par métier et par âge, départs "
        "prévus, recrutements, compétences manquantes, forces et faiblesses, coopérations possibles."),
        ("Qui le remplit : la personne chargée des ressources humaines ou le dirigeant, avec le chargé de "
        "mission GTEC. Renvoyez-le tel quel : gtec le vérifie et indique, cellule par cellule, quoi corriger."),
        ("Un classeur par entreprise. Un classeur consolidé de plusieurs entreprises est aussi accepté : "
        "une ligne par entreprise dans « Entreprise » et le SIRET rempli dans chaque feuille."),
    ],
    "opeq": [
        "Classeur de l'observatoire (OPEQ) : mode d'emploi",
        ("Ce classeur rassemble les données statistiques du territoire que l'observatoire compile (Insee, "
        "France Travail, organismes de formation). Chaque feuille est facultative ; gardez celles que vous "
        "remplissez."),
        ("Territoire : référence qualifiée MAILLE:CODE (arr:522 arrondissement de Langres, dep:52 "
        "Haute-Marne, be:4419 bassin d'emploi BMO de Langres, epci:200072999, com:52269), ou le code seul "
        "avec la colonne Maille."),
        ("Cases masquées : écrivez * (secret statistique, donnée non diffusable). gtec les lit comme "
        "manquantes, jamais comme 0."),
    ],
}

_RULES = {
    "audit": [
        "Ne renommez pas les feuilles et ne modifiez pas la ligne des en-têtes (ligne 3).",
        ("La ligne 2, en gris, est un exemple : elle n'est jamais lue. Saisissez vos données à partir de la "
        "ligne 4, une ligne par combinaison décrite ci-dessous ; ajoutez autant de lignes que nécessaire."),
        "Listes déroulantes : choisissez dans la liste (sexe, contrat, horizon, thème, oui/non…).",
        ("Données personnelles interdites : uniquement des effectifs agrégés. Jamais de nom, prénom, numéro "
        "de sécurité sociale (NIR), date de naissance, e-mail ni téléphone : gtec refuse le classeur."),
        ("Case facultative inconnue : laissez-la vide. Le signe * (donnée masquée) est réservé au classeur "
        "de l'observatoire."),
        ("Codes : SIRET = 14 chiffres de l'établissement ; NAF (code APE) = 25.71Z ; ROME = code métier de "
        "France Travail, H2913 ; commune = code Insee (52269), pas le code postal."),
        ("Les colonnes de codes sont au format Texte pour garder les zéros en tête : si vous collez des "
        "données, utilisez Collage spécial > Valeurs."),
    ],
    "opeq": [
        ("Ne renommez pas les feuilles ; la ligne des en-têtes est la ligne 3, l'exemple en gris (ligne 2) "
        "n'est jamais lu. Saisissez à partir de la ligne 4."),
        "Données agrégées uniquement : jamais de nom, NIR, e-mail ni téléphone.",
        "Ne laissez pas de lignes de total : gtec recalcule les totaux (une ligne « Total » est ignorée).",
        ("Codes : NAF rév. 2 (25.73A ou la division 25), ROME (H2903) ou FAP (D2Z40), code commune Insee ; "
        "les colonnes de codes sont au format Texte pour garder les zéros en tête."),
    ],
}


def write_template(kind: str, path: Path, *, fill: dict[str, list[dict]] | None = None,
                   created: _dt.datetime | None = None) -> None:
    """Write the input workbook of `kind` ("audit" or "opeq") to `path`.

    `fill` maps a sheet key (`effectifs`) to rows ({column name: value}) written below the header,
    as a person would type them (the sample data uses it). `created` fixes the workbook's dates so
    that the same content gives the same bytes.
    """
    import xlsxwriter

    if kind not in KIND_SHEETS:
        raise ValueError(f"unknown template kind {kind!r}")
    specs = KIND_SHEETS[kind]
    book = xlsxwriter.Workbook(str(path))
    try:
        book.set_properties({
            "title": "Audit GTEC" if kind == "audit" else "Observatoire GTEC",
            "author": "gtec", "company": "gtec",
            "comments": "Modèle gtec : voir la feuille Instructions.",
            "created": created or _dt.datetime.now(_dt.UTC),
        })
        fmt = _formats(book)
        lists = _Lists(kind, specs)
        _write_instructions(book, kind, specs, fmt)
        for spec in specs:
            _write_sheet(book, kind, spec, lists, fmt, (fill or {}).get(spec.key, []))
        lists.write(book, fmt)
    finally:
        book.close()


def one_row(spec: SheetSpec) -> str:
    """What one row of the sheet is, from its key columns: `Métier (ROME) × Tranche d'âge × …`."""
    labels = []
    for key in spec.keys:
        if key == "siret" and len(spec.keys) > 1:
            continue
        col = next(c for c in spec.columns if c.name == key or key in c.expands)
        labels.append(col.header)
    if spec.keys == ("siret",):
        return "l'entreprise (un SIRET)"
    return " × ".join(labels)


def _formats(book) -> dict:
    return {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "sub": book.add_format({"italic": True, "font_color": "#595959"}),
        "bold": book.add_format({"bold": True}),
        "header": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                                   "valign": "top"}),
        "example": book.add_format({"italic": True, "font_color": "#808080"}),
        "example_text": book.add_format({"italic": True, "font_color": "#808080", "num_format": "@"}),
        "text": book.add_format({"num_format": "@"}),
    }


class _Lists:
    """The hidden sheet of drop-down values: one column per distinct list."""

    def __init__(self, kind: str, specs: tuple[SheetSpec, ...]):
        from .. import nomenclatures as nom

        self.columns: dict[tuple[str, ...], int] = {}
        self.titles: list[str] = []
        self.rome = nom.rome_labels()
        self.rome_codes = tuple(sorted(self.rome))
        self._add("Métier ROME", self.rome_codes)
        self.titles.append("Libellé ROME")  # labels sit next to the codes, for whoever unhides
        for spec in specs:
            for col in spec.columns:
                values = col.choices or SUGGESTED.get((kind, col.name), ())
                if values:
                    self._add(col.header, tuple(values))

    def _add(self, title: str, values: tuple[str, ...]) -> None:
        if values not in self.columns:  # oui/non and the contracts are listed once
            self.columns[values] = len(self.titles)
            self.titles.append(title)

    def ref(self, values: tuple[str, ...]) -> str:
        from ..errors import col_letter

        c = col_letter(self.columns[values])
        return f"={LISTS_SHEET}!${c}$2:${c}${len(values) + 1}"

    def write(self, book, fmt: dict) -> None:
        sheet = book.add_worksheet(LISTS_SHEET)
        for values, c in self.columns.items():
            sheet.write_string(0, c, self.titles[c], fmt["bold"])
            for r, value in enumerate(values, start=1):
                sheet.write_string(r, c, value)
        sheet.write_string(0, 1, self.titles[1], fmt["bold"])
        for r, code in enumerate(self.rome_codes, start=1):
            sheet.write_string(r, 1, self.rome[code])
        sheet.hide()


def _help(col: Column) -> str:
    parts = [col.help or CODE_HELP.get(col.name, "")]
    if col.choices:
        parts.append("Valeurs : " + ", ".join(col.choices) + ".")
    if col.maskable:
        parts.append("* si la donnée est masquée.")
    return " ".join(p for p in parts if p)


def _write_sheet(book, kind: str, spec: SheetSpec, lists: _Lists, fmt: dict, rows: list[dict]) -> None:
    sheet = book.add_worksheet(spec.title)
    cols = spec.columns
    sheet.write_string(TITLE_ROW, 0, f"{spec.title} : une ligne = {one_row(spec)}. {spec.description} "
                       "Ligne 2 en gris : exemple, jamais lu ; saisissez à partir de la ligne 4.", fmt["title"])
    last = FIRST_DATA_ROW + max(PREPARED_ROWS, len(rows)) - 1
    for c, col in enumerate(cols):
        is_text = col.name in TEXT_COLUMNS
        width = max(len(col.header), len(str(col.example or "")), 8)
        sheet.set_column(c, c, min(width + 2, 42), fmt["text"] if is_text else None)
        sheet.write_string(HEADER_ROW, c, col.header, fmt["header"])
        help_text = _help(col)
        if help_text:
            sheet.write_comment(HEADER_ROW, c, ("Obligatoire. " if col.required else "") + help_text,
                                {"x_scale": 2.2, "y_scale": 1.6})
        if col.example not in (None, ""):
            _write_value(sheet, EXAMPLE_ROW, c, col.example,
                         fmt["example_text"] if is_text else fmt["example"])
        _validate(sheet, kind, col, c, last, lists)
    sheet.write_comment(EXAMPLE_ROW, 0, "Ligne d'exemple, au-dessus des en-têtes : gtec ne la lit jamais. "
                        "Saisissez vos données sous la ligne des en-têtes (ligne 4 et suivantes).",
                        {"x_scale": 2.2})
    sheet.set_row(HEADER_ROW, 32)
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    for r, row in enumerate(rows, start=FIRST_DATA_ROW):
        for c, col in enumerate(cols):
            value = row.get(col.name)
            if value is not None and value != "":
                _write_value(sheet, r, c, value, fmt["text"] if col.name in TEXT_COLUMNS else None)


def _write_value(sheet, r: int, c: int, value: object, cell_format=None) -> None:
    if isinstance(value, bool):
        sheet.write_string(r, c, "oui" if value else "non", cell_format)
    elif isinstance(value, (int, float)):
        sheet.write_number(r, c, value, cell_format)
    else:
        sheet.write_string(r, c, str(value), cell_format)


def _validate(sheet, kind: str, col: Column, c: int, last: int, lists: _Lists) -> None:
    """A drop-down or a number check on the prepared rows of column `c`."""
    first = FIRST_DATA_ROW
    prompt = {"input_title": col.header[:32], "input_message": _help(col)[:250]}
    if not prompt["input_message"]:
        prompt = {}
    values = col.choices or SUGGESTED.get((kind, col.name), ())
    if col.name == "occupation":
        # FAP codes and ROME codes newer than the shipped list are accepted: warn, do not refuse.
        sheet.data_validation(first, c, last, c, {
            "validate": "list", "source": lists.ref(lists.rome_codes), "error_type": "warning",
            "error_title": "Code métier", "error_message": "Code absent de la liste ROME v3.46 : "
            "vérifiez-le (un code FAP ou plus récent reste accepté).", **prompt})
    elif values:
        # Reasons take several answers (a;b), suggested age bands are only suggestions: never refuse.
        open_list = col.name == "reasons" or not col.choices
        sheet.data_validation(first, c, last, c, {
            "validate": "list", "source": lists.ref(tuple(values)),
            "error_type": "information" if open_list else "stop",
            "error_title": col.header[:32],
            "error_message": ("Choisissez dans la liste ; plusieurs réponses séparées par ;"
                              if col.name == "reasons" else "Choisissez une valeur de la liste.")[:250],
            **prompt})
    elif prompt and not col.maskable and col.name in ("headcount", "people", "positions",
                                                      "retirements", "other_departures",
                                                      "months_to_fill"):
        sheet.data_validation(first, c, last, c, {
            "validate": "decimal", "criteria": ">=", "value": 0, "error_type": "stop",
            "error_title": col.header[:32], "error_message": "Saisissez un nombre positif ou nul.",
            **prompt})
    elif prompt:
        sheet.data_validation(first, c, last, c, {"validate": "any", **prompt})


def _write_instructions(book, kind: str, specs: tuple[SheetSpec, ...], fmt: dict) -> None:
    from .. import nomenclatures as nom

    sheet = book.add_worksheet(INSTRUCTIONS_SHEET)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 26)
    sheet.set_column(3, 3, 100)
    intro = _INTRO[kind]
    sheet.write_string(0, 0, intro[0], fmt["title"])
    r = 2
    for line in intro[1:]:
        sheet.write_string(r, 0, line)
        r += 1
    r += 1
    sheet.write_string(r, 0, "Règles de saisie", fmt["bold"])
    r += 1
    for i, line in enumerate(_RULES[kind], start=1):
        sheet.write_string(r, 0, f"{i}. {line}")
        r += 1
    for spec in specs:
        r += 1
        sheet.write_string(r, 0, f"Feuille « {spec.title} »", fmt["title"])
        sheet.write_string(r + 1, 0, f"Une ligne = {one_row(spec)}. {spec.description}", fmt["sub"])
        r += 2
        for c, head in enumerate(("Colonne", "Obligatoire", "Exemple", "Aide et valeurs acceptées")):
            sheet.write_string(r, c, head, fmt["header"])
        r += 1
        for col in spec.columns:
            sheet.write_string(r, 0, col.header)
            sheet.write_string(r, 1, "oui" if col.required else "non")
            if col.example not in (None, ""):
                sheet.write_string(r, 2, str(col.example))
            sheet.write_string(r, 3, _help(col))
            r += 1
    r += 1
    sheet.write_string(r, 0, "Codes métiers ROME (référentiel France Travail v3.46)", fmt["title"])
    r += 1
    for code, label in sorted(nom.rome_labels().items()):
        sheet.write_string(r, 0, code)
        sheet.write_string(r, 1, label)
        r += 1
    sheet.activate()
