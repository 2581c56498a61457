"""The plan as a document: the committee edition (counts only, statistical secrecy applied) or the
project team's internal edition (companies named). JSON output, the terminal table, the follow-up
workbook and the PDF all start from :func:`plan_document`, so they can never disagree.

Committee edition rules (confidentiality.md): a finding's figure is printed only when at least
`min_companies` companies contribute to it and, for sums of positions or people, no company holds
`dominance_share` or more of it (status `A`/`B` otherwise, printed `s`); a finding that fails the
frequency rule does not even name its subject (occupation, skill); a count of companies below the
threshold prints `moins de N`; an opportunity with fewer members shows no detail.
"""

from __future__ import annotations

from ..confidentiality import primary_status
from ..formatting import Formatter
from .build import Plan
from .catalogue import HORIZON_LABELS, HORIZON_ORDER
from .measures import IDENTIFYING_SCOPES, describe_where
from .rules import ProposedAction, Trigger, cells_frame

OPS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
COMMITTEE, INTERNAL = "comité", "interne"


def _conf(plan: Plan):
    return plan.settings.confidentiality


def secrecy_status(trigger: Trigger, min_companies: int, dominance_share: float) -> str:
    """`A`, `B` or `V` for a finding's figure, by the confidentiality module's primary rules."""
    if trigger.n_companies == 0:
        return "V"
    return str(primary_status(cells_frame([trigger]), min_companies=min_companies,
                              dominance_share=dominance_share, magnitude=trigger.magnitude).iloc[0])


def format_value(fmt: Formatter, value: float | None, unit: str) -> str:
    """A finding's figure with its unit: `66,7 %`, `4 entreprises`, `2,5 postes`."""
    if value is None or value != value:
        return "—"
    if unit == "%":
        return fmt.percent(value)
    if float(value).is_integer() and unit.endswith("s"):
        return fmt.plural(int(value), unit[:-1], unit)  # `1 entreprise`, `3 entreprises`
    text = fmt.integer(value) if float(value).is_integer() else fmt.number(value, 1)
    return f"{text}\u00a0{unit}"


def format_threshold(fmt: Formatter, value: float, unit: str) -> str:
    """A threshold as the catalogue wrote it: `50 %`, `3 entreprises`, `12,5 %`."""
    if unit == "%":
        return fmt.percent(value, 0 if float(value).is_integer() else 1)
    return format_value(fmt, value, unit)


def count_text(fmt: Formatter, n: int, min_companies: int, internal: bool) -> str:
    """`4 entreprises`, or `moins de 3 entreprises` in the committee edition."""
    if internal or n >= min_companies or n == 0:
        return fmt.plural(n, "entreprise")
    return f"moins de {min_companies}\u00a0entreprises"


def finding_view(t: Trigger, plan: Plan, fmt: Formatter, internal: bool) -> dict:
    """One finding (fired, or resolved since the previous period) for an edition."""
    conf = _conf(plan)
    status = "V" if internal else secrecy_status(t, conf.min_companies, conf.dominance_share)
    hidden = status != "V"
    identifying = t.rule.scope in IDENTIFYING_SCOPES
    subject = t.key_label if (internal or status != "A" or not identifying) else None
    threshold = format_threshold(fmt, t.rule.threshold, t.unit)
    value_text = "s" if hidden else format_value(fmt, t.value, t.unit)
    prev_status = "V"
    if t.before is not None and not internal:
        prev_status = secrecy_status(t.before, conf.min_companies, conf.dominance_share)
    previous_text = None
    if t.previous is not None:
        previous_text = "s" if prev_status != "V" else format_value(fmt, t.previous, t.unit)
    companies = count_text(fmt, t.n_companies, conf.min_companies, internal)
    where = f" — {t.scope_label} : {subject}" if subject and t.rule.scope != "all" else (
        "" if t.rule.scope == "all" else f" — {t.scope_label} (non nommé : secret statistique)")
    # A count of companies is its own base; other figures say how many companies they rest on.
    base = "" if t.unit == "entreprises" else f" ; {companies}"
    among = f" ; parmi : {describe_where(t.rule.where)}" if t.rule.where else ""
    rationale = (f"{t.value_label} : {value_text}{where} (seuil {OPS[t.rule.op]} {threshold}"
                 f"{base}{among})")
    if hidden:
        rationale += " — chiffre couvert par le secret statistique"
    view = {
        "rule_id": t.rule_id, "rule": t.rule.describe(), "indicator": t.rule.indicator,
        "indicator_label": t.measure.label, "owner": t.measure.owner, "value_label": t.value_label,
        "unit": t.unit, "scope": t.rule.scope, "key": t.key if subject else None, "subject": subject,
        "value": None if hidden else t.value, "value_text": value_text, "op": t.rule.op,
        "threshold": t.rule.threshold, "threshold_text": f"{OPS[t.rule.op]} {threshold}",
        "companies": t.n_companies if (internal or t.n_companies >= conf.min_companies) else None,
        "companies_text": companies, "status": status, "fired": t.fired,
        "previous": None if (prev_status != "V" or t.previous is None) else t.previous,
        "previous_text": previous_text, "trend": t.trend, "rationale": rationale,
    }
    if internal:
        view["concerned"] = [{"siret": s, "name": plan.names.get(s, s)} for s in t.concerned]
    return view


