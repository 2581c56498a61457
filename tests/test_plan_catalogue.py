"""The action catalogue: the shipped file, its validation with located errors, the workspace copy."""

from __future__ import annotations

import copy
import tomllib

import pytest

from gtec_cli.errors import UsageError
from gtec_cli.plan.catalogue import (
    catalogue_path,
    load_catalogue,
    parse_catalogue,
    shipped_catalogue_path,
)

REQUIRED = {
    "tutorat-inter-entreprises": "Tutorat inter-entreprises",
    "transmission-savoir-faire": "Transmission des savoir-faire",
    "plateforme-insertion-siae": "SIAE",
    "groupement-employeurs": "Groupement d'employeurs",
    "pret-main-oeuvre": "Prêt de main-d'œuvre à but non lucratif",
    "formation-mutualisee": "Formation mutualisée",
    "integration-fidelisation": "Intégration et fidélisation",
    "marque-employeur-cadres": "conjoint",
    "mobilite-transport": "Mobilité et transport",
    "appui-rh-tpe": "Appui RH mutualisé pour les TPE",
    "adaptation-offre-formation": "Adaptation de l'offre de formation",
}


def raw() -> dict:
    return tomllib.loads(shipped_catalogue_path().read_text(encoding="utf-8"))


def test_shipped_catalogue_has_every_required_action_complete():
    cat = load_catalogue()
    by_id = {a.id: a for a in cat.actions}
    for action_id, words in REQUIRED.items():
        action = by_id[action_id]
        assert words in action.title
        assert action.horizon in ("court", "moyen", "long")
        assert action.target and action.lead and action.partners
        assert action.output_indicators and action.result_indicators and action.description
        assert action.rules, f"{action_id} has no rule tying it to findings"
    assert {a.horizon for a in cat.actions} == {"court", "moyen", "long"}
    # The priority formula is documented in the file itself, with one weight per horizon.
    assert "seuil" in cat.priority.formula and set(cat.priority.horizon_weights) == {"court", "moyen", "long"}
    text = shipped_catalogue_path().read_text(encoding="utf-8")
    assert "sévérité = min(1 + |valeur − seuil| / seuil, severity_cap)" in text
    assert cat.priority.severity_cap == 3.0


def test_the_example_rule_of_the_issue_is_in_the_catalogue():
    rule = load_catalogue().action("plateforme-insertion-siae").rules[0]
    assert (rule.indicator, rule.scope, rule.op, rule.threshold, rule.min_companies) == \
        ("audit_difficult_share", "occupation", ">=", 50, 3)


def _error(data) -> str:
    with pytest.raises(UsageError) as exc:
        parse_catalogue(data, source="actions.toml")
    return str(exc.value)


def test_missing_threshold_is_located_by_action_rule_and_key():
    data = raw()
    del data["actions"][1]["rules"][0]["threshold"]
    message = _error(data)
    assert "action « tutorat-inter-entreprises » (n° 2), règle n° 1, clé « threshold »" in message
    assert "clé obligatoire absente" in message


def test_every_problem_is_reported_at_once():
    data = raw()
    data["actions"][0]["horizon"] = "bientôt"
    data["actions"][3]["rules"][1]["seuil"] = 3  # a typo for threshold: unknown key
    data["actions"][4]["rules"][1]["indicator"] = "inconnu"  # a rule problem, found in the same run
    message = _error(data)
    assert "action « groupement-employeurs » (n° 5), règle n° 2, clé « indicator »" in message
    assert "action « formation-mutualisee » (n° 1), clé « horizon »" in message
    assert "'bientôt'" in message
    assert "action « plateforme-insertion-siae » (n° 4), règle n° 2, clé « seuil »" in message
    assert "clé inconnue" in message


@pytest.mark.parametrize("change, where, words", [
    ({"indicator": "taux_de_bonheur"}, "clé « indicator »", "indicateur inconnu 'taux_de_bonheur'"),
    ({"scope": "skill"}, "clé « scope »", "niveau 'skill' non disponible pour audit_difficult_share"),
    ({"value": "median"}, "clé « value »", "valeur inconnue 'median'"),
    ({"where": {"couleur": "bleu"}}, "clé « where »", "filtre 'couleur' impossible"),
    ({"threshold": 0}, "clé « threshold »", "strictement positif"),
    ({"op": "=="}, "clé « op »", "valeur non autorisée"),
])
def test_bad_rule_values_are_located(change, where, words):
    data = raw()
    data["actions"][3]["rules"][0].update(change)
    message = _error(data)
    assert f"action « plateforme-insertion-siae » (n° 4), règle n° 1, {where}" in message
    assert words in message


def test_keys_must_come_from_the_scope_vocabulary():
    data = raw()
    data["actions"][8]["rules"][0]["keys"] = ["mobilite", "téléportation"]
    message = _error(data)
    assert "action « mobilite-transport » (n° 9), règle n° 1, clé « keys »" in message
    assert "'téléportation'" in message


def test_duplicate_action_ids_are_refused():
    data = raw()
    data["actions"].append(copy.deepcopy(data["actions"][0]))
    assert "identifiant d'action en double : 'formation-mutualisee'" in _error(data)


def test_unreadable_toml_names_the_file(tmp_path):
    path = tmp_path / "actions.toml"
    path.write_text("[[actions]\nid = ", encoding="utf-8")
    with pytest.raises(UsageError, match="TOML illisible"):
        load_catalogue(path)


def test_the_workspace_copy_wins_over_the_shipped_catalogue(workspace, gtec):
    assert catalogue_path(workspace.root) == shipped_catalogue_path()
    r = gtec("-w", workspace.root, "plan", "--copy-catalogue")
    assert r.exit_code == 0, r.stderr
    local = workspace.root / "actions.toml"
    assert local.read_text(encoding="utf-8") == shipped_catalogue_path().read_text(encoding="utf-8")
    assert catalogue_path(workspace.root) == local
    local.write_text(local.read_text(encoding="utf-8").replace(
        'title = "Tutorat inter-entreprises"', 'title = "Parrainage entre entreprises du Pays"'),
        encoding="utf-8")
    cat = load_catalogue(workspace_root=workspace.root)
    assert cat.action("tutorat-inter-entreprises").title == "Parrainage entre entreprises du Pays"
    assert cat.source == str(local)
    again = gtec("-w", workspace.root, "plan", "--copy-catalogue")
    assert again.exit_code == 2 and "existe déjà" in again.stderr


def test_a_broken_workspace_catalogue_stops_the_plan_with_a_usage_error(workspace, gtec):
    (workspace.root / "actions.toml").write_text(
        shipped_catalogue_path().read_text(encoding="utf-8").replace("threshold = 50\n", "threshold = -1\n", 1),
        encoding="utf-8")
    r = gtec("-w", workspace.root, "plan")
    assert r.exit_code == 2
    assert "Catalogue d'actions invalide" in r.stderr and "clé « threshold »" in r.stderr


def test_list_indicators_documents_every_measure(gtec):
    r = gtec("--json", "plan", "--list-indicators")
    assert r.exit_code == 0
    names = {m["name"]: m for m in r.json()}
    used = {rule.indicator for a in load_catalogue().actions for rule in a.rules}
    assert used <= set(names)
    assert names["audit_difficult_share"]["owner"] == "indicators"
    assert all(m["formula"] and m["concerned"] for m in names.values())
