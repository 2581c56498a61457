"""Rules on small hand-built workspaces: an action fires exactly when its threshold is crossed
(boundaries included), its rationale quotes the right figures, its priority follows the formula."""

from __future__ import annotations

import pytest

from gtec_cli.plan import build_plan, plan_document
from gtec_cli.plan.catalogue import load_catalogue
from gtec_cli.plan.rules import crosses, severity
from test_plan_helpers import company, hire, one_rule_catalogue, settings, siret, store_audits

NBSP, NNBSP = "\u00a0", "\u202f"


def _plan(store, period="2026-T4", catalogue=None, **kw):
    return build_plan(store, period, settings=kw.pop("settings", settings()),
                      catalogue=catalogue or load_catalogue(), **kw)


def _action(plan, action_id):
    return next((a for a in plan.actions if a.action.id == action_id), None)


def _doc_action(doc, action_id):
    return next((a for a in doc["actions"] if a["id"] == action_id), None)


@pytest.mark.parametrize("value, op, fires", [
    (49.9, ">=", False), (50.0, ">=", True), (50.0 - 1e-12, ">=", True), (50.1, ">=", True),
    (50.0, ">", False), (50.1, ">", True), (50.0, "<=", True), (50.1, "<=", False),
    (50.0, "<", False), (49.9, "<", True), (float("nan"), ">=", False),
])
def test_threshold_comparisons(value, op, fires):
    assert crosses(value, op, 50) is fires


def _difficult_hires(store, difficult_b: float, non_difficult_c: float, period="2026-T4"):
    """Three companies hiring H2913 (1 000 positions): A 300 difficult, B `difficult_b` difficult,
    C `non_difficult_c` not difficult."""
    store_audits(store, period, companies=[company(1), company(2), company(3)], hires=[
        hire(1, "H2913", 300, 1, reasons="penurie"), hire(2, "H2913", difficult_b, 1, reasons="profil"),
        hire(3, "H2913", non_difficult_c, 0)])


def test_difficult_share_just_under_the_threshold_does_not_fire(store):
    _difficult_hires(store, 199, 501)  # 499 / 1 000 = 49.9 %
    plan = _plan(store)
    action = _action(plan, "plateforme-insertion-siae")
    assert action is None or not any(t.rule_id == "plateforme-insertion-siae#1" for t in action.triggers)


def test_difficult_share_at_the_threshold_fires_and_quotes_its_figures(store):
    _difficult_hires(store, 200, 500)  # 500 / 1 000 = 50 % exactly
    plan = _plan(store)
    action = _action(plan, "plateforme-insertion-siae")
    [trigger] = [t for t in action.triggers if t.rule_id == "plateforme-insertion-siae#1"]
    assert trigger.value == pytest.approx(50.0)
    assert trigger.key == "H2913" and trigger.n_companies == 3
    assert trigger.concerned == (siret(1), siret(2))  # C plans no difficult hire
    assert trigger.figures == {"difficult_positions": 500.0, "positions": 1000.0}
    doc = plan_document(plan)
    finding = next(f for f in _doc_action(doc, "plateforme-insertion-siae")["findings"]
                   if f["rule_id"] == "plateforme-insertion-siae#1")
    # A holds 300 of 1 000 positions: no dominance, 3 companies: the figure is publishable.
    assert finding["status"] == "V"
    assert finding["rationale"] == (
        f"Part des recrutements prévus jugés difficiles : 50,0{NNBSP}% — métier : H2913 Soudage manuel "
        f"(seuil ≥ 50{NNBSP}% ; 3{NBSP}entreprises)")


def test_min_companies_counts_companies_with_planned_positions(store):
    cat = one_rule_catalogue({"indicator": "audit_difficult_share", "scope": "occupation", "op": ">=",
                              "threshold": 60, "min_companies": 3})
    store_audits(store, companies=[company(1), company(2), company(3)], hires=[
        hire(1, "H2913", 3, 1), hire(2, "H2913", 1, 0), hire(3, "H2913", 0, 0)])
    assert _plan(store, catalogue=cat).actions == []  # C plans 0 positions: 2 companies only
    store_audits(store, companies=[company(4)], hires=[hire(4, "H2913", 1, 1)])
    [action] = _plan(store, catalogue=cat).actions
    assert action.triggers[0].value == pytest.approx(80.0) and action.triggers[0].n_companies == 3


def test_priority_follows_the_documented_formula(store):
    cat = one_rule_catalogue({"indicator": "audit_difficult_share", "scope": "occupation", "op": ">=",
                              "threshold": 50, "min_companies": 3}, horizon="moyen")
    store_audits(store, companies=[company(1), company(2), company(3)], hires=[
        hire(1, "H2913", 2, 1), hire(2, "H2913", 1, 1), hire(3, "H2913", 1, 0)])  # 75 %
    [action] = _plan(store, catalogue=cat).actions
    # moyen weight 2 × severity (1 + |75 − 50| / 50 = 1.5) × 2 companies with difficult hires
    assert severity(75, 50) == pytest.approx(1.5)
    assert action.priority == pytest.approx(2 * 1.5 * 2)


