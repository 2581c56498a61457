"""Evaluating the catalogue's rules on the audits of a period: which actions fire, why, how urgent.

An action is proposed as soon as one of its rules fires. A rule fires on a cell of its measure
(an occupation, a skill, a theme…) when the value crosses the threshold (`op`) and the cell
concerns at least `min_companies` companies. Comparisons tolerate a rounding error of 1e-9, so a
share of exactly 50 % computed as 3/6 fires a `>= 50` rule and 49.9 % does not.

Priority (documented in the catalogue's `[priority]` section and printed in the plan)::

    priority = horizon weight × severity × companies concerned
    severity = min(1 + |value − threshold| / threshold, severity cap)   (most marked finding)

where companies concerned are the distinct companies of the fired findings (at least 1) and the
cap (catalogue, default 3) keeps a count far above a small threshold from outweighing the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from .catalogue import Action, Catalogue, Rule
from .data import AuditData
from .measures import MEASURES, SCOPE_LABELS, evaluate_measure

TOLERANCE = 1e-9


def crosses(value: float, op: str, threshold: float) -> bool:
    """True when `value op threshold` holds, with a 1e-9 tolerance for rounding; NaN never fires."""
    if value is None or value != value:
        return False
    if op == ">=":
        return value >= threshold - TOLERANCE
    if op == ">":
        return value > threshold + TOLERANCE
    if op == "<=":
        return value <= threshold + TOLERANCE
    if op == "<":
        return value < threshold - TOLERANCE
    raise ValueError(f"unknown operator {op!r}")


def severity(value: float, threshold: float) -> float:
    """How far past its threshold a finding is: 1 + |value − threshold| / threshold (1 at the
    threshold). Thresholds are strictly positive (the catalogue model enforces it)."""
    return 1.0 + abs(value - threshold) / threshold


@dataclass
class Trigger:
    """One cell of a rule's measure, fired or not, with the figures that justify it."""

    action_id: str
    rule_id: str
    rule: Rule
    key: str
    key_label: str
    value: float
    n_companies: int
    concerned: tuple[str, ...]
    top_share: float
    fired: bool
    figures: dict[str, float] = field(default_factory=dict)
    #: The same cell at the previous period (None: not measured then).
    before: "Trigger | None" = None

    @property
    def previous(self) -> float | None:
        """Value of the same cell at the previous period (None: not measured then)."""
        return self.before.value if self.before is not None else None

    @property
    def measure(self):
        return MEASURES[self.rule.indicator]

    @property
    def value_name(self) -> str:
        return self.rule.value or self.measure.default_value

    @property
    def value_label(self) -> str:
        return self.measure.values[self.value_name][0]

    @property
    def unit(self) -> str:
        return self.measure.values[self.value_name][1]

    @property
    def severity(self) -> float:
        return severity(self.value, self.rule.threshold)

    @property
    def magnitude(self) -> bool:
        """True when the dominance rule applies (a sum of positions, people…, not of companies)."""
        return self.top_share == self.top_share

    @property
    def trend(self) -> str | None:
        """`amélioré`, `dégradé`, `stable` or `non mesuré` against the previous period; None
        when the cell was not measured at the previous period."""
        if self.previous is None or self.previous != self.previous:
            return None
        if self.value != self.value:
            return "non mesuré"  # the cell vanished: nobody answers for it this period
        delta = self.value - self.previous
        if abs(delta) <= TOLERANCE:
            return "stable"
        worse = delta > 0 if self.rule.op in (">=", ">") else delta < 0
        return "dégradé" if worse else "amélioré"

    @property
    def scope_label(self) -> str:
        return SCOPE_LABELS.get(self.rule.scope, self.rule.scope)


@dataclass
class ProposedAction:
    """An action of the catalogue proposed for the plan, traced to the findings that fired it."""

    action: Action
    triggers: list[Trigger]
    weights: dict[str, float]
    severity_cap: float = math.inf
    #: Findings that fired at the previous period and no longer do (the situation improved).
    resolved: list[Trigger] = field(default_factory=list)
    opportunities: list = field(default_factory=list)

    @property
    def fired(self) -> bool:
        return bool(self.triggers)

    @property
    def concerned(self) -> tuple[str, ...]:
        """Distinct companies of the fired findings."""
        return tuple(sorted({s for t in self.triggers for s in t.concerned}))

    @property
    def severity(self) -> float:
        """Severity of the most marked fired finding, capped (0 when nothing fired)."""
        return min(max((t.severity for t in self.triggers), default=0.0), self.severity_cap)

    @property
    def priority(self) -> float:
        """horizon weight × severity × companies concerned (at least 1); 0 when nothing fired."""
        if not self.triggers:
            return 0.0
        return self.weights[self.action.horizon] * self.severity * max(1, len(self.concerned))


