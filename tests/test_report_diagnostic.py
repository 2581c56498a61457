"""The diagnostic PDF, read back with pypdf: sections, headline figures, statistical secrecy,
company names, provenance and the attached CSV.

The workspace is built here, drop by drop, from small tables whose figures are worked out by hand
in the comments: 8 audited companies, an observatory workbook with population and employment.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from gtec_cli import __version__
from gtec_cli.store import Store
from gtec_cli.workspace import Workspace

PERIOD = "2026-T4"
COMPANIES = [  # siret, name, naf, headcount, commune, type
    ("11111111100011", "Coutellerie Alpha", "25.71Z", 40, "52269", "PME"),
    ("22222222200022", "Forges Beta", "25.50A", 120, "52269", "PME"),
    ("33333333300033", "Usinage Gamma", "25.62B", 15, "52269", "PME"),
    ("44444444400044", "Hôpital Delta", "86.10Z", 300, "52269", "public"),
    ("55555555500055", "Transports Epsilon", "49.41A", 60, "52269", "PME"),
    ("66666666600066", "Auberge Zeta", "55.10Z", 8, "52269", "TPE"),
    ("77777777700077", "Restaurant Eta", "56.10A", 5, "52269", "TPE"),
    ("88888888800088", "Camping Theta", "55.30Z", 3, "52269", "TPE"),
]
C = [c[0] for c in COMPANIES]
# Planned hires: (company, occupation, horizon, positions, difficult, reasons)
#   domain H: <1an c1 5 + c2 3 (2 companies: frequency rule), 1-3ans c3 2 + c1 2 (idem);
#             total 12 from 3 companies, largest 7/12 -> published.
#   domain J: c4 4 (1 company: hidden). domain N: <1an c5 20 + c6 1, 1-3ans c7 1; total 22 from 3
#             companies but c5 holds 20/22 = 91 % >= 85 %: dominance. domain G: 3 x 2 -> published.
#   Grand total 44 positions, 40 difficult (H 10, J 4, N 20, G 6): 90.9 %.
HIRES = [
    (C[0], "H2913", "<1an", 5, 1, "penurie;mobilite"), (C[1], "H2913", "<1an", 3, 1, "penurie"),
    (C[2], "H2903", "1-3ans", 2, 1, "profil"), (C[0], "H2903", "1-3ans", 2, 0, None),
    (C[3], "J1501", "<1an", 4, 1, "conditions"),
    (C[4], "N4101", "<1an", 20, 1, "penurie;salaire"), (C[5], "N1103", "<1an", 1, 0, None),
    (C[6], "N4101", "1-3ans", 1, 0, None),
    (C[5], "G1602", "<1an", 2, 1, "conditions"), (C[6], "G1602", "<1an", 2, 1, "conditions;logement"),
    (C[7], "G1602", "<1an", 2, 1, "conditions"),
]
TOTAL_POSITIONS = 44
DIFFICULT = 40
# Population of the territory (2021): 0-19: 2 000; 65+ = 75+ (900) + 10/15 of 60-74 (1 500) = 1 900:
# ageing index 100 x 1 900 / 2 000 = 95.0.
POPULATION = [("0-19", 0, 19, 1000, 1000), ("20-59", 20, 59, 2500, 2500), ("60-74", 60, 74, 600, 900),
              ("75+", 75, None, 300, 600)]


def _frame(rows: list[dict], sheet: str) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["sheet"] = sheet
    df["row"] = range(2, len(df) + 2)
    return df


def build_workspace(root: Path, *, companies=COMPANIES, hires=HIRES, comments=None,
                    skills=None) -> Workspace:
    """A workspace with one observatory drop and one audit drop per company."""
    ws = Workspace.create(root, name="Pays de Langres", territory="arr:522", period=PERIOD,
                          comparisons=["dep:52"])
    population = []
    for band, lo, hi, men, women in POPULATION:
        for sex, people in (("H", men), ("F", women)):
            population.append({"territory": "arr:522", "year": 2021, "sex": sex, "age_band": band,
                               "age_min": lo, "age_max": hi, "people": people})
            population.append({"territory": "dep:52", "year": 2021, "sex": sex, "age_band": band,
                               "age_min": lo, "age_max": hi, "people": people * 8})
    employment = [{"territory": "arr:522", "year": 2021, "naf": naf, "occupation": occ, "age_band": band,
                   "age_min": lo, "age_max": hi, "sex": "T", "people": people}
                  for naf, occ, band, lo, hi, people in [
                      ("25.71Z", "H2913", "25-49", 25, 49, 300), ("25.71Z", "H2913", "50-54", 50, 54, 80),
                      ("25.71Z", "H2913", "55+", 55, None, 90), ("86.10Z", "J1501", "25-49", 25, 49, 400),
                      ("86.10Z", "J1501", "55+", 55, None, 120), ("49.41A", "N4101", "25-49", 25, 49, 150)]]
    comments = comments or {}
    skills = skills or [(C[0], "Soudage TIG", 3), (C[1], "Soudage TIG", 2), (C[2], "soudage  tig", 1),
                        (C[3], "Gestes et postures", 4)]
    with Store.open(ws.store_path) as store, store.atomic() as db:
        store.insert_drop(db, kind="opeq", period=PERIOD, file_name="opeq-langres.xlsx", sha256="a" * 64,
                          size_bytes=1, tables={"population": _frame(population, "Population"),
                                                "employment": _frame(employment, "Emploi")})
        for i, (siret, name, naf, headcount, commune, kind) in enumerate(companies):
            tables = {
                "companies": _frame([{"siret": siret, "name": name, "naf": naf, "headcount": headcount,
                                      "commune": commune, "company_type": kind, "club_member": 1}],
                                    "Entreprise"),
                "hires": _frame([{"siret": s, "occupation": o, "horizon": h, "positions": p, "difficult": d,
                                  "reasons": r, "contract": "CDI", "cadre": 0}
                                 for s, o, h, p, d, r in hires if s == siret], "Recrutements"),
                "assessments": _frame([{"siret": siret, "theme": theme, "score": score,
                                        "comment": comments.get((siret, theme))}
                                       for theme, score in (("recrutement", 1 + i % 2), ("formation", 2 + i % 3))],
                                      "Diagnostic"),
                "missing_skills": _frame([{"siret": s, "skill": k, "people": p, "criticality": 3}
                                          for s, k, p in skills if s == siret], "Compétences"),
                "departures": _frame([{"siret": siret, "occupation": "H2913", "horizon": "5-10ans",
                                       "retirements": 1 + i % 2, "other_departures": 0}], "Départs"),
                "workforce": _frame([{"siret": siret, "occupation": "H2913", "age_band": band, "age_min": lo,
                                      "age_max": hi, "sex": "H", "headcount": n}
                                     for band, lo, hi, n in (("25-34", 25, 34, 3), ("55-59", 55, 59, 2))],
                                    "Effectifs"),
            }
            tables = {k: v for k, v in tables.items() if not v.drop(columns=["sheet", "row"]).empty}
            store.insert_drop(db, kind="audit", period=PERIOD,
                              file_name=f"audit-{name.lower().replace(' ', '-')}.xlsx",
                              sha256=f"{i + 1:x}" * 64, size_bytes=1, tables=tables)
    return Workspace.locate(ws.root)


def pdf_text(path: Path) -> tuple[str, list[str], PdfReader]:
    """The text of the PDF with spaces normalised (narrow no-break spaces become plain ones)."""
    reader = PdfReader(str(path))
    pages = [(p.extract_text() or "").replace("\u202f", " ").replace("\u00a0", " ") for p in reader.pages]
    # Words hyphenated at a line end come back as "recrute\u2010 ment": join them again.
    pages = [re.sub("\u2010\\s+", "", p) for p in pages]
    return " ".join(" ".join(pages).split()), pages, reader


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The committee edition and the internal edition of the same workspace, rendered once."""
    from gtec_cli.report.diagnostic import render_diagnostic

    root = tmp_path_factory.mktemp("report") / "ws"
    ws = build_workspace(root)
    with Store.open(ws.store_path) as store:
        committee = render_diagnostic(ws, store, period=PERIOD)
        internal = render_diagnostic(ws, store, period=PERIOD, internal=True)
    return ws, committee, internal


