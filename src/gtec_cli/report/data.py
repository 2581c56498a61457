"""What the diagnostic reads from the store, and how it shapes audit rows for secrecy.

Reading: the drops a period's report uses (the period's audits and observatory workbook, the
latest public files), and their rows. Audit contributions are shaped as the long tables
:mod:`gtec_cli.confidentiality` protects (cell keys, company, value). The figures themselves come
from the indicator registry (:mod:`gtec_cli.indicators`, through `ReportContext.indicator`); what
is left here is labels, the age pyramid's choice of bands and the contributions of tables whose
cells are raw audit sums.
"""

from __future__ import annotations

import pandas as pd

from .. import nomenclatures as nom
from ..indicators.common import NOT_GIVEN, TYPE_GROUPS, TYPE_ORDER  # noqa: F401 (sections use them)
from ..periods import parse_period

#: Kinds whose drops belong to one period: a report reads only the report period's drops.
PERIOD_KINDS = ("audit", "opeq", "plan")

#: The 14 "grands domaines" of the ROME (France Travail). Audit tables group occupations by
#: domain: thirty companies spread over fifty occupations would print a table of `s`.
ROME_DOMAINS = {
    "A": ("Agriculture, pêche, espaces naturels et verts, soins aux animaux",
          "Agriculture, fishing, natural areas, animal care"),
    "B": ("Arts et façonnage d'ouvrages d'art", "Arts and crafts"),
    "C": ("Banque, assurance, immobilier", "Banking, insurance, real estate"),
    "D": ("Commerce, vente et grande distribution", "Retail and sales"),
    "E": ("Communication, média et multimédia", "Communication and media"),
    "F": ("Construction, bâtiment et travaux publics", "Construction and public works"),
    "G": ("Hôtellerie-restauration, tourisme, loisirs et animation",
          "Hotels, restaurants, tourism and leisure"),
    "H": ("Industrie", "Manufacturing"),
    "I": ("Installation et maintenance", "Installation and maintenance"),
    "J": ("Santé", "Health"),
    "K": ("Services à la personne et à la collectivité", "Personal and community services"),
    "L": ("Spectacle", "Performing arts"),
    "M": ("Support à l'entreprise", "Business support"),
    "N": ("Transport et logistique", "Transport and logistics"),
}


def domain_of(code: object) -> str:
    """The ROME grand domain of an occupation code (`H2913` -> `H`); FAP codes keep their domain
    letter prefixed (`FAP D`), since FAP domains are another nomenclature."""
    if not isinstance(code, str) or not code:
        return NOT_GIVEN
    if nom.ROME_RE.match(code):
        return code[0]
    if nom.FAP_RE.match(code):
        return f"FAP {code[0]}"
    return NOT_GIVEN


def domain_label(key: str, lang: str = "fr") -> str:
    """`H Industrie` for a domain key."""
    if key in ROME_DOMAINS:
        return f"{key} {ROME_DOMAINS[key][0 if lang == 'fr' else 1]}"
    return key


def used_drops(store, period: str) -> list:
    """Active drops a report of `period` rests on: audits and observatory workbooks of that
    period; public files (BMO, tension, census…) whatever their period, since they are yearly and
    the indicators take their latest year."""
    key = parse_period(period)
    out = []
    for drop in store.drops():
        if drop.kind in PERIOD_KINDS:
            if drop.period == period:
                out.append(drop)
        elif parse_period(drop.period) <= key:
            out.append(drop)
    return out


def read(store, table: str, drops: list) -> pd.DataFrame:
    """Rows of `table` that come from the given drops."""
    if table not in store.tables():
        return pd.DataFrame()
    df = store.read(table)
    ids = {d.id for d in drops}
    return df[df["drop_id"].isin(ids)].reset_index(drop=True)


def occupation_label(code: object) -> str:
    """`H2913 Soudage manuel` from a ROME code; FAP and unknown codes stay as they are."""
    if not isinstance(code, str) or not code:
        return NOT_GIVEN
    label = nom.rome_labels().get(code)
    return f"{code} {label}" if label else code


def naf_label(code: object) -> str:
    """`25 Fabrication de produits métalliques…` from a NAF code or division."""
    if not isinstance(code, str) or not code:
        return NOT_GIVEN
    label = nom.naf_labels().get(code)
    return f"{code} {label}" if label else code


# --- audit contributions (cell keys, siret, value) ----------------------------------------------
def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").fillna(0.0)


def hires_contributions(hires: pd.DataFrame) -> pd.DataFrame:
    """Planned positions per company, occupation and horizon, with the difficult ones apart."""
    if hires.empty:
        return pd.DataFrame(columns=["siret", "occupation", "horizon", "value", "difficult_value"])
    out = pd.DataFrame({
        "siret": hires["siret"].astype(str),
        "occupation": hires["occupation"].fillna(NOT_GIVEN).astype(str),
        "horizon": hires["horizon"].fillna(NOT_GIVEN).astype(str),
        "value": _num(hires["positions"]),
    })
    difficult = pd.to_numeric(hires["difficult"], errors="coerce") == 1
    out["difficult_value"] = out["value"].where(difficult, 0.0)
    return out


def reasons_contributions(hires: pd.DataFrame) -> pd.DataFrame:
    """Positions per company and declared reason of difficulty (multi-answer), over the positions
    the indicator `audit_difficulty_reasons` counts: difficult ones or ones with a reason; a
    difficult position without a reason counts under `(non renseigné)`."""
    if hires.empty:
        return pd.DataFrame(columns=["siret", "reason", "value"])
    reasons = hires["reasons"] if "reasons" in hires else pd.Series(None, index=hires.index)
    lists = reasons.map(lambda r: [x for x in str(r).split(";") if x.strip()]
                        if isinstance(r, str) else [])
    difficult = pd.to_numeric(hires["difficult"], errors="coerce") == 1
    positions = pd.to_numeric(hires["positions"], errors="coerce")
    keep = (difficult | (lists.map(len) > 0)) & positions.notna()
    df = pd.DataFrame({"siret": hires["siret"].astype(str), "reason": lists.map(lambda r: r or [NOT_GIVEN]),
                       "value": positions})[keep]
    return df.explode("reason").reset_index(drop=True)


