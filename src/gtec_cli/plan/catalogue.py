"""The action catalogue: actions a territory can launch and the rules that tie them to findings.

gtec ships `data/catalogue/actions.toml`; a territory may copy it into its workspace as
`actions.toml` and edit it, and the workspace copy then wins. The file is validated by a pydantic
model, then against the measures rules may use (:mod:`gtec_cli.plan.measures`); every problem is
reported with the action, the rule and the key in cause, all at once.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import UsageError

CATALOGUE_FILE = "actions.toml"

Horizon = Literal["court", "moyen", "long"]

#: Horizon code -> label used in plans and reports.
HORIZON_LABELS: dict[str, str] = {
    "court": "Court terme (moins d'un an)",
    "moyen": "Moyen terme (1 à 3 ans)",
    "long": "Long terme (plus de 3 ans)",
}
HORIZON_ORDER = ("court", "moyen", "long")

#: Types of collaboration opportunity computed by :mod:`gtec_cli.plan.matching`.
OPPORTUNITY_TYPES: dict[str, str] = {
    "formation_mutualisee": "Cohorte de formation mutualisée",
    "tutorat": "Tutorat inter-entreprises",
    "groupement_employeurs": "Groupement d'employeurs",
    "insertion_siae": "Lien avec une structure d'insertion (SIAE)",
    "pret_main_oeuvre": "Prêt de main-d'œuvre",
}

Op = Literal[">=", ">", "<=", "<"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Rule(_Strict):
    """One rule: the action fires when `indicator` (read at `scope`) crosses `threshold` for a
    finding that concerns at least `min_companies` companies."""

    indicator: str = Field(min_length=1)
    value: str | None = None
    scope: str = "all"
    keys: list[str] = Field(default_factory=list)
    where: dict[str, str | int | float | bool] = Field(default_factory=dict)
    op: Op = ">="
    #: Strictly positive: the priority's severity divides by it (documented in the catalogue).
    threshold: float = Field(gt=0)
    min_companies: int = Field(1, ge=1)
    label: str | None = None

    def describe(self) -> str:
        """The rule in words, for plans and follow-up workbooks."""
        if self.label:
            return self.label
        what = self.indicator + (f".{self.value}" if self.value else "")
        scope = "" if self.scope == "all" else f" par {self.scope}"
        return f"{what}{scope} {self.op} {self.threshold:g} (au moins {self.min_companies} entreprise(s))"


class Action(_Strict):
    """An action of the catalogue."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    title: str = Field(min_length=3)
    horizon: Horizon
    target: str = Field(min_length=3)
    lead: str = Field(min_length=2)
    partners: list[str] = Field(default_factory=list)
    output_indicators: list[str] = Field(min_length=1)
    result_indicators: list[str] = Field(min_length=1)
    description: str = Field(min_length=10)
    opportunities: list[Literal[tuple(OPPORTUNITY_TYPES)]] = Field(default_factory=list)  # type: ignore[valid-type]
    rules: list[Rule] = Field(default_factory=list)

    @property
    def horizon_label(self) -> str:
        return HORIZON_LABELS[self.horizon]

    def rule_id(self, index: int) -> str:
        """Stable id of the action's rule number `index` (0-based): `action-id#1`."""
        return f"{self.id}#{index + 1}"


class Priority(_Strict):
    """How proposed actions are ranked; `formula` is printed in the plan."""

    formula: str = Field(min_length=10)
    horizon_weights: dict[Horizon, float]
    #: Severity beyond this counts as this: a count far above a small threshold (18 companies for
    #: a threshold of 2) would otherwise outweigh every share-based finding.
    severity_cap: float = Field(3.0, ge=1)

    @field_validator("horizon_weights")
    @classmethod
    def _all_horizons(cls, value: dict[str, float]) -> dict[str, float]:
        missing = [h for h in HORIZON_ORDER if h not in value]
        if missing:
            raise ValueError(f"poids manquant pour l'horizon {', '.join(missing)}")
        if any(w <= 0 for w in value.values()):
            raise ValueError("les poids doivent être strictement positifs")
        return value


class Matching(_Strict):
    """Settings of the matchmaking between companies."""

    cohort_min_companies: int = Field(2, ge=2)
    tutoring_horizons: list[Literal["<1an", "1-3ans", "3-5ans", "5-10ans"]] = Field(
        default_factory=lambda: ["<1an", "1-3ans"], min_length=1)
    fraction_below: float = Field(1.0, gt=0)


