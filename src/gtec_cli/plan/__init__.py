"""The action plan: from the audits' findings to traced, prioritised actions, collaboration
opportunities between companies, and their follow-up from one committee to the next.

* :mod:`.catalogue` reads and validates the action catalogue (`actions.toml`);
* :mod:`.measures` lists what rules can test, :mod:`.rules` evaluates them;
* :mod:`.matching` finds collaboration opportunities between companies;
* :mod:`.followup` writes the follow-up workbook and reads it back (kind `plan`);
* :mod:`.build` assembles the plan of a period, :mod:`.document` gives its editions;
* :mod:`.report` renders the action-plan PDF.

Analysts start from :func:`build_plan` and :func:`plan_document`::

    from gtec_cli.plan import build_plan, plan_document
    plan = build_plan(store, "2026-T4", settings=ws.settings, workspace_root=ws.root)
    doc = plan_document(plan)  # committee edition: counts only
"""

from .build import Plan, build_plan
from .catalogue import Catalogue, load_catalogue
from .document import plan_document

__all__ = ["Catalogue", "Plan", "build_plan", "load_catalogue", "plan_document"]
