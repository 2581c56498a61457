"""The tables of the store, as data: name -> ordered (column, SQLite type) pairs.

Every data table also has `drop_id` (the drop it came from), `sheet` and `row` (where in the source
file, 1-based spreadsheet row), so every figure can be traced back to its cell. Table and column
names are English and stable: they are the analysts' API (`gtec extract TABLE`).
"""

from __future__ import annotations

TRACE_COLUMNS = (("drop_id", "INTEGER NOT NULL"), ("sheet", "TEXT"), ("row", "INTEGER"))

#: Tables of the observatory workbook (kind `opeq`) and of the company audits (kind `audit`).
TABLES_V1: dict[str, tuple[tuple[str, str], ...]] = {
    # --- observatory (opeq) ---
    "population": (
        ("territory", "TEXT NOT NULL"), ("year", "INTEGER NOT NULL"), ("sex", "TEXT"),
        ("age_band", "TEXT"), ("age_min", "INTEGER"), ("age_max", "INTEGER"), ("people", "REAL"),
    ),
    "employment": (
        ("territory", "TEXT NOT NULL"), ("year", "INTEGER NOT NULL"), ("naf", "TEXT"),
        ("occupation", "TEXT"), ("occupation_system", "TEXT"), ("age_band", "TEXT"),
        ("age_min", "INTEGER"), ("age_max", "INTEGER"), ("sex", "TEXT"), ("people", "REAL"),
    ),
    "establishments": (
        ("territory", "TEXT NOT NULL"), ("year", "INTEGER NOT NULL"), ("naf", "TEXT"),
        ("size_class", "TEXT"), ("establishments", "REAL"),
    ),
    "jobseekers": (
        ("territory", "TEXT NOT NULL"), ("period", "TEXT NOT NULL"), ("occupation", "TEXT"),
        ("category", "TEXT"), ("age_band", "TEXT"), ("age_min", "INTEGER"), ("age_max", "INTEGER"),
        ("people", "REAL"),
    ),
    "offers": (
        ("territory", "TEXT NOT NULL"), ("period", "TEXT NOT NULL"), ("occupation", "TEXT"),
        ("offers", "REAL"),
    ),
    "training": (
        ("territory", "TEXT NOT NULL"), ("year", "INTEGER NOT NULL"), ("title", "TEXT"),
        ("level", "TEXT"), ("speciality", "TEXT"), ("occupation", "TEXT"), ("leavers", "REAL"),
        ("graduates", "REAL"), ("apprentices", "REAL"), ("insertion_rate_6m", "REAL"),
    ),
    # --- company audits (audit) ---
    "companies": (
        ("siret", "TEXT NOT NULL"), ("name", "TEXT"), ("naf", "TEXT"), ("headcount", "REAL"),
        ("commune", "TEXT"), ("company_type", "TEXT"), ("club_member", "INTEGER"),
    ),
    "workforce": (
        ("siret", "TEXT NOT NULL"), ("occupation", "TEXT"), ("age_band", "TEXT"),
        ("age_min", "INTEGER"), ("age_max", "INTEGER"), ("sex", "TEXT"), ("contract", "TEXT"),
        ("headcount", "REAL"),
    ),
    "departures": (
        ("siret", "TEXT NOT NULL"), ("occupation", "TEXT"), ("horizon", "TEXT"),
        ("retirements", "REAL"), ("other_departures", "REAL"), ("knowhow_at_risk", "TEXT"),
    ),
    "hires": (
        ("siret", "TEXT NOT NULL"), ("occupation", "TEXT"), ("horizon", "TEXT"),
        ("positions", "REAL"), ("contract", "TEXT"), ("cadre", "INTEGER"), ("difficult", "INTEGER"),
        ("reasons", "TEXT"), ("months_to_fill", "REAL"),
    ),
    "missing_skills": (
        ("siret", "TEXT NOT NULL"), ("skill", "TEXT"), ("skill_code", "TEXT"),
        ("occupation", "TEXT"), ("people", "REAL"), ("criticality", "INTEGER"),
        ("trainable_inhouse", "INTEGER"), ("single_holder", "INTEGER"),
    ),
    "assessments": (
        ("siret", "TEXT NOT NULL"), ("theme", "TEXT"), ("score", "INTEGER"), ("comment", "TEXT"),
    ),
    "cooperation": (
        ("siret", "TEXT NOT NULL"), ("cooperation_type", "TEXT"), ("direction", "TEXT"),
        ("occupation", "TEXT"), ("skill", "TEXT"), ("people", "REAL"), ("period_note", "TEXT"),
        ("comment", "TEXT"),
    ),
}


