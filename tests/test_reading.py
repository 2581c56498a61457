"""Reading human-formatted sheets: where the header is, which rows are data, what each cell
becomes, and the scan that protects calamine from hostile sheet XML."""

from __future__ import annotations

import importlib.util
import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import CORPUS
from gtec_cli.errors import Report, UnreadableFile, col_letter
from gtec_cli.ingest import safety
from gtec_cli.ingest.specs import AUDIT_SHEETS, OPEQ_SHEETS
from gtec_cli.ingest.tables import read_table
from gtec_cli.ingest.workbook import Sheet, Workbook

SPECS = {s.key: s for s in (*OPEQ_SHEETS, *AUDIT_SHEETS)}


def corpus_module():
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MC = corpus_module()


def read(rows, spec="population", merged=(), bad_cells=None):
    """Read an in-memory sheet; rows are padded to a rectangle, as calamine returns them."""
    width = max(len(r) for r in rows)
    grid = [list(r) + [""] * (width - len(r)) for r in rows]
    sheet = Sheet(name="Feuille", rows=grid, merged=list(merged), bad_cells=bad_cells or {})
    report = Report(file="f.xlsx")
    return read_table(sheet, SPECS[spec], report), report


def codes(report):
    return {(f.code, f.cell) for f in report.findings if f.severity == "error"}


# --- the header --------------------------------------------------------------------------------
def test_header_below_title_rows_and_notes_below():
    rows = [["Population par âge et sexe"], ["Arrondissement de Langres, 2021"], [],
            ["Territoire", "Année", "Sexe", "Tranche d'âge", "Population"],
            ["arr:522", 2021, "H", "0-14 ans", 5100],
            ["arr:522", 2021, "F", "0-14 ans", 4900],
            [],
            ["Source : Insee, recensement de la population 2021."],
            ["Lecture : en 2021, 5 100 garçons de moins de 15 ans vivaient dans l'arrondissement."],
            ["Champ : population des ménages"]]
    result, report = read(rows)
    assert report.valid, report.findings
    assert result.header_row == 3
    assert result.frame["row"].tolist() == [5, 6]  # spreadsheet rows, for tracing
    assert result.frame["people"].tolist() == [5100.0, 4900.0]
    assert result.notes_skipped == 3


@pytest.mark.parametrize("header", [
    ["TERRITOIRE", "ANNEE", "SEXE", "TRANCHE D'AGE", "POPULATION"],
    ["  territoire ", "Année ", "sexe", "Tranche  d’âge", "Population "],
    ["Code géographique", "Millésime", "Genre", "Classe d'âge", "Habitants"],
    ["Territoire", "Annee", "Sexe", "Tranches d'âge", "Nombre"],
])
def test_header_variants(header):
    result, report = read([header, ["dep:52", 2021, "F", "15-29 ans", 12000]])
    assert report.valid, report.findings
    assert result.frame[["territory", "age_band", "people"]].values.tolist() == [["dep:52", "15-29", 12000.0]]


def test_header_merged_vertically_and_group_label():
    # Territoire spans rows 3-4 (A3:A4); « Nombre » is a group label over two columns, whose
    # second row says « d'établissements » and « de salariés »: the first is the count column.
    rows = [["Établissements par taille"], [],
            ["Territoire", "Année", "Secteur", "Taille", "Nombre", ""],
            ["", "", "", "", "d'établissements", "de salariés"],
            ["arr:522", 2022, "25.71Z", "10 à 49", 6, 180]]
    merged = [((2, 0), (3, 0)), ((2, 1), (3, 1)), ((2, 2), (3, 2)), ((2, 3), (3, 3)), ((2, 4), (2, 5))]
    result, report = read(rows, "etablissements", merged=merged)
    assert report.valid, report.findings
    assert result.header_row == 3
    assert result.frame[["territory", "naf", "size_class", "establishments"]].values.tolist() == [
        ["arr:522", "25.71Z", "10-49", 6.0]]


def test_header_not_found():
    result, report = read([["rien"], ["à voir"], [1, 2, 3]])
    assert result is None
    (finding,) = report.errors
    assert finding.code == "missing-header" and "« Territoire »" in finding.fix


def test_a_long_cell_is_never_a_header():
    result, report = read([["Territoire " * 40], ["Territoire", "Année", "Sexe", "Tranche d'âge",
                                                   "Population"], ["fr", 2021, "H", "60+", 1]])
    assert report.valid and result.header_row == 1


