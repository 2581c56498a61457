"""Building the action plan of a period from the store: rules, opportunities, follow-up.

:func:`build_plan` is the one entry point the CLI, the report and analysts share. It reads the audit
answers of the period (and of the previous audited period, for trends), evaluates the catalogue's
rules, computes the collaboration opportunities and joins the latest follow-up the committee filled.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from ..periods import normalise_period, parse_period
from .catalogue import Catalogue, load_catalogue
from .data import AuditData
from .followup import FollowUp, latest_followup, period_end
from .matching import Opportunity, find_opportunities
from .rules import ProposedAction, evaluate, propose


@dataclass
class Plan:
    """The action plan of one period (every figure unprotected: see :mod:`.document` for editions)."""

    period: str
    previous_period: str | None
    as_of: _dt.date
    catalogue: Catalogue
    actions: list[ProposedAction]
    opportunities: list[Opportunity]
    audited: int
    names: dict[str, str]
    followups: dict[str, FollowUp] = field(default_factory=dict)
    followup_drop: object | None = None
    #: Follow-up rows whose action is not in the catalogue any more (kept, never lost).
    orphans: list[FollowUp] = field(default_factory=list)
    settings: object | None = None

    @property
    def proposed(self) -> list[ProposedAction]:
        """Actions fired this period (the others are tracked only through their follow-up)."""
        return [a for a in self.actions if a.fired]

    def followup(self, action_id: str) -> FollowUp | None:
        """The latest follow-up of an action, if the committee filled one."""
        return self.followups.get(action_id)


def previous_audit_period(store, period: str) -> str | None:
    """The latest period before `period` that has company audits."""
    limit = parse_period(period)
    periods = {d.period for d in store.drops(kind="audit") if parse_period(d.period) < limit}
    return max(periods, key=parse_period) if periods else None


def build_plan(store, period: str, *, settings=None, catalogue: Catalogue | None = None,
               workspace_root: Path | None = None, as_of: _dt.date | None = None) -> Plan:
    """The plan of `period`: fired actions by priority, opportunities, trends and follow-up.

    `catalogue` defaults to the workspace's `actions.toml` (else the shipped one); `as_of` (the date
    lateness is judged on) defaults to the last day of the period, so a past plan re-renders the same.
    """
    from ..settings import Settings

    period = normalise_period(period)
    settings = settings or Settings()
    catalogue = catalogue or load_catalogue(workspace_root=workspace_root)
    as_of = as_of or period_end(period)
    data = AuditData.load(store, period)
    context = {"matching": catalogue.matching, "settings": settings}
    opportunities = find_opportunities(data, catalogue.matching)
    context["opportunities"] = opportunities
    current = evaluate(data, catalogue, context)
    previous_period = previous_audit_period(store, period)
    previous = None
    if previous_period:
        before = AuditData.load(store, previous_period)
        previous = evaluate(before, catalogue, {"matching": catalogue.matching, "settings": settings})
    actions = propose(catalogue, current, previous, opportunities)
    drop, followups = latest_followup(store, period, as_of)
    listed = {a.action.id for a in actions}
    orphans = []
    for action_id, state in followups.items():
        if action_id in listed:
            continue
        action = catalogue.action(action_id)
        if action is None:
            orphans.append(state)
            continue
        opps = [o for o in opportunities if o.type in action.opportunities]
        actions.append(ProposedAction(action, [], catalogue.priority.horizon_weights,
                                      catalogue.priority.severity_cap, [], opps))
    return Plan(period=period, previous_period=previous_period, as_of=as_of, catalogue=catalogue,
                actions=actions, opportunities=opportunities, audited=len(set(data.companies["siret"])),
                names=data.names(), followups=followups, followup_drop=drop, orphans=orphans,
                settings=settings)