def action_view(p: ProposedAction, plan: Plan, fmt: Formatter, internal: bool) -> dict:
    """One action of the plan for an edition."""
    a = p.action
    conf = _conf(plan)
    follow = plan.followup(a.id)
    n = len(p.concerned)
    view = {
        "id": a.id, "title": a.title, "horizon": a.horizon, "horizon_label": a.horizon_label,
        "target": a.target, "lead": a.lead, "partners": a.partners,
        "output_indicators": a.output_indicators, "result_indicators": a.result_indicators,
        "description": a.description, "fired": p.fired, "priority": round(p.priority, 2),
        "priority_text": fmt.number(p.priority, 1) if p.fired else "—",
        "severity": round(p.severity, 4),
        "companies": n if (internal or n >= conf.min_companies) else None,
        "companies_text": count_text(fmt, n, conf.min_companies, internal),
        "findings": [finding_view(t, plan, fmt, internal) for t in p.triggers],
        "resolved": [finding_view(t, plan, fmt, internal) for t in p.resolved],
        "opportunities": opportunity_views(p.opportunities, plan, internal, fmt),
        "followup": followup_view(follow, fmt) if follow else None,
    }
    if internal:
        view["concerned"] = [{"siret": s, "name": plan.names.get(s, s)} for s in p.concerned]
    return view


def opportunity_view(o, plan: Plan, internal: bool, fmt: Formatter | None = None) -> dict:
    """An opportunity: everything (internal) or counts under secrecy (committee); each figure
    also as printed text (`s` when hidden)."""
    conf = _conf(plan)
    fmt = fmt or Formatter("fr")
    view = o.internal() if internal else o.public(conf.min_companies, conf.dominance_share)
    for fig in view["figures"].values():
        value = fig["value"]
        fig["text"] = "s" if value is None else (
            fmt.integer(value) if float(value).is_integer() else fmt.number(value, 1))
    if view["companies"] is not None:
        view["companies_text"] = fmt.plural(view["companies"], "entreprise")
    else:
        view["companies_text"] = f"moins de {conf.min_companies}\u00a0entreprises"
    return view


def opportunity_views(opportunities, plan: Plan, internal: bool, fmt: Formatter) -> list[dict]:
    """Opportunities for an edition. The committee edition folds those too small to detail into
    one line per type (`count` of them), so a long list of `détail masqué` rows says nothing more."""
    views = [opportunity_view(o, plan, internal, fmt) for o in opportunities]
    if internal:
        return views
    shown = [v for v in views if not v["detail_hidden"]]
    hidden: dict[str, dict] = {}
    for v in views:
        if v["detail_hidden"]:
            entry = hidden.setdefault(v["type"], {**v, "count": 0})
            entry["count"] += 1
    for entry in hidden.values():
        n = entry["count"]
        entry["companies_text"] = (f"{fmt.plural(n, 'opportunité')} de moins de "
                                   f"{_conf(plan).min_companies}\u00a0entreprises")
    return shown + list(hidden.values())