def test_missing_and_duplicated_columns_are_located():
    result, report = read([["titre"], ["Territoire", "Année", "Sexe", "Tranche d'âge"],
                           ["fr", 2021, "H", "60+"]])
    assert result is None and codes(report) == {("missing-column", "A2")}
    result, report = read([["Territoire", "Année", "Population", "Tranche d'âge", "Population"],
                           ["fr", 2021, 1, "60+", 2]])
    assert result is None and codes(report) == {("duplicate-header", "E1")}


def test_unknown_columns_are_ignored_with_a_warning():
    result, report = read([["Territoire", "Année", "Tranche d'âge", "Population", "Libellé", "Remarque"],
                           ["fr", 2021, "60+", 1, "France", ""]])
    assert report.valid
    (warning,) = report.warnings
    assert warning.code == "ignored-column" and "Libellé, Remarque" in warning.message


# --- which rows are data ------------------------------------------------------------------------
def test_blank_lines_in_the_middle_and_totals_rows():
    rows = [["Territoire", "Année", "Sexe", "Tranche d'âge", "Population"],
            ["arr:522", 2021, "H", "0-14 ans", 10],
            [],
            ["arr:522", 2021, "H", "15-29 ans", 20],
            ["", "", "", "", ""],
            ["arr:522", 2021, "H", "Ensemble", 30],     # a totals row (age band column)
            ["Total", "", "", "", 30],                  # another one (territory column)
            ["arr:522", 2021, "Ensemble", "0-14 ans", 10]]  # « Ensemble » in sex is data (T)
    result, report = read(rows)
    assert report.valid, report.findings
    assert result.frame["row"].tolist() == [2, 4, 8]
    assert result.frame["sex"].tolist() == ["H", "H", "T"]
    assert result.totals_skipped == 2
    assert report.counts["totals-row-skipped"] == 2


def test_a_training_title_starting_with_tous_is_data():
    rows = [["Territoire", "Année", "Formation", "Sortants"],
            ["arr:522", 2022, "Tous publics : CAP cuisine", 12],
            ["arr:522", 2022, "Total", 12]]
    result, report = read(rows, "formation")
    assert report.valid
    assert result.frame["title"].tolist() == ["Tous publics : CAP cuisine"]


def test_masked_cells_are_missing_never_zero():
    rows = [["Territoire", "Année", "Sexe", "Tranche d'âge", "Population"],
            ["arr:522", 2021, "H", "0-14 ans", "*"], ["arr:522", 2021, "F", "0-14 ans", "s"],
            ["arr:522", 2021, "H", "15-29 ans", "12,5"]]
    result, report = read(rows)
    assert report.valid
    people = result.frame["people"].tolist()
    assert people[2] == 12.5 and all(p != p for p in people[:2])  # NaN: missing
    assert result.masked == {"people": 2}
    assert report.counts["masked-cell"] == 2


def test_codes_that_lost_leading_zeros_with_a_mesh_column():
    rows = [["Maille", "Territoire", "Année", "Sexe", "Tranche d'âge", "Population"],
            ["département", 1, 2021, "H", "0014", 100],
            ["Département", "52", 2021, "H", "0014", 200],
            ["bassin BMO", 203, 2021, "H", "0014", 300],
            ["commune", 1001, 2021, "H", "0014", 400]]
    result, report = read(rows)
    assert report.valid, report.findings
    assert result.frame["territory"].tolist() == ["dep:01", "dep:52", "be:0203", "com:01001"]
    assert "_mesh" in result.frame.columns  # a helper column, not stored


# --- what is wrong, cell by cell ------------------------------------------------------------------
def test_every_problem_at_its_cell():
    rows = [["Territoire", "Année", "Sexe", "Tranche d'âge", "Population"],
            ["arr:522", 2021, "H", "0-14 ans", -1],
            ["arr:522", "", "H", "15-29 ans", 5],
            ["52", 2021, "X", "jeunes", "beaucoup"],
            ["arr:522", 2021, "H", "0-14 ans", 7],
            ["arr:522", 2021, "F", "30-44 ans", ""]]
    result, report = read(rows, bad_cells={(5, 4): "#DIV/0!"})
    assert codes(report) == {
        ("negative-count", "E2"), ("missing-value", "B3"), ("ambiguous-territory", "A4"),
        ("invalid-sex", "C4"), ("unknown-age-band", "D4"), ("type-error", "E4"),
        ("duplicate-row", "A5"), ("excel-error", "E6")}
    dup = next(f for f in report.errors if f.code == "duplicate-row")
    assert "ligne 2" in dup.message


