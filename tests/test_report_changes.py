""""What changed since the previous period", at the front of the diagnostic.

A workspace with two periods, 2026-T3 and 2026-T4, whose changes are worked out by hand below:
audits re-answered, a company added, a new BMO vintage and a new France Travail tension vintage.
The PDF is rendered once (module fixture); the secrecy case is checked on the HTML edition.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from gtec_cli.store import Store
from gtec_cli.workspace import Workspace

T3, T4 = "2026-T3", "2026-T4"
C1, C2, C3, C4, C5 = (f"{i}" * 9 + "000" + f"{i}" * 2 for i in range(1, 6))
NAMES = {C1: "Forges Alpha", C2: "Usinage Beta", C3: "Coutellerie Gamma", C4: "Transports Delta",
         C5: "Atelier Epsilon"}
# Hires: (company, occupation, horizon, positions, difficult).
# T3 — H2913: c1, c2, c3 each 1 difficult (<1an) + 3 not (1-3ans), c4 4 not: 3 / 16 = 18,75 %.
#      N4101: c1, c2, c3 each 3 difficult: 9 / 9 = 100 %.
#      Totals: 25 positions, 12 difficult: 48,0 %.
HIRES_T3 = [(c, "H2913", "<1an", 1, 1) for c in (C1, C2, C3)] + \
           [(c, "H2913", "1-3ans", 3, 0) for c in (C1, C2, C3)] + [(C4, "H2913", "1-3ans", 4, 0)] + \
           [(c, "N4101", "<1an", 3, 1) for c in (C1, C2, C3)]
# T4 — c1, c2, c3 answer again; c4 is not re-audited (its T3 answers count); c5 is new.
#      H2913: c1, c2, c3 each 3 difficult + 1 not, c4 4 not, c5 2 not: 9 / 18 = 50,0 %: the
#             threshold (50 %) is reached: a new difficulty (18,8 % -> 50,0 %, +31,3 pts).
#      N4101: c1, c2, c3 each 3, none difficult: 0 / 9: resolved (100,0 % -> 0,0 %).
#      Totals: 27 positions, 9 difficult: 33,3 % (-14,7 pts); companies 4 -> 5.
HIRES_T4 = [(c, "H2913", "<1an", 3, 1) for c in (C1, C2, C3)] + \
           [(c, "H2913", "1-3ans", 1, 0) for c in (C1, C2, C3)] + [(C5, "H2913", "<1an", 2, 0)] + \
           [(c, "N4101", "<1an", 3, 0) for c in (C1, C2, C3)]
# BMO for the employment area be:4419 (alias of the arrondissement), 2024 in T3, 2025 in T4:
#   D2Z40 40 projects, 10 -> 30 difficult: 25,0 % -> 75,0 %, reaches 50 %;
#   J3Z41 60 -> 50 projects, 36 -> 20 difficult: 60,0 % -> 40,0 %, falls below;
#   T4Z60 10 projects (< 30): left out; J5Z61 100 projects, 70 -> 80: stays above, not listed.
BMO = {2024: [("D2Z40", 40, 10), ("J3Z41", 60, 36), ("T4Z60", 10, 8), ("J5Z61", 100, 70)],
       2025: [("D2Z40", 40, 30), ("J3Z41", 50, 20), ("T4Z60", 10, 1), ("J5Z61", 100, 80)]}
# France Travail tension for be:4419: H2913 class 3 (2020) -> 4 (2021): reaches class 4;
# N4101 class 5 both years: not listed.
TENSION = {2020: [("H2913", 3), ("N4101", 5)], 2021: [("H2913", 4), ("N4101", 5)]}


def _frame(rows: list[dict], sheet: str) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["sheet"] = sheet
    df["row"] = range(2, len(df) + 2)
    return df


def _audit(store, db, period: str, siret: str, hires: list, n: int) -> None:
    tables = {
        "companies": _frame([{"siret": siret, "name": NAMES[siret], "naf": "25.50A", "headcount": 20,
                              "commune": "52269", "company_type": "PME", "club_member": 1}], "Entreprise"),
        "hires": _frame([{"siret": s, "occupation": o, "horizon": h, "positions": p, "difficult": dif,
                          "contract": "CDI", "cadre": 0} for s, o, h, p, dif in hires if s == siret],
                        "Recrutements"),
    }
    store.insert_drop(db, kind="audit", period=period, file_name=f"audit-{siret}-{period}.xlsx",
                      sha256=f"{n:064x}", size_bytes=1, tables=tables)


def _public(store, db, period: str, bmo_year: int, tension_year: int, n: int) -> None:
    bmo = [{"year": bmo_year, "territory": "be:4419", "area_name": "LANGRES", "zoning": "2019", "dep": "52",
            "reg": "44", "occupation": occ, "occupation_system": "fap225", "occupation_label": None,
            "projects": p, "difficult": dif, "seasonal": 0, "projects_masked": 0, "difficult_masked": 0,
            "seasonal_masked": 0} for occ, p, dif in BMO[bmo_year]]
    store.insert_drop(db, kind="bmo", period=period, file_name=f"bmo-{bmo_year}.csv", sha256=f"{n:064x}",
                      size_bytes=1, tables={"bmo": _frame(bmo, "")},
                      metadata={"vintage": str(bmo_year), "years": [bmo_year]})
    tension = [{"source": "france-travail", "year": tension_year, "territory": "be:4419", "occupation": occ,
                "occupation_system": "rome", "tension_class": cls, "jobseekers_abc": 100, "offers": 50}
               for occ, cls in TENSION[tension_year]]
    store.insert_drop(db, kind="ft-tension", period=period, file_name=f"tension-{tension_year}.csv",
                      sha256=f"{n + 1:064x}", size_bytes=1, tables={"tension": _frame(tension, "")},
                      metadata={"vintage": str(tension_year), "years": [tension_year]})


def build_workspace(root: Path, *, t3_companies=(C1, C2, C3, C4)) -> Workspace:
    """Two periods of audits and public files (see the module's comments for the figures)."""
    ws = Workspace.create(root, name="Pays de Langres", territory="arr:522", period=T4, aliases=["be:4419"])
    with Store.open(ws.store_path) as store, store.atomic() as db:
        n = 1
        for siret in t3_companies:
            _audit(store, db, T3, siret, HIRES_T3, n)
            n += 1
        _public(store, db, T3, 2024, 2020, 100)
        for siret in (C1, C2, C3, C5):
            _audit(store, db, T4, siret, HIRES_T4, n)
            n += 1
        _public(store, db, T4, 2025, 2021, 200)
    return Workspace.locate(ws.root)


def _text(pages: list[str]) -> str:
    text = " ".join(pages).replace("\u202f", " ").replace("\u00a0", " ")
    return " ".join(re.sub("\u2010\\s+", "", text).split())


def _section(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i:text.index(end, i)]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from gtec_cli.report.diagnostic import render_diagnostic

    ws = build_workspace(tmp_path_factory.mktemp("changes") / "ws")
    with Store.open(ws.store_path) as store:
        result = render_diagnostic(ws, store, period=T4)
    reader = PdfReader(str(result.path))
    return ws, result, [p.extract_text() or "" for p in reader.pages]


def test_changes_come_right_after_the_summary(rendered):
    _, result, pages = rendered
    reader = PdfReader(str(result.path))
    titles = [o.title.replace("\u00a0", " ") for o in reader.outline if not isinstance(o, list)]
    assert titles[:3] == ["1 Synthèse : les constats clés", "2 Évolutions depuis la période précédente",
                          "3 Cadrage : territoire, mailles et sources"]
    assert not any("Évolutions" in title for title in titles[3:])  # no longer at the end
    text = _text(pages)
    # The summary says what changed, with the counts worked out above.
    assert ("Depuis la période « 3e trimestre 2026 » : 1 nouvelle(s) difficulté(s) de recrutement et 1 "
            "résolue(s) dans les audits, 3 métier(s) franchissant un seuil public, 1 entreprise(s) "
            "auditée(s) pour la première fois, 2 source(s) nouvelle(s) ou de nouveau millésime.") in text


def test_headline_figures_of_both_periods(rendered):
    text = _text(rendered[2])
    part = _section(text, "Évolutions entre 3e trimestre 2026 et 4e trimestre 2026", "Source")
    assert "Entreprises auditées 4 5 +1" in part
    assert "Recrutements prévus (audits) 25 27 +2" in part
    # T3 rests on 4 companies (below the 5 of the small-numbers rule): the dagger.
    assert "Part des recrutements jugés difficiles (audits) 48,0 % † 33,3 % −14,7 pts" in part
    # BMO, all occupations: 124 / 210 = 59,05 % in 2024, 131 / 200 = 65,5 % in 2025 (+6,45 pts).
    assert "Part des projets difficiles (BMO) 59,0 % 65,5 % +6,5 pts" in part


def test_new_and_resolved_difficulties(rendered):
    text = _text(rendered[2])
    part = _section(text, "Difficultés de recrutement apparues ou résolues (audits)", "Source")
    # 18,75 % rounds half up to 18,8 %; the change is 50 - 18,75 = 31,25 -> +31,3 pts. Shares
    # resting on fewer than 5 companies carry the dagger (4 in T3 for H2913, 3 for N4101; a zero
    # never does).
    assert "H2913 Soudage manuel 18,8 % † 50,0 % +31,3 pts nouvelle difficulté" in part
    assert "N4101 Conduite de transport de marchandises sur longue distance 100,0 % † 0,0 % −100,0 pts " \
           "difficulté résolue" in part
    assert part.index("nouvelle difficulté") < part.index("difficulté résolue")


def test_public_thresholds_crossed(rendered):
    text = _text(rendered[2])
    part = _section(text, "Métiers qui franchissent un seuil (sources publiques)", "Source")
    assert "Part des projets difficiles, BMO 2024 → 2025 25,0 % 75,0 % atteint le seuil" in part
    assert "Part des projets difficiles, BMO 2024 → 2025 60,0 % 40,0 % repasse sous le seuil" in part
    assert "H2913 Soudage manuel Classe de tension (france-travail), 2020 → 2021 3 4 atteint le seuil" in part
    assert part.index("D2Z40") < part.index("J3Z41") < part.index("H2913")  # BMO first, rising first
    assert "T4Z60" not in part and "J5Z61" not in part and "N4101" not in part
    assert "1 métier(s) de l'enquête BMO laissé(s) de côté : moins de 30 projets" in text


def test_companies_in_and_out_are_counted_not_named(rendered):
    text = _text(rendered[2])
    part = _section(text, "Entreprises auditées : arrivées et départs", "Source")
    assert "Auditées pour la première fois 1" in part
    assert "Plus prises en compte 0" in part
    assert "Auditées à nouveau (réponses mises à jour) 3" in part
    assert "Réponses d'une période antérieure conservées 1" in part
    assert not any(name in text for name in NAMES.values())


def test_sources_whose_vintage_changed(rendered):
    text = _text(rendered[2])
    part = _section(text, "Sources dont le millésime a changé", "Source : gtec")
    assert "Enquête BMO de France Travail (open data) 2024 2025 nouveau millésime" in part
    assert "Indicateurs de tension France Travail (ROME × bassin) 2020 2021 nouveau millésime" in part


def _html_text(path: Path) -> str:
    raw = Path(path).read_text(encoding="utf-8")
    raw = re.sub(r"<style>.*?</style>", "", raw, flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]+>", " ", raw)).replace("\u202f", " ").replace("\u00a0", " ")
    return " ".join(text.split())


def test_figures_hidden_in_either_period_print_s(tmp_path):
    """Only two companies audited in T3: every T3 audit figure is under the frequency rule, so it
    prints `s`, its change too, and no occupation is said to cross the threshold."""
    from gtec_cli.report.diagnostic import render_diagnostic

    ws = build_workspace(tmp_path / "ws", t3_companies=(C1, C2))
    with Store.open(ws.store_path) as store:
        result = render_diagnostic(ws, store, period=T4, fmt="html")
    text = _html_text(result.path)
    part = _section(text, "Évolutions entre 3e trimestre 2026 et 4e trimestre 2026", "Source")
    assert "Entreprises auditées 2 4 +2" in part  # counts of companies are not secret
    assert "Recrutements prévus (audits) s 23 s" in part
    assert "Part des recrutements jugés difficiles (audits) s 39,1 % † s" in part
    assert "Difficultés de recrutement apparues ou résolues" not in text
    assert "Aucun métier audité n'a franchi le seuil de 50 %" in text
    assert "2 métier(s) audité(s) dont les chiffres sont couverts par le secret statistique" in text


def test_internal_edition_names_the_companies(tmp_path):
    from gtec_cli.report.diagnostic import render_diagnostic

    ws = build_workspace(tmp_path / "ws")
    with Store.open(ws.store_path) as store:
        result = render_diagnostic(ws, store, period=T4, fmt="html", internal=True)
    part = _section(_html_text(result.path), "Entreprises auditées : arrivées et départs", "Source")
    assert "Auditées pour la première fois 1 Atelier Epsilon" in part
    assert "Réponses d'une période antérieure conservées 1 Transports Delta" in part


def test_first_period_says_so_in_one_line(tmp_path):
    from gtec_cli.report.diagnostic import render_diagnostic

    ws = Workspace.create(tmp_path / "ws", name="Pays de Langres", territory="arr:522", period=T3)
    with Store.open(ws.store_path) as store, store.atomic() as db:
        for i, siret in enumerate((C1, C2, C3)):
            _audit(store, db, T3, siret, HIRES_T3, i + 1)
    with Store.open(ws.store_path) as store:
        result = render_diagnostic(ws, store, period=T3, fmt="html")
    text = _html_text(result.path)
    body = text[text.index("1 Synthèse : les constats clés"):]
    body = body[body.index("Ce que disent"):]  # past the table of contents
    part = _section(body, "2 Évolutions depuis la période précédente", "3 Cadrage")
    assert part.strip().endswith("Première période enregistrée : pas encore de comparaison possible.")


def test_compare_uses_both_periods_frames(tmp_path):
    """The comparison on loaded frames, without rendering: what the section prints comes from it."""
    from gtec_cli.indicators import REGISTRY
    from gtec_cli.indicators.compute import load, tables_for
    from gtec_cli.report.changes import compare

    ws = build_workspace(tmp_path / "ws")
    with Store.open(ws.store_path) as store:
        tables = [*tables_for(REGISTRY), "companies"]
        before, after = (load(store, ws.settings, tables, period=p) for p in (T3, T4))
        cmp = compare(before, after, ws.settings, previous=T3, period=T4, drops=store.drops())
    assert [(r["occupation"], r["change"]) for r in cmp.difficulties] == [("H2913", "new"),
                                                                          ("N4101", "resolved")]
    h = cmp.difficulties[0]
    assert h["before"].value == pytest.approx(100 * 3 / 16) and h["after"].value == pytest.approx(50.0)
    assert cmp.companies == {"added": [C5], "gone": [], "updated": [C1, C2, C3], "carried": [C4]}
    assert [(r["occupation"], r["direction"]) for r in cmp.public] == [("D2Z40", "up"), ("J3Z41", "down"),
                                                                       ("H2913", "up")]
    assert cmp.public_small == 1
    assert [(r["kind"], r["before"], r["after"]) for r in cmp.sources] == [("bmo", "2024", "2025"),
                                                                           ("ft-tension", "2020", "2021")]


def test_the_indicator_base_is_checked_too():
    """Rows whose difficulty is not given leave the share's base: it may rest on fewer companies
    than the published cell, so the frequency and dominance rules apply to it as well."""
    from gtec_cli.report.changes import AuditSecrecy
    from gtec_cli.settings import Settings

    secrecy = AuditSecrecy({}, Settings())  # thresholds 3 companies, 85 %
    assert secrecy.share("H2913", {"n_companies": 2, "top_company_share": 0.5}) == "A"
    assert secrecy.share("H2913", {"n_companies": 3, "top_company_share": 0.85}) == "B"
    assert secrecy.share("H2913", {"n_companies": 3, "top_company_share": 0.84}) == "V"
    assert secrecy.positions({"n_companies": 1, "top_company_share": 1.0}) == "A"
