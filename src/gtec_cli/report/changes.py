"""What changed since the previous period: the first thing the steering committee reads.

:func:`compare` takes the loaded frames of two periods (as :func:`gtec_cli.indicators.compute.load`
returns them) and runs the registered indicators on each through
:func:`gtec_cli.indicators.compute_frames`; it never computes an indicator itself. It finds:

* recruitment difficulties that appeared or were resolved in the audits: an occupation whose
  audited difficult share crosses the triangulation threshold (`[triangulation]
  audit_difficult_share`, the threshold that makes the audits say "difficile");
* occupations crossing the public thresholds: BMO difficult share (`bmo_difficult_share`) and
  official tension class (`tension_class`);
* audited companies added, gone, re-audited, or carried over from an earlier period;
* sources whose vintage changed, with both vintages;
* the headline figures of both periods.

Statistical secrecy: audit figures of each period carry the status of the cells the report of that
period publishes (:func:`gtec_cli.report.sections_audit.protect_audits`, tables protected jointly,
as every other section). A figure hidden in either period prints `s`, its change too, and an
occupation hidden in either period is never said to cross a threshold: that would bound the
hidden figure. :mod:`.sections_changes` lays this out in the diagnostic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..formatting import finite
from . import data as d

#: Periods' figures of the headline table: key, number kind.
HEADLINE = (("audit_companies", "integer"), ("audit_positions", "integer"),
            ("audit_difficult_share", "percent"), ("ageing_index", "number"),
            ("bmo_difficult_share", "percent"))
#: Kinds whose drops are not sources with a vintage (audits are compared company by company).
NOT_SOURCES = ("audit", "plan")
#: Rows printed per list; the rest are counted in a note.
MAX_ROWS = 20


@dataclass
class Figure:
    """One period's figure and its secrecy status (`V` publishable, `A`/`B`/`D` hidden)."""

    value: float | None
    status: str = "V"
    n_companies: float | None = None

    @property
    def shown(self) -> bool:
        """Publishable and present."""
        return self.status == "V" and finite(self.value)


class AuditSecrecy:
    """The secrecy status of a period's audit figures: the status of the cells its report
    publishes (positions and difficult positions, by domain and occupation, and their totals),
    and the frequency and dominance rules on the indicator's own base, which leaves out rows whose
    difficulty is not given and can therefore rest on fewer companies than the cell."""

    def __init__(self, protected: dict, settings):
        self.protected = protected or {}
        self.conf = settings.confidentiality

    def _cell(self, table: str, **keys) -> str:
        found = self.protected.get(table)
        if found is None:
            return "V"
        try:
            return found.cell(**keys)["status"]
        except KeyError:
            return "V"

    def positions(self, row) -> str:
        """Status of the total of planned positions, with the indicator's overall row."""
        status = self._cell("hires_domain_horizon")
        return status if status != "V" else self._base(row)

    def share(self, occupation: str | None, row) -> str:
        """Status of a difficult share (overall when `occupation` is None) with its indicator row."""
        if occupation is None:
            cells = [self._cell("hires_domain_horizon"), self._cell("difficult_domain")]
        else:
            dom = d.domain_of(occupation)
            cells = [self._cell("hires_domain_occupation", domain=dom, occupation=occupation),
                     self._cell("difficult_domain_occupation", domain=dom, occupation=occupation)]
        return next((s for s in cells if s != "V"), None) or self._base(row)

    def _base(self, row) -> str:
        """Frequency and dominance rules on the companies the indicator's figure rests on."""
        n = pd.to_numeric(row.get("n_companies"), errors="coerce")
        if finite(n) and 0 < n < self.conf.min_companies:
            return "A"
        top = pd.to_numeric(row.get("top_company_share"), errors="coerce")
        if finite(top) and top >= self.conf.dominance_share - 1e-9:
            return "B"
        return "V"


@dataclass
class Comparison:
    """Everything that changed between `previous` and `period`."""

    previous: str
    period: str
    headline: dict[str, tuple[Figure | None, Figure | None]] = field(default_factory=dict)
    #: occupation, before, after (Figures), change: "new" or "resolved".
    difficulties: list[dict] = field(default_factory=list)
    #: Audited occupations whose figures are hidden in either period (not compared).
    hidden_occupations: int = 0
    #: indicator ("bmo" or "tension"), source, occupation, before, after, year_before,
    #: year_after, direction ("up": reaches the threshold, "down": falls below it).
    public: list[dict] = field(default_factory=list)
    #: BMO occupations left out because their projects are below the small-numbers threshold.
    public_small: int = 0
    #: added, gone, updated (re-audited), carried (answers of an earlier period): SIRETs.
    companies: dict[str, list[str]] = field(default_factory=dict)
    #: SIRET -> name, for the internal edition only.
    names: dict[str, str] = field(default_factory=dict)
    #: kind, before, after (vintage texts), what: "vintage", "new", "gone" or "updated".
    sources: list[dict] = field(default_factory=list)


