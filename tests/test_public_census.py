"""Kind `insee-census`: Insee census population by age, base and long layouts.

The Grand Langres fixtures hold the REAL published figures (PROVENANCE.md): they are written out
again below and compared with what the store holds. Band-family cases use small tables written in
the tests, whose sums are checked by hand.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from gtec_cli.ingest.pipeline import detect_kind, ingest_files, probe, validate_file

INSEE = Path(__file__).resolve().parent / "fixtures" / "insee"
BANDS = ("0-14", "15-29", "30-44", "45-59", "60-74", "75+")
#: Communauté d'agglomération du Grand Langres (EPCI 200072999), Insee POP T0, as published.
GRAND_LANGRES = {
    2021: {"0-14": 3333, "15-29": 2932, "30-44": 3490, "45-59": 4494, "60-74": 4135, "75+": 2366},
    2015: {"0-14": 3443, "15-29": 3209, "30-44": 3718, "45-59": 4715, "60-74": 3809, "75+": 2347},
    2010: {"0-14": 3820, "15-29": 3536, "30-44": 4192, "45-59": 4788, "60-74": 3390, "75+": 2231},
}
TOTALS = {2021: 20750, 2015: 21242, 2010: 21957}


def _store_file(store, path: Path, **options):
    ingest_files(store, [path], period="2026", options=options or None)
    return store.read("population")


@pytest.mark.parametrize("name, years", [
    ("grand_langres_2021.csv", [2021]), ("grand_langres_2015.xlsx", [2015]),
    ("grand_langres_2010.csv", [2010]), ("grand_langres_long.csv", [2021, 2015, 2010]),
])
def test_grand_langres_figures_as_published(store, name, years):
    assert validate_file(INSEE / name).kind == "insee-census"
    frame = _store_file(store, INSEE / name)
    assert set(frame["territory"]) == {"epci:200072999"}
    assert set(frame["sex"]) == {"T"}
    assert frame["age_family"].isna().all()
    for year in years:
        rows = frame[frame["year"] == year]
        assert dict(zip(rows["age_band"], rows["people"])) == GRAND_LANGRES[year]
    drop = store.drops(kind="insee-census")[0]
    assert drop.metadata["years"] == sorted(years)
    assert drop.metadata["vintage"] == ", ".join(f"RP{y}" for y in sorted(years))


def test_total_is_not_stored_next_to_its_bands(store):
    frame = _store_file(store, INSEE / "grand_langres_2021.csv")
    assert frame["age_band"].notna().all()
    assert frame["people"].sum() == TOTALS[2021]  # 3333 + 2932 + 3490 + 4494 + 4135 + 2366


def test_rounded_bands_one_off_the_total_are_not_a_quirk():
    # 2015: the published bands add up to 21 241, the published total is 21 242 (Insee rounds).
    assert sum(GRAND_LANGRES[2015].values()) == TOTALS[2015] - 1
    report = validate_file(INSEE / "grand_langres_2015.xlsx").report
    assert "inconsistent-total" not in report.counts


def test_open_band_75_plus(store):
    frame = _store_file(store, INSEE / "grand_langres_2010.csv")
    old = frame[frame["age_band"] == "75+"].iloc[0]
    assert old["age_min"] == 75 and (old["age_max"] is None or old["age_max"] != old["age_max"])


# --- band families -------------------------------------------------------------------------------
TWO_FAMILIES = (
    "CODGEO;LIBGEO;P21_POP;P21_POP0014;P21_POP1529;P21_POP3044;P21_POP4559;P21_POP6074;P21_POP7589;"
    "P21_POP90P;P21_POP0019;P21_POP2064;P21_POP65P;P21_POPH;P21_H0019;P21_H2064;P21_H65P;P21_POPF;"
    "P21_F0019;P21_F2064;P21_F65P\n"
    "52269;Langres;{total};1000;1200;1300;1500;1600;850;150;1350;3900;2350;3600;700;1950;950;4000;"
    "650;1950;1400\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_two_band_families_are_both_kept_and_never_summed_together(tmp_path, store):
    frame = _store_file(store, _write(tmp_path, "base.csv", TWO_FAMILIES.format(total=7600)))
    both = frame[frame["sex"] == "T"]
    main = both[both["age_family"].isna()]
    alternative = both[both["age_family"] == "alternative"]
    assert list(main["age_band"]) == ["0-14", "15-29", "30-44", "45-59", "60-74", "75-89", "90+"]
    assert list(alternative["age_band"]) == ["0-19", "20-64", "65+"]
    # Main bands add up to P21_POP: 1000 + 1200 + 1300 + 1500 + 1600 + 850 + 150 = 7600.
    assert main["people"].sum() == 7600
    # All rows together would count everyone twice.
    assert both["people"].sum() == 2 * 7600
    # The ageing index needs the other family: 100 × P(65+) / P(0-19) = 100 × 2350 / 1350.
    p65 = both.loc[both["age_band"] == "65+", "people"].item()
    p0019 = both.loc[both["age_band"] == "0-19", "people"].item()
    assert 100 * p65 / p0019 == pytest.approx(100 * 2350 / 1350)
    # Men and women come with the 0-19 / 20-64 / 65+ bands only: alone, they are the main family.
    for sex, total in (("H", 3600), ("F", 4000)):
        rows = frame[frame["sex"] == sex]
        assert rows["age_family"].isna().all() and rows["people"].sum() == total
    assert frame["territory"].eq("com:52269").all()


def test_total_that_disagrees_with_its_bands_is_a_counted_warning(tmp_path):
    path = _write(tmp_path, "base.csv", TWO_FAMILIES.format(total=7700))
    validation = validate_file(path)
    assert validation.valid
    assert validation.report.counts["inconsistent-total"] == 1


def test_total_alone_is_stored_without_age_band(tmp_path, store):
    path = _write(tmp_path, "totals.csv", "CODGEO;LIBGEO;P21_POP;P15_POP\n52269;Langres;7600;7900\n")
    frame = _store_file(store, path)
    assert sorted(zip(frame["year"], frame["people"])) == [(2015, 7900), (2021, 7600)]
    assert frame["age_band"].isna().all()


# --- meshes --------------------------------------------------------------------------------------
DEP_FILE = "CODGEO;LIBGEO;P21_POP;P21_POP0019;P21_POP2064;P21_POP65P\n52;Haute-Marne;100;20;50;30\n"


def test_two_character_codes_need_a_mesh(tmp_path):
    path = _write(tmp_path, "dep.csv", DEP_FILE)
    assert {e.code for e in validate_file(path).report.errors} == {"ambiguous-territory"}
    forced = validate_file(path, options={"mesh": "dep"})
    assert forced.valid
    assert set(forced.parsed.tables["population"]["territory"]) == {"dep:52"}


def test_mesh_from_a_nivgeo_column(tmp_path):
    path = _write(tmp_path, "dep.csv", "NIVGEO;" + DEP_FILE.replace("\n52;", "\nDEP;52;", 1))
    validation = validate_file(path)
    assert validation.valid, [e.render() for e in validation.report.errors]
    assert set(validation.parsed.tables["population"]["territory"]) == {"dep:52"}


def _insee_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(["Évolution et structure de la population"])
        sheet.append([])
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_sheet_name_gives_the_mesh_and_arrondissements_are_skipped(tmp_path, store):
    header = ["CODGEO", "LIBGEO", "P21_POP", "P21_POP0019", "P21_POP2064", "P21_POP65P"]
    path = _insee_workbook(tmp_path / "base.xlsx", {
        "DEP_2021": [header, ["52", "Haute-Marne", 100, 20, 50, 30], [],
                     ["Source : Insee, RP2021 exploitation principale"]],
        "ARM_2021": [header, ["75101", "Paris 1er", 10, 2, 5, 3]],
    })
    assert detect_kind(probe(path)) == "insee-census"
    frame = _store_file(store, path)
    assert set(frame["territory"]) == {"dep:52"}
    assert dict(zip(frame["age_band"], frame["people"])) == {"0-19": 20, "20-64": 50, "65+": 30}
    assert list(frame["row"]) == [4, 4, 4]  # two title rows, then the header on row 3
    assert store.drops()[0].metadata["findings"]["note-skipped"] == 1


def test_territory_twice_is_refused(tmp_path):
    text = DEP_FILE + "52;Haute-Marne;100;20;50;30\n"
    validation = validate_file(_write(tmp_path, "dep.csv", text), options={"mesh": "dep"})
    assert [(e.code, e.cell) for e in validation.report.errors] == [("duplicate-row", "A3")]


# --- long layout ---------------------------------------------------------------------------------
def test_long_layout_with_overlapping_bands_is_refused(tmp_path):
    text = ("territoire;annee;tranche d'age;sexe;population\n"
            "com:52269;2021;0-19 ans;Ensemble;1350\n"
            "com:52269;2021;0-14 ans;Ensemble;1000\n")
    validation = validate_file(_write(tmp_path, "long.csv", text))
    assert [e.code for e in validation.report.errors] == ["overlapping-age-bands"]


def test_kind_forces_a_long_file_with_unusual_headers(tmp_path):
    text = "code;an;tranche d'age;sexe;effectif\n200072999;2021;0-14 ans;F;1640\n"
    path = _write(tmp_path, "pop.csv", text)
    assert validate_file(path).kind is None
    forced = validate_file(path, kind="insee-census")
    assert forced.valid, [e.render() for e in forced.report.errors]
    row = forced.parsed.tables["population"].iloc[0]
    assert (row["territory"], row["year"], row["sex"], row["age_band"], row["people"]) == \
        ("epci:200072999", 2021, "F", "0-14", 1640)
