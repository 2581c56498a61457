"""What catalogue rules can test: indicators read at a scope, with the companies behind each cell.

A rule names an indicator, a scope (the level it is read at: all, occupation, skill, reason, theme,
cooperation type, opportunity type), optional `keys` and `where` filters. A measure turns the audit
answers into one row per cell of that scope:

    key, key_label, <value columns>, n_companies, sirets, concerned, top_share

`n_companies` counts the companies that contribute to the cell (the base of the frequency rule
and of the rule's `min_companies`); `concerned` are the companies the finding is about (the ones an
action would involve); `top_share` is the largest company's share of the cell's magnitude (input of
the dominance rule). Values come from the indicator registry (:mod:`gtec_cli.indicators`, the
indicator named in `registry`, asked by cell and by company), so the plan, the diagnostic and
`gtec indicators` give the same figures; only the collaboration opportunities, which the plan's
matching finds, are the plan's own (`owner = "plan"`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..ingest.specs import COOP_TYPES, REASONS, THEMES
from ..ingest.values import norm_text
from .catalogue import OPPORTUNITY_TYPES, Rule
from .data import AuditData, SkillKeys, occupation_label

CELL_COLUMNS = ("key", "key_label", "n_companies", "sirets", "concerned", "top_share")

SCOPE_LABELS = {
    "all": "ensemble des entreprises auditées", "occupation": "métier", "skill": "compétence",
    "reason": "raison de difficulté", "theme": "thème du diagnostic RH",
    "cooperation_type": "type de coopération", "opportunity_type": "type d'opportunité",
}
#: Closed vocabularies of some scopes: a rule's `keys` must come from them.
SCOPE_VOCABULARY = {
    "reason": tuple(dict.fromkeys(REASONS.values())),
    "theme": tuple(dict.fromkeys(THEMES.values())),
    "cooperation_type": tuple(dict.fromkeys(COOP_TYPES.values())),
    "opportunity_type": tuple(OPPORTUNITY_TYPES),
}
_COMPANY_FILTERS = ("company_type", "club_member", "naf")

#: How the closed vocabularies of the audit read in a plan.
KEY_LABELS = {
    "reason": {"penurie": "pénurie de candidats", "profil": "profil ou compétences inadaptés",
               "conditions": "conditions de travail", "salaire": "rémunération",
               "image": "image du métier", "mobilite": "mobilité, transport", "logement": "logement",
               "conjoint": "emploi du conjoint", "concurrence": "concurrence entre employeurs",
               "autre": "autre raison"},
    "theme": {"recrutement": "recrutement", "integration": "accueil et intégration",
              "formation": "formation", "transmission": "transmission des savoir-faire",
              "management": "management", "organisation": "organisation du travail",
              "conditions de travail": "conditions de travail", "attractivite": "attractivité",
              "mobilite": "mobilité", "logement": "logement", "dialogue social": "dialogue social",
              "numerique": "numérique"},
    "cooperation_type": {"tutorat": "tutorat", "formation mutualisee": "formation mutualisée",
                         "groupement d employeurs": "groupement d'employeurs",
                         "pret de main d oeuvre": "prêt de main-d'œuvre",
                         "accueil insertion": "accueil de personnes en insertion",
                         "partage d equipements": "partage d'équipements"},
}
#: Scopes whose values could point at a company when few companies answer: the committee edition
#: does not name them under the frequency rule.
IDENTIFYING_SCOPES = frozenset({"occupation", "skill"})


@dataclass(frozen=True)
class Measure:
    """A measure rules can use."""

    name: str
    label: str
    #: value column -> (label, unit); the first is the default value of a rule.
    values: dict[str, tuple[str, str]]
    scopes: tuple[str, ...]
    filters: tuple[str, ...]
    #: "indicators" when the indicators package owns the figure, "plan" when only the plan uses it.
    owner: str
    formula: str
    concerned: str
    compute: Callable[..., pd.DataFrame]
    #: The registry indicator the figures come from (owner "indicators").
    registry: str | None = None

    @property
    def default_value(self) -> str:
        return next(iter(self.values))


MEASURES: dict[str, Measure] = {}


def measure(**kw):
    """Register the decorated function as the measure described by `kw`."""
    def wrap(fn):
        MEASURES[kw["name"]] = Measure(compute=fn, **kw)
        return fn
    return wrap


_WHERE_LABELS = {
    ("cadre", 1): "postes de cadres", ("cadre", 0): "postes non cadres",
    ("trainable_inhouse", 0): "non formable en interne", ("trainable_inhouse", 1): "formable en interne",
    ("single_holder", 1): "détenteur unique", ("club_member", 1): "membres du club",
    ("direction", "offre"): "offres", ("direction", "besoin"): "besoins",
}


def describe_where(where: dict) -> str:
    """A rule's filters in words: `TPE`, `postes de cadres`, `non formable en interne`."""
    parts = []
    for key, value in where.items():
        value = int(value) if isinstance(value, bool) else value
        if key == "company_type":
            parts.append(str(value))
        else:
            parts.append(_WHERE_LABELS.get((key, value), f"{key} = {value}"))
    return ", ".join(parts)


