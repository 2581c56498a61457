"""Recruitment difficulty: BMO hiring projects, audited difficult hires and their reasons, official
tension classes and factors, offers per job seeker (indicators.md § 1).

BMO cells masked by France Travail (`*`) are missing, never 0: shares are ratios of sums over the
rows where both terms are known, and every result says how many rows were left out and how many
projects they held. Tension classes are read from the official files, never recomputed or re-binned.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..settings import Settings
from . import common as c
from .bands import band_sums
from .occupations import levels

BMO_DIMS = ("territory", "occupation", "family", "period")
AUDIT_DIMS = ("territory", "occupation", "sector", "size_class", "cadre", "horizon", "company", "period")
TENSION_DIMS = ("territory", "occupation", "period")

#: Reasons of the audit template (ingest/specs.py REASONS) with their label for readers.
REASON_LABELS = {
    "penurie": "Manque de candidats",
    "profil": "Profil inadapté (compétences, expérience)",
    "conditions": "Conditions de travail",
    "salaire": "Rémunération",
    "image": "Image du métier",
    "mobilite": "Transport, mobilité",
    "logement": "Logement",
    "conjoint": "Emploi du conjoint",
    "concurrence": "Concurrence entre employeurs",
    "autre": "Autre",
    c.NOT_GIVEN: "Raison non renseignée",
}

#: The six complementary tension factors (Dares), in the order Dares publishes them.
TENSION_FACTORS = {
    "hiring_intensity": "Intensité d'embauches",
    "training_link": "Lien formation-emploi",
    "labour_shortage": "Manque de main-d'œuvre disponible",
    "non_durable_employment": "Non-durabilité de l'emploi",
    "working_conditions": "Conditions de travail contraignantes",
    "geographic_mismatch": "Inadéquation géographique",
}


# --- BMO -------------------------------------------------------------------------------------------
def _bmo_frame(bmo: pd.DataFrame, by: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """BMO rows of the latest year per territory (all years with `period`) and the group keys."""
    df = bmo.copy()
    for col in ("projects", "difficult", "seasonal"):
        df[col] = c.as_float(df[col]) if col in df.columns else float("nan")
        flag = f"{col}_masked"
        masked = pd.to_numeric(df[flag], errors="coerce").fillna(0).astype(bool) if flag in df.columns \
            else pd.Series(False, index=df.index)
        df[flag] = masked | df[col].isna()
    if "period" not in by:
        df = c.latest(df, "year", ["territory"])
    keys = ["territory", "year"]
    if "occupation" in by:
        keys.append("occupation")
    if "family" in by:
        keys.append("family")
    return c.fill_dims(df, keys), keys


def _labels(out: pd.DataFrame, src: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Occupation/family labels and the occupation level (first label seen for a code)."""
    if "occupation" in keys:
        first = src.drop_duplicates("occupation").set_index("occupation")
        if "occupation_label" in src.columns:
            out["occupation_label"] = out["occupation"].map(first["occupation_label"])
        system = first["occupation_system"] if "occupation_system" in src.columns else None
        out["occupation_level"] = out["occupation"].map(system) if system is not None \
            else levels(out["occupation"])
        out["occupation_level"] = out["occupation_level"].fillna(levels(out["occupation"]))
    if "family" in keys and "family_label" in src.columns:
        out["family_label"] = out["family"].map(src.drop_duplicates("family").set_index("family")["family_label"])
    return out


def bmo_projects(bmo: pd.DataFrame, *, by: Sequence[str] = (), settings: Settings | None = None) -> pd.DataFrame:
    """Hiring projects declared for the coming year: Σ met over rows where it is not masked."""
    s = c.settings_or_default(settings)
    by = c.check_by(by, BMO_DIMS, "bmo_projects")
    if bmo.empty:
        return c.empty(["territory", "year", "value", "n_projects", "n_rows", "n_masked_rows", "fragile"])
    df, keys = _bmo_frame(bmo, by)
    df["_known"] = (~df["projects_masked"]).astype("int64")
    df["_kept"] = df["projects"].where(~df["projects_masked"], 0.0)
    df["_rows"] = 1
    out = c.group_sum(df, keys, ["_kept", "_known", "_rows"])
    out["value"] = out["_kept"].where(out["_known"] > 0)
    out["n_projects"] = out["value"]
    out["n_rows"] = out["_rows"]
    out["n_masked_rows"] = out["_rows"] - out["_known"]
    out = _labels(out.drop(columns=["_kept", "_known", "_rows"]), df, keys)
    return c.finish(c.flag(out, "n_projects", s.small_numbers.min_projects), keys)