def test_default_path_and_sections(rendered):
    ws, committee, _ = rendered
    assert committee.path == ws.root / "reports" / "arr-522" / PERIOD / "diagnostic.pdf"
    text, pages, reader = pdf_text(committee.path)
    for title in ("Synthèse : les constats clés", "Cadrage : territoire, mailles et sources",
                  "Population et vieillissement", "Économie et emploi", "Marché du travail",
                  "Offre de formation", "Les audits d'entreprises", "Recrutements prévus et difficultés",
                  "Raisons des difficultés", "Départs prévus", "Compétences manquantes",
                  "Points faibles et leviers par thème", "Croisement des sources par métier",
                  "Méthodologie : les indicateurs", "Qualité des données et avertissements",
                  "Secret statistique : cellules masquées", "Provenance : version, réglages et fichiers",
                  "Glossaire"):
        assert title in text, title
    # Absent data is said in one line, not skipped silently.
    assert "Données absentes pour cette partie : ni demandeurs d'emploi" in text
    assert "Première période enregistrée" in text
    # A4 pages, bookmarks for the sections, a table of contents with page numbers.
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert any("Synthèse" in o for o in outline) and any("Annexes" in o for o in outline)
    assert re.search(r"Sommaire .*1 Synthèse : les constats clés [. ]*3 ", " ".join(pages[1].split()))
    # Running header and page numbers on inner pages.
    assert f"3 / {len(pages)}" in " ".join(pages[2].split())
    assert "Diagnostic emploi-compétences — Pays de Langres" in pages[4]


