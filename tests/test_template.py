"""The blank input workbooks of `gtec template audit|opeq`: layout, drop-downs, text code columns,
the example row that is never read, and a filled template that ingests with the values typed."""

from __future__ import annotations

import re

import openpyxl
import pytest

from gtec_cli.ingest.pipeline import ingest_files, validate_file
from gtec_cli.ingest.specs import AUDIT_SHEETS, KIND_SHEETS, OPEQ_SHEETS
from gtec_cli.ingest.template import (
    EXAMPLE_ROW,
    FIRST_DATA_ROW,
    HEADER_ROW,
    TEXT_COLUMNS,
    write_template,
)

EXAMPLE, HEADER, FIRST = EXAMPLE_ROW + 1, HEADER_ROW + 1, FIRST_DATA_ROW + 1  # 1-based for openpyxl


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")
    paths = {kind: folder / f"modele-{kind}.xlsx" for kind in KIND_SHEETS}
    for kind, path in paths.items():
        write_template(kind, path)
    return paths


def _list_values(book, formula: str) -> list[str]:
    """The values a drop-down offers, read from the range it points to on the Listes sheet."""
    m = re.fullmatch(r"=?Listes!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert m, formula
    sheet = book["Listes"]
    return [sheet[f"{m[1]}{r}"].value for r in range(int(m[2]), int(m[4]) + 1)]


def _validation_of(sheet, column_letter: str):
    found = [dv for dv in sheet.data_validations.dataValidation
             if str(dv.sqref).split(":")[0] == f"{column_letter}{FIRST}"]
    return found[0] if found else None


# --- what a blank template gives when read back ----------------------------------------------------
def test_blank_audit_template_is_refused_with_one_clear_error(templates):
    v = validate_file(templates["audit"])
    assert v.kind == "audit" and not v.valid
    assert [f.code for f in v.report.errors] == ["missing-company"]
    assert "aucune entreprise" in v.report.errors[0].message
    assert v.report.n_warnings == 0


def test_blank_opeq_template_is_valid_and_empty(templates):
    v = validate_file(templates["opeq"])
    assert v.kind == "opeq" and v.valid
    assert v.report.n_warnings == 0
    assert {t: len(f) for t, f in v.parsed.tables.items()} == {s.table: 0 for s in OPEQ_SHEETS}


@pytest.mark.parametrize("kind", ["audit", "opeq"])
def test_example_row_is_valid_data_that_is_never_read(templates, tmp_path, kind):
    """The example (row 2, above the header) holds a readable row; copied below the header it is
    read, left where it is it never is."""
    book = openpyxl.load_workbook(templates[kind])
    for spec in KIND_SHEETS[kind]:
        sheet = book[spec.title]
        for c in range(1, len(spec.columns) + 1):
            sheet.cell(FIRST, c).value = sheet.cell(EXAMPLE, c).value
    moved = tmp_path / "moved.xlsx"
    book.save(moved)
    v = validate_file(moved)
    assert v.valid, [f.render() for f in v.report.errors]
    assert {t: len(f) for t, f in v.parsed.tables.items()} == {s.table: 1 for s in KIND_SHEETS[kind]}
    if kind == "audit":
        assert v.parsed.tables["companies"]["name"].tolist() == ["Coutellerie du Bassigny"]


# --- layout ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["audit", "opeq"])
def test_sheets_headers_and_frozen_panes(templates, kind):
    book = openpyxl.load_workbook(templates[kind])
    specs = KIND_SHEETS[kind]
    assert book.sheetnames == ["Instructions", *(s.title for s in specs), "Listes"]
    assert book["Listes"].sheet_state == "hidden"
    for spec in specs:
        sheet = book[spec.title]
        headers = [sheet.cell(HEADER, c).value for c in range(1, len(spec.columns) + 1)]
        assert headers == [col.header for col in spec.columns]
        assert all(sheet.cell(HEADER, c).font.b for c in range(1, len(spec.columns) + 1))
        assert sheet.freeze_panes == f"A{FIRST}"
        first_example = next(c for c, col in enumerate(spec.columns, 1) if col.example not in (None, ""))
        assert sheet.cell(EXAMPLE, first_example).font.i  # the example is in italics
        assert sheet.cell(EXAMPLE, 1).comment is not None or spec.columns[0].example in (None, "")
        assert sheet.cell(FIRST, 1).value is None  # nothing to delete before typing
        assert all(sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width
                   for c in range(1, len(spec.columns) + 1))


def test_instructions_explain_sheets_codes_and_personal_data(templates):
    text = "\n".join(str(v) for row in openpyxl.load_workbook(templates["audit"])["Instructions"]
                     .iter_rows(values_only=True) for v in row if v)
    for spec in AUDIT_SHEETS:
        assert f"Feuille « {spec.title} »" in text
    assert "Une ligne = Métier (ROME) × Tranche d'âge × Sexe × Contrat" in text
    for needle in ("NIR", "e-mail", "téléphone", "SIRET", "NAF", "ROME", "code postal", "*",
                   "H2913\nSoudage manuel"):
        assert needle in text, needle


# --- drop-downs and text formats -----------------------------------------------------------------
@pytest.mark.parametrize("kind", ["audit", "opeq"])
def test_every_column_with_choices_has_its_drop_down(templates, kind):
    book = openpyxl.load_workbook(templates[kind])
    checked = 0
    for spec in KIND_SHEETS[kind]:
        sheet = book[spec.title]
        for c, col in enumerate(spec.columns, 1):
            dv = _validation_of(sheet, openpyxl.utils.get_column_letter(c))
            if col.choices:
                assert dv is not None and dv.type == "list", (spec.key, col.name)
                assert _list_values(book, dv.formula1) == list(col.choices)
                assert str(dv.sqref).endswith(":" + openpyxl.utils.get_column_letter(c) + str(FIRST + 1999))
                # several reasons are typed "penurie;mobilite": the list suggests, never refuses
                assert (dv.errorStyle or "stop") == ("information" if col.name == "reasons" else "stop")
                checked += 1
            if col.name == "occupation":
                assert dv.type == "list" and dv.errorStyle == "warning"
                codes = _list_values(book, dv.formula1)
                assert "H2913" in codes and len(codes) > 500
    assert checked == sum(bool(col.choices) for s in KIND_SHEETS[kind] for col in s.columns)


@pytest.mark.parametrize("kind", ["audit", "opeq"])
def test_code_columns_are_formatted_as_text(templates, kind):
    book = openpyxl.load_workbook(templates[kind])
    seen = set()
    for spec in KIND_SHEETS[kind]:
        sheet = book[spec.title]
        for c, col in enumerate(spec.columns, 1):
            fmt = sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].number_format
            assert (fmt == "@") == (col.name in TEXT_COLUMNS), (spec.key, col.name, fmt)
            if fmt == "@":
                seen.add(col.name)
    assert {"siret", "commune", "naf", "occupation"} <= seen if kind == "audit" else \
        {"territory", "naf", "occupation"} <= seen


