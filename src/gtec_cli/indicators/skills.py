"""Skills gap: job openings, local supply, the gap between them, missing skills and the combined
score (indicators.md § 3).

Job openings follow Dares / France Stratégie "Les métiers en 2030": postes à pourvoir = end-of-career
departures + net job creation. Departures are estimated from the territory's employment by age
(age + H ≥ A, central retirement age) or, without it, from the audits; net creation comes from the
audits: planned recruitments within H minus the departures (retirements and others) they replace,
both read over at most 3 years, the audit's recruitment horizon. Occupations are compared at one
level (`occupation_level`): ROME when every source speaks ROME, else FAP-225 through the crosswalk.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..settings import Settings
from . import common as c
from .departures import expected_departures, horizon_fraction
from .occupations import common_level, harmonise
from .recruitment import _jobseekers_total, audit_difficult_share
from .skillkeys import SkillKeys
from .triangulation import public_evidence

OCCUPATION_DIMS = ("territory", "occupation")
MISSING_SKILL_DIMS = ("territory", "occupation", "sector", "size_class", "period")
MISSING_SKILL_CODE_DIMS = ("territory", "skill", "occupation", "sector", "size_class", "company_type",
                           "company_group", "company", "period")
#: The audit template asks planned recruitments for at most 1-3 years.
AUDIT_HIRES_YEARS = 3


def _h(df: pd.DataFrame | None, values: list[str], level: str) -> pd.DataFrame:
    if df is None or df.empty:
        return pd.DataFrame()
    return harmonise(df, values, level)[0]


def _net_creation(hires, departures, companies, horizon: int) -> pd.DataFrame:
    """Planned recruitments within H minus declared departures over the same (≤ 3 years) span."""
    parts = []
    span = min(horizon, AUDIT_HIRES_YEARS)
    if not hires.empty:
        h = c.with_company_attributes(hires, companies)
        h["_hires"] = c.as_float(h["positions"]).fillna(0) * horizon_fraction(h["horizon"], span).fillna(0)
        parts.append(h[["territory", "occupation", "siret", "_hires"]])
    if not departures.empty:
        d = c.with_company_attributes(departures, companies)
        leavers = c.as_float(d["retirements"]).fillna(0) + c.as_float(
            d.get("other_departures", pd.Series(0.0, index=d.index))).fillna(0)
        d["_leavers"] = leavers * horizon_fraction(d["horizon"], span).fillna(0)
        parts.append(d[["territory", "occupation", "siret", "_leavers"]])
    if not parts:
        return pd.DataFrame()
    both = pd.concat(parts, ignore_index=True).fillna({"_hires": 0.0, "_leavers": 0.0})
    both = c.fill_dims(both, ["occupation"])
    out = c.group_sum(both, ["territory", "occupation"], ["_hires", "_leavers"])
    out = out.merge(c.group_count_distinct(both, ["territory", "occupation"], "siret", "n_companies"),
                    on=["territory", "occupation"])
    out["net_creation"] = out["_hires"] - out["_leavers"]
    return out.rename(columns={"_hires": "planned_hires", "_leavers": "replaced_departures"})


def job_openings(employment=None, workforce=None, departures=None, hires=None, companies=None, *,
                 by: Sequence[str] = ("occupation",), settings: Settings | None = None,
                 horizons: Sequence[int] | None = None, level: str | None = None) -> pd.DataFrame:
    """Postes à pourvoir by occupation within H: expected departures (central retirement age) +
    net job creation from the audits (recruitments net of replacements)."""
    s = c.settings_or_default(settings)
    c.check_by(by, OCCUPATION_DIMS, "job_openings")
    level = level or common_level(employment, workforce, departures, hires)
    emp, wf = _h(employment, ["people"], level), _h(workforce, ["headcount"], level)
    dp = _h(departures, ["retirements", "other_departures"], level)
    hi = _h(hires, ["positions"], level)
    hs = list(horizons) if horizons else list(s.assumptions.horizons)
    central = [s.assumptions.retirement_age]
    if not emp.empty:
        dep = expected_departures(employment=emp, by=["occupation"], settings=s, horizons=hs,
                                  retirement_ages=central)
        source = "emploi du territoire (âge + H ≥ A)"
    else:
        dep = expected_departures(workforce=wf, departures=dp, companies=companies, by=["occupation"],
                                  settings=s, horizons=hs, retirement_ages=central)
        source = "audits (déclarés ou estimés)"
    dep = dep.rename(columns={"value": "departures"})
    wanted = ["territory", "occupation", "horizon_years", "departures", "n_people"]
    dep = dep[[x for x in wanted if x in dep.columns]] if not dep.empty else c.empty(wanted)
    rows = []
    for h in hs:
        net = _net_creation(hi, dp, companies, h)
        part = dep[dep["horizon_years"] == h] if not dep.empty else dep
        part = part.drop(columns="horizon_years")
        merged = part.merge(net, on=["territory", "occupation"], how="outer") if not net.empty else part.copy()
        merged["horizon_years"] = h
        rows.append(merged)
    out = pd.concat(rows, ignore_index=True)
    if out.empty:
        return c.empty(["territory", "occupation", "horizon_years", "value", "fragile"])
    has_audits = not hi.empty or not dp.empty
    out["departures"] = out["departures"].astype("float64").fillna(0.0)
    if "net_creation" not in out.columns:
        out["net_creation"] = np.nan
    out["value"] = out["departures"] + out["net_creation"].fillna(0.0)
    out["departures_source"] = source
    out["net_creation_source"] = "audits (≤ 3 ans)" if has_audits else "aucun audit : non comptées"
    out["occupation_level"] = level
    n_people = pd.to_numeric(out.get("n_people"), errors="coerce")
    n_comp = pd.to_numeric(out.get("n_companies"), errors="coerce")
    out["fragile"] = ((n_people.notna() & (n_people < s.small_numbers.min_people))
                      | (n_comp.notna() & (n_comp < s.small_numbers.min_companies))).astype(bool)
    return c.finish(out.sort_values(["territory", "horizon_years", "occupation"], kind="stable"),
                    ["territory", "occupation", "occupation_level", "horizon_years"])


def local_supply(jobseekers=None, training=None, *, by: Sequence[str] = ("occupation",),
                 settings: Settings | None = None, horizons: Sequence[int] | None = None,
                 level: str | None = None) -> pd.DataFrame:
    """People available for an occupation within H: job seekers (category A or A+B+C, latest
    period) + graduates of matching training per year × H (latest year)."""
    s = c.settings_or_default(settings)
    c.check_by(by, OCCUPATION_DIMS, "local_supply")
    level = level or common_level(jobseekers, training)
    js, tr = _h(jobseekers, ["people"], level), _h(training, ["graduates"], level)
    keys = ["territory", "occupation"]
    seekers, label = (pd.DataFrame(columns=[*keys, "jobseekers"]), "")
    if not js.empty:
        js = c.latest(c.fill_dims(js, keys), "period", ["territory"])
        seekers, label = _jobseekers_total(js, keys, s.assumptions.jobseeker_categories)
        seekers = seekers[[*keys, "jobseekers"]]
    grads = pd.DataFrame(columns=[*keys, "graduates_per_year", "n_training_rows_without_graduates"])
    if not tr.empty:
        tr = c.latest(c.fill_dims(tr, keys), "year", ["territory"])
        tr["_missing"] = c.as_float(tr["graduates"]).isna().astype("int64")
        tr["graduates"] = c.as_float(tr["graduates"])
        grads = c.group_sum(tr, keys, ["graduates", "_missing"]).rename(
            columns={"graduates": "graduates_per_year", "_missing": "n_training_rows_without_graduates"})
    if js.empty and tr.empty:
        return c.empty([*keys, "horizon_years", "value", "fragile"])
    merged = seekers.merge(grads, on=keys, how="outer")
    # An occupation absent from a table that exists has nobody in it; a missing table is unknown.
    merged["jobseekers"] = merged["jobseekers"].astype("float64").fillna(0.0) if not js.empty else np.nan
    merged["graduates_per_year"] = merged["graduates_per_year"].astype("float64").fillna(0.0) \
        if not tr.empty else np.nan
    rows = []
    for h in (list(horizons) if horizons else s.assumptions.horizons):
        part = merged.copy()
        part["horizon_years"] = h
        part["value"] = part["jobseekers"].fillna(0) + part["graduates_per_year"].fillna(0) * h
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    out["n_people"] = out["value"]
    out["jobseeker_categories"] = label
    out["occupation_level"] = level
    return c.finish(c.flag(out, "n_people", s.small_numbers.min_people),
                    ["territory", "occupation", "occupation_level", "horizon_years"])


def occupation_gap(employment=None, workforce=None, departures=None, hires=None, companies=None,
                   jobseekers=None, training=None, *, by: Sequence[str] = ("occupation",),
                   settings: Settings | None = None, horizons: Sequence[int] | None = None) -> pd.DataFrame:
    """Openings not covered by the local supply: job_openings − local_supply (positive = shortage),
    and `supply_ratio` = local_supply / job_openings (NaN when there are no openings). The bases
    are those of the openings: `n_people` (territory employment) and `n_companies` (audits)."""
    s = c.settings_or_default(settings)
    c.check_by(by, OCCUPATION_DIMS, "occupation_gap")
    level = common_level(employment, workforce, departures, hires, jobseekers, training)
    openings = job_openings(employment, workforce, departures, hires, companies, settings=s,
                            horizons=horizons, level=level)
    supply = local_supply(jobseekers, training, settings=s, horizons=horizons, level=level)
    keys = ["territory", "occupation", "horizon_years"]
    if openings.empty and supply.empty:
        return c.empty([*keys, "value", "fragile"])
    base_cols = [x for x in ("n_people", "n_companies") if x in openings.columns]
    o = openings[[*keys, "value", *base_cols, "fragile"]].rename(
        columns={"value": "job_openings", "fragile": "_fo"}) \
        if not openings.empty else c.empty([*keys, "job_openings", "_fo"])
    p = supply[[*keys, "value", "fragile"]].rename(columns={"value": "local_supply", "fragile": "_fs"}) \
        if not supply.empty else c.empty([*keys, "local_supply", "_fs"])
    out = o.merge(p, on=keys, how="outer")
    out["job_openings"] = out["job_openings"].astype("float64")
    out["local_supply"] = out["local_supply"].astype("float64")
    if not openings.empty:
        out["job_openings"] = out["job_openings"].fillna(0.0)
    if not supply.empty:
        out["local_supply"] = out["local_supply"].fillna(0.0)
    out["value"] = out["job_openings"] - out["local_supply"]
    out["supply_ratio"] = c.ratio(out["local_supply"], out["job_openings"])
    out["occupation_level"] = level
    out["fragile"] = (out["_fo"].fillna(False).astype(bool) | out["_fs"].fillna(False).astype(bool)
                      | out["value"].isna()).astype(bool)
    out = out.drop(columns=["_fo", "_fs"])
    return c.finish(out.sort_values(keys, kind="stable"), ["territory", "occupation", "occupation_level"])


def _skill_rows(missing_skills: pd.DataFrame, companies: pd.DataFrame | None,
                keys: list[str]) -> pd.DataFrame:
    """Missing-skill rows with their company attributes, people, criticality and weighted score."""
    df = c.fill_dims(c.with_company_attributes(missing_skills, companies), keys)
    df["people"] = c.as_float(df["people"])
    df["criticality"] = pd.to_numeric(df["criticality"], errors="coerce")
    df["_weighted"] = df["people"].fillna(0) * df["criticality"].fillna(0)
    df["_cited"] = df["criticality"].notna().astype("int64")
    return df


def _skill_sums(df: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    """Per group: Σ people, mean criticality (Σ criticality / citations), the weighted score
    Σ criticality × people (`value`), citations and companies."""
    out = c.group_sum(df, group, ["people", "criticality", "_weighted", "_cited"])
    out["mean_criticality"] = c.ratio(out["criticality"], out["_cited"])
    out["value"] = out["_weighted"]
    out["citations"] = out["_cited"]
    out = out.drop(columns=["criticality", "_weighted", "_cited"])
    return out.merge(c.group_count_distinct(df, group, "siret", "n_companies"), on=group)


def missing_skills(missing_skills: pd.DataFrame, companies: pd.DataFrame | None = None, *,
                   by: Sequence[str] = (), settings: Settings | None = None) -> pd.DataFrame:
    """Skills the audited companies lack: per skill, companies citing it, people concerned, mean
    criticality (Σ criticality / citations) and the weighted score Σ criticality × people.
    Skills are grouped by their folded label (case, accents and punctuation ignored)."""
    from ..ingest.values import norm_text

    s = c.settings_or_default(settings)
    by = c.check_by(by, MISSING_SKILL_DIMS, "missing_skills")
    keys = c.territory_first(by)
    cols = [*keys, "skill", "value", "people", "mean_criticality", "n_companies", "fragile"]
    if missing_skills is None or missing_skills.empty:
        return c.empty(cols)
    df = _skill_rows(missing_skills, companies, keys)
    df["skill_key"] = df["skill"].map(lambda t: norm_text(t) if isinstance(t, str) else c.NOT_GIVEN)
    group = [*keys, "skill_key"]
    out = _skill_sums(df, group)
    # The label shown is the spelling most companies used.
    label = (df.groupby(["skill_key", "skill"], dropna=False).size().reset_index(name="n")
             .sort_values(["skill_key", "n"], ascending=[True, False]).drop_duplicates("skill_key"))
    out["skill"] = out["skill_key"].map(label.set_index("skill_key")["skill"])
    if "skill_code" in df.columns:
        codes = df.dropna(subset=["skill_code"]).drop_duplicates("skill_key").set_index("skill_key")["skill_code"]
        out["skill_code"] = out["skill_key"].map(codes)
    out = out.drop(columns="skill_key").sort_values([*keys, "value"], ascending=[True] * len(keys) + [False],
                                                    kind="stable")
    return c.finish(c.flag(out, "n_companies", s.small_numbers.min_companies), [*keys, "skill"])


def missing_skills_by_code(missing_skills: pd.DataFrame, companies: pd.DataFrame | None = None, *,
                           by: Sequence[str] = ("skill",), settings: Settings | None = None,
                           keys: SkillKeys | None = None) -> pd.DataFrame:
    """The missing skills grouped as the action plan compares them: by skill code when one is
    given, else by folded label, a label that companies typed with one code only taking that code
    (:class:`~gtec_cli.indicators.skillkeys.SkillKeys`; `keys` lets the plan pass the keys of the
    whole audit, know-how and cooperation included). Per cell: companies citing a skill, Σ people,
    weighted score Σ criticality × people (`value`), mean criticality. Without the `skill`
    dimension the cell adds up every skill (per occupation, say); rows without skill or code are
    `(non renseigné)`. The `skill_key` column is the comparison key, `skill` the label most often
    typed for it."""
    s = c.settings_or_default(settings)
    by = c.check_by(by, MISSING_SKILL_CODE_DIMS, "missing_skills_by_code")
    dims = c.territory_first(by)
    group = ["skill_key" if d == "skill" else d for d in dims]
    cols = [*group, *(["skill"] if "skill" in by else []), "value", "people", "mean_criticality",
            "n_companies", "fragile"]
    if missing_skills is None or missing_skills.empty:
        return c.empty(cols)
    keys = keys if keys is not None else SkillKeys.from_tables(missing_skills)
    df = _skill_rows(missing_skills, companies, [d for d in dims if d != "skill"])
    codes = df["skill_code"] if "skill_code" in df.columns else pd.Series(None, index=df.index, dtype=object)
    df["skill_key"] = [keys.key(label, code) or c.NOT_GIVEN for label, code in zip(df["skill"], codes)]
    out = _skill_sums(df, group)
    out["n_rows"] = c.aggregate(df, group, count="n")["n"].to_numpy()
    first = group
    if "skill" in by:
        out["skill"] = out["skill_key"].map(lambda k: c.NOT_GIVEN if k == c.NOT_GIVEN else keys.label(k))
        first = [*group, "skill"]
    out = out.sort_values(group, kind="stable")
    return c.finish(c.flag(out, "n_companies", s.small_numbers.min_companies), first)


COMPONENTS = ("occupation_gap", "audit_difficult_share", "bmo_difficult_share", "tension_class",
              "missing_skills")


def skills_gap_score(employment=None, workforce=None, departures=None, hires=None, companies=None,
                     jobseekers=None, training=None, missing_skills=None, bmo=None, tension=None,
                     offers=None, *, territories: Sequence[str] = (), by: Sequence[str] = ("occupation",),
                     settings: Settings | None = None) -> pd.DataFrame:
    """Ranking of occupations: 100 × Σ wᵢ × componentᵢ / Σ wᵢ, weights from `[skills_gap_weights]`.

    Components, each on 0–1: the shortage max(occupation_gap, 0) at the main horizon over the
    largest shortage; the audited and the BMO difficult shares / 100; (tension class − 1) / 4; the
    missing-skill score (Σ criticality × people) over the largest. A component without data counts
    0 and is named in `missing_components`; `coverage` is the weight share that had data."""
    s = c.settings_or_default(settings)
    c.check_by(by, OCCUPATION_DIMS, "skills_gap_score")
    level = common_level(employment, workforce, departures, hires, jobseekers, training, missing_skills)
    h = s.assumptions.main_horizon
    gap = occupation_gap(employment, workforce, departures, hires, companies, jobseekers, training,
                         settings=s, horizons=[h])
    own = territories[0] if territories else None
    if own is not None and not gap.empty:
        gap = gap[gap["territory"] == own]
    hi = _h(hires, ["positions"], level)
    audit = audit_difficult_share(hi, companies, by=["occupation"], settings=s) if not hi.empty \
        else c.empty(["occupation", "value", "n_companies"])
    ms = _h(missing_skills, ["people"], level)
    skill_score = pd.Series(dtype="float64")
    if not ms.empty:
        criticality = pd.to_numeric(ms["criticality"], errors="coerce").fillna(0)
        ms["_score"] = c.as_float(ms["people"]).fillna(0) * criticality
        skill_score = ms.groupby("occupation")["_score"].sum()
    codes = list(dict.fromkeys([*gap.get("occupation", pd.Series(dtype=object)).tolist(),
                                *audit["occupation"].tolist(), *skill_score.index.tolist()]))
    codes = [x for x in codes if isinstance(x, str) and x != c.NOT_GIVEN]
    if not codes:
        return c.empty(["occupation", "value", "rank", "fragile"])
    out = pd.DataFrame({"occupation": codes, "occupation_level": level})
    out["occupation_gap"] = (out["occupation"].map(gap.set_index("occupation")["value"])
                             if not gap.empty else np.nan)
    out["audit_difficult_share"] = out["occupation"].map(audit.set_index("occupation")["value"])
    out["n_companies"] = out["occupation"].map(audit.set_index("occupation")["n_companies"])
    out["missing_skills"] = out["occupation"].map(skill_score) if not skill_score.empty else np.nan
    public = public_evidence(codes, level, bmo=bmo, tension=tension, offers=offers,
                             jobseekers=jobseekers, territories=territories, settings=s)
    out = out.merge(public[["occupation", "bmo_difficult_share", "tension_class"]], on="occupation", how="left")
    shortage = out["occupation_gap"].clip(lower=0)
    norm = {
        "occupation_gap": shortage / shortage.max() if shortage.max() > 0 else shortage * 0,
        "audit_difficult_share": out["audit_difficult_share"] / 100.0,
        "bmo_difficult_share": out["bmo_difficult_share"] / 100.0,
        "tension_class": (pd.to_numeric(out["tension_class"], errors="coerce") - 1.0) / 4.0,
        "missing_skills": out["missing_skills"] / out["missing_skills"].max()
        if out["missing_skills"].max() > 0 else out["missing_skills"] * 0,
    }
    weights = s.skills_gap_weights.model_dump()
    total_w = sum(weights.values()) or 1.0
    score = pd.Series(0.0, index=out.index)
    covered = pd.Series(0.0, index=out.index)
    missing = pd.Series("", index=out.index, dtype=object)
    for name in COMPONENTS:
        n = norm[name].astype("float64")
        out[f"{name}_norm"] = n
        score += weights[name] * n.fillna(0.0)
        covered += weights[name] * n.notna()
        missing = missing.where(n.notna(), missing + np.where(missing == "", "", ", ") + name)
    out["value"] = 100.0 * score / total_w
    out["coverage"] = covered / total_w
    out["missing_components"] = missing
    out["weights"] = ", ".join(f"{k} {v:g}" for k, v in weights.items())
    out["horizon_years"] = h
    out["territory"] = own or ""
    out["rank"] = out["value"].rank(ascending=False, method="min").astype("int64")
    n_comp = pd.to_numeric(out["n_companies"], errors="coerce")
    out["fragile"] = (n_comp.isna() | (n_comp < s.small_numbers.min_companies)).astype(bool)
    out = out.sort_values(["rank", "occupation"], kind="stable")
    return c.finish(out, ["territory", "occupation", "occupation_level", "rank", "value"])