def check_rule(rule: Rule) -> list[tuple[str, str]]:
    """Problems of a rule against the measures: [(key, message)]; empty when the rule is usable."""
    m = MEASURES.get(rule.indicator)
    if m is None:
        return [("indicator", f"indicateur inconnu {rule.indicator!r} ; indicateurs possibles : "
                              f"{', '.join(sorted(MEASURES))}")]
    problems = []
    if rule.value is not None and rule.value not in m.values:
        problems.append(("value", f"valeur inconnue {rule.value!r} pour {m.name} ; possibles : "
                                  f"{', '.join(m.values)}"))
    if rule.scope not in m.scopes:
        problems.append(("scope", f"niveau {rule.scope!r} non disponible pour {m.name} ; possibles : "
                                  f"{', '.join(m.scopes)}"))
    vocabulary = SCOPE_VOCABULARY.get(rule.scope)
    if vocabulary:
        bad = [k for k in rule.keys if k not in vocabulary]
        if bad:
            problems.append(("keys", f"{', '.join(map(repr, bad))} hors de la liste du niveau "
                                     f"{rule.scope} ({', '.join(vocabulary)})"))
    elif rule.keys and rule.scope == "all":
        problems.append(("keys", "le niveau all n'a pas de valeurs à sélectionner"))
    bad_where = [k for k in rule.where if k not in m.filters]
    if bad_where:
        problems.append(("where", f"filtre {', '.join(map(repr, bad_where))} impossible pour {m.name} ; "
                                  f"filtres possibles : {', '.join(m.filters) or 'aucun'}"))
    return problems


def evaluate_measure(data: AuditData, rule: Rule, *, context: dict | None = None) -> pd.DataFrame:
    """The cells of `rule`'s measure at its scope, after `where` and `keys`; one row per cell."""
    m = MEASURES[rule.indicator]
    cells = m.compute(data, rule.scope, rule.where, context or {})
    if rule.keys and not cells.empty:
        wanted = {_key_norm(rule.scope, k) for k in rule.keys}
        cells = cells[cells["key"].map(lambda k: _key_norm(rule.scope, k) in wanted).astype(bool)]
    return cells.reset_index(drop=True)


def _key_norm(scope: str, key: object) -> str:
    if scope in ("reason", "theme", "cooperation_type"):
        return norm_text(key)
    return str(key)


# --- helpers ---------------------------------------------------------------------------------------
def _filtered(data: AuditData, table: str, where: dict) -> pd.DataFrame:
    """Rows of `table` matching every `where` filter (company attributes joined on SIRET)."""
    frame = data.with_company(table, _COMPANY_FILTERS) if any(k in _COMPANY_FILTERS for k in where) \
        else data.tables[table]
    for col, wanted in where.items():
        wanted = int(wanted) if isinstance(wanted, bool) else wanted
        values = frame[col]
        if isinstance(wanted, (int, float)):
            frame = frame[pd.to_numeric(values, errors="coerce") == wanted]
        else:
            frame = frame[values.astype(object).map(lambda v: norm_text(v) if v is not None else None)
                          == norm_text(wanted)]
    return frame


def cells_from_contributions(contrib: pd.DataFrame, *, numerator: str | None, denominator: str | None,
                             scale: float, magnitude: str | None, extra: dict[str, str] | None = None,
                             concerned: str | None = None, labeler=None) -> pd.DataFrame:
    """Cells from per-(key, siret) contributions: ratio of sums, company counts, top share.

    `numerator`/`denominator` name summed columns (a ratio ×`scale` goes to `share`); `extra` maps
    output value columns to summed contribution columns; `concerned` names a column whose
    positive contributions mark the companies the finding is about (default: every contributor).
    """
    extra = extra or {}
    rows = []
    contrib = contrib[contrib["key"].notna()]
    for key, part in contrib.groupby("key", sort=True):
        per = part.groupby("siret").sum(numeric_only=True)
        active = per[(per.abs() > 0).any(axis=1)]
        row = {"key": key, "key_label": labeler(key) if labeler else str(key),
               "n_companies": len(active), "sirets": tuple(sorted(active.index))}
        if numerator:
            den = float(per[denominator].sum())
            row["share"] = scale * float(per[numerator].sum()) / den if den else float("nan")
        for out_col, col in extra.items():
            row[out_col] = float(per[col].sum())
        if concerned:
            row["concerned"] = tuple(sorted(per.index[per[concerned] > 0]))
        else:
            row["concerned"] = row["sirets"]
        if magnitude:
            total = float(per[magnitude].clip(lower=0).sum())
            row["top_share"] = float(per[magnitude].max()) / total if total > 0 else float("nan")
        else:
            row["top_share"] = float("nan")
        rows.append(row)
    columns = [*CELL_COLUMNS, *(["share"] if numerator else []), *extra]
    return pd.DataFrame(rows, columns=columns)


def _label_for(scope: str, skills: SkillKeys | None = None):
    if scope == "occupation":
        return occupation_label
    if scope == "skill" and skills is not None:
        return skills.label
    if scope == "opportunity_type":
        return lambda k: OPPORTUNITY_TYPES.get(k, k)
    if scope == "all":
        return lambda k: "Ensemble des entreprises auditées"
    labels = KEY_LABELS.get(scope, {})
    return lambda k: labels.get(k, str(k))


from . import measures_audit  # noqa: E402,F401  (registers the measures)