def test_a_row_of_error_cells_is_not_skipped_as_blank():
    rows = [["Territoire", "Année", "Tranche d'âge", "Population"], ["fr", 2021, "60+", 1],
            ["", "", "", ""]]
    result, report = read(rows, bad_cells={(2, 0): "#REF!", (2, 1): "#REF!", (2, 2): "#REF!",
                                           (2, 3): "formula-no-value"})
    assert {c for c, _ in codes(report)} == {"excel-error", "formula-without-value"}
    assert ("formula-without-value", "D3") in codes(report)


def test_values_are_cached_per_distinct_raw_value_but_located_per_cell():
    body = [["arr:522", 2021, "H", f"{a}-{a + 4} ans", "x" if a % 10 else 1] for a in range(0, 100, 5)]
    result, report = read([["Territoire", "Année", "Sexe", "Tranche d'âge", "Population"], *body])
    assert sorted(f.cell for f in report.errors) == sorted(f"E{i + 2}" for i, r in enumerate(body)
                                                           if r[4] == "x")


def test_yes_no_cells_are_not_confused_with_numbers():
    # True == 1.0 for Python sets: a boolean cell must not take the parse of the number 1.
    rows = [["Compétence manquante", "Personnes concernées", "Criticité (1-3)", "Un seul détenteur"],
            ["Soudage TIG", 1.0, 1, True], ["Affûtage", True, 2, 1.0]]
    result, report = read(rows, "competences")
    assert [f.cell for f in report.errors] == ["B3"]  # a yes/no where a count is expected
    assert result.frame["single_holder"].tolist() == [1, 1]


# --- personal identifiers -------------------------------------------------------------------------
def test_personal_headers_refused_but_a_declared_header_accepted():
    rows = [["SIRET", "Nom de l'entreprise", "Code NAF", "Effectif", "Commune", "Type", "Nom du contact"],
            [MC.SIRET_A, "Coutellerie du Bassigny", "25.71Z", 42, "52269", "PME", "Martine Dupont"]]
    result, report = read(rows, "entreprise")
    assert result is None
    (finding,) = report.errors
    assert (finding.code, finding.cell, finding.column) == ("personal-identifier", "G1", "Nom du contact")
    assert "Dupont" not in repr(report.to_dict())


def test_emails_in_a_free_text_column_are_refused():
    rows = [["Thème", "Note", "Commentaire"], ["recrutement", 1, "voir martine.dupont@example.org"],
            ["formation", 2, "c.roussel@example.fr"], ["management", 2, "p.garnier@example.fr"]]
    result, report = read(rows, "diagnostic")
    assert result is None
    assert codes(report) == {("personal-identifier", "C1")}
    assert "@" not in repr(report.to_dict())


# --- through real workbooks -------------------------------------------------------------------------
def test_merged_header_read_from_a_workbook(tmp_path):
    rows = [["Établissements"], [],
            ["Territoire", "Année", "Secteur", "Taille", "Nombre", None],
            [None, None, None, None, "d'établissements", "de salariés"],
            ["arr:522", 2022, "2571Z", "50 à 249", 3, 410]]
    xml = MC.sheet_xml(rows, merged=("A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:F3"))
    path = tmp_path / "etab.xlsx"
    path.write_bytes(MC.xlsx([("Établissements", xml)]))
    with Workbook(path) as book:
        sheet = book.sheet("Établissements")
    report = Report(file=path.name)
    result = read_table(sheet, SPECS["etablissements"], report)
    assert report.valid, report.findings
    assert result.frame[["naf", "size_class", "establishments"]].values.tolist() == [["25.71Z", "50-249", 3.0]]


def test_workbook_sheet_names_without_loading_calamine():
    book = Workbook(CORPUS / "valid-audit.xlsx")
    assert book.sheet_names == ["Entreprise", "Effectifs", "Recrutements", "Diagnostic"]
    assert book._book is None  # detection does not parse shared strings
    book.close()


