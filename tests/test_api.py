"""The analysts' API, `gtec indicators` and the loading rules: same figures from Python and shell."""

from __future__ import annotations

import csv
import io
import json
import math

import pandas as pd
import pytest

from gtec_cli.api import open_workspace, parse_by, parse_where
from gtec_cli.errors import UsageError
from gtec_cli.indicators.common import DIMENSIONS
from gtec_cli.indicators.registry import INDICATORS, REGISTRY
from gtec_cli.store import Store


def _put(store, kind, period, name, tables):
    tables = {t: df.assign(sheet=t, row=range(2, 2 + len(df))) for t, df in tables.items()}
    with store.atomic() as db:
        store.insert_drop(db, kind=kind, period=period, file_name=name, sha256=name.ljust(64, "0"),
                          size_bytes=1, tables=tables)


def company(siret, naf, headcount):
    return pd.DataFrame({"siret": [siret], "name": [f"Entreprise {siret}"], "naf": [naf],
                         "headcount": [float(headcount)], "commune": ["52269"], "company_type": ["PME"]})


def hires(siret, rows):
    return pd.DataFrame([{"siret": siret, "occupation": o, "horizon": "<1an", "positions": p,
                          "cadre": 0, "difficult": dflag, "reasons": "penurie" if dflag else None}
                         for o, p, dflag in rows])


@pytest.fixture
def filled(workspace):
    """A workspace with population, employment, two audit rounds and a BMO file."""
    text = (workspace.root / "gtec.toml").read_text(encoding="utf-8")
    (workspace.root / "gtec.toml").write_text(text.replace("aliases = []", 'aliases = ["be:4419"]'),
                                              encoding="utf-8")
    with Store.open(workspace.store_path) as store:
        pop = pd.DataFrame({"territory": "arr:522", "year": 2021, "sex": "T",
                            "age_band": ["0-19", "20-64", "65+"], "age_min": [0, 20, 65],
                            "age_max": [19, 64, None], "people": [9000.0, 26000.0, 11000.0]})
        emp = pd.DataFrame({"territory": "arr:522", "year": 2021, "naf": "25.71Z",
                            "occupation": "H2913", "occupation_system": "rome",
                            "age_band": ["15-49", "50-54", "55-59", "60+"], "age_min": [15, 50, 55, 60],
                            "age_max": [49, 54, 59, None], "sex": "T", "people": [60.0, 20.0, 15.0, 5.0]})
        _put(store, "opeq", "2025-T4", "opeq.xlsx", {"population": pop, "employment": emp})
        _put(store, "audit", "2025-T4", "audit-a-2025.xlsx",
             {"companies": company("A", "25.71Z", 42), "hires": hires("A", [("H2913", 4.0, 1)])})
        _put(store, "audit", "2025-T4", "audit-b-2025.xlsx",
             {"companies": company("B", "25.62A", 8),
              "hires": hires("B", [("H2913", 1.0, 0), ("H2903", 2.0, 1)])})
        _put(store, "audit", "2026-T4", "audit-a-2026.xlsx",
             {"companies": company("A", "25.71Z", 45),
              "hires": hires("A", [("H2913", 2.0, 0), ("H2903", 1.0, 1)])})
        bmo = pd.DataFrame({"year": 2025, "territory": "be:4419", "dep": ["52", "21"], "reg": ["44", "27"],
                            "occupation": "D2Z42", "occupation_system": "fap2009",
                            "projects": [40.0, 30.0], "difficult": [30.0, 20.0], "seasonal": [0.0, 0.0],
                            "projects_masked": 0, "difficult_masked": 0, "seasonal_masked": 0})
        _put(store, "bmo", "2026-T4", "bmo-2025.xlsx", {"bmo": bmo})
    return workspace


def test_registry_is_complete():
    names = {"bmo_projects", "bmo_difficult_share", "bmo_seasonal_share", "audit_difficult_share",
             "audit_difficulty_reasons", "tension_class", "tension_factors", "offers_per_jobseeker",
             "ageing_index", "share_60_plus", "share_75_plus", "population_change",
             "workforce_share_50_plus", "workforce_share_55_plus", "expected_departures",
             "replacement_rate", "junior_senior_ratio", "single_holder_risk", "job_openings",
             "local_supply", "occupation_gap", "missing_skills", "skills_gap_score", "triangulation",
             "knowhow_at_risk", "employment", "establishments", "missing_skills_by_code",
             "assessment_mean_score", "assessment_weak_share", "cooperation_declarations"}
    assert set(REGISTRY) == names
    for ind in INDICATORS:
        assert ind.formula and ind.unit and ind.source and ind.caveats and ind.title_fr and ind.title_en
        assert ind.base in ("companies", "people", "projects")
        assert set(ind.dims) <= set(DIMENSIONS)
        # The registry feeds the docstring of the function.
        assert ind.formula in ind.fn.__doc__ and ind.source in ind.fn.__doc__