def test_headline_figures_are_the_indicators(rendered):
    from gtec_cli.indicators import compute_each
    from gtec_cli.formatting import Formatter

    ws, committee, _ = rendered
    text, _, _ = pdf_text(committee.path)
    fmt = Formatter("fr")
    with Store.open(ws.store_path) as store:
        res = compute_each(store, ws.settings, ["audit_difficult_share", "ageing_index"], period=PERIOD)
    audit = res["audit_difficult_share"].iloc[0]
    assert audit["n_positions"] == TOTAL_POSITIONS and audit["difficult_positions"] == DIFFICULT
    share = 100 * DIFFICULT / TOTAL_POSITIONS  # 90.909...
    assert audit["value"] == pytest.approx(share)
    expected = (f"Les 8 entreprises auditées prévoient {TOTAL_POSITIONS} recrutements, dont "
                f"{fmt.percent(share)} jugés difficiles.").replace("\u202f", " ")
    assert expected == "Les 8 entreprises auditées prévoient 44 recrutements, dont 90,9 % jugés difficiles."
    assert expected in text
    ageing = res["ageing_index"]
    own = ageing[ageing["territory"] == "arr:522"].iloc[0]
    assert own["value"] == pytest.approx(95.0)
    assert "Indice de vieillissement — Pays de Langres, 2021 : 95,0 personnes de 65 ans ou plus" in text


def _row(text: str, start: str, label: str) -> str:
    """The printed row `label` of the first table after `start`."""
    after = text[text.index(start):]
    number = r"\d{1,3}(?: \d{3})*(?:,\d+)?(?: %)?(?: †)?"
    match = re.search(re.escape(label) + r"((?: (?:s|—|" + number + r"))+)", after)
    assert match, f"row {label!r} not found after {start!r}"
    return match.group(1)


def test_cells_that_must_be_hidden_print_s(rendered):
    _, committee, _ = rendered
    text, _, _ = pdf_text(committee.path)
    start = "Données du graphique"  # the hires data table follows its chart
    hires_at = text.index("Recrutements prévus par domaine et horizon")
    section = text[hires_at:]
    # J: one company -> every figure hidden; N: total dominated by one company (91 %).
    j_row = _row(section, start, "J Santé").split()
    assert j_row[:5] == ["s", "0", "s", "s", "s"], j_row  # <1an, 1-3 ans (empty), total, difficult, share
    n_row = _row(section, start, "N Transport et logistique")
    assert n_row.split()[:3] == ["s", "s", "s"], n_row  # <1an (2 companies), 1-3 ans (1), total (B)
    # H: cells by horizon from 2 companies hidden, its total (3 companies) published with its share.
    h_row = _row(section, start, "H Industrie").split()
    assert h_row[:2] == ["s", "s"] and h_row[2] == "12"
    # G: three companies with 2 positions each: published (with the small-numbers dagger).
    assert _row(section, start, "loisirs et animation").split()[:3] == ["6", "†", "0"]
    assert "s : valeur masquée au titre du secret statistique" in text
    # Reasons cited by fewer than 3 companies print s; "manque de candidats" (3 companies) is shown.
    assert _row(text, "Raisons des difficultés de recrutement", "Transport, mobilité").split()[:2] == ["s", "s"]
    assert _row(text, "Données du graphique", "Manque de candidats").split()[:2] == ["3", "28"]


