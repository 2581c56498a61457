"""The workspace settings: one typed model loaded from `gtec.toml`.

Everything a territory may want to change (retirement age, horizons, confidentiality and
small-number thresholds, skills-gap weights, report language, folders) lives here, never as a
magic number in the code.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import UsageError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Territory(_Section):
    name: str = "Mon territoire"
    #: Official qualified reference `MESH:CODE` (`arr:522`, `dep:52`, `be:4419`, `epci:200072999`),
    #: or empty when the territory is a custom list of communes.
    code: str = ""
    #: Insee commune codes of a custom territory.
    communes: list[str] = Field(default_factory=list)
    #: Comparison territories, as qualified references.
    comparisons: list[str] = Field(default_factory=list)
    #: The same territory in other meshes, for sources that do not publish the territory's own
    #: mesh (the Langres arrondissement is the BMO employment area `be:4419`).
    aliases: list[str] = Field(default_factory=list)


class Assumptions(_Section):
    retirement_age: int = Field(64, ge=55, le=75)
    retirement_scenarios: list[int] = Field(default_factory=lambda: [62, 67])
    horizons: list[int] = Field(default_factory=lambda: [2, 5, 10])
    #: Horizon of the headline figures and of the skills-gap score.
    main_horizon: int = Field(5, ge=1, le=20)
    #: An open top age band of a workforce (`60+`) is read as this many years (60-64) when it must
    #: be split; population bands are never split this way.
    open_age_band_width: int = Field(5, ge=1, le=30)
    #: Job seekers counted by offers_per_jobseeker and local_supply: category A, or A+B+C.
    jobseeker_categories: Literal["A", "ABC"] = "A"


class Confidentiality(_Section):
    #: Frequency rule: a published audit cell comes from at least this many companies.
    min_companies: int = Field(3, ge=1)
    #: Dominance rule: one company holding this share or more of a cell's value hides it.
    dominance_share: float = Field(0.85, gt=0, le=1)


class SmallNumbers(_Section):
    min_companies: int = Field(5, ge=1)
    min_people: int = Field(30, ge=1)
    min_projects: int = Field(30, ge=1)


class SkillsGapWeights(_Section):
    occupation_gap: float = 0.30
    audit_difficult_share: float = 0.25
    bmo_difficult_share: float = 0.15
    tension_class: float = 0.15
    missing_skills: float = 0.15


class Triangulation(_Section):
    #: Audit evidence says "difficult" when the audited difficult share reaches this (%).
    audit_difficult_share: float = Field(50.0, ge=0, le=100)
    #: Public evidence says "tense" when the BMO difficult share reaches this (%)…
    bmo_difficult_share: float = Field(50.0, ge=0, le=100)
    #: … or the official tension class reaches this (1-5).
    tension_class: int = Field(4, ge=1, le=5)
    #: … or offers per job seeker reach this; unset: shown but not used (its scale depends on
    #: whether offers and job seekers are flows or stocks).
    offers_per_jobseeker: float | None = Field(None, gt=0)


class ReportSettings(_Section):
    language: Literal["fr", "en"] = "fr"
    output_dir: str = "reports"


class Batch(_Section):
    """Territories `gtec report diagnostic --all-territories` renders, one diagnostic each."""

    #: Qualified references (`be:4418`, `dep:21`).
    territories: list[str] = Field(default_factory=list)
    #: Also every BMO employment area (2019 zoning) of these territories (`dep:52`): an
    #: observatory covering a département produces the same portrait for each of its areas.
    within: list[str] = Field(default_factory=list)
    #: Render the workspace's own territory too (first).
    include_workspace: bool = True

    @field_validator("within", "territories", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        # `within = "dep:52"` reads as naturally as a list of one.
        return [value] if isinstance(value, str) else value


class Folders(_Section):
    inbox: str = "inbox"
    quarantine: str = "quarantine"
    logs: str = "logs"


class Settings(_Section):
    """The whole `gtec.toml`."""

    territory: Territory = Field(default_factory=Territory)
    #: The period new drops belong to when `--period` is not given (`2026-T4`, `2026`).
    period: str | None = None
    assumptions: Assumptions = Field(default_factory=Assumptions)
    confidentiality: Confidentiality = Field(default_factory=Confidentiality)
    small_numbers: SmallNumbers = Field(default_factory=SmallNumbers)
    skills_gap_weights: SkillsGapWeights = Field(default_factory=SkillsGapWeights)
    triangulation: Triangulation = Field(default_factory=Triangulation)
    report: ReportSettings = Field(default_factory=ReportSettings)
    batch: Batch = Field(default_factory=Batch)
    folders: Folders = Field(default_factory=Folders)

    @field_validator("period")
    @classmethod
    def _check_period(cls, value: str | None) -> str | None:
        if value is not None:
            from .periods import parse_period

            parse_period(value)
        return value

    @classmethod
    def load(cls, path: Path) -> "Settings":
        """Read and validate `gtec.toml`; a bad file is a usage error that names the key."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{path}: TOML illisible ({exc}).") from None
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            lines = [
                f"{path}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                for err in exc.errors()
            ]
            raise UsageError("Réglages invalides :\n" + "\n".join(lines)) from None