def test_severity_is_capped(store):
    cat = one_rule_catalogue({"indicator": "audit_difficulty_reasons", "value": "companies",
                              "scope": "reason", "keys": ["mobilite"], "threshold": 1,
                              "min_companies": 1}, horizon="court")
    store_audits(store, companies=[company(i) for i in range(1, 6)], hires=[
        hire(i, "N4101", 1, 1, reasons="mobilite") for i in range(1, 6)])
    [action] = _plan(store, catalogue=cat).actions
    # 5 companies for a threshold of 1: 1 + 4 / 1 = 5, capped at 3 (catalogue default).
    assert action.triggers[0].severity == pytest.approx(5.0)
    assert action.severity == pytest.approx(3.0)
    assert action.priority == pytest.approx(3.0 * 3.0 * 5)


def test_actions_come_by_priority(store):
    # Mobility cited by 4 companies (court weight… mobilite-transport is moyen: 2 × 4/3 × 4),
    # integration weak for 3 of 5 companies (court: 3 × (1 + 20/40) × 3).
    store_audits(store, companies=[company(i) for i in range(1, 6)], hires=[
        hire(i, "N4101", 1, 1, reasons="mobilite") for i in range(1, 5)],
        assessments=[{"siret": siret(i), "theme": "integration", "score": 2 if i <= 3 else 4}
                     for i in range(1, 6)])
    plan = _plan(store)
    mob, integ = _action(plan, "mobilite-transport"), _action(plan, "integration-fidelisation")
    assert mob.priority == pytest.approx(2.0 * (1 + 1 / 3) * 4)
    assert integ.priority == pytest.approx(3.0 * 1.5 * 3)
    fired = [a.action.id for a in plan.actions if a.fired]
    assert fired.index("integration-fidelisation") < fired.index("mobilite-transport")
    doc = plan_document(plan)
    finding = _doc_action(doc, "integration-fidelisation")["findings"][0]
    assert finding["rationale"] == (
        f"Part des entreprises notant le thème 1 ou 2 sur 4 : 60,0{NNBSP}% — thème du diagnostic RH : "
        f"accueil et intégration (seuil ≥ 40{NNBSP}% ; 5{NBSP}entreprises)")
    mob_finding = _doc_action(doc, "mobilite-transport")["findings"][0]
    assert mob_finding["rationale"] == (
        f"Entreprises citant la raison : 4{NBSP}entreprises — raison de difficulté : mobilité, transport "
        f"(seuil ≥ 3{NBSP}entreprises)")


def test_weak_assessments_just_under_the_threshold(store):
    # 2 of 6 companies weak on integration = 33.3 % < 40 %: integration-fidelisation does not fire.
    store_audits(store, companies=[company(i) for i in range(1, 7)],
                 assessments=[{"siret": siret(i), "theme": "integration", "score": 1 if i <= 2 else 3}
                              for i in range(1, 7)])
    assert _action(_plan(store), "integration-fidelisation") is None


def test_where_filters_keep_only_matching_companies(store):
    # appui-rh-tpe: weak recruitment among TPE only. Three weak PME do not count; 2 of 4 TPE weak = 50 %.
    comps = [company(i, kind="TPE") for i in range(1, 5)] + [company(i, kind="PME") for i in range(5, 8)]
    scores = {1: 1, 2: 2, 3: 3, 4: 4, 5: 1, 6: 1, 7: 1}
    store_audits(store, companies=comps, assessments=[
        {"siret": siret(i), "theme": "recrutement", "score": s} for i, s in scores.items()])
    action = _action(_plan(store), "appui-rh-tpe")
    [trigger] = action.triggers
    assert trigger.value == pytest.approx(50.0) and trigger.n_companies == 4
    assert trigger.concerned == (siret(1), siret(2))
    assert "parmi : TPE" in plan_document(_plan(store))["actions"][0]["findings"][0]["rationale"]


def test_workforce_share_55_plus_uses_the_indicator_with_straddling_bands(store):
    # 10-year bands: 50-59 counts for half (ages spread evenly). 55+ = 2 + 2 + 2 = 6 of 20 = 30 %.
    def wf(i, band, lo, hi, n):
        return {"siret": siret(i), "occupation": "H2913", "age_band": band, "age_min": lo, "age_max": hi,
                "sex": "H", "contract": "CDI", "headcount": n}
    store_audits(store, companies=[company(1), company(2), company(3)], workforce=[
        wf(1, "50-59", 50, 59, 4), wf(1, "20-29", 20, 29, 4), wf(2, "60-69", 60, 69, 2),
        wf(2, "30-39", 30, 39, 4), wf(3, "50-59", 50, 59, 4), wf(3, "40-49", 40, 49, 2)])
    action = _action(_plan(store), "transmission-savoir-faire")
    [trigger] = [t for t in action.triggers if t.rule.indicator == "workforce_share_55_plus"]
    assert trigger.value == pytest.approx(30.0)  # exactly the threshold: fires
    assert trigger.figures["seniors"] == pytest.approx(6.0)