def compare(before: dict, after: dict, settings, *, previous: str, period: str, drops=(),
            secrecy: tuple[AuditSecrecy, AuditSecrecy] | None = None) -> Comparison:
    """Compare two periods' loaded frames. `drops` are the store's drops (periods and vintages of
    the rows' `drop_id`); `secrecy` the statuses of each period's audit figures (none hidden when
    not given)."""
    from ..indicators import compute_frames

    secrecy = secrecy or (AuditSecrecy({}, settings), AuditSecrecy({}, settings))
    own = settings.territory.code or settings.territory.name
    names = ["audit_difficult_share", "ageing_index", "bmo_difficult_share"]
    per = ["audit_difficult_share", "bmo_difficult_share", "tension_class"]
    results = [(compute_frames(frames, settings, names),
                compute_frames(frames, settings, per, by=["occupation"])) for frames in (before, after)]
    out = Comparison(previous=previous, period=period)
    heads = [_headline(frames, overall, own, s)
             for frames, (overall, _), s in zip((before, after), results, secrecy)]
    out.headline = {key: (heads[0].get(key), heads[1].get(key)) for key, _ in HEADLINE}
    _difficulties(out, [r[1]["audit_difficult_share"] for r in results], secrecy,
                  settings.triangulation.audit_difficult_share)
    _public(out, [r[1] for r in results], own, settings)
    by_id = {drop.id: drop for drop in drops}
    _companies(out, before.get("companies"), after.get("companies"), by_id, period)
    out.sources = _sources(before, after, by_id)
    return out


def _headline(frames: dict, res: dict, own: str, secrecy: AuditSecrecy) -> dict:
    out = {}
    companies = frames.get("companies")
    if companies is not None and not companies.empty:
        out["audit_companies"] = Figure(float(companies["siret"].nunique()))
    a = res["audit_difficult_share"]
    if not a.empty:
        row = a.iloc[0]
        out["audit_positions"] = Figure(float(row["n_positions"]), secrecy.positions(row))
        out["audit_difficult_share"] = Figure(float(row["value"]), secrecy.share(None, row),
                                              float(row["n_companies"]))
    for name in ("ageing_index", "bmo_difficult_share"):
        r = res[name]
        r = r[r["territory"] == own] if not r.empty else r
        if not r.empty:
            out[name] = Figure(float(r["value"].iloc[0]))
    return out


def _by(res: pd.DataFrame, keys: list[str]) -> dict:
    if res is None or res.empty:
        return {}
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for _, r in res.iterrows()}


def _difficulties(out: Comparison, results: list, secrecy, threshold: float) -> None:
    rows = [_by(r, ["occupation"]) for r in results]
    for occ in sorted(set(rows[0]) | set(rows[1])):
        if occ == d.NOT_GIVEN:
            continue
        figures = []
        for found, s in zip(rows, secrecy):
            r = found.get(occ)
            figures.append(None if r is None else
                           Figure(float(r["value"]), s.share(occ, r), float(r["n_companies"])))
        if any(f is not None and f.status != "V" for f in figures):
            out.hidden_occupations += 1
            continue
        was, now = (f is not None and finite(f.value) and f.value >= threshold for f in figures)
        if was != now:
            out.difficulties.append({"occupation": occ, "before": figures[0], "after": figures[1],
                                     "change": "new" if now else "resolved"})
    out.difficulties.sort(key=lambda r: (r["change"] != "new", r["occupation"]))