def _bmo_share(bmo, part: str, by, settings, name: str) -> pd.DataFrame:
    s = c.settings_or_default(settings)
    by = c.check_by(by, BMO_DIMS, name)
    if bmo.empty:
        return c.empty(["territory", "year", "value", part, "n_projects", "n_rows", "n_masked_rows",
                        "projects_in_masked_rows", "fragile"])
    df, keys = _bmo_frame(bmo, by)
    usable = ~df["projects_masked"] & ~df[f"{part}_masked"]
    df["_num"] = df[part].where(usable, 0.0)
    df["_den"] = df["projects"].where(usable, 0.0)
    # Projects known on rows whose numerator is masked: the part of the base left out.
    df["_lost"] = df["projects"].where(~usable & ~df["projects_masked"], 0.0)
    df["_usable"] = usable.astype("int64")
    df["_rows"] = 1
    out = c.group_sum(df, keys, ["_num", "_den", "_lost", "_usable", "_rows"])
    out["value"] = c.ratio(out["_num"], out["_den"], 100.0)
    out[part] = out["_num"]
    out["n_projects"] = out["_den"]
    out["n_rows"] = out["_rows"]
    out["n_masked_rows"] = out["_rows"] - out["_usable"]
    out["projects_in_masked_rows"] = out["_lost"]
    out = _labels(out.drop(columns=["_num", "_den", "_lost", "_usable", "_rows"]), df, keys)
    return c.finish(c.flag(out, "n_projects", s.small_numbers.min_projects), keys)


def bmo_difficult_share(bmo: pd.DataFrame, *, by: Sequence[str] = (),
                        settings: Settings | None = None) -> pd.DataFrame:
    """Share of hiring projects expected to be difficult: 100 × Σ xmet / Σ met over the rows where
    neither is masked (masked rows counted in `n_masked_rows`)."""
    return _bmo_share(bmo, "difficult", by, settings, "bmo_difficult_share")


def bmo_seasonal_share(bmo: pd.DataFrame, *, by: Sequence[str] = (),
                       settings: Settings | None = None) -> pd.DataFrame:
    """Share of seasonal hiring projects: 100 × Σ smet / Σ met over non-masked rows."""
    return _bmo_share(bmo, "seasonal", by, settings, "bmo_seasonal_share")


# --- audits ----------------------------------------------------------------------------------------
def _hires_frame(hires: pd.DataFrame, companies: pd.DataFrame | None, by: list[str]) -> pd.DataFrame:
    df = c.with_company_attributes(hires, companies)
    df["positions"] = c.as_float(df["positions"])
    df["difficult"] = pd.to_numeric(df["difficult"], errors="coerce")
    if "cadre" in df.columns:
        cadre = pd.to_numeric(df["cadre"], errors="coerce")
        df["cadre"] = cadre.map({1: "cadre", 0: "non-cadre"}).fillna(c.NOT_GIVEN)
    return c.fill_dims(df, by)


def audit_difficult_share(hires: pd.DataFrame, companies: pd.DataFrame | None = None, *,
                          by: Sequence[str] = (), settings: Settings | None = None) -> pd.DataFrame:
    """Share of the audited companies' planned positions they flag as difficult:
    100 × Σ positions judged difficult / Σ planned positions. Rows whose difficulty is not given
    are left out and counted (`n_rows_unknown`)."""
    s = c.settings_or_default(settings)
    by = c.check_by(by, AUDIT_DIMS, "audit_difficult_share")
    keys = c.territory_first(by)
    if hires.empty:
        return c.empty([*keys, "value", "difficult_positions", "n_positions", "n_companies", "fragile"])
    df = _hires_frame(hires, companies, keys)
    known = df["difficult"].notna() & df["positions"].notna()
    df["_num"] = df["positions"].where(known & (df["difficult"] == 1), 0.0)
    df["_den"] = df["positions"].where(known, 0.0)
    df["_unknown"] = (~known).astype("int64")
    out = c.group_sum(df, keys, ["_num", "_den", "_unknown"])
    contributing = df[known & (df["positions"] > 0)]
    out = out.merge(c.group_count_distinct(contributing, keys, "siret", "n_companies"), on=keys, how="left")
    out = out.merge(c.top_share(contributing, keys, "siret", "positions"), on=keys, how="left") \
        if not contributing.empty else out.assign(top_company_share=float("nan"))
    out["n_companies"] = out["n_companies"].fillna(0).astype("int64")
    out["value"] = c.ratio(out["_num"], out["_den"], 100.0)
    out["difficult_positions"] = out["_num"]
    out["n_positions"] = out["_den"]
    out["n_rows_unknown"] = out["_unknown"]
    out = out.drop(columns=["_num", "_den", "_unknown"])
    if "occupation" in keys:
        out["occupation_level"] = levels(out["occupation"])
    return c.finish(c.flag(out, "n_companies", s.small_numbers.min_companies), keys)


