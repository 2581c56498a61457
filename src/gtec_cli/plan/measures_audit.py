"""The measures catalogue rules can use, computed from the audit answers (see measures.py).

Each function returns the cells of its measure at a scope, with the companies behind each cell:
the registry indicator named in `registry`, asked by cell and by company (`_from_indicator`).
The one marked `owner="plan"` (collaboration opportunities) is the plan's own matching.
"""

from __future__ import annotations

import pandas as pd

from ..indicators.common import NOT_GIVEN
from .data import AuditData, SkillKeys
from .measures import (
    CELL_COLUMNS,
    _filtered,
    _label_for,
    cells_from_contributions,
    measure,
)

_ALL_OCC = ("all", "occupation")


def _skills(data: AuditData, context: dict) -> SkillKeys:
    if "skills" not in context:
        context["skills"] = SkillKeys.from_data(data)
    return context["skills"]


def _given(cells: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Cells whose keys were given: a skill, theme or occupation `(non renseigné)` is no finding."""
    for col in by:
        col = "skill_key" if col == "skill" else col
        if not cells.empty:
            cells = cells[cells[col] != NOT_GIVEN]
    return cells


def _from_indicator(cells: pd.DataFrame, per: pd.DataFrame, scope: str, column: str | None,
                    values: dict[str, str], base: str, concerned: str, magnitude: str | None,
                    labeler) -> pd.DataFrame:
    """Cells in the plan's shape from an indicator's result (`cells`) and the same indicator by
    company (`per`): the companies behind each cell (`base` > 0), those concerned (`concerned` >
    0), the top company's share of the cell's `magnitude`."""
    def key_of(frame):
        return frame[column].astype(object).tolist() if column else ["all"] * len(frame)

    def numbers(col):
        return pd.to_numeric(per[col], errors="coerce").fillna(0.0).tolist()

    # One pass over the company rows (a plan asks many cells: no filtering per cell).
    behind: dict[object, dict[object, float]] = {}
    involved: dict[object, set] = {}
    if not per.empty:
        magnitudes = numbers(magnitude) if magnitude else [0.0] * len(per)
        for key, company, b, con, mag in zip(key_of(per), per["company"].tolist(), numbers(base),
                                             numbers(concerned), magnitudes):
            if b > 0:
                mine = behind.setdefault(key, {})
                mine[company] = mine.get(company, 0.0) + mag
            if con > 0:
                involved.setdefault(key, set()).add(company)
    rows = []
    for key, row in zip(key_of(cells), cells.to_dict("records")):
        contrib = behind.get(key, {})
        out = {"key": key, "key_label": labeler(key), "n_companies": len(contrib),
               "sirets": tuple(sorted(contrib)), "concerned": tuple(sorted(involved.get(key, ())))}
        total = sum(max(v, 0.0) for v in contrib.values())
        out["top_share"] = max(contrib.values()) / total if magnitude and total > 0 else float("nan")
        for name, col in values.items():
            out[name] = float(row[col]) if row[col] is not None and row[col] == row[col] else float("nan")
        rows.append(out)
    return pd.DataFrame(rows, columns=[*CELL_COLUMNS, *values])


@measure(
    name="audit_difficult_share", label="Part des recrutements prévus jugés difficiles",
    values={"share": ("Part des recrutements prévus jugés difficiles", "%"),
            "difficult_positions": ("Recrutements prévus jugés difficiles", "postes"),
            "positions": ("Recrutements prévus", "postes")},
    scopes=_ALL_OCC, filters=("cadre", "contract", "horizon", "company_type", "club_member", "naf"),
    owner="indicators", registry="audit_difficult_share",
    formula="100 × Σ postes jugés difficiles / Σ postes prévus (indicateur audit_difficult_share)",
    concerned="entreprises qui prévoient des recrutements jugés difficiles",
)
def difficult_share(data: AuditData, scope: str, where: dict, context: dict) -> pd.DataFrame:
    """Share of planned positions flagged difficult, by occupation or overall (from the indicators
    package's `audit_difficult_share`, by cell and by company)."""
    from ..indicators.recruitment import audit_difficult_share

    hires = _filtered(data, "hires", where)
    by = [] if scope == "all" else ["occupation"]
    kw = {"settings": context.get("settings")}
    cells = audit_difficult_share(hires, data.companies, by=by, **kw)
    per = audit_difficult_share(hires, data.companies, by=[*by, "company"], **kw)
    cells = cells[cells["n_positions"].fillna(0) > 0] if not cells.empty else cells
    per = per[per["n_positions"].fillna(0) > 0] if not per.empty else per.assign(company=None)
    return _from_indicator(cells, per, scope, None if scope == "all" else "occupation",
                           {"share": "value", "difficult_positions": "difficult_positions",
                            "positions": "n_positions"}, base="n_positions",
                           concerned="difficult_positions", magnitude="n_positions",
                           labeler=_label_for(scope))


@measure(
    name="audit_difficulty_reasons", label="Raisons des difficultés de recrutement",
    values={"companies": ("Entreprises citant la raison", "entreprises"),
            "positions": ("Recrutements concernés", "postes"),
            "share": ("Part des recrutements concernés", "%")},
    scopes=("reason",), filters=("cadre", "contract", "horizon", "occupation", "company_type",
                                 "club_member"),
    owner="indicators", registry="audit_difficulty_reasons",
    formula="par raison : entreprises qui la citent ; postes qui la citent ; 100 × postes citant la "
            "raison / postes difficiles ou motivés (indicateur audit_difficulty_reasons, plusieurs "
            "raisons possibles)",
    concerned="entreprises qui citent la raison",
)
def difficulty_reasons(data: AuditData, scope: str, where: dict, context: dict) -> pd.DataFrame:
    """Companies and positions per declared reason (from `audit_difficulty_reasons`)."""
    from ..indicators.recruitment import audit_difficulty_reasons

    hires = _filtered(data, "hires", where)
    kw = {"settings": context.get("settings")}
    cells = audit_difficulty_reasons(hires, data.companies, by=[], **kw)
    per = audit_difficulty_reasons(hires, data.companies, by=["company"], **kw)
    if per.empty:
        per = per.assign(company=None)
    cells = cells.assign(companies=cells["n_companies"].astype(float)) if not cells.empty \
        else cells.assign(companies=None)
    return _from_indicator(cells, per, scope, "reason",
                           {"companies": "companies", "positions": "value", "share": "share_positions"},
                           base="value", concerned="value", magnitude="value",
                           labeler=_label_for(scope))


@measure(
    name="missing_skills", label="Compétences manquantes",
    values={"companies": ("Entreprises citant la compétence", "entreprises"),
            "people": ("Personnes concernées", "personnes"),
            "score": ("Score pondéré (Σ criticité × personnes)", "points")},
    scopes=("skill", "occupation"),
    filters=("trainable_inhouse", "single_holder", "criticality", "occupation", "company_type",
             "club_member"),
    owner="indicators", registry="missing_skills_by_code",
    formula="par compétence (code, sinon libellé normalisé) : entreprises qui la citent, "
            "Σ personnes concernées, score = Σ criticité × personnes (indicateur "
            "missing_skills_by_code ; par métier : somme sur les compétences)",
    concerned="entreprises qui citent la compétence",
)
def missing_skills(data: AuditData, scope: str, where: dict, context: dict) -> pd.DataFrame:
    """Companies, people and weighted score per missing skill (or per occupation), from
    `missing_skills_by_code` with the keys of the whole audit (skills named in cooperation and
    know-how included), so a skill has one key across rules and matching."""
    from ..indicators.skills import missing_skills_by_code

    ms = _filtered(data, "missing_skills", where)
    skills = _skills(data, context)
    by = ["skill"] if scope == "skill" else ["occupation"]
    kw = {"settings": context.get("settings"), "keys": skills}
    cells = _given(missing_skills_by_code(ms, data.companies, by=by, **kw), by)
    per = missing_skills_by_code(ms, data.companies, by=[*by, "company"], **kw)
    column = "skill_key" if scope == "skill" else "occupation"
    cells = cells.assign(companies=cells["n_companies"].astype(float))
    return _from_indicator(cells, per, scope, column,
                           {"companies": "companies", "people": "people", "score": "value"},
                           base="n_rows", concerned="n_rows", magnitude="people",
                           labeler=_label_for(scope, skills))


@measure(
    name="workforce_share_55_plus", label="Part des salariés de 55 ans ou plus",
    values={"share": ("Part des salariés de 55 ans ou plus", "%"),
            "seniors": ("Salariés de 55 ans ou plus", "personnes")},
    scopes=_ALL_OCC, filters=("contract", "company_type", "club_member", "naf"),
    owner="indicators", registry="workforce_share_55_plus",
    formula="100 × salariés de 55 ans ou plus / salariés des entreprises auditées (indicateur "
            "workforce_share_55_plus ; âges répartis uniformément dans une tranche à cheval)",
    concerned="entreprises qui emploient des salariés de 55 ans ou plus dans le métier",
)
def workforce_55(data: AuditData, scope: str, where: dict, context: dict) -> pd.DataFrame:
    """Share of the audited workforce aged 55+, by occupation or overall (from
    `workforce_share_55_plus`, audits scope)."""
    from ..indicators.ageing import workforce_share_55_plus

    wf = _filtered(data, "workforce", where)
    if wf.empty:
        return pd.DataFrame(columns=[*CELL_COLUMNS, "share", "seniors"])
    by = [] if scope == "all" else ["occupation"]
    kw = {"settings": context.get("settings")}
    cells = workforce_share_55_plus(workforce=wf, companies=data.companies, by=by, **kw)
    per = workforce_share_55_plus(workforce=wf, companies=data.companies, by=[*by, "company"], **kw)
    cells = cells[cells["scope"] == "audits"]
    per = per[per["scope"] == "audits"]
    return _from_indicator(cells, per, scope, None if scope == "all" else "occupation",
                           {"share": "value", "seniors": "p55_plus"}, base="n_people",
                           concerned="p55_plus", magnitude="n_people", labeler=_label_for(scope))


@measure(
    name="knowhow_at_risk", label="Savoir-faire menacés par des départs",
    values={"companies": ("Entreprises déclarant un savoir-faire menacé", "entreprises"),
            "retirements": ("Départs en retraite correspondants", "personnes")},
    scopes=_ALL_OCC, filters=("horizon", "company_type", "club_member"),
    owner="indicators", registry="knowhow_at_risk",
    formula="entreprises dont une ligne de départs (toutes échéances, ou celles du filtre) "
            "mentionne un savoir-faire menacé ; Σ départs en retraite de ces lignes (indicateur "
            "knowhow_at_risk)",
    concerned="entreprises qui déclarent un savoir-faire menacé",
)
def knowhow(data: AuditData, scope: str, where: dict, context: dict) -> pd.DataFrame:
    """Companies declaring know-how at risk with their retirements (from `knowhow_at_risk`)."""
    from ..indicators.departures import knowhow_at_risk

    dep = _filtered(data, "departures", where)
    by = [] if scope == "all" else ["occupation"]
    kw = {"settings": context.get("settings")}
    cells = _given(knowhow_at_risk(dep, data.companies, by=by, **kw), by)
    per = knowhow_at_risk(dep, data.companies, by=[*by, "company"], **kw)
    return _from_indicator(cells, per, scope, None if scope == "all" else "occupation",
                           {"companies": "value", "retirements": "retirements"}, base="n_rows",
                           concerned="n_rows", magnitude=None, labeler=_label_for(scope))


@measure(
    name="assessment_weak_share", label="Part des entreprises qui notent le thème comme point faible",
    values={"share": ("Part des entreprises notant le thème 1 ou 2 sur 4", "%"),
            "weak": ("Entreprises notant le thème 1 ou 2 sur 4", "entreprises")},
    scopes=("theme", "all"), filters=("company_type", "club_member", "naf"),
    owner="indicators", registry="assessment_weak_share",
    formula="100 × entreprises notant le thème 1 ou 2 (sur 4) / entreprises ayant noté le thème "
            "(indicateur assessment_weak_share ; niveau all : notes entreprise × thème)",
    concerned="entreprises qui notent le thème comme point faible",
)
def assessment_weak(data: AuditData, scope: str, where: dict, context: dict) -> pd.DataFrame:
    """Share of companies rating a theme 1 or 2 out of 4, a weak point (from
    `assessment_weak_share`)."""
    from ..indicators.assessments import assessment_weak_share

    a = _filtered(data, "assessments", where)
    by = [] if scope == "all" else ["theme"]
    kw = {"settings": context.get("settings")}
    cells = _given(assessment_weak_share(a, data.companies, by=by, **kw), by)
    per = assessment_weak_share(a, data.companies, by=[*by, "company"], **kw)
    return _from_indicator(cells, per, scope, None if scope == "all" else "theme",
                           {"share": "value", "weak": "n_weak"}, base="n_ratings",
                           concerned="n_weak", magnitude=None, labeler=_label_for(scope))


@measure(
    name="cooperation_declarations", label="Coopérations déclarées dans les audits",
    values={"companies": ("Entreprises déclarant une offre ou un besoin", "entreprises"),
            "people": ("Personnes concernées", "personnes")},
    scopes=("cooperation_type",), filters=("direction", "occupation", "company_type", "club_member"),
    owner="indicators", registry="cooperation_declarations",
    formula="entreprises qui déclarent ce type de coopération (offre ou besoin, ou selon le filtre "
            "direction) ; Σ personnes déclarées (indicateur cooperation_declarations)",
    concerned="entreprises qui déclarent ce type de coopération",
)
def cooperation(data: AuditData, scope: str, where: dict, context: dict) -> pd.DataFrame:
    """Companies declaring each type of cooperation, offers and needs (from
    `cooperation_declarations`)."""
    from ..indicators.cooperation import cooperation_declarations

    coop = _filtered(data, "cooperation", where)
    by = ["cooperation_type"]
    kw = {"settings": context.get("settings")}
    cells = cooperation_declarations(coop, data.companies, by=by, **kw)
    per = cooperation_declarations(coop, data.companies, by=[*by, "company"], **kw)
    return _from_indicator(cells, per, scope, "cooperation_type",
                           {"companies": "value", "people": "people"}, base="n_rows",
                           concerned="n_rows", magnitude=None, labeler=_label_for(scope))


@measure(
    name="collaboration_opportunities", label="Opportunités de coopération entre entreprises",
    values={"companies": ("Entreprises rapprochables", "entreprises"),
            "count": ("Opportunités", "opportunités")},
    scopes=("opportunity_type",), filters=(), owner="plan",
    formula="entreprises distinctes membres d'au moins une opportunité du type ; nombre d'opportunités "
            "(rapprochements calculés par gtec, voir la section Opportunités)",
    concerned="entreprises membres des opportunités",
)
def opportunities(data: AuditData, scope: str, where: dict, context: dict) -> pd.DataFrame:
    """Companies and opportunities per type of collaboration opportunity."""
    if "opportunities" not in context:
        from .matching import find_opportunities

        context["opportunities"] = find_opportunities(data, context.get("matching"))
    rows = [{"key": o.type, "siret": s, "count": 0.0, "cite": 1.0}
            for o in context["opportunities"] for s in o.members]
    counts: dict[str, int] = {}
    for o in context["opportunities"]:
        counts[o.type] = counts.get(o.type, 0) + 1
    contrib = pd.DataFrame(rows, columns=["key", "siret", "count", "cite"])
    cells = cells_from_contributions(contrib, numerator=None, denominator=None, scale=1.0,
                                     magnitude=None, labeler=_label_for(scope))
    cells["companies"] = cells["n_companies"].astype(float)
    cells["count"] = [float(counts.get(k, 0)) for k in cells["key"]]
    return cells
