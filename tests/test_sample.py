"""The Pays de Langres sample data (data/sample/): every file validates, the consolidated audit
workbook says the same as the 30 per-company ones, the real figures are the published ones, the
fictional companies are what the GTEC needs, and the generator is deterministic."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from gtec_cli import nomenclatures as nom
from gtec_cli.ingest.pipeline import ingest_files, validate_file
from gtec_cli.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
OPEQ = SAMPLE / "opeq" / "opeq-pays-de-langres-2025.xlsx"
AUDITS = sorted((SAMPLE / "audits").glob("*.xlsx"))
CONSOLIDATED = SAMPLE / "audits-consolidated" / "audits-pays-de-langres-consolide.xlsx"
AUDIT_TABLES = ("companies", "workforce", "departures", "hires", "missing_skills", "assessments",
                "cooperation")

#: Insee POP T0, CA du Grand Langres (EPCI 200072999), and Haute-Marne 2024 estimates, copied by
#: hand from data/reference/PROVENANCE.md.
INSEE = {
    ("epci:200072999", 2021): {"0-14": 3333, "15-29": 2932, "30-44": 3490, "45-59": 4494, "60-74": 4135,
                               "75+": 2366},
    ("epci:200072999", 2015): {"0-14": 3443, "15-29": 3209, "30-44": 3718, "45-59": 4715, "60-74": 3809,
                               "75+": 2347},
    ("epci:200072999", 2010): {"0-14": 3820, "15-29": 3536, "30-44": 4192, "45-59": 4788, "60-74": 3390,
                               "75+": 2231},
    ("dep:52", 2024): {"<20": 34327, "20-59": 75723, "60-74": 35901, "75+": 22058},
}


def _ingest(paths) -> Store:
    store = Store.open(":memory:")
    ingest_files(store, paths, period="2026-T4")
    return store


@pytest.fixture(scope="module")
def opeq_store():
    store = _ingest([OPEQ])
    yield store
    store.close()


@pytest.fixture(scope="module")
def audit_store():
    store = _ingest(AUDITS)
    yield store
    store.close()


def test_the_sample_has_the_expected_files():
    assert OPEQ.is_file() and CONSOLIDATED.is_file()
    assert len(AUDITS) == 30
    assert all(p.name.startswith("audit-") for p in AUDITS)
    assert (SAMPLE / "README.md").is_file()


@pytest.mark.parametrize("path", [OPEQ, CONSOLIDATED, *AUDITS], ids=lambda p: p.name)
def test_every_sample_file_validates_without_error(path):
    v = validate_file(path)
    assert v.valid, [f.render() for f in v.report.errors]
    assert v.kind == ("opeq" if path == OPEQ else "audit")
    assert v.report.n_warnings <= 2


def test_the_observatory_workbook_has_the_six_sheets_and_real_formatting(opeq_store):
    v = validate_file(OPEQ)
    rows = {t: len(f) for t, f in v.parsed.tables.items()}
    assert set(rows) == {"population", "employment", "establishments", "jobseekers", "offers", "training"}
    assert all(n > 0 for n in rows.values())
    codes = v.report.counts
    assert codes.get("totals-row-skipped", 0) >= 3 and codes.get("masked-cell", 0) >= 3
    # NAF divisions 01 and 02 typed as numbers lost their leading zero; the reader restores it.
    assert {"01", "02"} <= set(opeq_store.read("employment")["naf"])
    assert {"01", "02"} <= set(opeq_store.read("establishments")["naf"])


def test_population_is_the_published_insee_figures(opeq_store):
    pop = opeq_store.read("population")
    assert set(pop["sex"]) == {"H", "F"}  # no "Ensemble" rows that would double count
    got = pop.groupby(["territory", "year", "age_band"])["people"].sum()
    expected = {(t, y, band): n for (t, y), bands in INSEE.items() for band, n in bands.items()}
    assert {k: int(v) for k, v in got.items()} == expected
    totals = pop.groupby(["territory", "year"])["people"].sum()
    assert totals[("epci:200072999", 2021)] == 20750
    assert totals[("epci:200072999", 2010)] == 21957
    assert totals[("epci:200072999", 2015)] == 21241  # Insee publishes 21 242: rounding of the bands
    assert totals[("dep:52", 2024)] == 168009


def test_job_seekers_and_offers_are_france_travail_figures_for_area_4419(opeq_store):
    seekers = opeq_store.read("jobseekers").set_index("occupation")
    offers = opeq_store.read("offers").set_index("occupation")
    assert len(seekers) == len(offers) == 19
    assert set(seekers["territory"]) == set(offers["territory"]) == {"be:4419"}
    assert set(seekers["category"]) == {"ABC"} and set(seekers["period"]) == {"2021"}
    # cities-tension-utf8.csv, cbassin 4419: defm_abc 184,5 / 29,75 / 59 ; oee 214,62 / 182,80
    assert seekers.loc["H3302", "people"] == 185
    assert seekers.loc["A1416", "people"] == 30
    assert seekers.loc["N4101", "people"] == 59
    assert offers.loc["N4101", "offers"] == 215
    assert offers.loc["A1203", "offers"] == 183


def test_consolidated_workbook_gives_the_same_rows_as_the_30_company_workbooks(audit_store):
    consolidated = _ingest([CONSOLIDATED])
    try:
        for table in AUDIT_TABLES:
            a = _comparable(audit_store.read(table))
            b = _comparable(consolidated.read(table))
            assert len(a) > 0
            pd.testing.assert_frame_equal(a, b, obj=table)
    finally:
        consolidated.close()


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=["drop_id", "sheet", "row"])
    return frame.sort_values(list(frame.columns), na_position="first").reset_index(drop=True)


def test_companies_are_those_of_the_territory(audit_store):
    companies = audit_store.read("companies")
    assert companies["siret"].is_unique and len(companies) == 30
    communes = nom.communes()
    assert all(communes[c]["be19"] == "4419" for c in companies["commune"])
    naf = nom.naf_labels()
    assert all(len(code) == 6 and code in naf for code in companies["naf"])  # NAF sub-classes
    types = companies["company_type"].value_counts()
    assert types.get("SIAE", 0) >= 1 and types.get("TPE", 0) >= 3
    assert (companies.loc[companies["company_type"] == "GE", "headcount"] >= 250).any()
    workforce = audit_store.read("workforce").groupby("siret")["headcount"].sum()
    pd.testing.assert_series_equal(companies.set_index("siret")["headcount"].sort_index(),
                                   workforce.sort_index(), check_names=False)


def test_the_audits_show_an_ageing_workforce_and_shared_needs(audit_store):
    w = audit_store.read("workforce")
    older = w[w["age_min"] >= 55].groupby("siret")["headcount"].sum() / w.groupby("siret")["headcount"].sum()
    assert (older.fillna(0) >= 0.3).sum() >= 4
    hires = audit_store.read("hires")
    hiring = hires.groupby("occupation")["siret"].nunique()
    for occupation in ("H2913", "H2903", "H2502", "J1501", "N4101", "G1602"):
        assert hiring.get(occupation, 0) >= 2, occupation
    cadres = hires[hires["cadre"] == 1]
    assert cadres["difficult"].all()
    assert cadres["reasons"].str.contains("conjoint").sum() >= 3
    assert hires["reasons"].str.contains("logement").sum() >= 5
    skills = audit_store.read("missing_skills").groupby("skill")["siret"].nunique()
    for skill in ("Soudage TIG", "CACES R489 (chariots élévateurs)", "Management d'équipe"):
        assert skills[skill] >= 4, skill
    assert set(audit_store.read("assessments").groupby("siret")["theme"].nunique()) == {12}
    coop = audit_store.read("cooperation")
    pairs = set(zip(coop["cooperation_type"], coop["direction"], strict=True))
    assert {("tutorat", "offre"), ("tutorat", "besoin"), ("accueil insertion", "offre"),
            ("pret de main d oeuvre", "offre"), ("pret de main d oeuvre", "besoin"),
            ("groupement d employeurs", "besoin")} <= pairs
    seasons = coop.loc[coop["cooperation_type"] == "groupement d employeurs", "period_note"].dropna()
    assert any("juin" in s for s in seasons) and any("novembre" in s for s in seasons)


def test_one_audit_is_human_formatted_and_one_has_a_numeric_commune():
    from gtec_cli.ingest.workbook import Workbook

    human = SAMPLE / "audits" / "audit-menuiserie-bois-plateau.xlsx"
    with Workbook(human) as book:
        assert "Instructions" not in book.sheet_names
        sheet = book.sheet("Pyramide des âges")
        assert sheet.rows[0][0].startswith("Audit GTEC") and sheet.rows[2][0] == "Code ROME"
        assert any(str(r[0]).startswith("Source") for r in sheet.rows)
    v = validate_file(human)
    assert v.valid and v.report.counts.get("totals-row-skipped") == 1
    numeric = SAMPLE / "audits" / "audit-mecanique-precision-chalindrey.xlsx"
    with Workbook(numeric) as book:
        typed = book.sheet("Entreprise").rows[3][4]
    assert isinstance(typed, float) and typed == 52093
    assert validate_file(numeric).parsed.tables["companies"]["commune"].tolist() == ["52093"]


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.xlsx"))}


def test_generator_is_deterministic_and_matches_the_committed_sample(tmp_path):
    script = ROOT / "scripts" / "make_sample.py"
    for run, seed in (("a", "1"), ("b", "2")):
        subprocess.run([sys.executable, str(script), str(tmp_path / run)], check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
    first, second = _hashes(tmp_path / "a"), _hashes(tmp_path / "b")
    assert len(first) == 32 and first == second
    assert set(first) == set(_hashes(SAMPLE))
    # Bytes depend on the xlsxwriter version; the committed files must hold the same data.
    for name in ("opeq/opeq-pays-de-langres-2025.xlsx", "audits/audit-langres-plastiques-automobile.xlsx"):
        fresh, committed = validate_file(tmp_path / "a" / name), validate_file(SAMPLE / name)
        for table, frame in fresh.parsed.tables.items():
            pd.testing.assert_frame_equal(frame, committed.parsed.tables[table], obj=table)