def test_latest_audit_of_each_company_and_period(filled):
    ws = open_workspace(filled.root)
    now = ws.indicator("audit_difficult_share")
    # A's 2026 audit replaces its 2025 one: (A 1 difficult of 3) + (B 2 difficult of 3).
    assert now.loc[0, "value"] == pytest.approx(100 * (1 + 2) / (3 + 3))
    assert now.loc[0, "n_companies"] == 2
    then = ws.indicator("audit_difficult_share", period="2025-T4")
    assert then.loc[0, "value"] == pytest.approx(100 * (4 + 2) / (4 + 3))


def test_public_data_for_the_territory_and_its_comparisons(filled):
    ws = open_workspace(filled.root)
    out = ws.indicator("bmo_difficult_share").set_index("territory")
    # arr:522 reads its alias, the BMO area (both départements); dep:52 only its own rows.
    assert out.loc["arr:522", "value"] == pytest.approx(100 * 50 / 70)
    assert out.loc["dep:52", "value"] == pytest.approx(100 * 30 / 40)
    one = ws.indicator("bmo_difficult_share", territory="dep:52")
    assert list(one["territory"]) == ["dep:52"]
    ageing = ws.indicator("ageing_index")
    assert ageing.loc[0, "value"] == pytest.approx(100 * 11000 / 9000)


def test_api_tables_and_registry(filled):
    ws = open_workspace(filled.root)
    assert {"population", "hires", "bmo"} <= set(ws.tables())
    h = ws.table("hires", where={"occupation": "H2903"}, columns=["siret", "positions"])
    assert list(h.columns) == ["siret", "positions"] and sorted(h["positions"]) == [1.0, 2.0]
    reg = ws.indicators()
    assert set(reg["name"]) == set(REGISTRY) and {"formula", "source", "unit"} <= set(reg.columns)
    assert ws.status()["tables"]["hires"] == 1 + 2 + 2
    with pytest.raises(UsageError):
        ws.indicator("no_such_indicator")
    with pytest.raises(UsageError):
        ws.indicator("bmo_difficult_share", by="size_class")
    with pytest.raises(UsageError):
        ws.indicator("ageing_index", territory="52")  # ambiguous without a mesh


def _from_csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), keep_default_na=True)


