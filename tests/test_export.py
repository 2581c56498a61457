"""Exports: formula injection neutralised in CSV and Excel, numbers kept as numbers, French Excel CSV,
JSON nulls, Parquet, and `gtec extract`."""

from __future__ import annotations

import builtins
import csv
import io
import json
import zipfile

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gtec_cli import export
from gtec_cli.errors import UsageError
from gtec_cli.store import Store

HOSTILE = ["=1+1", "+33 6 12", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A2)", "\tx", "\rx",
           "=HYPERLINK(\"http://evil\")"]
FRAME = pd.DataFrame({
    "text": ["=1+1", "-12", "Coutellerie", "@SUM(A1)", None],
    "number": [-3.5, 12.0, float("nan"), 0.25, -1.0],
    "count": pd.array([-2, 0, 5, None, 7], dtype="Int64"),
    "flag": [True, False, True, False, True],
})


def test_neutralise_prefixes_formula_triggers_only():
    for text in HOSTILE:
        assert export.neutralise(text) == "'" + text
    for safe in ("Coutellerie", "H2913", " =not at start", "", "'=already"):
        assert export.neutralise(safe) == safe
    # Numbers are numbers, whatever their sign.
    assert export.neutralise(-3.5) == -3.5 and export.neutralise(-2) == -2


@given(st.text(max_size=30))
def test_no_exported_text_starts_with_a_trigger(text):
    out = export.neutralise(text)
    assert not out.startswith(export.FORMULA_TRIGGERS)
    assert out in (text, "'" + text)


def test_csv_default_keeps_negative_numbers_and_neutralises_text():
    text = export.csv_text(FRAME)
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["text", "number", "count", "flag"]
    assert rows[1] == ["'=1+1", "-3.5", "-2", "True"]
    assert rows[2][0] == "'-12"      # text that happens to look like a number is still text
    assert rows[4][0] == "'@SUM(A1)"
    assert rows[3][1] == ""          # missing
    assert rows[5][0] == ""


def test_csv_for_french_excel():
    text = export.csv_text(FRAME, excel_fr=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][:3] == ["'=1+1", "-3,5", "-2"]
    assert rows[4][1] == "0,25"


def test_csv_file_has_a_bom_only_for_excel(tmp_path):
    plain, fr = tmp_path / "a.csv", tmp_path / "b.csv"
    export.export(FRAME, "csv", plain)
    export.export(FRAME, "csv", fr, excel_fr=True)
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert fr.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Coutellerie" in fr.read_text(encoding="utf-8-sig")


def test_xlsx_text_is_text_never_a_formula(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "out.xlsx"
    export.export({"données": FRAME}, "xlsx", path)
    with zipfile.ZipFile(path) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere
    ws = load_workbook(path)["données"]
    cell = ws["A2"]
    assert cell.data_type == "s" and cell.value == "'=1+1"
    assert ws["A3"].value == "'-12" and ws["A3"].data_type == "s"
    # Real numbers, negative included, are numeric cells.
    assert ws["B2"].value == -3.5 and ws["B2"].data_type == "n"
    assert ws["C2"].value == -2
    assert ws["B4"].value is None  # missing stays empty
    assert ws["D2"].value is True


def test_xlsx_too_many_rows_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 3)
    with pytest.raises(UsageError, match="csv ou parquet"):
        export.export(FRAME, "xlsx", tmp_path / "x.xlsx")


def test_json_records_with_nulls():
    buffer = io.StringIO()
    export.export(FRAME, "json", stdout=buffer)
    rows = json.loads(buffer.getvalue())
    assert rows[0] == {"text": "=1+1", "number": -3.5, "count": -2, "flag": True}
    assert rows[2]["number"] is None and rows[3]["count"] is None


def test_parquet_round_trip(tmp_path):
    path = tmp_path / "x.parquet"
    mixed = FRAME.assign(mixed=pd.Series(["a", 1, None, 2.5, "b"], dtype=object))
    export.export(mixed, "parquet", path)
    back = pd.read_parquet(path)
    assert back["number"].tolist()[:2] == [-3.5, 12.0]
    assert back["text"].iloc[0] == "=1+1"  # parquet holds data, not spreadsheet cells
    assert back["mixed"].tolist()[:2] == ["a", "1"]


def test_parquet_without_pyarrow_says_what_to_install(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_arrow(name, *args, **kwargs):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError("no pyarrow")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_arrow)
    with pytest.raises(UsageError, match="pyarrow"):
        export.export(FRAME, "parquet", tmp_path / "x.parquet")


def test_binary_formats_need_a_file_and_unknown_formats_fail():
    with pytest.raises(UsageError, match="--out"):
        export.export(FRAME, "xlsx")
    with pytest.raises(UsageError, match="Format inconnu"):
        export.export(FRAME, "ods", "x.ods")


# --- gtec extract -----------------------------------------------------------------------------------
@pytest.fixture
def with_hires(workspace):
    hires = pd.DataFrame({"siret": ["A", "A", "B"], "occupation": ["H2913", "H2903", "H2913"],
                          "horizon": "<1an", "positions": [3.0, -0.0, 2.0], "difficult": [1, 0, 1],
                          "reasons": ["=cmd|' /C calc'!A0", None, "penurie"],
                          "sheet": "Recrutements", "row": [2, 3, 4]})
    with Store.open(workspace.store_path) as store, store.atomic() as db:
        store.insert_drop(db, kind="audit", period="2026-T4", file_name="a.xlsx", sha256="a" * 64,
                          size_bytes=1, tables={"hires": hires})
    return workspace


def test_extract_csv_with_filters_and_columns(with_hires, gtec):
    r = gtec("-w", with_hires.root, "extract", "hires", "--where", "occupation=H2913",
             "--columns", "siret,positions,reasons")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["siret"] for row in rows] == ["A", "B"]
    assert rows[0]["reasons"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["positions"] == "3.0"


def test_extract_json_xlsx_and_errors(with_hires, gtec, tmp_path):
    from openpyxl import load_workbook

    r = gtec("-w", with_hires.root, "--json", "extract", "hires")
    records = json.loads(r.stdout)
    assert len(records) == 3 and records[0]["period"] == "2026-T4" and records[0]["kind"] == "audit"
    out = tmp_path / "hires.xlsx"
    r = gtec("-w", with_hires.root, "extract", "hires", "--format", "xlsx", "--out", out)
    assert r.exit_code == 0 and "3 ligne(s)" in r.stderr
    ws = load_workbook(out)["hires"]
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("reasons") + 1).value.startswith("'=")
    bad = gtec("-w", with_hires.root, "extract", "nope")
    assert bad.exit_code == 2 and "Table inconnue" in bad.stderr
    bad = gtec("-w", with_hires.root, "extract", "hires", "--where", "colour=red")
    assert bad.exit_code == 2
    bad = gtec("-w", with_hires.root, "extract", "hires", "--where", "occupation")
    assert bad.exit_code == 2
    fr = gtec("-w", with_hires.root, "extract", "hires", "--columns", "siret,positions", "--excel-fr")
    assert fr.stdout.startswith("\ufeff") and "3,0" in fr.stdout