# --- a filled template ----------------------------------------------------------------------------
SIRET = "52121436100029"  # SIREN 521214361 + NIC 0002, Luhn-valid, fictional

AUDIT_ROW = {
    "Entreprise": [SIRET, "Fonderie de Test", "24.51Z", 17, "52093", "PME", "non"],
    "Effectifs": [None, "H2913", "55-59 ans", "F", "CDD", 3],
    "Départs": [None, "H2903", "3-5 ans", 2, 1, "Réglage des tours"],
    "Recrutements": [None, "J1501", "1-3 ans", 4, "CDI", "oui", "oui", "penurie;logement", 7],
    "Compétences": [None, "Soudage TIG", "", "H2913", 2, 1, "oui", "non"],
    "Diagnostic": [None, "logement", 1, "Pas de studios"],
    "Coopération": [None, "pret de main d oeuvre", "besoin", "N4101", "", 2, "juin-août", "Saison"],
}


def test_filled_audit_template_is_ingested_with_the_values_typed(templates, tmp_path, store):
    book = openpyxl.load_workbook(templates["audit"])
    for title, values in AUDIT_ROW.items():
        for c, value in enumerate(values, 1):
            book[title].cell(FIRST, c).value = value
    filled = tmp_path / "audit-fonderie.xlsx"
    book.save(filled)
    outcomes = ingest_files(store, [filled], period="2026-T4")
    assert [o.status for o in outcomes] == ["stored"]
    assert outcomes[0].rows == {"companies": 1, "workforce": 1, "departures": 1, "hires": 1,
                                "missing_skills": 1, "assessments": 1, "cooperation": 1}
    company = store.read("companies").iloc[0]
    assert (company.siret, company["name"], company.naf, company.headcount, company.commune,
            company.company_type, company.club_member) == (SIRET, "Fonderie de Test", "24.51Z", 17, "52093",
                                                            "PME", 0)
    w = store.read("workforce").iloc[0]
    assert (w.siret, w.occupation, w.age_band, w.age_min, w.age_max, w.sex, w.contract, w.headcount) == \
        (SIRET, "H2913", "55-59", 55, 59, "F", "CDD", 3)
    d = store.read("departures").iloc[0]
    assert (d.occupation, d.horizon, d.retirements, d.other_departures, d.knowhow_at_risk) == \
        ("H2903", "3-5ans", 2, 1, "Réglage des tours")
    h = store.read("hires").iloc[0]
    assert (h.occupation, h.horizon, h.positions, h.contract, h.cadre, h.difficult, h.reasons,
            h.months_to_fill) == ("J1501", "1-3ans", 4, "CDI", 1, 1, "penurie;logement", 7)
    m = store.read("missing_skills").iloc[0]
    assert (m.skill, m.occupation, m.people, m.criticality, m.trainable_inhouse, m.single_holder) == \
        ("Soudage TIG", "H2913", 2, 1, 1, 0)
    a = store.read("assessments").iloc[0]
    assert (a.theme, a.score, a.comment) == ("logement", 1, "Pas de studios")
    k = store.read("cooperation").iloc[0]
    assert (k.cooperation_type, k.direction, k.occupation, k.people, k.period_note) == \
        ("pret de main d oeuvre", "besoin", "N4101", 2, "juin-août")