def audit_difficulty_reasons(hires: pd.DataFrame, companies: pd.DataFrame | None = None, *,
                             by: Sequence[str] = (), settings: Settings | None = None) -> pd.DataFrame:
    """Declared reasons of difficulty (multi-answer): per reason, the positions and the companies
    citing it, and its share of the positions concerned (difficult or with a reason; shares add up
    to more than 100 since a position may have several reasons). Difficult positions without a
    reason appear as `(non renseigné)`."""
    s = c.settings_or_default(settings)
    by = c.check_by(by, AUDIT_DIMS, "audit_difficulty_reasons")
    keys = c.territory_first(by)
    cols = [*keys, "reason", "reason_label", "value", "share_positions", "n_companies", "fragile"]
    if hires.empty:
        return c.empty(cols)
    df = _hires_frame(hires, companies, keys)
    reasons = df["reasons"].astype(object) if "reasons" in df.columns else pd.Series(None, index=df.index)
    df["_reasons"] = reasons.map(lambda r: [x for x in str(r).split(";") if x.strip()]
                                 if isinstance(r, str) else [])
    concerned = (df["difficult"] == 1) | (df["_reasons"].map(len) > 0)
    df = df[concerned & df["positions"].notna()].copy()
    if df.empty:
        return c.empty(cols)
    df["_reasons"] = df["_reasons"].map(lambda r: r or [c.NOT_GIVEN])
    base = c.group_sum(df, keys, ["positions"]).rename(columns={"positions": "_concerned"})
    long = df.explode("_reasons").rename(columns={"_reasons": "reason"})
    out = c.group_sum(long, [*keys, "reason"], ["positions"]).rename(columns={"positions": "value"})
    out = out.merge(c.group_count_distinct(long, [*keys, "reason"], "siret", "n_companies"),
                    on=[*keys, "reason"], how="left")
    out = out.merge(base, on=keys, how="left") if keys else out.assign(_concerned=base["_concerned"].iloc[0])
    out["share_positions"] = c.ratio(out["value"], out["_concerned"], 100.0)
    out["concerned_positions"] = out.pop("_concerned")
    out["reason_label"] = out["reason"].map(REASON_LABELS).fillna(out["reason"])
    out = out.sort_values([*keys, "value"], ascending=[True] * len(keys) + [False], kind="stable")
    return c.finish(c.flag(out, "n_companies", s.small_numbers.min_companies), [*keys, "reason", "reason_label"])