#: Tables of the public files observatories start from (migration 002). Census population by age
#: goes to `population` (kind `insee`), so one indicator serves observatory and census figures.
TABLES_V2: dict[str, tuple[tuple[str, str], ...]] = {
    # France Travail BMO survey: one row = employment area (x département) x occupation x year.
    # Masked cells (`*`) are NULL with their flag set: missing, never 0.
    "bmo": (
        ("year", "INTEGER NOT NULL"), ("territory", "TEXT NOT NULL"),  # be:4419
        ("area_name", "TEXT"), ("zoning", "TEXT"),  # BE19 ... BE26: the zoning vintage
        ("dep", "TEXT"), ("reg", "TEXT"), ("occupation", "TEXT NOT NULL"),
        ("occupation_system", "TEXT"),  # fap2009 before 2024, fap2021 after
        ("occupation_label", "TEXT"), ("family", "TEXT"), ("family_label", "TEXT"),
        ("projects", "REAL"), ("difficult", "REAL"), ("seasonal", "REAL"),
        ("projects_masked", "INTEGER NOT NULL DEFAULT 0"),
        ("difficult_masked", "INTEGER NOT NULL DEFAULT 0"),
        ("seasonal_masked", "INTEGER NOT NULL DEFAULT 0"), ("clpe", "TEXT"),
    ),
    # Tension indicators: Dares by FAP x geography (2019), France Travail by ROME x area (2021).
    "tension": (
        ("source", "TEXT NOT NULL"),  # dares or france-travail
        ("year", "INTEGER NOT NULL"), ("territory", "TEXT NOT NULL"),  # fr, reg:44, dep:52, be:4419
        ("occupation", "TEXT NOT NULL"), ("occupation_system", "TEXT"),  # fap225, fap87, rome
        ("employment", "REAL"), ("tension_value", "REAL"), ("tension_class", "INTEGER"),
        ("hiring_intensity", "INTEGER"), ("training_link", "INTEGER"), ("labour_shortage", "INTEGER"),
        ("non_durable_employment", "INTEGER"), ("working_conditions", "INTEGER"),
        ("geographic_mismatch", "INTEGER"), ("offers", "REAL"), ("jobseekers_abc", "REAL"),
    ),
    # Dares, Portraits statistiques des métiers: national employed by FAP x age band (thousands).
    "workforce_age_national": (
        ("period", "TEXT NOT NULL"),  # 2017-2019
        ("occupation", "TEXT NOT NULL"),  # domain (1 char), FAP-87 (3), FAP-225 (5) or ENSEMBLE
        ("level", "TEXT NOT NULL"),  # domain, fap87, fap225, all
        ("label", "TEXT"), ("age_band", "TEXT NOT NULL"), ("age_min", "INTEGER"),
        ("age_max", "INTEGER"), ("employed_thousands", "REAL"),
    ),
}


#: The action plan's follow-up workbook, filled by the committee and ingested back (kind `plan`,
#: migration 003). One row per action of the plan the workbook was exported for (`plan_period`).
TABLES_V3: dict[str, tuple[tuple[str, str], ...]] = {
    "plan_followup": (
        ("plan_period", "TEXT"), ("action_id", "TEXT NOT NULL"), ("title", "TEXT"),
        ("horizon", "TEXT"), ("priority", "REAL"), ("owner", "TEXT"),
        ("status", "TEXT"),  # a lancer, en cours, fait, abandonne
        ("previous_status", "TEXT"),  # status pre-filled at export (the last committee's)
        ("due_date", "TEXT"),  # ISO date
        ("progress", "TEXT"), ("indicators", "TEXT"),  # triggering values at export, as printed
    ),
}


def create_table_sql(name: str, columns: tuple[tuple[str, str], ...]) -> str:
    """`CREATE TABLE` of a data table: the trace columns, then `columns`, dropped with its drop."""
    cols = ",\n  ".join(f'"{c}" {t}' for c, t in (*TRACE_COLUMNS, *columns))
    return (
        f'CREATE TABLE "{name}" (\n  {cols},\n'
        '  FOREIGN KEY (drop_id) REFERENCES drops(id) ON DELETE CASCADE\n)'
    )
