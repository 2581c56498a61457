"""Helpers shared by the action-plan tests: small audits written in the test, stored as drops.

Imported by the other `test_plan_*` modules; holds one sanity test of its own.
"""

from __future__ import annotations

import hashlib
import itertools

import pandas as pd

from gtec_cli.plan.catalogue import parse_catalogue
from gtec_cli.settings import Settings

_counter = itertools.count(1)


def siret(i: int) -> str:
    """A distinct 14-digit SIRET-like identifier per company number."""
    return f"{10000000000000 + i}"


def company(i: int, *, kind: str = "PME", name: str | None = None) -> dict:
    """A row of the companies sheet."""
    return {"siret": siret(i), "name": name or f"Entreprise n{i}", "naf": "25.71Z", "headcount": 20,
            "commune": "52269", "company_type": kind, "club_member": 1}


def store_audits(store, period: str = "2026-T4", **tables: list[dict]) -> int:
    """Store audit tables (lists of row dicts) as one `audit` drop of `period`; return its id."""
    frames = {}
    for name, rows in tables.items():
        frame = pd.DataFrame(rows)
        frame["sheet"] = name
        frame["row"] = range(2, len(frame) + 2)
        frames[name] = frame
    n = next(_counter)
    digest = hashlib.sha256(f"{period}-{n}".encode()).hexdigest()
    with store.atomic() as db:
        return store.insert_drop(db, kind="audit", period=period, file_name=f"audit-{n}.xlsx",
                                 sha256=digest, size_bytes=0, tables=frames)


def hire(i: int, occupation: str, positions: float, difficult: int, *, reasons: str | None = None,
         cadre: int = 0, contract: str = "CDI", horizon: str = "<1an") -> dict:
    """A row of the hires sheet."""
    return {"siret": siret(i), "occupation": occupation, "horizon": horizon, "positions": positions,
            "contract": contract, "cadre": cadre, "difficult": difficult, "reasons": reasons}


def one_rule_catalogue(rule: dict, *, horizon: str = "moyen", weights=None, action_id: str = "action-test"):
    """A catalogue of one action with one rule, to test a rule in isolation."""
    return parse_catalogue({
        "priority": {"formula": "poids × sévérité × entreprises (test)",
                     "horizon_weights": weights or {"court": 3.0, "moyen": 2.0, "long": 1.0}},
        "actions": [{
            "id": action_id, "title": "Action de test", "horizon": horizon, "target": "Public",
            "lead": "Pilote", "partners": ["Partenaire"], "output_indicators": ["réalisation"],
            "result_indicators": ["résultat"], "description": "Une action pour les tests.",
            "rules": [rule],
        }],
    }, source="test")


def settings(min_companies: int = 3, dominance: float = 0.85) -> Settings:
    """Workspace settings with the given confidentiality thresholds."""
    return Settings.model_validate({"confidentiality": {"min_companies": min_companies,
                                                        "dominance_share": dominance}})


def test_store_audits_round_trips(store):
    store_audits(store, companies=[company(1)], hires=[hire(1, "H2913", 2, 1)])
    assert store.read("hires", period="2026-T4")["positions"].tolist() == [2.0]
    assert store.read("companies")["siret"].tolist() == [siret(1)]
