"""The action-plan PDF: read back with pypdf, checked for sections, figures, confidentiality, and
the follow-up section from the second period on."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader

from gtec_cli.ingest.pipeline import ingest_files
from gtec_cli.plan.followup import write_workbook
from gtec_cli.plan.report import default_output, render_plan, render_plan_report
from test_plan_helpers import company, hire, settings, siret, store_audits

pytestmark = pytest.mark.slow

NAMES = ["Coutellerie Secrète", "Forge <b>Hostile</b>", "Atelier Discret", "Chantier Vert"]


def _audits(store, period="2026-T4", hostile_skill="<img src=http://example.org/x.png>"):
    comps = [company(1, name=NAMES[0]), company(2, name=NAMES[1]), company(3, name=NAMES[2]),
             company(4, kind="SIAE", name=NAMES[3])]
    wf = [{"siret": siret(4), "occupation": "H2913", "age_band": "25-29", "age_min": 25, "age_max": 29,
           "sex": "H", "contract": "insertion", "headcount": 5}]
    ms = [{"siret": siret(i), "skill": hostile_skill if i == 1 else "Soudage TIG inox", "people": i,
           "criticality": 3} for i in (1, 2, 3)]
    ms += [{"siret": siret(i), "skill": hostile_skill, "people": 1, "criticality": 2} for i in (2, 3)]
    store_audits(store, period, companies=comps, workforce=wf, missing_skills=ms, hires=[
        hire(1, "H2913", 2, 1, reasons="mobilite"), hire(2, "H2913", 1, 1, reasons="mobilite"),
        hire(3, "H2913", 1, 1, reasons="mobilite")],
        assessments=[{"siret": siret(i), "theme": "integration", "score": 1} for i in (1, 2, 3)])


def _text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_committee_pdf_has_every_part_and_names_no_company(store, tmp_path):
    _audits(store)
    result = render_plan(store, "2026-T4", tmp_path / "plan.pdf", settings=settings())
    assert result.refused_urls == []  # the hostile label was escaped, never fetched
    text = _text(result.path)
    flat = re.sub(r"\s+", " ", text)
    for heading in ("Synthèse", "Comment le plan est construit", "Calendrier des actions",
                    "Actions de court terme", "Actions de moyen terme", "Actions de long terme",
                    "Opportunités de coopération entre entreprises", "Annexes : méthode et provenance"):
        assert heading in flat
    assert "Suivi depuis le dernier comité" not in flat  # first period: nothing to follow yet
    # Each action with its rationale, target, lead, partners and indicators.
    assert "Plateforme d'insertion avec les structures d'insertion (SIAE)" in flat
    assert "Part des recrutements prévus jugés difficiles : 100,0 % — métier : H2913" in flat
    assert "Public visé" in flat and "Pilote" in flat and "Partenaires" in flat
    assert "Indicateurs de réalisation" in flat and "Indicateurs de résultat" in flat
    assert "Graphique 1 – Calendrier indicatif des actions" in flat
    assert "Cohorte de formation mutualisée" in flat
    for name in NAMES:
        assert name not in text
    for i in (1, 2, 3, 4):
        assert siret(i) not in text
    assert "classeur d'audit n°" in flat  # audit file names are not printed either
    assert "ÉDITION INTERNE" not in text


def test_internal_pdf_names_companies_and_says_so_on_every_page(store, tmp_path):
    _audits(store)
    result = render_plan(store, "2026-T4", tmp_path / "plan-interne.pdf", settings=settings(),
                         internal=True)
    reader = PdfReader(result.path)
    assert all("ÉDITION INTERNE" in page.extract_text() for page in reader.pages)
    text = _text(result.path)
    assert "Coutellerie Secrète" in text and siret(1) in text
    assert "Forge <b>Hostile</b>" in text  # printed as text, not interpreted


def test_html_edition_escapes_hostile_text(store, tmp_path):
    _audits(store)
    path = render_plan(store, "2026-T4", tmp_path / "plan.html", settings=settings(), fmt="html").path
    html = path.read_text(encoding="utf-8")
    assert 'counter(page) "\\202F/\\202F"' in html  # gtec's own style sheet is inlined unescaped
    assert "&lt;img src=http://example.org/x.png&gt;" in html
    assert "<img src=http" not in html
    assert 'src="data:image/png;base64,' in html  # the timeline is embedded, nothing fetched


def test_second_period_shows_status_and_progress_since_the_last_committee(store, tmp_path):
    _audits(store, "2026-T4")
    from gtec_cli.plan import build_plan
    from gtec_cli.plan.document import followup_rows

    plan = build_plan(store, "2026-T4", settings=settings())
    rows = followup_rows(plan)
    for row in rows:
        if row["action_id"] == "mobilite-transport":
            row.update(status="en cours", owner="Communauté de communes",
                       due_date=dt.date(2027, 3, 1), progress="Covoiturage inter-entreprises lancé")
        if row["action_id"] == "integration-fidelisation":
            row.update(status="fait")
    workbook = write_workbook(tmp_path / "suivi.xlsx", rows, period="2026-T4", territory="Pays")
    ingest_files(store, [workbook], period="2027-T2")
    store_audits(store, "2027-T2", companies=[company(1), company(2), company(3)], hires=[
        hire(1, "H2913", 2, 1, reasons="mobilite"), hire(2, "H2913", 1, 0, reasons="mobilite"),
        hire(3, "H2913", 1, 0, reasons="mobilite")])
    result = render_plan(store, "2027-T2", tmp_path / "plan2.pdf", settings=settings())
    flat = re.sub(r"\s+", " ", _text(result.path))
    assert "Suivi depuis le dernier comité" in flat
    assert "Suivi des actions depuis le dernier comité" in flat
    assert "Covoiturage inter-entreprises lancé" in flat
    assert "en retard" in flat
    assert "Évolution des constats déclencheurs depuis la période précédente" in flat
    assert "amélioré" in flat  # H2913 difficult share went from 100 % to 50 %


def test_render_plan_report_writes_next_to_the_diagnostic(workspace):
    from gtec_cli.store import Store

    with Store.open(workspace.store_path) as store:
        _audits(store)
        result = render_plan_report(workspace, store, period="2026-T4")
        internal = render_plan_report(workspace, store, period="2026-T4", internal=True, fmt="html")
    assert result.path == workspace.root / "reports" / "arr-522" / "2026-T4" / "plan.pdf"
    assert result.path.is_file() and result.actions >= 3 and result.opportunities >= 1
    assert internal.path.name == "plan-interne.html"
    assert default_output(workspace, "2026-T4") == result.path  # what `gtec refresh` writes


def test_gtec_report_plan_command(workspace, gtec, tmp_path):
    from gtec_cli.store import Store

    with Store.open(workspace.store_path) as store:
        _audits(store)
    r = gtec("-w", workspace.root, "report", "plan", "-p", "2026-T4")
    assert r.exit_code == 0, r.stderr
    path = workspace.root / "reports" / "arr-522" / "2026-T4" / "plan.pdf"
    assert r.stdout.strip() == str(path) and path.is_file()
    r = gtec("-w", workspace.root, "--json", "report", "plan", "--format", "html", "-o",
             tmp_path / "p.html", "--internal-named")
    assert r.exit_code == 0 and r.json()["internal_named"] and r.json()["refused_urls"] == []
    assert "Coutellerie Secrète" in (tmp_path / "p.html").read_text(encoding="utf-8")
    assert gtec("-w", workspace.root, "report", "plan", "--format", "docx").exit_code == 2
