"""The follow-up round trip: export the workbook, fill it like a committee, ingest it as kind
`plan`, and see statuses, lateness and trends in the next plan."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from gtec_cli.plan.followup import FOLLOWUP_SHEET, period_end, write_workbook
from gtec_cli.store import Store
from test_plan_helpers import company, hire, siret, store_audits

HEADER_ROW = 4  # 1-based row of the header in the exported sheet


def _audits(ws, period, difficult_third: int):
    """Three companies; mobility cited by 3 of them (mobilite-transport fires); H2913 difficult share
    (2 + 1 + difficult_third?1:0) / 4."""
    with Store.open(ws.store_path) as store:
        store_audits(store, period, companies=[company(1), company(2), company(3)], hires=[
            hire(1, "H2913", 2, 1, reasons="mobilite"), hire(2, "H2913", 1, 1, reasons="mobilite"),
            hire(3, "H2913", 1, difficult_third, reasons="mobilite" if difficult_third else None)],
            assessments=[{"siret": siret(i), "theme": "integration", "score": 1} for i in (1, 2, 3)])


def _columns(sheet) -> dict[str, int]:
    labels = [c.value for c in sheet[HEADER_ROW]]
    return {col.name: labels.index(col.label) + 1 for col in FOLLOWUP_SHEET.columns}


def _rows(sheet) -> dict[str, int]:
    cols = _columns(sheet)
    return {sheet.cell(r, cols["action_id"]).value: r for r in range(HEADER_ROW + 1, sheet.max_row + 1)
            if sheet.cell(r, cols["action_id"]).value}


def test_period_end():
    assert period_end("2026-T4") == dt.date(2026, 12, 31)
    assert period_end("2027-T1") == dt.date(2027, 3, 31)
    assert period_end("2027-02") == dt.date(2027, 2, 28)
    assert period_end("2027") == dt.date(2027, 12, 31)


def test_round_trip_statuses_lateness_and_trends(workspace, gtec, tmp_path):
    _audits(workspace, "2026-T4", difficult_third=1)  # H2913: 4 / 4 difficult
    out = tmp_path / "suivi.xlsx"
    r = gtec("-w", workspace.root, "plan", "-p", "2026-T4", "--export", out)
    assert r.exit_code == 0, r.stderr

    book = load_workbook(out)
    sheet = book["Suivi du plan"]
    cols, rows = _columns(sheet), _rows(sheet)
    assert {"mobilite-transport", "integration-fidelisation", "plateforme-insertion-siae"} <= set(rows)
    # Every text cell is text, never a formula; the status column has its drop-down list.
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            assert cell.data_type != "f"
    lists = [dv for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    assert lists and '"à lancer,en cours,fait,abandonné"' == lists[0].formula1
    status_letter = sheet.cell(HEADER_ROW, cols["status"]).column_letter
    assert status_letter in str(lists[0].sqref)
    mob = rows["mobilite-transport"]
    assert sheet.cell(mob, cols["status"]).value == "à lancer"
    assert sheet.cell(mob, cols["plan_period"]).value == "2026-T4"
    assert "Entreprises citant la raison : 3" in sheet.cell(mob, cols["indicators"]).value

    # The committee fills it in.
    integ = rows["integration-fidelisation"]
    siae = rows["plateforme-insertion-siae"]
    sheet.cell(mob, cols["status"]).value = "en cours"
    sheet.cell(mob, cols["owner"]).value = "Communauté de communes"
    sheet.cell(mob, cols["due_date"]).value = dt.datetime(2027, 3, 31)
    sheet.cell(mob, cols["progress"]).value = "=Covoiturage lancé avec 2 entreprises"
    sheet.cell(mob, cols["progress"]).data_type = "s"
    sheet.cell(integ, cols["status"]).value = "Terminé"
    sheet.cell(integ, cols["due_date"]).value = dt.datetime(2027, 2, 1)
    sheet.cell(siae, cols["due_date"]).value = "30/09/2027"
    book.save(out)

    r = gtec("-w", workspace.root, "--json", "ingest", out, "--period", "2027-T2")
    assert r.exit_code == 0, r.stderr
    assert r.json()["files"][0]["kind"] == "plan"

    _audits(workspace, "2027-T2", difficult_third=0)  # H2913: 3 / 4 difficult
    r = gtec("-w", workspace.root, "--json", "plan", "-p", "2027-T2")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert doc["previous_period"] == "2026-T4" and doc["as_of"] == "2027-06-30"
    acts = {a["id"]: a for a in doc["actions"]}
    f = acts["mobilite-transport"]["followup"]
    assert (f["status"], f["previous_status"], f["moved"], f["late"]) == ("en cours", None, True, True)
    assert f["owner"] == "Communauté de communes" and f["due_date"] == "2027-03-31"
    assert f["progress"] == "=Covoiturage lancé avec 2 entreprises"  # kept as text
    f = acts["integration-fidelisation"]["followup"]
    assert (f["status"], f["late"], f["moved"]) == ("fait", False, True)  # done: never late
    f = acts["plateforme-insertion-siae"]["followup"]
    assert (f["status"], f["late"], f["moved"]) == ("à lancer", False, False)  # due after 2027-06-30
    assert doc["followup"]["late"] == 1 and doc["followup"]["moved"] == 2
    assert doc["followup"]["plan_period"] == "2026-T4"
    [finding] = [x for x in acts["plateforme-insertion-siae"]["findings"]
                 if x["rule_id"] == "plateforme-insertion-siae#1"]
    assert (finding["value"], finding["previous"], finding["trend"]) == (75.0, 100.0, "amélioré")

    # The next export carries the follow-up forward: status at the last committee, owner, notes.
    out2 = tmp_path / "suivi-2027-T2.xlsx"
    r = gtec("-w", workspace.root, "plan", "-p", "2027-T2", "--export", out2)
    assert r.exit_code == 0, r.stderr
    sheet = load_workbook(out2)["Suivi du plan"]
    cols, rows = _columns(sheet), _rows(sheet)
    mob = rows["mobilite-transport"]
    assert sheet.cell(mob, cols["previous_status"]).value == "en cours"
    assert sheet.cell(mob, cols["status"]).value == "en cours"
    assert sheet.cell(mob, cols["owner"]).value == "Communauté de communes"
    assert sheet.cell(mob, cols["due_date"]).value == dt.datetime(2027, 3, 31)
    assert sheet.cell(mob, cols["progress"]).value == "=Covoiturage lancé avec 2 entreprises"
    assert sheet.cell(mob, cols["progress"]).data_type == "s"
    assert sheet.cell(mob, cols["progress"]).quotePrefix  # stays text even when edited in Excel
    assert sheet.cell(mob, cols["plan_period"]).value == "2027-T2"


def test_the_terminal_plan_shows_follow_up_and_lateness(workspace, gtec, tmp_path):
    _audits(workspace, "2026-T4", difficult_third=1)
    out = tmp_path / "suivi.xlsx"
    assert gtec("-w", workspace.root, "plan", "--export", out).exit_code == 0
    book = load_workbook(out)
    sheet = book["Suivi du plan"]
    cols, rows = _columns(sheet), _rows(sheet)
    sheet.cell(rows["mobilite-transport"], cols["status"]).value = "en cours"
    sheet.cell(rows["mobilite-transport"], cols["due_date"]).value = dt.datetime(2026, 11, 30)
    book.save(out)
    assert gtec("-w", workspace.root, "ingest", out).exit_code == 0
    r = gtec("-w", workspace.root, "plan")
    assert r.exit_code == 0
    assert "suivi : en cours (avant : à lancer) — EN RETARD — échéance 30 novembre 2026" in r.stderr
    assert "1 en retard" in r.stderr


def test_a_badly_filled_workbook_is_refused_with_the_cell(workspace, gtec, tmp_path):
    _audits(workspace, "2026-T4", difficult_third=1)
    out = tmp_path / "suivi.xlsx"
    assert gtec("-w", workspace.root, "plan", "--export", out).exit_code == 0
    book = load_workbook(out)
    sheet = book["Suivi du plan"]
    cols, rows = _columns(sheet), _rows(sheet)
    row = rows["mobilite-transport"]
    sheet.cell(row, cols["status"]).value = "peut-être"
    sheet.cell(row, cols["due_date"]).value = "bientôt"
    book.save(out)
    r = gtec("-w", workspace.root, "--json", "ingest", out, "--period", "2027-T1")
    assert r.exit_code == 1
    findings = r.json()["files"][0]["findings"]
    cells = {(f["code"], f["cell"]) for f in findings}
    status_letter = sheet.cell(HEADER_ROW, cols["status"]).column_letter
    due_letter = sheet.cell(HEADER_ROW, cols["due_date"]).column_letter
    assert ("invalid-choice", f"{status_letter}{row}") in cells
    assert ("invalid-date", f"{due_letter}{row}") in cells
    with Store.open(workspace.store_path) as store:
        assert store.drops(kind="plan") == []


def test_a_workbook_from_another_plan_period_needs_replace(workspace, gtec, tmp_path):
    _audits(workspace, "2026-T4", difficult_third=1)
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert gtec("-w", workspace.root, "plan", "--export", first).exit_code == 0
    assert gtec("-w", workspace.root, "ingest", first, "--period", "2027-T1").exit_code == 0
    book = load_workbook(first)
    sheet = book["Suivi du plan"]
    cols, rows = _columns(sheet), _rows(sheet)
    sheet.cell(rows["mobilite-transport"], cols["status"]).value = "fait"
    book.save(second)
    r = gtec("-w", workspace.root, "ingest", second, "--period", "2027-T1")
    assert r.exit_code == 1 and "--replace" in r.stderr
    r = gtec("-w", workspace.root, "ingest", second, "--period", "2027-T1", "--replace")
    assert r.exit_code == 0
    r = gtec("-w", workspace.root, "--json", "plan", "-p", "2027-T1")
    acts = {a["id"]: a for a in r.json()["actions"]}
    assert acts["mobilite-transport"]["followup"]["status"] == "fait"


def test_actions_no_longer_triggered_stay_tracked(workspace, gtec, tmp_path):
    _audits(workspace, "2026-T4", difficult_third=1)
    out = tmp_path / "suivi.xlsx"
    assert gtec("-w", workspace.root, "plan", "--export", out).exit_code == 0
    book = load_workbook(out)
    sheet = book["Suivi du plan"]
    cols, rows = _columns(sheet), _rows(sheet)
    sheet.cell(rows["mobilite-transport"], cols["status"]).value = "en cours"
    book.save(out)
    assert gtec("-w", workspace.root, "ingest", out, "--period", "2027-T2").exit_code == 0
    with Store.open(workspace.store_path) as store:  # mobility no longer cited
        store_audits(store, "2027-T2", companies=[company(1), company(2), company(3)],
                     hires=[hire(i, "H2913", 1, 0) for i in (1, 2, 3)])
    doc = gtec("-w", workspace.root, "--json", "plan", "-p", "2027-T2").json()
    mob = next(a for a in doc["actions"] if a["id"] == "mobilite-transport")
    assert mob["fired"] is False and mob["findings"] == []
    assert mob["followup"]["status"] == "en cours"
    [resolved] = mob["resolved"]
    assert resolved["previous"] == 3.0 and resolved["trend"] == "non mesuré"


def test_formula_looking_text_is_written_as_quoted_text(tmp_path):
    path = write_workbook(tmp_path / "w.xlsx", [{
        "action_id": "a-b", "title": "@SUM(A1)", "horizon": "court", "priority": 1.5,
        "owner": "+33 pilote", "status": "à lancer", "previous_status": None, "due_date": None,
        "progress": "=HYPERLINK(\"http://x\")", "indicators": "-1", "plan_period": "2026-T4"}],
        period="2026-T4", territory="Pays")
    sheet = load_workbook(path)["Suivi du plan"]
    cols = _columns(sheet)
    for name in ("title", "owner", "progress", "indicators"):
        cell = sheet.cell(HEADER_ROW + 1, cols[name])
        assert cell.data_type == "s" and cell.quotePrefix, name
    assert sheet.cell(HEADER_ROW + 1, cols["progress"]).value == "=HYPERLINK(\"http://x\")"


@pytest.mark.parametrize("value, iso", [
    (dt.datetime(2027, 3, 31), "2027-03-31"), ("31/03/2027", "2027-03-31"), ("2027-03-31", "2027-03-31"),
    (46477.0, "2027-03-31"),
])
def test_due_dates_in_the_forms_people_type(value, iso):
    from gtec_cli.plan.followup import parse_date

    assert parse_date(value) == iso
