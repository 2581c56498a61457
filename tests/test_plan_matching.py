"""Matchmaking on hand-built audits whose cohorts and pairs are known in advance."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from gtec_cli.plan import build_plan, plan_document
from gtec_cli.plan.catalogue import Matching, load_catalogue
from gtec_cli.plan.data import AuditData, SkillKeys
from gtec_cli.plan.matching import find_opportunities, parse_months
from test_plan_helpers import company, hire, settings, siret, store_audits


def data(**tables) -> AuditData:
    return AuditData.from_frames("2026-T4", **{k: pd.DataFrame(v) for k, v in tables.items()})


def of_type(opps, kind):
    return [o for o in opps if o.type == kind]


def ms(i, skill, people, *, code=None, occupation=None, criticality=2):
    return {"siret": siret(i), "skill": skill, "skill_code": code, "occupation": occupation,
            "people": people, "criticality": criticality, "trainable_inhouse": 0, "single_holder": 0}


def coop(i, kind, direction, *, occupation=None, skill=None, people=None, period_note=None):
    return {"siret": siret(i), "cooperation_type": kind, "direction": direction, "occupation": occupation,
            "skill": skill, "people": people, "period_note": period_note}


def dep(i, occupation, horizon, retirements, knowhow=None):
    return {"siret": siret(i), "occupation": occupation, "horizon": horizon, "retirements": retirements,
            "other_departures": 0, "knowhow_at_risk": knowhow}


# --- skills ---------------------------------------------------------------------------------------
def test_skill_labels_are_compared_without_accents_case_or_spacing():
    keys = SkillKeys([("Soudage TIG inox", None), ("  soudage   tig INOX ", None), ("Soudâge TIG inox", None)])
    assert len({keys.key("Soudage TIG inox"), keys.key("  soudage   tig INOX "),
                keys.key("Soudâge TIG inox")}) == 1
    assert keys.key("Soudage MIG") != keys.key("Soudage TIG inox")


def test_skill_codes_win_and_lend_themselves_to_uncoded_labels():
    keys = SkillKeys([("Lecture de plans", "esco-42"), ("Lire un plan", "ESCO-42 "),
                      ("lecture de plans", None), ("Affûtage", "X1"), ("Affûtage", "X2")])
    assert keys.key("Lecture de plans", "esco-42") == keys.key("Lire un plan", "ESCO-42 ") == "code:ESCO-42"
    assert keys.key("lecture de plans") == "code:ESCO-42"  # the label only ever came with that code
    assert keys.key("affutage") == "label:affutage"  # two codes for one label: no guess


# --- pooled training ----------------------------------------------------------------------------------
def test_pooled_training_cohort_gathers_the_companies_missing_the_same_skill():
    d = data(
        companies=[company(i) for i in range(1, 8)],
        missing_skills=[ms(1, "Soudage TIG inox", 2), ms(2, "soudage  tig INOX", 1),
                        ms(3, "Soudâge TIG Inox", 3), ms(3, "Soudage TIG inox", 1, occupation="H2914"),
                        ms(4, "Lecture de plans", 1, code="ESCO-42"), ms(5, "Lire un plan", 2, code="esco-42"),
                        ms(6, "Peinture poudre", 4)],
        cooperation=[coop(7, "formation mutualisee", "offre", skill="soudage tig inox"),
                     coop(6, "formation mutualisee", "offre", skill="Lecture de plans")])
    cohorts = {o.label: o for o in of_type(find_opportunities(d), "formation_mutualisee")}
    assert set(cohorts) == {"Soudage TIG inox", "Lecture de plans"}  # one company alone is no cohort
    tig = cohorts["Soudage TIG inox"]
    assert set(tig.members) == {siret(1), siret(2), siret(3), siret(7)}
    assert tig.figures["learners"].value == 2 + 1 + 3 + 1
    assert tig.members[siret(7)].roles == ["formateur"]
    assert tig.figures["needing"].value == 3
    plans = cohorts["Lecture de plans"]
    assert set(plans.members) == {siret(4), siret(5), siret(6)} and plans.figures["learners"].value == 3
    assert plans.members[siret(6)].roles == ["formateur"]  # its own missing skill is another one


def test_cohort_minimum_is_a_setting():
    d = data(companies=[company(1), company(2)],
             missing_skills=[ms(1, "Soudage", 1), ms(2, "soudage", 1)])
    assert len(find_opportunities(d, Matching(cohort_min_companies=2))) == 1
    assert find_opportunities(d, Matching(cohort_min_companies=3)) == []


# --- tutoring -----------------------------------------------------------------------------------------
def test_tutoring_pairs_departing_know_how_with_companies_that_need_it():
    d = data(
        companies=[company(i) for i in range(1, 10)],
        departures=[
            dep(1, "H2913", "1-3ans", 2, "Affûtage des lames"),  # tutor through know-how at risk
            dep(2, "H2913", "<1an", 1),                         # retiring but no capacity: not a tutor
            dep(3, "H2913", "3-5ans", 3, "Polissage"),          # outside the tutoring horizons
            dep(4, "H2913", "<1an", 1),                          # capacity through a tutoring offer
        ],
        cooperation=[coop(4, "tutorat", "offre"), coop(8, "tutorat", "besoin", occupation="H2913")],
        hires=[hire(5, "H2913", 2, 1), hire(6, "N4101", 1, 1), hire(2, "H2913", 1, 0)],
        missing_skills=[ms(7, "affutage des lames", 1, occupation="I1604"), ms(9, "Polissage", 1)])
    [opp] = of_type(find_opportunities(d), "tutorat")
    assert opp.label.startswith("H2913")
    tutors = {s for s, m in opp.members.items() if "tuteur" in m.roles}
    learners = {s for s, m in opp.members.items() if "apprenant" in m.roles}
    assert tutors == {siret(1), siret(4)}
    # 5 hires the occupation, 8 asks for tutoring on it, 2 hires it too; 7 misses 1's know-how only.
    assert learners == {siret(2), siret(5), siret(7), siret(8)}
    assert set(opp.pairs) == {(siret(1), siret(x)) for x in (2, 5, 7, 8)} | {
        (siret(4), siret(x)) for x in (2, 5, 8)}
    assert siret(3) not in opp.members and siret(6) not in opp.members and siret(9) not in opp.members
    assert opp.figures["retirements"].value == 3


def test_a_tutor_is_never_paired_with_itself():
    d = data(companies=[company(1)], departures=[dep(1, "H2913", "<1an", 1, "Affûtage")],
             hires=[hire(1, "H2913", 1, 1)])
    assert of_type(find_opportunities(d), "tutorat") == []


# --- employer groups ------------------------------------------------------------------------------------
def test_employer_group_from_fractions_of_the_same_profile():
    d = data(companies=[company(i) for i in range(1, 6)],
             hires=[hire(1, "M1607", 0.5, 0), hire(2, "M1607", 0.3, 1), hire(3, "M1607", 2, 0),
                    hire(4, "K2204", 0.5, 0)],
             cooperation=[coop(5, "groupement d employeurs", "besoin", occupation="M1607")])
    [opp] = of_type(find_opportunities(d), "groupement_employeurs")
    assert opp.basis == "fractions du même profil"
    assert set(opp.members) == {siret(1), siret(2), siret(5)}  # 3 needs two full posts; 4 is alone
    assert opp.figures["fte"].value == pytest.approx(0.8)


@pytest.mark.parametrize("text, months", [
    ("juin-septembre", {6, 7, 8, 9}), ("de novembre à mars", {11, 12, 1, 2, 3}), ("hiver", {12, 1, 2}),
    ("juillet, août", {7, 8}), ("Été", {6, 7, 8}), ("toute l'année", set()), (None, set()),
])
def test_peak_months_are_read_from_free_text(text, months):
    assert parse_months(text) == months


def test_employer_group_from_complementary_seasons():
    d = data(companies=[company(i) for i in range(1, 6)],
             hires=[hire(i, "A1414", 3, 0, contract="saisonnier") for i in (1, 2, 3, 4)],
             cooperation=[coop(1, "groupement d employeurs", "besoin", period_note="juin-septembre"),
                          coop(2, "pret de main d oeuvre", "offre", occupation="A1414",
                               period_note="novembre à mars"),
                          coop(3, "groupement d employeurs", "besoin", period_note="juillet"),
                          coop(5, "groupement d employeurs", "besoin", occupation="A1414",
                               period_note="avril")])
    [opp] = of_type(find_opportunities(d), "groupement_employeurs")
    assert opp.basis == "pics d'activité saisonniers complémentaires"
    # 1 (jun–sep) and 3 (jul) overlap; 2 (nov–mar) complements both; 5 (apr) complements all three;
    # 4 hires seasonally but gave no period: complementarity cannot be shown.
    assert set(opp.pairs) == {(siret(1), siret(2)), (siret(2), siret(3)), (siret(1), siret(5)),
                              (siret(2), siret(5)), (siret(3), siret(5))}
    assert siret(4) not in opp.members


# --- insertion structures ---------------------------------------------------------------------------
def test_insertion_links_join_siae_and_hard_to_hire_occupations():
    wf = [{"siret": siret(1), "occupation": "H2913", "age_band": "25-29", "age_min": 25, "age_max": 29,
           "sex": "H", "contract": "insertion", "headcount": 6},
          {"siret": siret(2), "occupation": "K2204", "age_band": "25-29", "age_min": 25, "age_max": 29,
           "sex": "F", "contract": "insertion", "headcount": 4}]
    d = data(companies=[company(1, kind="SIAE"), company(2, kind="SIAE")] + [company(i) for i in (3, 4, 5)],
             workforce=wf,
             hires=[hire(3, "H2913", 2, 1), hire(4, "H2913", 1, 0), hire(5, "H2913", 1, 1),
                    hire(1, "H2913", 1, 1)])
    [opp] = of_type(find_opportunities(d), "insertion_siae")
    assert {s for s, m in opp.members.items() if "structure" in m.roles} == {siret(1)}
    assert {s for s, m in opp.members.items() if "recruteur" in m.roles} == {siret(3), siret(5)}
    assert opp.figures["difficult_positions"].value == 3  # the SIAE's own hire is not counted


# --- staff lending ----------------------------------------------------------------------------------
def test_staff_lending_matches_offers_and_needs():
    d = data(companies=[company(i) for i in range(1, 6)],
             cooperation=[coop(1, "pret de main d oeuvre", "offre", occupation="H2913", people=2),
                          coop(2, "pret de main d oeuvre", "besoin", occupation="H2913", people=1),
                          coop(3, "pret de main d oeuvre", "besoin", occupation="N4101", people=1),
                          coop(4, "pret de main d oeuvre", "offre", occupation="K2204"),
                          coop(5, "tutorat", "besoin", occupation="H2913")])
    [opp] = of_type(find_opportunities(d), "pret_main_oeuvre")
    assert set(opp.members) == {siret(1), siret(2)} and opp.pairs == [(siret(1), siret(2))]


def test_a_generic_lending_offer_matches_any_need_of_another_company():
    d = data(companies=[company(i) for i in range(1, 4)],
             cooperation=[coop(1, "pret de main d oeuvre", "offre"),
                          coop(2, "pret de main d oeuvre", "besoin", occupation="N4101"),
                          coop(1, "pret de main d oeuvre", "besoin", occupation="H2913")])
    [opp] = of_type(find_opportunities(d), "pret_main_oeuvre")
    assert opp.pairs == [(siret(1), siret(2))] and set(opp.members) == {siret(1), siret(2)}


# --- every member qualifies; the committee edition names nobody ----------------------------------------
def _everything() -> dict:
    comps = [company(1, kind="SIAE", name="Chantier d'insertion Vert"), *[
        company(i, name=f"Société {n}") for i, n in zip(range(2, 9), "ABCDEFG")]]
    return dict(
        companies=comps,
        workforce=[{"siret": siret(1), "occupation": "H2913", "age_band": "25-29", "age_min": 25,
                    "age_max": 29, "sex": "H", "contract": "insertion", "headcount": 5}],
        hires=[hire(2, "H2913", 2, 1), hire(3, "H2913", 1, 1), hire(4, "H2913", 2, 1),
               hire(5, "M1607", 0.5, 0), hire(6, "M1607", 0.5, 0)],
        departures=[dep(7, "H2913", "1-3ans", 2, "Soudage TIG inox")],
        missing_skills=[ms(2, "Soudage TIG inox", 2), ms(3, "soudage tig inox", 1), ms(8, "SOUDAGE TIG INOX", 3),
                        ms(4, "Gestion de production", 1)],
        cooperation=[coop(5, "pret de main d oeuvre", "offre", occupation="H2913"),
                     coop(4, "pret de main d oeuvre", "besoin", occupation="H2913")])


def _qualifies(d: AuditData, opp, siret_: str) -> bool:
    """Recheck, from the raw tables, that a member qualifies for the opportunity."""
    key = opp.key.split(":", 1)[1].split("|")[0]
    if opp.type == "formation_mutualisee":
        return any(SkillKeys.from_data(d).key(s, c) == key for s, c, x in
                   zip(d.missing_skills["skill"], d.missing_skills["skill_code"], d.missing_skills["siret"])
                   if x == siret_)
    if opp.type == "tutorat":
        departing = d.departures[(d.departures["siret"] == siret_) & (d.departures["occupation"] == key)]
        hiring = d.hires[(d.hires["siret"] == siret_) & (d.hires["occupation"] == key)]
        skilled = d.missing_skills[d.missing_skills["siret"] == siret_]
        return not departing.empty or not hiring.empty or not skilled.empty
    if opp.type == "insertion_siae":
        return d.company_attr("company_type")[siret_] == "SIAE" or not d.hires[
            (d.hires["siret"] == siret_) & (d.hires["occupation"] == key) & (d.hires["difficult"] == 1)].empty
    if opp.type == "groupement_employeurs":
        return not d.hires[(d.hires["siret"] == siret_) & (d.hires["occupation"] == key)
                           & (d.hires["positions"] < 1)].empty
    if opp.type == "pret_main_oeuvre":
        rows = d.cooperation[(d.cooperation["siret"] == siret_)
                             & (d.cooperation["cooperation_type"] == "pret de main d oeuvre")]
        return not rows.empty
    raise AssertionError(opp.type)


def test_no_company_appears_in_an_opportunity_it_does_not_qualify_for():
    d = data(**_everything())
    opps = find_opportunities(d)
    assert {o.type for o in opps} == {"formation_mutualisee", "tutorat", "insertion_siae",
                                      "groupement_employeurs", "pret_main_oeuvre"}
    for opp in opps:
        for s, member in opp.members.items():
            assert member.roles and member.reasons
            assert _qualifies(d, opp, s), (opp.type, s)
    [cohort] = of_type(opps, "formation_mutualisee")
    assert set(cohort.members) == {siret(2), siret(3), siret(8)}  # not 4 (another skill)


def test_committee_edition_never_names_companies(store):
    store_audits(store, **_everything())
    plan = build_plan(store, "2026-T4", settings=settings(), catalogue=load_catalogue())
    committee = json.dumps(plan_document(plan), ensure_ascii=False)
    names = ["Chantier d'insertion Vert", *[f"Société {n}" for n in "ABCDEFG"]]
    for i in range(1, 9):
        assert siret(i) not in committee
    for name in names:
        assert name not in committee
    internal = json.dumps(plan_document(plan, internal=True), ensure_ascii=False)
    assert "Chantier d'insertion Vert" in internal and siret(7) in internal


def test_small_opportunities_show_no_detail_and_dominated_figures_are_hidden(store):
    store_audits(store, **_everything())
    plan = build_plan(store, "2026-T4", settings=settings(), catalogue=load_catalogue())
    doc = plan_document(plan)
    by_type = {o["type"]: o for o in doc["opportunities"]}
    lending = by_type["pret_main_oeuvre"]  # 2 companies < 3
    assert lending["detail_hidden"] and lending["label"] is None and lending["companies"] is None
    assert lending["figures"] == {}
    assert lending["count"] == 1
    assert lending["companies_text"] == "1\u00a0opportunité de moins de 3\u00a0entreprises"
    cohort = by_type["formation_mutualisee"]  # 3 companies, 2 + 1 + 3 learners: no dominance
    assert not cohort["detail_hidden"] and cohort["companies"] == 3
    assert cohort["figures"]["learners"] == {"label": "Personnes à former", "value": 6.0, "status": "V",
                                             "text": "6"}
    tutoring = by_type["tutorat"]  # one tutor holds all the retirements: dominance
    assert tutoring["figures"]["retirements"]["status"] == "B"
    assert tutoring["figures"]["retirements"]["value"] is None


def test_opportunities_feed_the_actions_that_carry_them(store):
    store_audits(store, **_everything())
    plan = build_plan(store, "2026-T4", settings=settings(), catalogue=load_catalogue())
    tut = next(a for a in plan.actions if a.action.id == "tutorat-inter-entreprises")
    [trigger] = [t for t in tut.triggers if t.rule.indicator == "collaboration_opportunities"]
    tutoring = of_type(plan.opportunities, "tutorat")[0]
    assert trigger.value == tutoring.n_companies
    assert [o.type for o in tut.opportunities] == ["tutorat"]