def test_filled_opeq_template_is_ingested_with_the_values_typed(templates, tmp_path, store):
    book = openpyxl.load_workbook(templates["opeq"])
    for c, value in enumerate(["epci:200072999", "EPCI", 2021, "F", "75 ans ou plus", "1 461"], 1):
        book["Population"].cell(FIRST, c).value = value
    for c, value in enumerate(["be:4419", "", "2021", "H3302", "ABC", "", 185], 1):
        book["Demandeurs d'emploi"].cell(FIRST, c).value = value
    filled = tmp_path / "opeq.xlsx"
    book.save(filled)
    ingest_files(store, [filled], period="2026-T4")
    p = store.read("population")
    assert p[["territory", "year", "sex", "age_band", "people"]].values.tolist() == \
        [["epci:200072999", 2021, "F", "75+", 1461.0]]
    j = store.read("jobseekers")
    assert j[["territory", "period", "occupation", "category", "people"]].values.tolist() == \
        [["be:4419", "2021", "H3302", "ABC", 185.0]]
    assert store.read("employment").empty


def test_cli_writes_the_template_and_refuses_an_unknown_kind(gtec, tmp_path):
    out = tmp_path / "m.xlsx"
    r = gtec("template", "audit", "--out", str(out))
    assert r.exit_code == 0 and out.is_file()
    assert openpyxl.load_workbook(out).sheetnames[0] == "Instructions"
    r = gtec("template", "bmo", "--out", str(tmp_path / "x.xlsx"))
    assert r.exit_code == 2 and not (tmp_path / "x.xlsx").exists()