def evaluate_rule(data: AuditData, action: Action, index: int, context: dict) -> list[Trigger]:
    """Every cell of the action's rule number `index` (0-based), marked fired or not."""
    rule = action.rules[index]
    cells = evaluate_measure(data, rule, context=context)
    value_col = rule.value or MEASURES[rule.indicator].default_value
    out = []
    extra_cols = [c for c in MEASURES[rule.indicator].values if c in cells.columns]
    for row in cells.to_dict("records"):
        value = row.get(value_col)
        value = float(value) if value is not None else float("nan")
        fired = crosses(value, rule.op, rule.threshold) and row["n_companies"] >= rule.min_companies
        out.append(Trigger(
            action_id=action.id, rule_id=action.rule_id(index), rule=rule, key=str(row["key"]),
            key_label=row["key_label"], value=value, n_companies=int(row["n_companies"]),
            concerned=tuple(row["concerned"]), top_share=float(row["top_share"]), fired=fired,
            figures={c: float(row[c]) for c in extra_cols if c != value_col and row[c] == row[c]},
        ))
    return out


def evaluate(data: AuditData, catalogue: Catalogue, context: dict | None = None) -> dict[str, list[Trigger]]:
    """rule id -> every cell of the rule (fired or not), for all rules of the catalogue."""
    context = {} if context is None else context
    context.setdefault("matching", catalogue.matching)
    return {action.rule_id(i): evaluate_rule(data, action, i, context)
            for action in catalogue.actions for i in range(len(action.rules))}


def propose(catalogue: Catalogue, current: dict[str, list[Trigger]],
            previous: dict[str, list[Trigger]] | None = None,
            opportunities: list | None = None) -> list[ProposedAction]:
    """Actions whose rules fired, most urgent first; trends and resolved findings vs `previous`.

    Ties on priority keep the catalogue order, so the plan is stable from one run to the next.
    """
    before = {(rid, t.key): t for rid, cells in (previous or {}).items() for t in cells}
    proposed = []
    for action in catalogue.actions:
        fired, resolved = [], []
        for i in range(len(action.rules)):
            rid = action.rule_id(i)
            for trig in current.get(rid, []):
                trig.before = before.get((rid, trig.key))
                if trig.fired:
                    fired.append(trig)
            now = {t.key for t in current.get(rid, []) if t.fired}
            for (prid, key), old in before.items():
                if prid == rid and old.fired and key not in now:
                    cur = next((t for t in current.get(rid, []) if t.key == key), None)
                    resolved.append(_resolved(old, cur))
        if not fired and not resolved:
            continue
        opps = [o for o in (opportunities or []) if o.type in action.opportunities]
        proposed.append(ProposedAction(action, fired, catalogue.priority.horizon_weights,
                                       catalogue.priority.severity_cap, resolved, opps))
    order = {a.id: i for i, a in enumerate(catalogue.actions)}
    proposed.sort(key=lambda p: (not p.fired, -p.priority, order[p.action.id]))
    return proposed


def _resolved(old: Trigger, current: Trigger | None) -> Trigger:
    """The current cell of a finding that no longer fires (or an empty one if it vanished)."""
    if current is not None:
        current.before = old
        return current
    return Trigger(action_id=old.action_id, rule_id=old.rule_id, rule=old.rule, key=old.key,
                   key_label=old.key_label, value=math.nan, n_companies=0, concerned=(),
                   top_share=math.nan, fired=False, before=old)


def cells_frame(triggers: list[Trigger]) -> pd.DataFrame:
    """Triggers as a table (n_companies, top_share) for the secrecy rules."""
    return pd.DataFrame({"n_companies": [t.n_companies for t in triggers],
                         "top_share": [t.top_share for t in triggers]})