def test_no_company_name_siret_or_workbook_name_in_the_committee_edition(rendered):
    _, committee, _ = rendered
    text, _, _ = pdf_text(committee.path)
    squashed = re.sub(r"\s+", "", text)
    raw = committee.path.read_bytes()
    for siret, name, *_ in COMPANIES:
        assert name not in text
        assert siret not in squashed
        slug = f"audit-{name.lower().replace(' ', '-')}"
        assert slug not in squashed
    assert "ÉDITION INTERNE" not in text
    assert b"Coutellerie" not in raw
    # Skills cited by fewer than 3 companies are pooled, their wording not printed.
    assert "Gestes et postures" not in text
    assert "Soudage TIG" in text  # cited by three companies (two spellings, one skill)


def test_internal_edition_names_companies_and_says_so_on_every_page(rendered):
    _, _, internal = rendered
    assert internal.path.name == "diagnostic-interne.pdf"
    text, pages, _ = pdf_text(internal.path)
    for _, name, *_ in COMPANIES:
        assert name in text
    for number, page in enumerate(pages, 1):
        assert "ÉDITION INTERNE NOMINATIVE — NE PAS DIFFUSER" in " ".join(page.split()), number


def test_provenance_and_attached_csv(rendered):
    ws, committee, _ = rendered
    text, _, reader = pdf_text(committee.path)
    squashed = re.sub(r"\s+", "", text)
    assert f"gtec {__version__}" in text
    with Store.open(ws.store_path) as store:
        drops = store.drops()
    assert len(drops) == 9
    for drop in drops:
        assert drop.sha256 in squashed
    assert "opeq-langres.xlsx" in text and "classeur d'audit n° 2" in text
    assert "confidentiality.dominance_share 0.85" in text
    attachments = reader.attachments
    name = "gtec-diagnostic-arr-522-2026-T4.csv"
    assert list(attachments) == [name]
    rows = list(csv.DictReader(io.StringIO(attachments[name][0].decode("utf-8-sig")), delimiter=";"))
    hidden = [r for r in rows if r["statut"] in ("A", "B", "D")]
    assert hidden and all(r["valeur"] == "" and r["texte_imprime"] == "s" for r in hidden)
    total = [r for r in rows if r["titre"] == "Recrutements prévus par domaine et horizon"
             and r["ligne"] == "Ensemble" and r["colonne"] == "Ensemble"]
    assert [float(r["valeur"]) for r in total] == [TOTAL_POSITIONS]
    assert not any(name in r["ligne"] for r in rows for _, name, *_ in COMPANIES)


def test_no_hidden_audit_cell_can_be_recomputed_from_the_printed_table(rendered):
    """Read the printed hires table (domain x horizon with totals) back from the report model and
    solve for each hidden cell with the margins it publishes."""
    from test_confidentiality import assert_unrecoverable

    from gtec_cli.report.diagnostic import build

    ws, _, _ = rendered
    with Store.open(ws.store_path) as store:
        ctx, sections = build(ws, store, PERIOD, lang="fr")
    table = next(tb for s in sections for tb in s.tables()
                 if tb.title == "Recrutements prévus par domaine et horizon")
    horizons = table.columns[1:-3]
    assert horizons == ["moins d'1 an", "1 à 3 ans"]
    keys, eqs, values, hidden = [], [], {}, set()
    protected = ctx.protected["hires_domain_horizon"]
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row[1:len(horizons) + 2]):
            keys.append((r, c))
            dom = row[0].text.split(" ")[0] if r < len(table.rows) - 1 else "__total__"
            horizon = (["<1an", "1-3ans"] + ["__total__"])[c]
            values[(r, c)] = protected.cell(domain=dom, horizon=horizon)["value"]
            if cell.status != "V":
                hidden.add((r, c))
            else:
                assert cell.raw == values[(r, c)]
    n_rows, n_cols = len(table.rows), len(horizons) + 1
    for r in range(n_rows):
        eqs.append({**{(r, c): 1.0 for c in range(n_cols - 1)}, (r, n_cols - 1): -1.0})
    for c in range(n_cols):
        eqs.append({**{(r, c): 1.0 for r in range(n_rows - 1)}, (n_rows - 1, c): -1.0})
    assert len(hidden) >= 6
    assert_unrecoverable(keys, eqs, values, hidden)