def departures_contributions(departures: pd.DataFrame) -> pd.DataFrame:
    """Planned departures (retirements + other departures) per company, occupation, horizon."""
    if departures.empty:
        return pd.DataFrame(columns=["siret", "occupation", "horizon", "value", "retirements"])
    retirements = _num(departures["retirements"])
    others = _num(departures["other_departures"]) if "other_departures" in departures else 0.0
    return pd.DataFrame({
        "siret": departures["siret"].astype(str),
        "occupation": departures["occupation"].fillna(NOT_GIVEN).astype(str),
        "horizon": departures["horizon"].fillna(NOT_GIVEN).astype(str),
        "value": retirements + others,
        "retirements": retirements,
    })


def skill_key(text: object) -> str:
    """Skills are free text: compare them in the normal form the `missing_skills` indicator and
    the plan's matching use (accents, case, punctuation and spacing folded), so the report's
    table and the indicator rows it looks up group the same spellings together."""
    from ..ingest.values import norm_text

    return norm_text(text or "")


def skills_contributions(missing: pd.DataFrame, min_companies: int, other_label: str
                         ) -> tuple[pd.DataFrame, dict[str, str]]:
    """People concerned per company and skill. Skills cited by fewer than `min_companies`
    companies are pooled under `other_label`: their wording, typed by one company, could name it.
    Returns the contributions and {skill key: printed label (the most frequent spelling)}."""
    if missing.empty:
        return pd.DataFrame(columns=["siret", "skill", "value"]), {}
    df = pd.DataFrame({"siret": missing["siret"].astype(str), "text": missing["skill"].astype(str),
                       "value": _num(missing["people"])})
    df["key"] = df["text"].map(skill_key)
    companies = df.groupby("key")["siret"].nunique()
    shared = set(companies[companies >= min_companies].index)
    labels = {k: df.loc[df["key"] == k, "text"].mode().sort_values().iloc[0] for k in shared}
    df["skill"] = df["key"].where(df["key"].isin(shared), other_label)
    labels[other_label] = other_label
    return df[["siret", "skill", "value"]], labels


def indicator_contributions(rows: pd.DataFrame, dims: dict[str, str], value: str, *,
                            given: tuple[str, ...] = ()) -> pd.DataFrame:
    """An indicator's rows by company as secrecy contributions: `siret`, the cell keys (indicator
    column -> table dimension) and `value`. Rows whose `given` dimensions are `(non renseigné)`
    are left out (a cooperation without direction is neither an offer nor a need)."""
    if rows.empty:
        return pd.DataFrame(columns=["siret", *dims.values(), "value"])
    out = pd.DataFrame({"siret": rows["company"].astype(str),
                        **{dim: rows[col] for col, dim in dims.items()},
                        "value": pd.to_numeric(rows[value], errors="coerce")})
    for dim in given:
        out = out[out[dim] != NOT_GIVEN]
    return out.reset_index(drop=True)


# --- public figure no indicator holds (yet): the age pyramid ------------------------------------
def pyramid(population: pd.DataFrame, territory: str) -> tuple[int | None, pd.DataFrame]:
    """Men and women by age band for the latest year of `territory`, bands that do not overlap.

    Returns (year, frame[age_band, age_min, men, women]). Census files hold coarse and fine bands
    side by side (`0-19` next to `0-14`, `15-19`): the finest partition is kept.
    """
    if population.empty:
        return None, pd.DataFrame()
    df = population[(population["territory"] == territory) & population["sex"].isin(["H", "F"])]
    df = df.dropna(subset=["age_min"])
    if df.empty:
        return None, pd.DataFrame()
    year = int(df["year"].max())
    df = df[df["year"] == year]
    bands = df.drop_duplicates("age_band")[["age_band", "age_min", "age_max"]]
    chosen = finest_partition(bands)
    df = df[df["age_band"].isin(chosen["age_band"])]
    wide = df.pivot_table(index="age_band", columns="sex", values="people", aggfunc="sum")
    out = chosen.set_index("age_band").join(wide).reset_index()
    out = out.rename(columns={"H": "men", "F": "women"})
    for col in ("men", "women"):
        if col not in out:
            out[col] = float("nan")
    return year, out.sort_values("age_min").reset_index(drop=True)


def finest_partition(bands: pd.DataFrame) -> pd.DataFrame:
    """The most detailed chain of non-overlapping bands from the youngest age to the oldest."""
    lo = pd.to_numeric(bands["age_min"]).tolist()
    hi = (pd.to_numeric(bands["age_max"]) + 1).fillna(float("inf")).tolist()
    end = max(hi)
    starts: dict[float, list[int]] = {}
    for i, a in enumerate(lo):
        starts.setdefault(a, []).append(i)
    memo: dict[float, tuple | None] = {}

    def best(pos: float) -> tuple | None:
        if pos == end:
            return ()
        if pos not in memo:
            options = [(i, *rest) for i in starts.get(pos, ()) if (rest := best(hi[i])) is not None]
            memo[pos] = max(options, key=len) if options else None
        return memo[pos]

    chain = best(min(lo))
    if chain is None:  # gaps between bands: keep one band per start, the narrowest
        chain = tuple(min(ix, key=lambda i: hi[i]) for _, ix in sorted(starts.items()))
    return bands.iloc[list(chain)].reset_index(drop=True)