TEMPLATE = """\
# gtec workspace settings. Every key is optional: the value shown is the default.
# Territories are qualified references MESH:CODE: fr, reg:44, dep:52, arr:522, ze:2109,
# be:4419 (France Travail employment area), epci:200072999, com:52269.

# Period new drops belong to when `gtec ingest --period` is not given (2026, 2026-T4).
# Without this line, the current quarter: what an unattended quarterly `gtec refresh` needs.
{period_line}

[territory]
name = "{name}"
code = "{code}"
# A custom territory instead of an official code: Insee codes of its communes.
communes = []
# Territories the diagnostic compares with (the Langres GTEC used the département,
# the région and a neighbouring zone d'emploi).
comparisons = {comparisons}
# The same territory in other meshes, for sources that do not publish the territory's own mesh
# (the BMO survey is by employment area: the Langres arrondissement is be:4419).
aliases = {aliases}

[assumptions]
# End-of-career departures: people whose age + horizon reaches this age leave.
retirement_age = 64
# Other retirement ages reported as scenarios.
retirement_scenarios = [62, 67]
# Horizons, in years, for expected departures and job openings.
horizons = [2, 5, 10]
# Horizon of the headline figures and of the skills-gap score.
main_horizon = 5
# An open top age band of a workforce (60+) is read as this many years (60-64) when split.
open_age_band_width = 5
# Job seekers counted by offers per job seeker and local supply: "A" or "ABC" (A+B+C).
jobseeker_categories = "A"

[confidentiality]
# Statistical secrecy on figures built from company audits (confidentiality.md).
# Frequency rule: a published cell comes from at least this many companies.
min_companies = 3
# Dominance rule: one company holding this share or more of a cell's value hides it.
dominance_share = 0.85

[small_numbers]
# Indicators whose base is below these are flagged as fragile.
min_companies = 5
min_people = 30
min_projects = 30  # BMO hiring projects

[skills_gap_weights]
# Weights of the skills-gap score (normalised components); printed in the report.
occupation_gap = 0.30
audit_difficult_share = 0.25
bmo_difficult_share = 0.15
tension_class = 0.15
missing_skills = 0.15

[triangulation]
# Audit evidence says "difficult" from this difficult share (%), public evidence says "tense"
# from this BMO difficult share (%) or this tension class (1-5). Add
# offers_per_jobseeker = 1.0 to use that ratio too.
audit_difficult_share = 50
bmo_difficult_share = 50
tension_class = 4

[report]
language = "fr"        # fr or en
output_dir = "reports"

[batch]
# gtec report diagnostic --all-territories renders one diagnostic per territory listed here,
# in parallel (reports/TERRITORY/PERIOD/diagnostic.pdf). Qualified references, for example
# territories = ["be:4418", "be:4420"]; within = "dep:52" adds every BMO employment area of
# the département (be:4418, be:4419, be:4420).
territories = []
within = []
include_workspace = true  # the workspace's own territory first

[folders]
inbox = "inbox"            # gtec refresh takes new files from here
quarantine = "quarantine"  # invalid files go here with their error report
logs = "logs"
"""