def test_english_edition_and_html_format(rendered, tmp_path):
    from gtec_cli.report.diagnostic import render_diagnostic

    ws, _, _ = rendered
    with Store.open(ws.store_path) as store:
        en = render_diagnostic(ws, store, period=PERIOD, lang="en", out=tmp_path / "en.pdf")
        html = render_diagnostic(ws, store, period=PERIOD, fmt="html", out=tmp_path / "d.html")
    text, _, _ = pdf_text(en.path)
    assert "Summary: key findings" in text
    assert "The 8 audited companies plan 44 recruitments, 90.9% of them expected to be difficult." in text
    page = html.path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert 'src="data:image/png;base64,' in page and "gtec-chart:" not in page
    assert "Coutellerie" not in page


def test_cli_prints_the_path_and_json(rendered, gtec, tmp_path):
    ws, _, _ = rendered
    out = tmp_path / "cli.pdf"
    r = gtec("-w", ws.root, "report", "diagnostic", "--period", PERIOD, "--out", out)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == str(out) and out.stat().st_size > 10_000
    r = gtec("-w", ws.root, "--json", "report", "diagnostic", "--format", "html", "--out", tmp_path / "x.html")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert doc["file"] == str(tmp_path / "x.html") and doc["suppressed_cells"]["A"] > 0
    r = gtec("-w", ws.root, "report", "diagnostic", "--format", "docx")
    assert r.exit_code == 2 and "Format inconnu" in r.stderr
    r = gtec("-w", ws.root, "report", "diagnostic", "--lang", "de")
    assert r.exit_code == 2


def test_every_figure_has_a_text_alternative_and_its_data_table(rendered, tmp_path):
    from gtec_cli.report.diagnostic import render_diagnostic

    ws, _, _ = rendered
    with Store.open(ws.store_path) as store:
        html = render_diagnostic(ws, store, period=PERIOD, fmt="html", out=tmp_path / "d.html")
    page = html.path.read_text(encoding="utf-8")
    figures = re.findall(r"<figure id=\"fig-\d+\">(.*?)</figure>\s*<div class=\"table-block data-table\"",
                         page, re.S)
    assert len(figures) == page.count("<figure ") >= 5
    for body in figures:
        alt = re.search(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)">', body)
        assert alt and len(alt.group(1)) > 40
        assert "Lecture" in body and alt.group(1) in body  # printed too, for readers of paper
    assert page.count("Données du graphique") == len(figures)
    assert page.count("Source") >= page.count("<table")


def test_every_chart_reaches_the_pdf_as_a_png(rendered):
    _, committee, _ = rendered
    # WeasyPrint shares image objects between pages: count distinct images.
    images = {img.data for page in PdfReader(str(committee.path)).pages for img in page.images}
    assert len(images) == len(committee.charts) >= 4
    assert all(png.startswith(b"\x89PNG") for png, _ in committee.charts.values())


def test_both_languages_have_the_same_words():
    from gtec_cli.report.i18n import EN, FR

    assert set(FR) == set(EN)
    for key in FR:
        assert sorted(re.findall(r"{(\w+)}", FR[key])) == sorted(re.findall(r"{(\w+)}", EN[key])), key


def test_another_territory_and_output_names(rendered, tmp_path):
    from gtec_cli.report.diagnostic import render_diagnostic, report_path

    ws, _, _ = rendered
    base = ws.root / "reports"
    assert report_path(ws, PERIOD) == base / "arr-522" / PERIOD / "diagnostic.pdf"
    assert report_path(ws, PERIOD, lang="en", internal=True, fmt="html").name == "diagnostic-en-interne.html"
    assert report_path(ws, PERIOD, territory="dep:52").parent == base / "dep-52" / PERIOD
    with Store.open(ws.store_path) as store:
        result = render_diagnostic(ws, store, period=PERIOD, territory="dep:52", out=tmp_path / "dep.pdf")
    text, _, _ = pdf_text(result.path)
    assert "Indice de vieillissement — département 52, 2021 : 95,0" in text


def test_an_empty_workspace_says_what_is_missing_section_by_section(tmp_path):
    from gtec_cli.report.diagnostic import render_diagnostic

    ws = Workspace.create(tmp_path / "empty", name="Pays vide", territory="arr:522", period=PERIOD)
    with Store.open(ws.store_path) as store:
        result = render_diagnostic(ws, store, period=PERIOD, fmt="html", out=tmp_path / "e.html")
    page = result.html
    for section in ("summary", "population", "labour", "training", "audits", "triangulation",
                    "cooperation"):
        block = page[page.index(f'id="{section}"'):]
        block = block[:block.index("</section>")]
        assert 'class="absent"' in block, section
    assert "Première période enregistrée" in page