def test_reasons_rule_counts_companies_per_reason(store):
    # marque-employeur-cadres#2: logement or conjoint cited by ≥ 3 companies (each reason separately).
    store_audits(store, companies=[company(i) for i in range(1, 5)], hires=[
        hire(1, "M1402", 1, 1, reasons="logement;conjoint", cadre=1),
        hire(2, "M1402", 1, 1, reasons="logement", cadre=1),
        hire(3, "M1402", 1, 1, reasons="conjoint", cadre=1),
        hire(4, "M1402", 1, 0, cadre=1)])
    action = _action(_plan(store), "marque-employeur-cadres")
    assert action is None or all(t.rule_id != "marque-employeur-cadres#2" for t in action.triggers)
    # …while 3 of 4 cadre positions are difficult: rule #1 (≥ 50 % of cadre hires, 4 companies) fires.
    [t1] = [t for t in action.triggers if t.rule_id == "marque-employeur-cadres#1"]
    assert t1.value == pytest.approx(75.0) and t1.n_companies == 4
    store_audits(store, companies=[company(5)], hires=[hire(5, "M1402", 2, 1, reasons="logement", cadre=1)])
    action = _action(_plan(store), "marque-employeur-cadres")
    [t2] = [t for t in action.triggers if t.rule_id == "marque-employeur-cadres#2"]
    assert (t2.key, t2.value, t2.figures["positions"]) == ("logement", 3.0, 4.0)


def test_a_figure_from_too_few_companies_is_hidden_in_the_committee_edition(store):
    cat = one_rule_catalogue({"indicator": "audit_difficult_share", "scope": "occupation", "op": ">=",
                              "threshold": 50, "min_companies": 2})
    store_audits(store, companies=[company(1, name="Forges Secrètes"), company(2, name="Atelier Discret")],
                 hires=[hire(1, "H2913", 3, 1), hire(2, "H2913", 1, 0)])
    plan = _plan(store, catalogue=cat)
    committee = plan_document(plan)
    finding = committee["actions"][0]["findings"][0]
    assert finding["status"] == "A" and finding["value"] is None and finding["value_text"] == "s"
    assert finding["subject"] is None and "H2913" not in str(committee)
    assert committee["actions"][0]["companies_text"] == f"moins de 3{NBSP}entreprises"
    internal = plan_document(plan, internal=True)["actions"][0]
    assert internal["findings"][0]["value"] == pytest.approx(75.0)
    assert internal["concerned"] == [{"siret": siret(1), "name": "Forges Secrètes"}]


def test_a_dominated_figure_is_hidden(store):
    cat = one_rule_catalogue({"indicator": "audit_difficult_share", "scope": "occupation", "op": ">=",
                              "threshold": 50, "min_companies": 3})
    store_audits(store, companies=[company(1), company(2), company(3)], hires=[
        hire(1, "H2913", 85, 1), hire(2, "H2913", 10, 0), hire(3, "H2913", 5, 0)])  # A holds 85 %
    finding = plan_document(_plan(store, catalogue=cat))["actions"][0]["findings"][0]
    assert finding["status"] == "B" and finding["value_text"] == "s"
    assert finding["subject"] == "H2913 Soudage manuel"  # enough companies: the subject is named


def test_trends_and_resolved_findings_against_the_previous_period(store):
    cat = one_rule_catalogue({"indicator": "audit_difficult_share", "scope": "occupation", "op": ">=",
                              "threshold": 50, "min_companies": 3})
    comps = [company(1), company(2), company(3)]
    store_audits(store, "2026-T2", companies=comps, hires=[
        hire(1, "H2913", 3, 1), hire(2, "H2913", 3, 1), hire(3, "H2913", 2, 0),   # 75 %
        hire(1, "N4101", 2, 1), hire(2, "N4101", 1, 1), hire(3, "N4101", 1, 0)])  # 75 %
    store_audits(store, "2026-T4", companies=comps, hires=[
        hire(1, "H2913", 3, 1), hire(2, "H2913", 2, 1), hire(3, "H2913", 3, 0),   # 62.5 %
        hire(1, "N4101", 1, 1), hire(2, "N4101", 1, 0), hire(3, "N4101", 2, 0)])  # 25 %
    plan = _plan(store, catalogue=cat)
    assert plan.previous_period == "2026-T2"
    [action] = plan.actions
    [current] = action.triggers
    assert (current.key, current.value, current.previous, current.trend) == ("H2913", 62.5, 75.0, "amélioré")
    [resolved] = action.resolved
    assert (resolved.key, resolved.value, resolved.previous, resolved.fired) == ("N4101", 25.0, 75.0, False)
    doc = plan_document(plan)["actions"][0]
    assert doc["findings"][0]["previous_text"] == f"75,0{NNBSP}%" and doc["findings"][0]["trend"] == "amélioré"
    assert doc["resolved"][0]["rationale"].startswith(f"Part des recrutements prévus jugés difficiles : 25,0{NNBSP}%")


def test_a_period_without_audits_gives_an_empty_plan(store):
    plan = _plan(store)
    assert plan.actions == [] and plan.audited == 0 and plan.opportunities == []
    assert plan_document(plan)["actions"] == []
