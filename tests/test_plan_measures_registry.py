"""The action plan's measures and the indicator registry give the same figures: each measure names
the registry indicator it reads, and its cells match that indicator computed from the store (the
path of `gtec indicators` and of the diagnostic)."""

from __future__ import annotations

import pytest

from gtec_cli.indicators import REGISTRY, compute
from gtec_cli.plan.data import AuditData
from gtec_cli.plan.measures import MEASURES
from test_plan_helpers import company, hire, settings, siret, store_audits

PERIOD = "2026-T4"


@pytest.fixture
def audits(store):
    comps = [company(1, kind="TPE"), company(2), company(3, kind="association"), company(4, kind="GE")]
    store_audits(
        store, PERIOD, companies=comps,
        hires=[hire(1, "H2913", 3, 1, reasons="penurie"), hire(2, "H2913", 1, 0), hire(3, "K1302", 2, 1)],
        assessments=[{"siret": siret(i), "theme": theme, "score": score} for i, theme, score in [
            (1, "recrutement", 1), (1, "formation", 3), (2, "recrutement", 2), (2, "formation", 4),
            (3, "recrutement", 4), (3, "transmission", 2), (4, "transmission", 1)]],
        departures=[{"siret": siret(i), "occupation": occ, "horizon": h, "retirements": r,
                     "other_departures": 0, "knowhow_at_risk": k} for i, occ, h, r, k in [
            (1, "H2913", "<1an", 2, "Affûtage; polissage"), (1, "H2913", "1-3ans", 1, None),
            (2, "H2903", "<1an", None, "Soudure TIG"), (4, "H2913", "1-3ans", 3, "Traçage")]],
        cooperation=[{"siret": siret(i), "cooperation_type": t, "direction": di, "people": p}
                     for i, t, di, p in [(1, "tutorat", "offre", 2), (1, "tutorat", "offre", 1),
                                         (1, "tutorat", "besoin", None), (2, "tutorat", "besoin", 3),
                                         (2, "groupement d employeurs", "besoin", 1)]],
        missing_skills=[{"siret": siret(i), "skill": s, "skill_code": code, "occupation": occ,
                         "people": p, "criticality": cr} for i, s, code, occ, p, cr in [
            (1, "Soudage TIG", "ESCO-1", "H2913", 2, 3), (2, "soudage tig", None, "H2913", 1, 2),
            (3, "Soudure T.I.G.", "esco-1", "H2903", 4, 1), (1, "Lecture de plans", None, "H2913", 3, 2)]])
    return store


def _cells(store, measure: str, scope: str) -> dict:
    data = AuditData.load(store, PERIOD)
    m = MEASURES[measure]
    cells = m.compute(data, scope, {}, {"settings": settings()})
    return {row["key"]: row for row in cells.to_dict("records")}


def _registry(store, name: str, by: list[str]):
    return compute(store, settings(), [name], by=by or None, period=PERIOD)


def test_every_measure_but_the_plan_matching_names_its_registry_indicator():
    for m in MEASURES.values():
        if m.owner == "plan":
            assert m.name == "collaboration_opportunities" and m.registry is None
        else:
            assert m.owner == "indicators" and m.registry in REGISTRY, m.name


def test_weak_assessments_are_the_registry_figures(audits):
    cells = _cells(audits, "assessment_weak_share", "theme")
    reg = _registry(audits, "assessment_weak_share", ["theme"])
    assert set(cells) == set(reg["theme"]) == {"recrutement", "formation", "transmission"}
    for r in reg.itertuples():
        assert cells[r.theme]["share"] == pytest.approx(r.value)
        assert cells[r.theme]["weak"] == r.n_weak and cells[r.theme]["n_companies"] == r.n_companies
    assert cells["recrutement"]["share"] == pytest.approx(100 * 2 / 3)
    # Over every (company, theme) score: the registry asked by territory alone (`--by territory`).
    whole = _cells(audits, "assessment_weak_share", "all")["all"]
    overall = _registry(audits, "assessment_weak_share", ["territory"]).iloc[0]
    assert whole["share"] == pytest.approx(overall["value"]) == pytest.approx(100 * 4 / 7)


def test_knowhow_at_risk_is_the_registry_figure(audits):
    whole = _cells(audits, "knowhow_at_risk", "all")["all"]
    reg = _registry(audits, "knowhow_at_risk", []).iloc[0]
    assert whole["companies"] == reg["value"] == 3
    assert whole["retirements"] == pytest.approx(reg["retirements"]) == pytest.approx(5.0)
    cells = _cells(audits, "knowhow_at_risk", "occupation")
    reg = _registry(audits, "knowhow_at_risk", ["occupation"])
    assert {k: c["companies"] for k, c in cells.items()} == dict(zip(reg["occupation"], reg["value"]))


def test_cooperation_declarations_are_the_registry_figures(audits):
    cells = _cells(audits, "cooperation_declarations", "cooperation_type")
    reg = _registry(audits, "cooperation_declarations", ["cooperation_type"])
    assert {k: (c["companies"], c["people"]) for k, c in cells.items()} == \
        {r.cooperation_type: (r.value, r.people) for r in reg.itertuples()}
    assert cells["tutorat"]["companies"] == 2 and cells["tutorat"]["people"] == pytest.approx(6.0)


def test_missing_skills_are_the_registry_figures_grouped_by_code(audits):
    cells = _cells(audits, "missing_skills", "skill")
    reg = _registry(audits, "missing_skills_by_code", ["skill"])
    assert {k: (c["companies"], c["people"], c["score"]) for k, c in cells.items()} == \
        {r.skill_key: (r.n_companies, r.people, r.value) for r in reg.itertuples()}
    assert cells["code:ESCO-1"]["companies"] == 3 and cells["code:ESCO-1"]["score"] == pytest.approx(12.0)
    by_occupation = _cells(audits, "missing_skills", "occupation")
    reg = _registry(audits, "missing_skills_by_code", ["occupation"])
    assert {k: (c["companies"], c["score"]) for k, c in by_occupation.items()} == \
        {r.occupation: (r.n_companies, r.value) for r in reg.itertuples()}


def test_recruitment_measures_are_the_registry_figures(audits):
    cells = _cells(audits, "audit_difficult_share", "occupation")
    reg = _registry(audits, "audit_difficult_share", ["occupation"])
    assert {k: c["share"] for k, c in cells.items()} == \
        pytest.approx({r.occupation: r.value for r in reg.itertuples()})
