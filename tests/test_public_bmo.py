"""Kind `bmo`: the four BMO open-data layouts (hand-made fixtures, see make_bmo_fixtures.py).

Expected figures are written out by hand from the fixture tables, never computed by gtec's code.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from gtec_cli.errors import InvalidInput
from gtec_cli.ingest.pipeline import ingest_files, validate_file
from gtec_cli.ingest.public.bmo import summarise

BMO = Path(__file__).resolve().parent / "fixtures" / "bmo"
LAYOUTS = {  # file -> (year, zoning, occupation system, data rows)
    "bmo_2019.xlsx": (2019, "BE19", "fap2009", 10),
    "bmo_2023.xlsx": (2023, "BE23", "fap2009", 10),
    "bmo_2025.xlsx": (2025, "BE25", "fap2021", 11),
    "bmo_2026.xlsx": (2026, "BE26", "fap2021", 11),
}


def _stored(store, name: str):
    ingest_files(store, [BMO / name], period="2026")
    return store.read("bmo")


def _stars(name: str) -> int:
    """`*` cells of the data sheet, counted with openpyxl (not with gtec's reader)."""
    book = openpyxl.load_workbook(BMO / name, read_only=True)
    sheet = next(s for s in book.worksheets if s.title.endswith("open_data"))
    return sum(v == "*" for row in sheet.iter_rows(values_only=True) for v in row)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_layout_is_detected_and_read(store, name):
    year, zoning, system, rows = LAYOUTS[name]
    validation = validate_file(BMO / name)
    assert validation.kind == "bmo"
    assert validation.valid, [f.render() for f in validation.report.errors]
    frame = _stored(store, name)
    assert len(frame) == rows
    assert set(frame["year"]) == {year}
    assert set(frame["zoning"]) == {zoning}
    assert set(frame["occupation_system"]) == {system}
    drop = store.drops(kind="bmo")[0]
    assert drop.metadata["vintage"] == zoning
    assert drop.metadata["years"] == [year]
    # Every `*` of the file is one NULL with its flag, and is counted.
    assert drop.metadata["masked_cells"] == _stars(name)
    flags = frame[["projects_masked", "difficult_masked", "seasonal_masked"]].to_numpy().sum()
    assert flags == _stars(name)
    assert validation.report.counts["masked-cell"] == _stars(name)
    for col in ("projects", "difficult", "seasonal"):
        assert frame.loc[frame[f"{col}_masked"] == 1, col].isna().all()
        assert frame.loc[frame[f"{col}_masked"] == 0, col].notna().all()


def test_2019_layout_figures_by_hand(store):
    f = _stored(store, "bmo_2019.xlsx")
    langres = f[f["territory"] == "be:4419"]
    assert set(langres["dep"]) == {"52"} and set(langres["reg"]) == {"44"}
    assert set(langres["area_name"]) == {"LANGRES"}
    cooks = langres[langres["occupation"] == "S1Z40"].iloc[0]
    assert (cooks["projects"], cooks["difficult"], cooks["seasonal"]) == (35, 24, 19)
    assert cooks["occupation_label"] == "Cuisiniers" and cooks["family"] == "V"
    assert cooks["family_label"] == "Fonctions liées à la vente, au tourisme et aux services"
    boilers = langres[langres["occupation"] == "D2Z40"].iloc[0]  # met, xmet, smet all `*`
    assert boilers[["projects_masked", "difficult_masked", "seasonal_masked"]].tolist() == [1, 1, 1]
    s = summarise(f).set_index("territory")
    # 4419: met 62 + 35 + 41 + 18 (D2Z40 masked); xmet on the same four rows 21 + 24 + 12 + 15.
    assert s.loc["be:4419", "projects"] == 62 + 35 + 41 + 18
    assert s.loc["be:4419", "difficult_share"] == pytest.approx(100 * (21 + 24 + 12 + 15) / (62 + 35 + 41 + 18))
    # smet published on A0Z40 (48 of 62) and S1Z40 (19 of 35) only.
    assert s.loc["be:4419", "seasonal_share"] == pytest.approx(100 * (48 + 19) / (62 + 35))
    assert s.loc["be:4419", "masked_rows"] == 3


def test_2023_layout_figures_by_hand(store):
    s = summarise(_stored(store, "bmo_2023.xlsx")).set_index("territory")
    # A0Z40 became 66 / 27 / 51 in 2023.
    assert s.loc["be:4419", "projects"] == 66 + 35 + 41 + 18
    assert s.loc["be:4419", "difficult_share"] == pytest.approx(100 * (27 + 24 + 12 + 15) / (66 + 35 + 41 + 18))


def test_2025_layout_figures_by_hand(store):
    f = _stored(store, "bmo_2025.xlsx")
    s = summarise(f).set_index("territory")
    # met 58, 31, 44, *, 21 ; xmet 25, 22, *, *, 17 ; smet 40, 14, 7, *, *.
    assert s.loc["be:4419", "projects"] == 58 + 31 + 44 + 21
    assert s.loc["be:4419", "difficult_base"] == 58 + 31 + 21
    assert s.loc["be:4419", "difficult_share"] == pytest.approx(100 * (25 + 22 + 17) / (58 + 31 + 21))
    assert s.loc["be:4419", "seasonal_share"] == pytest.approx(100 * (40 + 14 + 7) / (58 + 31 + 44))
    # Guadeloupe's area was written as the number 101: it keeps its leading zero.
    guadeloupe = f[f["territory"] == "be:0101"].iloc[0]
    assert (guadeloupe["dep"], guadeloupe["reg"], guadeloupe["occupation"]) == ("971", "01", "M1X80")


def test_2026_layout_keeps_clpe(store):
    f = _stored(store, "bmo_2026.xlsx")
    assert set(f.loc[f["territory"] == "be:4419", "clpe"]) == {"CLPE Langres"}
    s = summarise(f).set_index("territory")
    # S1X40 became 36 / 30 / 12 in 2026.
    assert s.loc["be:4419", "projects"] == 58 + 36 + 44 + 21
    assert s.loc["be:4419", "difficult_share"] == pytest.approx(100 * (25 + 30 + 17) / (58 + 36 + 21))


def test_area_spanning_two_departements_is_stored_per_departement_and_summed(store):
    f = _stored(store, "bmo_2019.xlsx")
    selestat = f[f["territory"] == "be:4444"]
    assert sorted(selestat["dep"]) == ["67", "67", "68", "68"]
    cooks = selestat[selestat["occupation"] == "S1Z40"].set_index("dep")
    assert cooks.loc["67", "projects"] == 84 and cooks.loc["68", "projects"] == 13
    s = summarise(f).set_index("territory")
    # met: 84 (67) + 13 (68) for cooks, 210 (67) + * (68) for market gardeners.
    assert s.loc["be:4444", "projects"] == 84 + 13 + 210
    # xmet is masked on the cooks' 68 row: that row leaves numerator and denominator.
    assert s.loc["be:4444", "difficult_share"] == pytest.approx(100 * (52 + 95) / (84 + 210))
    assert s.loc["be:4444", "rows"] == 4
    by_occupation = summarise(f, by=("territory", "occupation")).set_index(["territory", "occupation"])
    assert by_occupation.loc[("be:4444", "S1Z40"), "projects"] == 84 + 13
    drop = store.drops(kind="bmo")[0]
    assert drop.metadata["areas_split_by_departement"] == ["be:4444"]


def _copy_rows(name: str) -> list[list]:
    book = openpyxl.load_workbook(BMO / name, read_only=True)
    sheet = next(s for s in book.worksheets if s.title.endswith("open_data"))
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _write(path: Path, rows: list[list], sheet: str = "BMO_2019_open_data") -> Path:
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_kind_forces_a_workbook_detection_cannot_recognise(tmp_path):
    path = _write(tmp_path / "extraction.xlsx", _copy_rows("bmo_2019.xlsx"), sheet="Feuil1")
    assert validate_file(path).kind is None
    assert not validate_file(path).valid
    forced = validate_file(path, kind="bmo")
    assert forced.valid, [f.render() for f in forced.report.errors]
    assert len(forced.parsed.tables["bmo"]) == 10


def test_bad_cell_is_located_and_nothing_is_stored(tmp_path, store):
    rows = _copy_rows("bmo_2019.xlsx")
    rows[2][11] = "beaucoup"  # met of the second data row (spreadsheet row 3, column L)
    path = _write(tmp_path / "bmo_bad.xlsx", rows)
    validation = validate_file(path)
    errors = validation.report.errors
    assert [(e.code, e.sheet, e.cell) for e in errors] == [("type-error", "BMO_2019_open_data", "L3")]
    with pytest.raises(InvalidInput):
        ingest_files(store, [path], period="2026")
    assert store.drops() == []


def test_duplicate_row_would_double_count(tmp_path):
    rows = _copy_rows("bmo_2019.xlsx")
    path = _write(tmp_path / "bmo_dup.xlsx", rows + [rows[1]])
    assert "duplicate-row" in validation_codes(path)


def test_missing_measure_column_is_refused(tmp_path):
    rows = [row[:-1] for row in _copy_rows("bmo_2019.xlsx")]  # no smet
    path = _write(tmp_path / "bmo_nosmet.xlsx", rows)
    assert "missing-column" in validation_codes(path)


def validation_codes(path: Path) -> set[str]:
    return {f.code for f in validate_file(path).report.errors}