def test_report_groups_skill_spellings_as_the_indicator_does():
    """Regression: the report keyed skills on case and spaces only, the missing_skills indicator
    on the folded form, so « Soudage TIG » and « soudage-tig » were one skill there, two here."""
    import pandas as pd

    from gtec_cli.indicators.skills import missing_skills
    from gtec_cli.report.data import skill_key, skills_contributions

    spellings = ["Soudage TIG", "soudage-tig", "Soudage  TIG ", "Lecture de plans"]
    missing = pd.DataFrame({"siret": ["1", "2", "3", "4"], "skill": spellings, "skill_code": None,
                            "occupation": "H2913", "people": [2.0, 1.0, 3.0, 1.0],
                            "criticality": [3, 2, 3, 1], "trainable_inhouse": 0, "single_holder": 0})
    assert len({skill_key(s) for s in spellings[:3]}) == 1
    contributions, _labels = skills_contributions(missing, min_companies=3, other_label="Autres")
    shared = contributions.loc[contributions["skill"] != "Autres", "skill"].unique()
    assert list(shared) == [skill_key("Soudage TIG")]  # the three spellings reach the threshold
    indicator = missing_skills(missing)
    assert len(indicator) == 2  # the indicator agrees: two skills


def test_heat_scale_classes_and_legend():
    """A value on a bound goes to the class above; missing values are not coloured."""
    from gtec_cli.report.context import ReportContext

    ctx = ReportContext(root=Path("."), settings=None, period=PERIOD, lang="fr", internal=False,
                        frames={}, drops=[])
    score = ctx.heat_scale("score", "Note moyenne", [1.5, 2.0, 2.5, 3.0, 3.5])
    assert [score.classify(v) for v in (1.0, 1.49, 1.5, 2.99, 3.0, 3.5, 4.0)] == [1, 1, 2, 4, 5, 6, 6]
    assert score.classify(None) == score.classify(float("nan")) == 0
    assert score.legend == ["< 1,5", "1,5 – 2,0", "2,0 – 2,5", "2,5 – 3,0", "3,0 – 3,5", "≥ 3,5"]
    tension = ctx.heat_scale("tension", "Classe de tension", [2, 3, 4, 5])
    assert tension.legend == ["1", "2", "3", "4", "5"]
    assert [tension.classify(v) for v in (1, 2, 3, 4, 5)] == [1, 2, 3, 4, 5]


def test_theme_heat_map_is_the_table_and_hides_no_more_than_the_table(rendered):
    """Weaknesses and levers by theme: every published mean is coloured by its own class, and a
    cell hidden by secrecy gets no colour (the colour would give the figure away)."""
    from gtec_cli.report.model import HeatScale

    _, committee, _ = rendered
    html = committee.html
    block = re.search(r'<div class="table-block heat-block"[^>]*>\s*<p class="caption">[^<]*Note moyenne par thème'
                      r'.*?</table>', html, re.S)
    assert block, "the theme table is not a heat map"
    assert 'class="heat-legend"' in block.group(0)
    cells = re.findall(r'<td class="([^"]+)">([^<]*)</td>', block.group(0))
    scale = HeatScale("score", "", [1.5, 2.0, 2.5, 3.0, 3.5], [""] * 6)
    coloured = hidden = 0
    for css, text in cells:
        if "label" in css.split():
            continue
        heat = re.search(r"heat-score-(\d)", css)
        if text.strip() in ("s", "—"):
            assert heat is None, (css, text)
            hidden += text.strip() == "s"
            continue
        value = float(text.replace("†", "").replace(",", ".").strip())
        assert heat and int(heat.group(1)) == scale.classify(value), (css, text)
        coloured += 1
    assert coloured >= 4 and hidden >= 4  # the 8 audited companies leave half the cells hidden


def test_methodology_annex_lists_every_registry_indicator(rendered):
    """The annex is generated from the registry: the indicators the audit tables and the economy
    section read (themes, cooperation, employment, establishments) are documented there too."""
    from gtec_cli.indicators import INDICATORS

    _, committee, _ = rendered
    annex = committee.html[committee.html.index('id="methodology"'):]
    for ind in INDICATORS:
        assert f"({ind.name})" in annex, ind.name
