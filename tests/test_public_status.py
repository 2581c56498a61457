"""`gtec ingest` and `gtec status` on public files: per source, vintage and coverage, quirks counted."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "data" / "reference"
BMO = ROOT / "tests" / "fixtures" / "bmo"
INSEE = ROOT / "tests" / "fixtures" / "insee"


def _stars(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True)
    return sum(v == "*" for s in book.worksheets if s.title.endswith("open_data")
               for row in s.iter_rows(values_only=True) for v in row)


def test_status_shows_vintage_coverage_and_quirks(gtec, workspace):
    r = gtec("-w", workspace.root, "ingest", BMO / "bmo_2019.xlsx", BMO / "bmo_2025.xlsx",
             REF / "dares" / "tensions.csv", INSEE / "grand_langres_long.csv")
    assert r.exit_code == 0, r.stderr
    r = gtec("-w", workspace.root, "--json", "status")
    assert r.exit_code == 0, r.stderr
    sources = {s["kind"]: s for s in r.json()["sources"]}
    bmo = sources["bmo"]["coverage_detail"]
    assert bmo["vintages"] == ["BE19", "BE25"] and bmo["years"] == [2019, 2025]
    assert bmo["masked_cells"] == _stars(BMO / "bmo_2019.xlsx") + _stars(BMO / "bmo_2025.xlsx")
    assert bmo["territories"] == 4  # be:0101, be:4418, be:4419, be:4444
    assert sources["bmo"]["vintages"] == ["BE19", "BE25"]
    with open(REF / "dares" / "tensions.csv", encoding="utf-8", newline="") as fh:
        lines = list(csv.DictReader(fh))
    dares = sources["dares-tension"]["coverage_detail"]
    assert dares["rows_without_class"] == sum(1 for x in lines if not x["Catégorie Tension"])
    assert dares["occupations"] == len({x["fap"] for x in lines})
    # France, 18 régions (reg and `reg `), 101 départements.
    assert dares["territories"] == 1 + len({x["reg"] for x in lines if x["reg"]}) + len(
        {x["dep"] for x in lines if x["dep"]})
    census = sources["insee-census"]["coverage_detail"]
    assert census["years"] == [2010, 2015, 2021] and census["territories"] == 1
    # The human line (`gtec status`, wrapped in a table) is the JSON `coverage` text.
    assert sources["bmo"]["coverage"].startswith("millésime BE19, BE25 ; années 2019–2025")
    assert f"{dares['rows_without_class']:,} ligne(s) sans catégorie de tension".replace(
        ",", "\u202f") in sources["dares-tension"]["coverage"]
    r = gtec("-w", workspace.root, "status")
    assert r.exit_code == 0 and "BE19" in r.stderr


def test_kind_option_forces_a_public_kind(gtec, workspace, tmp_path):
    odd = tmp_path / "population.csv"
    odd.write_text("code;an;tranche d'age;sexe;effectif\n200072999;2021;75 ans ou plus;T;2366\n",
                   encoding="utf-8")
    r = gtec("-w", workspace.root, "ingest", odd)
    assert r.exit_code == 1
    r = gtec("-w", workspace.root, "--json", "ingest", "--kind", "insee-census", odd)
    assert r.exit_code == 0, r.stderr
    assert r.json()["files"][0]["kind"] == "insee-census"


def test_same_public_file_for_the_same_areas_needs_replace(gtec, workspace, tmp_path):
    copy = tmp_path / "bmo_2019_bis.xlsx"
    shutil.copy(BMO / "bmo_2019.xlsx", copy)
    assert gtec("-w", workspace.root, "ingest", BMO / "bmo_2019.xlsx").exit_code == 0
    # Same bytes: recognised as already stored.
    r = gtec("-w", workspace.root, "--json", "ingest", copy)
    assert r.json()["files"][0]["status"] == "duplicate"