class Catalogue(_Strict):
    """The whole catalogue file."""

    version: int = 1
    priority: Priority
    matching: Matching = Field(default_factory=Matching)
    actions: list[Action] = Field(min_length=1)
    #: Where the catalogue was read from (set by :func:`load_catalogue`, not by the file).
    source: str | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique_ids(self) -> "Catalogue":
        seen: set[str] = set()
        for action in self.actions:
            if action.id in seen:
                raise ValueError(f"identifiant d'action en double : {action.id!r}")
            seen.add(action.id)
        return self

    def action(self, action_id: str) -> Action | None:
        """The action with this id, or None."""
        return next((a for a in self.actions if a.id == action_id), None)


def shipped_catalogue_path() -> Path:
    """The catalogue shipped with gtec (`data/catalogue/actions.toml`)."""
    from ..nomenclatures import data_dir

    return data_dir() / "catalogue" / CATALOGUE_FILE


def catalogue_path(workspace_root: Path | None = None) -> Path:
    """The workspace's `actions.toml` when present, else the shipped catalogue."""
    if workspace_root is not None:
        local = Path(workspace_root) / CATALOGUE_FILE
        if local.is_file():
            return local
    return shipped_catalogue_path()


def load_catalogue(path: Path | None = None, *, workspace_root: Path | None = None) -> Catalogue:
    """Read and validate a catalogue; a bad file is a usage error listing every located problem."""
    path = Path(path) if path else catalogue_path(workspace_root)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"Catalogue d'actions introuvable : {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path} : TOML illisible ({exc}).") from None
    return parse_catalogue(data, source=str(path))


def parse_catalogue(data: dict, *, source: str = "actions.toml") -> Catalogue:
    """Validate catalogue data (as read from TOML); raise :class:`UsageError` listing every
    problem: the model's (missing key, bad value) and the rules' (unknown indicator, scope…)."""
    problems: list[str] = []
    catalogue = None
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as exc:
        problems += [f"{source} : {locate(data, err['loc'])} : {_message(err)}" for err in exc.errors()]
    problems += [f"{source} : {locate(data, loc)} : {message}" for loc, message in _rule_problems(data)]
    if problems:
        raise UsageError("Catalogue d'actions invalide :\n" + "\n".join(dict.fromkeys(problems)))
    catalogue.source = source
    return catalogue


def _rule_problems(data: dict) -> list[tuple[tuple, str]]:
    """Check every rule that is well-formed on its own against the measures (also when other parts
    of the file are broken, so one run reports everything)."""
    from .measures import check_rule

    out = []
    actions = data.get("actions") if isinstance(data, dict) else None
    for i, action in enumerate(actions if isinstance(actions, list) else []):
        rules = action.get("rules") if isinstance(action, dict) else None
        for j, raw in enumerate(rules if isinstance(rules, list) else []):
            try:
                rule = Rule.model_validate(raw)
            except ValidationError:
                continue  # already reported by the model
            out += [(("actions", i, "rules", j, key), message) for key, message in check_rule(rule)]
    return out


def locate(data: dict, loc: tuple) -> str:
    """`action « tutorat » (n° 2), règle n° 1, clé « threshold »` from a pydantic error location."""
    parts: list[str] = []
    loc = list(loc)
    if loc[:1] == ["actions"] and len(loc) > 1 and isinstance(loc[1], int):
        index = loc[1]
        actions = data.get("actions") if isinstance(data, dict) else None
        raw = actions[index] if isinstance(actions, list) and index < len(actions) else {}
        ident = raw.get("id") if isinstance(raw, dict) else None
        parts.append(f"action « {ident} » (n° {index + 1})" if ident else f"action n° {index + 1}")
        loc = loc[2:]
        if loc[:1] == ["rules"] and len(loc) > 1 and isinstance(loc[1], int):
            parts.append(f"règle n° {loc[1] + 1}")
            loc = loc[2:]
    elif loc:
        parts.append(f"section « {loc[0]} »")
        loc = loc[1:]
    keys = [str(k) for k in loc if not isinstance(k, int)]
    if keys:
        parts.append(f"clé « {'.'.join(keys)} »")
    return ", ".join(parts) or "fichier"


_MESSAGES = {
    "missing": "clé obligatoire absente",
    "extra_forbidden": "clé inconnue (vérifiez l'orthographe)",
    "literal_error": "valeur non autorisée",
    "greater_than": "doit être strictement positif",
    "too_short": "ne peut pas être vide",
    "string_pattern_mismatch": "identifiant invalide (minuscules, chiffres et tirets)",
}


def _message(err: dict) -> str:
    text = _MESSAGES.get(err["type"], err["msg"])
    if err["type"] == "literal_error":
        expected = err.get("ctx", {}).get("expected")
        text += f" ({err.get('input')!r} ; attendu : {expected})"
    elif err["type"] == "value_error":
        text = str(err.get("ctx", {}).get("error", err["msg"]))
    return text