# --- official tension ------------------------------------------------------------------------------
def _tension_frame(tension: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    df = tension.copy()
    if "period" not in by:
        df = c.latest(df, "year", ["territory", "source"])
    df["occupation_level"] = df["occupation_system"] if "occupation_system" in df.columns \
        else levels(df["occupation"])
    nothing = pd.Series(float("nan"), index=df.index)
    employment = c.as_float(df["employment"]) if "employment" in df.columns else nothing
    # Dares gives employment; France Travail (by ROME × area) gives job seekers A+B+C only.
    fallback = c.as_float(df["jobseekers_abc"]) if "jobseekers_abc" in df.columns else employment
    df["n_people"] = employment.fillna(fallback)
    return df


def _official_flag(df: pd.DataFrame, s: Settings) -> pd.DataFrame:
    """Unpublished class (insufficient volume at the source) or small known base: fragile."""
    df["fragile"] = (df["value"].isna() | (df["n_people"] < s.small_numbers.min_people)).astype(bool)
    return df


def tension_class(tension: pd.DataFrame, *, by: Sequence[str] = (),
                  settings: Settings | None = None) -> pd.DataFrame:
    """The official main tension class (1–5) per occupation, as published (never recomputed)."""
    s = c.settings_or_default(settings)
    by = c.check_by(by, TENSION_DIMS, "tension_class")
    keys = ["territory", "source", "year", "occupation"]
    if tension.empty:
        return c.empty([*keys, "occupation_level", "value", "tension_value", "n_people", "fragile"])
    df = _tension_frame(tension, by)
    df["value"] = pd.to_numeric(df["tension_class"], errors="coerce")
    df["tension_value"] = c.as_float(df["tension_value"]) if "tension_value" in df.columns else float("nan")
    out = df[[*keys, "occupation_level", "value", "tension_value", "n_people"]].copy()
    if "source_territory" in df.columns:
        out["source_territory"] = df["source_territory"].to_numpy()
    out = out.sort_values(keys, kind="stable")
    return c.finish(_official_flag(out, s), keys)


def tension_factors(tension: pd.DataFrame, *, by: Sequence[str] = (),
                    settings: Settings | None = None) -> pd.DataFrame:
    """The six complementary tension factors (class 1–5 each) per occupation, as published."""
    s = c.settings_or_default(settings)
    by = c.check_by(by, TENSION_DIMS, "tension_factors")
    keys = ["territory", "source", "year", "occupation"]
    if tension.empty:
        return c.empty([*keys, "factor", "factor_label", "value", "n_people", "fragile"])
    df = _tension_frame(tension, by)
    present = [f for f in TENSION_FACTORS if f in df.columns]
    long = df.melt(id_vars=[*keys, "occupation_level", "n_people"], value_vars=present,
                   var_name="factor", value_name="value")
    long["value"] = pd.to_numeric(long["value"], errors="coerce")
    long["factor_label"] = long["factor"].map(TENSION_FACTORS)
    order = {f: i for i, f in enumerate(TENSION_FACTORS)}
    long = long.sort_values([*keys, "factor"], key=lambda col: col.map(order) if col.name == "factor" else col,
                            kind="stable")
    return c.finish(_official_flag(long, s), [*keys, "factor", "factor_label"])


# --- offers per job seeker -------------------------------------------------------------------------
def _jobseekers_total(jobseekers: pd.DataFrame, keys: list[str], categories: str) -> tuple[pd.DataFrame, str]:
    """Job seekers of the asked categories per group (age bands added up without double counting)."""
    df = jobseekers.copy()
    cat = df["category"].astype(str).str.upper()
    if categories == "A" and (cat == "A").any():
        df, label = df[cat == "A"], "A"
    elif categories == "A" and (cat == "ABC").any():
        # The file has no category A: A+B+C rather than nothing, and the label says so.
        df, label = df[cat == "ABC"], "A+B+C (catégorie A non fournie)"
    elif (cat == "ABC").any():
        df, label = df[cat == "ABC"], "A+B+C"
    else:
        df = df[cat.isin(["A", "B", "C"])]
        label = "+".join(sorted(set(cat[cat.isin(["A", "B", "C"])])))
    if df.empty:
        return c.empty([*keys, "jobseekers"]), label
    if "age_min" not in df.columns:
        df = df.assign(age_min=float("nan"), age_max=float("nan"))
    totals = band_sums(df, keys, "people", {})
    return totals[[*keys, "total", "n_masked"]].rename(columns={"total": "jobseekers",
                                                                "n_masked": "n_masked_rows"}), label


def offers_per_jobseeker(offers: pd.DataFrame, jobseekers: pd.DataFrame,
                         tension: pd.DataFrame | None = None, *, by: Sequence[str] = (),
                         settings: Settings | None = None) -> pd.DataFrame:
    """Offers over job seekers (Σ offers / Σ job seekers) for the same territory, period and
    occupation; `jobseeker_categories` says which categories (A, or A+B+C). Without observatory
    figures, France Travail's tension file (offers and job seekers A+B+C by ROME) is used."""
    s = c.settings_or_default(settings)
    by = c.check_by(by, TENSION_DIMS, "offers_per_jobseeker")
    keys = ["territory", "period", *(["occupation"] if "occupation" in by else [])]
    cols = [*keys, "value", "offers", "jobseekers", "n_people", "jobseeker_categories", "source", "fragile"]
    if not offers.empty and not jobseekers.empty:
        off = offers.assign(offers=c.as_float(offers["offers"]))
        off = c.group_sum(c.fill_dims(off, keys), keys, ["offers"])
        seekers, label = _jobseekers_total(c.fill_dims(jobseekers.copy(), keys), keys,
                                           s.assumptions.jobseeker_categories)
        out = off.merge(seekers, on=keys, how="outer")
        source = "observatoire (offres, demandeurs d'emploi)"
    elif tension is not None and not tension.empty and {"offers", "jobseekers_abc"} <= set(tension.columns):
        ft = tension[tension["offers"].notna() | tension["jobseekers_abc"].notna()].copy()
        ft["period"] = ft["year"].astype(str)
        ft["offers"] = c.as_float(ft["offers"])
        ft["jobseekers"] = c.as_float(ft["jobseekers_abc"])
        out = c.group_sum(ft, keys, ["offers", "jobseekers"])
        label, source = "A+B+C", "France Travail, indicateurs de tension (oee / defm_abc)"
    else:
        return c.empty(cols)
    if "period" not in by and not out.empty:
        # The latest period that has both offers and job seekers (else the latest at all).
        common = out.dropna(subset=["offers", "jobseekers"])
        newest = (common if not common.empty else out).groupby("territory")["period"].max()
        out = out[out["period"] == out["territory"].map(newest)]
    out["value"] = c.ratio(out["offers"], out["jobseekers"])
    out["n_people"] = out["jobseekers"]
    out["jobseeker_categories"] = label
    out["source"] = source
    if "occupation" in keys:
        out["occupation_level"] = levels(out["occupation"])
    return c.finish(c.flag(out, "n_people", s.small_numbers.min_people), keys)