@pytest.mark.parametrize("names,by", [
    (["audit_difficult_share"], "occupation,size_class"),
    (["workforce_share_55_plus", "expected_departures"], None),
    (["bmo_difficult_share", "ageing_index"], None),
])
def test_cli_and_api_give_identical_results(filled, gtec, names, by):
    ws = open_workspace(filled.root)
    expected = ws.indicator(names, by=by)
    args = ["-w", filled.root, "indicators", *names] + (["--by", by] if by else [])
    as_csv = gtec(*args, "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.stderr
    got = _from_csv(as_csv.stdout)
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    for col in expected.columns:
        left, right = expected[col].tolist(), got[col].tolist()
        for x, y in zip(left, right):
            x = None if isinstance(x, str) and x == "" else x  # CSV writes "" and missing alike
            if isinstance(x, float) or isinstance(y, float):
                if pd.isna(x) or (isinstance(x, float) and math.isnan(x)):
                    assert pd.isna(y)
                else:
                    assert float(x) == pytest.approx(float(y), rel=1e-12), col
            elif pd.isna(x):
                assert pd.isna(y)
            else:
                assert str(x) == str(y), col
    as_json = gtec(*args, "--format", "json")
    records = json.loads(as_json.stdout)
    assert len(records) == len(expected)
    for rec, (_, row) in zip(records, expected.iterrows()):
        value = row["value"]
        assert (rec["value"] is None) if pd.isna(value) else rec["value"] == pytest.approx(value)
        assert rec["indicator"] == row["indicator"]


def test_cli_list_and_usage_errors(filled, gtec):
    listing = gtec("indicators", "--list")
    assert listing.exit_code == 0
    for name in REGISTRY:
        assert name in listing.stdout
    as_json = gtec("--json", "indicators", "--list")
    assert {r["name"] for r in as_json.json()} == set(REGISTRY)
    bad = gtec("-w", filled.root, "indicators", "bmo_difficult_share", "--by", "size_class")
    assert bad.exit_code == 2 and "size_class" in bad.stderr
    unknown = gtec("-w", filled.root, "indicators", "nope")
    assert unknown.exit_code == 2 and "inconnu" in unknown.stderr
    nothing = gtec("-w", filled.root, "indicators")
    assert nothing.exit_code == 2


NEW_INDICATORS = {"knowhow_at_risk": "ageing", "employment": "economy", "establishments": "economy",
                  "missing_skills_by_code": "skills", "assessment_mean_score": "audits",
                  "assessment_weak_share": "audits", "cooperation_declarations": "audits"}


def test_cli_list_shows_the_indicators_of_the_plan_and_of_the_diagnostic(gtec):
    """Figures the plan and the diagnostic print are registered, so --list documents them."""
    listing = gtec("indicators", "--list")
    assert listing.exit_code == 0
    for heading in ("== Économie du territoire ==", "== Diagnostic RH et coopération (audits) =="):
        assert heading in listing.stdout
    for name in NEW_INDICATORS:
        assert f"\n{name} — {REGISTRY[name].title_fr}" in listing.stdout
    rows = {r["name"]: r for r in gtec("--json", "indicators", "--list").json()}
    for name, family in NEW_INDICATORS.items():
        assert rows[name]["family"] == family and rows[name]["formula"] and rows[name]["source"]
    assert "company_group" in rows["assessment_mean_score"]["dimensions"]
    assert "direction" in rows["cooperation_declarations"]["dimensions"]
    assert rows["employment"]["tables"] == ["employment"]


def test_cli_and_api_give_the_same_employment_and_audit_figures(filled, gtec):
    ws = open_workspace(filled.root)
    sectors = ws.indicator("employment")
    assert sectors[["territory", "sector", "value", "share"]].values.tolist() == [["arr:522", "25", 100.0, 100.0]]
    out = gtec("-w", filled.root, "--json", "indicators", "employment", "cooperation_declarations")
    assert out.exit_code == 0, out.stderr
    records = out.json()
    assert [(r["indicator"], r["sector"], r["value"]) for r in records] == [("employment", "25", 100.0)]


def test_cli_table_and_headline(filled, gtec):
    table = gtec("-w", filled.root, "indicators", "audit_difficult_share", "--by", "occupation")
    assert table.exit_code == 0 and "H2903" in table.stdout and "Source" in table.stderr
    head = gtec("-w", filled.root, "indicators", "--headline")
    assert head.exit_code == 0
    assert "Indice de vieillissement" in head.stdout and "122,2" in head.stdout  # 100 × 11000 / 9000
    figures = gtec("-w", filled.root, "--json", "indicators", "--headline").json()
    ageing = next(f for f in figures if f["indicator"] == "ageing_index")
    assert ageing["value"] == pytest.approx(100 * 11000 / 9000)


def test_cli_xlsx_has_one_sheet_per_indicator(filled, gtec, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "ind.xlsx"
    r = gtec("-w", filled.root, "indicators", "ageing_index", "audit_difficult_share",
             "--format", "xlsx", "--out", out)
    assert r.exit_code == 0, r.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["ageing_index", "audit_difficult_share"]
    rows = list(book["ageing_index"].iter_rows(values_only=True))
    header = list(rows[0])
    assert rows[1][header.index("value")] == pytest.approx(100 * 11000 / 9000)


def test_parse_helpers():
    assert parse_by("occupation, sector") == ["occupation", "sector"]
    assert parse_by(["occupation,sector", "period"]) == ["occupation", "sector", "period"]
    assert parse_by("") is None and parse_by(None) is None
    assert parse_where(["territory=dep:52", "year=2021"]) == {"territory": "dep:52", "year": "2021"}
    with pytest.raises(UsageError):
        parse_where(["territory"])


def test_csv_module_reads_the_cli_csv(filled, gtec):
    r = gtec("-w", filled.root, "indicators", "bmo_difficult_share", "--format", "csv")
    rows = {row["territory"]: row for row in csv.DictReader(io.StringIO(r.stdout))}
    # The territory and its comparisons (dep:52, reg:44, fr) from the same BMO rows.
    assert set(rows) == {"arr:522", "dep:52", "reg:44", "fr"}
    assert float(rows["reg:44"]["value"]) == pytest.approx(100 * 30 / 40)
    assert float(rows["fr"]["value"]) == pytest.approx(100 * 50 / 70)
    assert rows["fr"]["fragile"] == "False"
