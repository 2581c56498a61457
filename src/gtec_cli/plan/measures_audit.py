"""The measures catalogue rules can use, computed from the audit answers (see measures.py).

Each function returns the cells of its measure at a scope, with the companies behind each cell.
Those marked `owner="plan"` exist only for the plan (no indicator of indicators.md defines them).
"""

from __future__ import annotations

import pandas as pd

from .data import AuditData, SkillKeys, split_items
from .measures import (
    CELL_COLUMNS,
    _filtered,
    _label_for,
    _scope_key,
    cells_from_contributions,
    measure,
)

_ALL_OCC = ("all", "occupation")


def _skills(data: AuditData, context: dict) -> SkillKeys:
    if "skills" not in context:
        context["skills"] = SkillKeys.from_data(data)
    return context["skills"]


def _from_indicator(cells: pd.DataFrame, per: pd.DataFrame, scope: str, column: str | None,
                    values: dict[str, str], base: str, concerned: str, magnitude: str | None,
                    labeler) -> pd.DataFrame:
    """Cells in the plan's shape from an indicator's result (`cells`) and the same indicator by
    company (`per`): the companies behind each cell, those concerned, the top company's share."""
    def key_of(frame):
        return frame[column].astype(object) if column else pd.Series("all", index=frame.index, dtype=object)

    rows = []
    per = per.assign(_key=key_of(per)) if not per.empty else per.assign(_key=None)
    for key, row in zip(key_of(cells), cells.to_dict("records")):
        mine = per[per["_key"] == key]
        base_rows = mine[pd.to_numeric(mine[base], errors="coerce").fillna(0) > 0]
        out = {"key": key, "key_label": labeler(key),
               "n_companies": int(base_rows["company"].nunique()),
               "sirets": tuple(sorted(set(base_rows["company"]))),
               "concerned": tuple(sorted(set(mine.loc[pd.to_numeric(mine[concerned], errors="coerce")
                                                      .fillna(0) > 0, "company"])))}
        if magnitude:
            contrib = base_rows.groupby("company")[magnitude].sum()
            total = float(contrib.clip(lower=0).sum())
            out["top_share"] = float(contrib.max()) / total if total > 0 else float("nan")
        else:
            out["top_share"] = float("nan")
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
    owner="indicators", formula="100 × Σ postes jugés difficiles / Σ postes prévus (indicateur "
                                "audit_difficult_share)",
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
    owner="indicators",
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
    owner="indicators",
    formula="par compétence (code, sinon libellé normalisé) : entreprises qui la citent, "
            "Σ personnes concernées, score = Σ criticité × personnes",
    concerned="entreprises qui citent la compétence",
)
def missing_skills(data: AuditData, scope: str, where: dict, context: dict) -> pd.DataFrame:
    """Companies, people and weighted score per missing skill (or per occupation)."""
    ms = _filtered(data, "missing_skills", where)
    skills = _skills(data, context)
    if scope == "skill":
        keys = pd.Series([skills.key(s, c) for s, c in zip(ms["skill"], ms["skill_code"])],
                         index=ms.index, dtype=object)
    else:
        keys = ms["occupation"].astype(object)
    people = ms["people"].fillna(0)
    contrib = pd.DataFrame({"key": keys, "siret": ms["siret"], "people": people, "cite": 1.0,
                            "score": ms["criticality"].astype("float64").fillna(0) * people})
    cells = cells_from_contributions(contrib, numerator=None, denominator=None, scale=1.0,
                                     magnitude="people", extra={"people": "people", "score": "score"},
                                     labeler=_label_for(scope, skills))
    cells["companies"] = cells["n_companies"].astype(float)
    return cells


@measure(
    name="workforce_share_55_plus", label="Part des salariés de 55 ans ou plus",
    values={"share": ("Part des salariés de 55 ans ou plus", "%"),
            "seniors": ("Salariés de 55 ans ou plus", "personnes")},
    scopes=_ALL_OCC, filters=("contract", "company_type", "club_member", "naf"),
    owner="indicators",
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
    scopes=_ALL_OCC, filters=("horizon", "company_type", "club_member"), owner="plan",
    formula="entreprises dont une ligne de départs (toutes échéances, ou celles du filtre) "
            "mentionne un savoir-faire menacé ; Σ départs en retraite de ces lignes",
    concerned="entreprises qui déclarent un savoir-faire menacé",
)
def knowhow(data: AuditData, scope: str, where: dict, context: dict) -> pd.DataFrame:
    """Companies declaring know-how at risk with their departures."""
    dep = _filtered(data, "departures", where)
    dep = dep[dep["knowhow_at_risk"].map(lambda t: bool(split_items(t))).astype(bool)]
    contrib = pd.DataFrame({"key": _scope_key(dep, scope, "occupation"), "siret": dep["siret"],
                            "cite": 1.0, "retirements": dep["retirements"].fillna(0)})
    cells = cells_from_contributions(contrib, numerator=None, denominator=None, scale=1.0,
                                     magnitude=None, extra={"retirements": "retirements"},
                                     labeler=_label_for(scope))
    cells["companies"] = cells["n_companies"].astype(float)
    return cells


@measure(
    name="assessment_weak_share", label="Part des entreprises qui notent le thème comme point faible",
    values={"share": ("Part des entreprises notant le thème 1 ou 2 sur 4", "%"),
            "weak": ("Entreprises notant le thème 1 ou 2 sur 4", "entreprises")},
    scopes=("theme", "all"), filters=("company_type", "club_member", "naf"), owner="plan",
    formula="100 × entreprises notant le thème 1 ou 2 (sur 4) / entreprises ayant noté le thème",
    concerned="entreprises qui notent le thème comme point faible",
)
def assessment_weak(data: AuditData, scope: str, where: dict, context: dict) -> pd.DataFrame:
    """Share of companies rating a theme 1 or 2 out of 4 (a weak point)."""
    a = _filtered(data, "assessments", where)
    a = a[a["score"].notna()]
    contrib = pd.DataFrame({"key": _scope_key(a, scope, "theme"), "siret": a["siret"], "rated": 1.0,
                            "weak": (a["score"].astype("float64") <= 2).astype(float)})
    return cells_from_contributions(contrib, numerator="weak", denominator="rated", scale=100.0,
                                    magnitude=None, extra={"weak": "weak"}, concerned="weak",
                                    labeler=_label_for(scope))


@measure(
    name="cooperation_declarations", label="Coopérations déclarées dans les audits",
    values={"companies": ("Entreprises déclarant une offre ou un besoin", "entreprises"),
            "people": ("Personnes concernées", "personnes")},
    scopes=("cooperation_type",), filters=("direction", "occupation", "company_type", "club_member"),
    owner="plan", formula="entreprises qui déclarent ce type de coopération (offre ou besoin, ou selon "
                          "le filtre direction) ; Σ personnes déclarées",
    concerned="entreprises qui déclarent ce type de coopération",
)
def cooperation(data: AuditData, scope: str, where: dict, context: dict) -> pd.DataFrame:
    """Companies declaring each type of cooperation (offers and needs)."""
    coop = _filtered(data, "cooperation", where)
    contrib = pd.DataFrame({"key": coop["cooperation_type"], "siret": coop["siret"], "cite": 1.0,
                            "people": coop["people"].fillna(0)})
    cells = cells_from_contributions(contrib, numerator=None, denominator=None, scale=1.0,
                                     magnitude=None, extra={"people": "people"},
                                     labeler=_label_for(scope))
    cells["companies"] = cells["n_companies"].astype(float)
    return cells


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