def _public(out: Comparison, results: list, own: str, settings) -> None:
    t = settings.triangulation
    small = settings.small_numbers.min_projects
    bmo = [_by(r["bmo_difficult_share"][r["bmo_difficult_share"]["territory"] == own], ["occupation"])
           if not r["bmo_difficult_share"].empty else {} for r in results]
    found = []
    for occ in sorted(set(bmo[0]) & set(bmo[1])):
        b, a = bmo[0][occ], bmo[1][occ]
        if not (finite(b["value"]) and finite(a["value"])):
            continue
        if min(float(b["n_projects"]), float(a["n_projects"])) < small:
            out.public_small += 1
            continue
        was, now = float(b["value"]) >= t.bmo_difficult_share, float(a["value"]) >= t.bmo_difficult_share
        if was != now:
            label_ = a.get("occupation_label") if isinstance(a.get("occupation_label"), str) else None
            found.append({"indicator": "bmo", "source": "bmo", "occupation": occ, "label": label_,
                          "before": float(b["value"]), "after": float(a["value"]),
                          "year_before": int(b["year"]), "year_after": int(a["year"]),
                          "direction": "up" if now else "down"})
    tension = [_by(r["tension_class"][r["tension_class"]["territory"] == own], ["source", "occupation"])
               if not r["tension_class"].empty else {} for r in results]
    for key in sorted(set(tension[0]) & set(tension[1])):
        b, a = tension[0][key], tension[1][key]
        if not (finite(b["value"]) and finite(a["value"])):
            continue
        was, now = float(b["value"]) >= t.tension_class, float(a["value"]) >= t.tension_class
        if was != now:
            found.append({"indicator": "tension", "source": key[0], "occupation": key[1], "label": None,
                          "before": float(b["value"]), "after": float(a["value"]),
                          "year_before": int(b["year"]), "year_after": int(a["year"]),
                          "direction": "up" if now else "down"})
    found.sort(key=lambda r: (r["indicator"] != "bmo", r["direction"] != "up",
                              -abs(r["after"] - r["before"]), r["occupation"]))
    out.public = found


def _companies(out: Comparison, before, after, by_id: dict, period: str) -> None:
    def latest(frame) -> dict:
        if frame is None or frame.empty:
            return {}
        return dict(zip(frame["siret"].astype(str), frame["drop_id"]))

    b, a = latest(before), latest(after)
    out.companies = {
        "added": sorted(set(a) - set(b)),
        "gone": sorted(set(b) - set(a)),
        "updated": sorted(s for s in set(a) & set(b) if a[s] != b[s]),
        # Still counted with the answers of an earlier period (latest audit up to the period).
        "carried": sorted(s for s, i in a.items() if i in by_id and by_id[i].period != period),
    }
    for frame in (before, after):
        if frame is not None and not frame.empty and "name" in frame.columns:
            out.names.update(zip(frame["siret"].astype(str), frame["name"].astype(str)))


def newest(drops: list):
    """The drop whose figures the indicators read: the one covering the latest year (they take
    a source's latest year), then the latest period, then the last stored."""
    from ..periods import parse_period
    from ..status import coverage_detail

    def key(drop):
        years = coverage_detail([drop])["years"]
        return (max(years) if years else 0, parse_period(drop.period), drop.id)

    return max(drops, key=key)


def vintage(drop) -> str:
    """A drop's vintage as people read it: the vintage it declares, else the years it covers
    (`2019`, `2010–2024`)."""
    from ..status import coverage_detail

    detail = coverage_detail([drop])
    if detail["vintages"]:
        return ", ".join(detail["vintages"])
    years = detail["years"]
    if years:
        return f"{min(years)}–{max(years)}" if len(years) > 1 else str(years[0])
    return "—"


def _sources(before: dict, after: dict, by_id: dict) -> list[dict]:
    """Per source kind, the vintage of the drop each period reads, when it changed."""
    def used(frames: dict) -> dict:
        ids = set()
        for frame in frames.values():
            if frame is not None and not frame.empty and "drop_id" in frame.columns:
                ids.update(int(i) for i in frame["drop_id"].dropna().unique())
        kinds: dict[str, list] = {}
        for i in sorted(ids):
            if i in by_id and by_id[i].kind not in NOT_SOURCES:
                kinds.setdefault(by_id[i].kind, []).append(by_id[i])
        return {kind: newest(drops) for kind, drops in kinds.items()}

    b, a = used(before), used(after)
    rows = []
    for kind in sorted(set(b) | set(a)):
        vb = vintage(b[kind]) if kind in b else None
        va = vintage(a[kind]) if kind in a else None
        if kind not in b:
            what = "new"
        elif kind not in a:
            what = "gone"
        elif vb != va:
            what = "vintage"
        elif b[kind].sha256 != a[kind].sha256:
            what = "updated"
        else:
            continue
        rows.append({"kind": kind, "before": vb, "after": va, "what": what})
    return rows