def followup_view(f, fmt: Formatter) -> dict:
    """What the committee's latest follow-up says about an action."""
    return {
        "owner": f.owner, "status": f.status, "previous_status": f.previous_status,
        "moved": f.moved, "late": f.late,
        "due_date": f.due_date.isoformat() if f.due_date else None,
        "due_text": fmt.date(f.due_date) if f.due_date else "—",
        "progress": f.progress, "plan_period": f.plan_period,
    }


def plan_document(plan: Plan, *, internal: bool = False, lang: str = "fr") -> dict:
    """The plan for one edition, JSON-ready: actions by priority (grouped by horizon in
    `horizons`), opportunities, follow-up summary, and how priorities are computed."""
    fmt = Formatter(lang)
    actions = [action_view(p, plan, fmt, internal) for p in plan.actions]
    by_horizon = [{"horizon": h, "label": HORIZON_LABELS[h],
                   "actions": [a for a in actions if a["horizon"] == h]} for h in HORIZON_ORDER]
    follow = [a for a in actions if a["followup"]]
    doc = {
        "edition": INTERNAL if internal else COMMITTEE,
        "period": plan.period, "previous_period": plan.previous_period, "as_of": plan.as_of.isoformat(),
        "audited_companies": plan.audited,
        "catalogue": plan.catalogue.source,
        "catalogue_label": _catalogue_label(plan.catalogue.source),
        "priority": {"formula": plan.catalogue.priority.formula,
                     "horizon_weights": dict(plan.catalogue.priority.horizon_weights),
                     "weights_text": ", ".join(
                         f"{HORIZON_LABELS[h].split(' (')[0].lower()} {fmt.number(w, 1)}"
                         for h, w in plan.catalogue.priority.horizon_weights.items())},
        "confidentiality": {"min_companies": _conf(plan).min_companies,
                            "dominance_share": _conf(plan).dominance_share},
        "actions": actions,
        "horizons": by_horizon,
        "opportunities": opportunity_views(plan.opportunities, plan, internal, fmt),
        "followup": {
            "plan_period": plan.followup_drop.metadata.get("plan_period") if plan.followup_drop else None,
            "file": plan.followup_drop.file_name if plan.followup_drop else None,
            "actions": len(follow),
            "moved": sum(a["followup"]["moved"] for a in follow),
            "late": sum(a["followup"]["late"] for a in follow),
            "statuses": _count(a["followup"]["status"] for a in follow),
            "orphans": [{"action_id": o.action_id, "title": o.title, "status": o.status,
                         "late": o.late} for o in plan.orphans],
        },
    }
    return doc


def _catalogue_label(source: str | None) -> str:
    """Which catalogue the plan used, in words (no absolute path in a committee document)."""
    from pathlib import Path

    from .catalogue import shipped_catalogue_path

    if source and Path(source) == shipped_catalogue_path():
        return "catalogue livré avec gtec (data/catalogue/actions.toml)"
    return f"catalogue du territoire ({Path(source).name if source else 'actions.toml'})"


def _count(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def followup_rows(plan: Plan) -> list[dict]:
    """Rows of the follow-up workbook (committee edition figures), pre-filled from the last follow-up."""
    doc = plan_document(plan, internal=False)
    rows = []
    for a in doc["actions"]:
        f = plan.followup(a["id"])
        indicators = "\n".join(x["rationale"] for x in a["findings"]) or (
            "Plus déclenchée à cette période" if not a["fired"] else "")
        rows.append({
            "action_id": a["id"], "title": a["title"], "horizon": HORIZON_LABELS[a["horizon"]],
            "priority": a["priority"] if a["fired"] else None,
            "owner": (f.owner if f and f.owner else a["lead"]),
            "status": f.status if f else "à lancer",
            "previous_status": f.status if f else None,
            "due_date": f.due_date if f else None, "progress": f.progress if f else None,
            "indicators": indicators, "plan_period": plan.period,
        })
    for o in plan.orphans:
        rows.append({"action_id": o.action_id, "title": o.title, "horizon": o.horizon, "priority": None,
                     "owner": o.owner, "status": o.status, "previous_status": o.status,
                     "due_date": o.due_date, "progress": o.progress,
                     "indicators": "Action absente du catalogue actuel", "plan_period": plan.period})
    return rows
