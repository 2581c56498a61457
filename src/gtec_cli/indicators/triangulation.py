"""Triangulation: company-audit evidence next to public evidence, occupation by occupation
(indicators.md § 4). A disagreement is a finding, not an error.

Audits speak ROME; BMO and Dares speak FAP-2009. An audited ROME occupation is compared with the
FAP families the Dares crosswalk links it to (see :mod:`.occupations`): BMO shares are ratios of
sums over those families; the tension class is France Travail's for the ROME code itself when the
territory has it, else the highest class among the families (Dares). Public evidence is taken from
the first territory of the chain that has it (the territory, its aliases, then its comparisons),
and `tension_territory`/`bmo_territory` say which.

Rule (thresholds in `[triangulation]` of gtec.toml): the audits say "difficile" when the audited
difficult share reaches `audit_difficult_share`; public evidence says "tendu" when the BMO difficult
share reaches `bmo_difficult_share` or the tension class reaches `tension_class` (or, when set, offers
per job seeker reach `offers_per_jobseeker`), "non tendu" when every available figure is below.
Both sides present: `accord` or `désaccord`; one side only: `audits seuls` or `public seul`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..settings import Settings
from . import common as c
from .occupations import faps_of, level_of
from .recruitment import TENSION_FACTORS, audit_difficult_share, offers_per_jobseeker

TRIANGULATION_DIMS = ("territory", "occupation")


def _first_territory(df: pd.DataFrame, territories: Sequence[str]) -> str | None:
    present = set(df["territory"]) if not df.empty else set()
    return next((t for t in territories if t in present), None)


def _bmo_evidence(codes: list[str], bmo: pd.DataFrame, territories, level: str) -> pd.DataFrame:
    cols = ["occupation", "bmo_projects", "bmo_difficult_share", "bmo_territory", "bmo_year", "bmo_faps"]
    where = _first_territory(bmo, territories) if bmo is not None else None
    if where is None:
        return c.empty(cols)
    df = bmo[bmo["territory"] == where]
    df = df[df["year"] == df["year"].max()]
    projects = c.as_float(df["projects"])
    difficult = c.as_float(df["difficult"])
    usable = projects.notna() & difficult.notna()
    if "difficult_masked" in df.columns:
        usable &= pd.to_numeric(df["difficult_masked"], errors="coerce").fillna(0) == 0
    per_fap = pd.DataFrame({"fap": df["occupation"], "p": projects.where(usable, 0.0),
                            "d": difficult.where(usable, 0.0)}).groupby("fap").sum()
    row_of = {fap: i for i, fap in enumerate(per_fap.index)}
    p_all, d_all = per_fap["p"].to_numpy(), per_fap["d"].to_numpy()
    year = int(df["year"].max()) if not df.empty else None
    rows = []
    for code in codes:
        faps = [f for f in (faps_of(code) if level == "rome" else (code,)) if f in row_of]
        at = [row_of[f] for f in faps]
        p = float(p_all[at].sum()) if faps else float("nan")
        d = float(d_all[at].sum()) if faps else float("nan")
        rows.append({"occupation": code, "bmo_projects": p,
                     "bmo_difficult_share": 100.0 * d / p if faps and p > 0 else float("nan"),
                     "bmo_territory": where if faps else None,
                     "bmo_year": year if faps else None,
                     "bmo_faps": ";".join(faps)})
    return pd.DataFrame(rows, columns=cols)


def _tension_evidence(codes: list[str], tension: pd.DataFrame, territories, level: str) -> pd.DataFrame:
    cols = ["occupation", "tension_class", "tension_source", "tension_territory", "tension_occupation",
            *TENSION_FACTORS]
    if tension is None or tension.empty:
        return c.empty(cols)
    df = tension.copy()
    df["_class"] = pd.to_numeric(df["tension_class"], errors="coerce")
    df = df[df["_class"].notna()]
    df = df[df["year"] == df.groupby(["territory", "source"])["year"].transform("max")]
    # Rows of each (territory, occupation), in table order: one pass, then plain look-ups.
    at: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(df["territory"].tolist(), df["occupation"].tolist())):
        at.setdefault(key, []).append(i)
    klass = df["_class"].to_numpy(dtype="float64")
    emp = (c.as_float(df["employment"]).fillna(0).to_numpy() if "employment" in df.columns
           else np.zeros(len(df)))
    rows = []
    for code in codes:
        found = None
        for where in territories:
            direct = at.get((where, code), [])
            if not direct and level == "rome":
                direct = sorted({i for f in faps_of(code) for i in at.get((where, f), ())})
            if direct:
                # Highest class among the families; ties go to the largest employment, then to
                # the first row.
                best = df.iloc[max(direct, key=lambda i: (klass[i], emp[i], -i))]
                found = {"tension_class": int(best["_class"]), "tension_source": best["source"],
                         "tension_territory": where, "tension_occupation": best["occupation"],
                         **{f: best.get(f) for f in TENSION_FACTORS}}
                break
        rows.append({"occupation": code, **(found or {})})
    return pd.DataFrame(rows).reindex(columns=cols)


def _offers_evidence(codes, offers, jobseekers, tension, territories, s) -> pd.DataFrame:
    cols = ["occupation", "offers_per_jobseeker", "jobseeker_categories"]
    ratio = offers_per_jobseeker(offers if offers is not None else pd.DataFrame(),
                                 jobseekers if jobseekers is not None else pd.DataFrame(),
                                 tension, by=["occupation"], settings=s)
    where = _first_territory(ratio, territories) if not ratio.empty else None
    if where is None:
        return c.empty(cols)
    ratio = ratio[(ratio["territory"] == where) & ratio["occupation"].isin(codes)]
    return ratio.rename(columns={"value": "offers_per_jobseeker"})[cols]


def public_evidence(codes: list[str], level: str, *, bmo=None, tension=None, offers=None,
                    jobseekers=None, territories: Sequence[str], settings: Settings) -> pd.DataFrame:
    """BMO difficult share, tension class and factors, offers per job seeker for each code."""
    base = _keyed(pd.DataFrame({"occupation": list(dict.fromkeys(codes))}))
    for part in (_bmo_evidence(codes, bmo if bmo is not None else pd.DataFrame(), territories, level),
                 _tension_evidence(codes, tension, territories, level),
                 _offers_evidence(codes, offers, jobseekers, tension, territories, settings)):
        base = base.merge(_keyed(part), on="occupation", how="left")
    return base


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """Occupation codes as text on both sides of a merge: an empty column defaults to float."""
    return frame.astype({"occupation": object})


def triangulation(hires=None, companies=None, missing_skills=None, bmo=None, tension=None,
                  offers=None, jobseekers=None, *, territories: Sequence[str] = (),
                  by: Sequence[str] = ("occupation",), settings: Settings | None = None) -> pd.DataFrame:
    """Per occupation, audit evidence (planned positions, difficult share, companies, missing-skill
    score) next to public evidence (BMO difficult share, tension class and factors, offers per job
    seeker), with `audit_signal`, `public_signal` and `value` = accord / désaccord / audits seuls /
    public seul (sans signal when neither side has a difficulty figure).
    Occupations of the BMO survey that no audit covers appear at FAP level."""
    s = c.settings_or_default(settings)
    c.check_by(by, TRIANGULATION_DIMS, "triangulation")
    t = s.triangulation
    hires = hires if hires is not None else pd.DataFrame()
    audit = audit_difficult_share(hires, companies, by=["occupation"], settings=s) if not hires.empty \
        else c.empty(["occupation", "value", "n_positions", "n_companies"])
    audit = audit.rename(columns={"value": "audit_difficult_share", "n_positions": "planned_positions",
                                  "fragile": "audit_fragile"})
    audit = audit[[c_ for c_ in ("occupation", "audit_difficult_share", "planned_positions",
                                 "difficult_positions", "n_companies", "audit_fragile") if c_ in audit.columns]]
    if missing_skills is not None and not missing_skills.empty:
        ms = missing_skills.assign(_score=c.as_float(missing_skills["people"]).fillna(0)
                                   * pd.to_numeric(missing_skills["criticality"], errors="coerce").fillna(0))
        audit = audit.merge(ms.groupby("occupation")["_score"].sum().rename("missing_skill_score")
                            .reset_index(), on="occupation", how="outer")
    codes = [x for x in audit["occupation"].dropna().tolist() if x != c.NOT_GIVEN]
    levels_found = {level_of(x) for x in codes}
    level = "rome" if levels_found <= {"rome"} else "fap225"
    evidence = public_evidence(codes, level, bmo=bmo, tension=tension, offers=offers,
                               jobseekers=jobseekers, territories=territories, settings=s)
    out = _keyed(audit).merge(_keyed(evidence), on="occupation", how="left")
    out["occupation_level"] = out["occupation"].map(level_of)
    out = pd.concat([out, _public_only(codes, level, bmo, territories, s)], ignore_index=True)
    return c.finish(_signals(out, t, s), ["occupation", "occupation_level"])


def _public_only(codes, level, bmo, territories, s) -> pd.DataFrame:
    """BMO occupations (FAP) of the territory that no audited occupation maps to."""
    if bmo is None or bmo.empty:
        return pd.DataFrame()
    where = _first_territory(bmo, territories)
    if where is None:
        return pd.DataFrame()
    covered = {f for code in codes for f in (faps_of(code) if level == "rome" else (code,))}
    here = bmo[(bmo["territory"] == where) & ~bmo["occupation"].isin(covered)]
    others = sorted(set(here["occupation"].dropna()))
    if not others:
        return pd.DataFrame()
    ev = _bmo_evidence(others, bmo, territories, "fap225")
    ev["occupation_level"] = ev["occupation"].map(level_of)
    return ev


def _signals(out: pd.DataFrame, t, s: Settings) -> pd.DataFrame:
    share = pd.to_numeric(out.get("audit_difficult_share"), errors="coerce")
    out["audit_signal"] = np.where(share.isna(), None, np.where(share >= t.audit_difficult_share,
                                                                 "difficile", "non difficile"))
    tests = [pd.to_numeric(out.get("bmo_difficult_share"), errors="coerce") >= t.bmo_difficult_share,
             pd.to_numeric(out.get("tension_class"), errors="coerce") >= t.tension_class]
    known = [pd.to_numeric(out.get("bmo_difficult_share"), errors="coerce").notna(),
             pd.to_numeric(out.get("tension_class"), errors="coerce").notna()]
    if t.offers_per_jobseeker is not None and "offers_per_jobseeker" in out.columns:
        ratio = pd.to_numeric(out["offers_per_jobseeker"], errors="coerce")
        tests.append(ratio >= t.offers_per_jobseeker)
        known.append(ratio.notna())
    tense = np.logical_or.reduce([x.fillna(False).to_numpy() for x in tests])
    any_known = np.logical_or.reduce([k.to_numpy() for k in known])
    out["public_signal"] = np.where(~any_known, None, np.where(tense, "tendu", "non tendu"))
    audit_on = out["audit_signal"].notna()
    public_on = out["public_signal"].notna()
    same = (out["audit_signal"] == "difficile") == (out["public_signal"] == "tendu")
    out["value"] = np.select(
        [audit_on & public_on & same, audit_on & public_on, audit_on, public_on],
        ["accord", "désaccord", "audits seuls", "public seul"], default="sans signal")
    n_comp = pd.to_numeric(out.get("n_companies"), errors="coerce")
    projects = pd.to_numeric(out.get("bmo_projects"), errors="coerce")
    out["fragile"] = ((audit_on & (n_comp.fillna(0) < s.small_numbers.min_companies))
                      | (projects.notna() & (projects < s.small_numbers.min_projects))).astype(bool)
    return out