# --- the scan before calamine ---------------------------------------------------------------------
def scan(tmp_path, xml: str):
    path = tmp_path / "s.xlsx"
    path.write_bytes(MC.xlsx([("S", xml)]))
    with zipfile.ZipFile(path) as zf:
        return safety.scan_sheet(path, zf, "xl/worksheets/sheet1.xml", "S")


def test_scan_finds_error_cells_and_formulas_without_value(tmp_path):
    rows = [["a", MC.Err("#N/A"), MC.Formula("A1*2", cached=4), MC.Formula("B1+1")],
            [1, 2, 3, MC.Err("#REF!")]]
    result = scan(tmp_path, MC.sheet_xml(rows))
    assert not result.exact
    assert result.bad_cells == {(0, 1): "#N/A", (0, 3): "formula-no-value", (1, 3): "#REF!"}


def test_scan_places_cells_without_references(tmp_path):
    xml = MC.sheet_xml([["a", "b"]]).replace(
        "</sheetData>", '<row r="5"><c><v>1</v></c><c t="e"><v>#N/A</v></c><c><f>1/0</f></c></row>'
                        "</sheetData>")
    result = scan(tmp_path, xml)
    assert result.exact  # odd cells: the exact path follows them as calamine would
    assert result.bad_cells == {(4, 1): "#N/A", (4, 2): "formula-no-value"}


@pytest.mark.parametrize("tail, where", [
    ('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', "XFD1048576"),
    ('<row r="900000"><c r="ZZ900000"><v>1</v></c></row>', "ZZ900000"),
    ('<row r="3">' + "<c><v>1</v></c>" * 3000 + '</row><row r="900000"><c><v>1</v></c></row>',
     f"{col_letter(2999)}900000"),
    ('<row r="2"><x:c r="AAA500000" xmlns:x="urn:x"><x:v>1</x:v></x:c></row>', "AAA500000"),
])
def test_scan_refuses_cells_far_away(tmp_path, tail, where):
    xml = MC.sheet_xml([["a", "b"], [1, 2]], dimension="A1:B2").replace("</sheetData>", tail + "</sheetData>")
    with pytest.raises(UnreadableFile) as info:
        scan(tmp_path, xml)
    assert info.value.finding.code == "huge-dimension"
    assert where in info.value.finding.message and info.value.finding.sheet == "S"


def test_scan_accepts_far_cells_without_value(tmp_path):
    """Excel writes formatted empty cells `<c r="Z99999" s="3"/>`; calamine does not place them."""
    xml = MC.sheet_xml([["a"]], dimension="A1").replace(
        "</sheetData>", '<row r="1000000"><c r="XFD1000000" s="3"/></row></sheetData>')
    assert scan(tmp_path, xml).bad_cells == {}


def test_scan_of_a_wide_sheet_within_its_dimension(tmp_path):
    rows = [[f"c{i}" for i in range(60)], list(range(60))]
    result = scan(tmp_path, MC.sheet_xml(rows))  # A1:BH2 declared: plain cells up to BH
    assert not result.exact and result.bad_cells == {}


@given(st.integers(1, 2_000_000))
def test_number_bound_regex(n):
    pattern = re.compile(safety._le_number(n) + "$")
    for value in {1, n - 1, n, n + 1, n * 10, max(1, n // 10), 999_999, 1_000_000}:
        if value >= 1:
            assert bool(pattern.match(str(value))) == (value <= n), (n, value)
    assert not pattern.match("0")


@given(st.integers(0, 16383))
def test_letters_bound_regex(index):
    bound = col_letter(index)
    pattern = re.compile(safety._le_letters(bound) + "$")
    for other in {0, 25, 26, 701, 702, 16383, max(0, index - 1), index, min(16383, index + 1)}:
        assert bool(pattern.match(col_letter(other))) == (other <= index), (bound, other)


def test_label_columns_starting_with_nom_are_not_personal_data():
    """Regression: « Nom métier » and « NOM_REG » label columns were refused as people's names."""
    from gtec_cli.ingest.tables import personal_header
    from gtec_cli.ingest.values import norm_text

    for header in ("Nom métier BMO", "NOM_REG", "Nom de l'entreprise", "Nom du territoire"):
        assert not personal_header(norm_text(header)), header
    for header in ("Nom", "NOMS", "Nom prénom", "Nom du salarié", "Prénom", "E-mail", "NIR"):
        assert personal_header(norm_text(header)), header
