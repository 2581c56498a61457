"""Collaboration opportunities between audited companies: who could do what with whom.

Five kinds, each computed from the audit answers of one period, each listing its members with the
reason each one qualifies (so a test, or a project manager, can check that nobody is in an
opportunity they do not qualify for):

* `formation_mutualisee`: companies that miss the same skill (code, else folded label) form a
  training cohort; the learners are the people they declared. Companies offering pooled training
  for that skill join as trainers.
* `tutorat`: a company with experienced staff retiring within the tutoring horizons *and* a
  tutoring capacity (a cooperation offer `tutorat`, or know-how at risk declared on those
  departures) is paired with companies needing that know-how: the same occupation in their hires,
  missing skills or tutoring needs, or one of its at-risk skills among their missing skills.
* `groupement_employeurs`: companies each needing a fraction of a post (positions below
  `fraction_below`) or declaring an employer-group need for the same occupation; or companies with
  seasonal needs for the same occupation whose peak months (cooperation `period_note`) do not
  overlap.
* `insertion_siae`: insertion structures (company type SIAE) employing or offering placements in an
  occupation that other companies flag as difficult to hire.
* `pret_main_oeuvre`: offers and needs of non-profit staff lending, matched by occupation (or
  skill); an offer naming neither matches any need.

The internal edition lists members by SIRET and name; the committee edition (:meth:`Opportunity.
public`) gives counts only, under the confidentiality rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .catalogue import OPPORTUNITY_TYPES, Matching
from .data import AuditData, SkillKeys, norm_label, occupation_label, split_items


@dataclass
class Member:
    """A company in an opportunity, with its roles and why it qualifies."""

    siret: str
    name: str
    roles: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def add(self, role: str, reason: str) -> None:
        """Record one more role/reason (duplicates ignored)."""
        if role not in self.roles:
            self.roles.append(role)
        if reason and reason not in self.reasons:
            self.reasons.append(reason)


@dataclass
class Figure:
    """A figure of an opportunity; `contributions` (per SIRET) make the dominance rule checkable."""

    label: str
    value: float
    contributions: dict[str, float] | None = None


@dataclass
class Opportunity:
    """One collaboration opportunity."""

    type: str
    key: str
    label: str
    basis: str
    members: dict[str, Member] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    pairs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        return OPPORTUNITY_TYPES[self.type]

    @property
    def n_companies(self) -> int:
        return len(self.members)

    def member(self, siret: str, names: dict[str, str]) -> Member:
        """The member for `siret`, created on first use."""
        if siret not in self.members:
            self.members[siret] = Member(siret, names.get(siret, siret))
        return self.members[siret]

    def internal(self) -> dict:
        """Everything, members named: for the project team only."""
        return {
            "type": self.type, "type_label": self.type_label, "key": self.key, "label": self.label,
            "basis": self.basis, "companies": self.n_companies, "detail_hidden": False,
            "figures": {k: {"label": f.label, "value": f.value, "status": "V"}
                        for k, f in self.figures.items()},
            "members": [{"siret": m.siret, "name": m.name, "roles": m.roles, "reasons": m.reasons}
                        for m in self.members.values()],
            "pairs": [list(p) for p in self.pairs],
        }

    def public(self, min_companies: int, dominance_share: float) -> dict:
        """Committee edition: counts only. Below `min_companies` members, no detail at all;
        a figure one company dominates (≥ `dominance_share`) prints as suppressed (`s`)."""
        shown = self.n_companies >= min_companies
        out = {"type": self.type, "type_label": self.type_label, "detail_hidden": not shown,
               "companies": self.n_companies if shown else None,
               "label": self.label if shown else None, "basis": self.basis if shown else None,
               "figures": {}}
        if shown:
            for key, fig in self.figures.items():
                out["figures"][key] = {"label": fig.label,
                                       "value": None if _dominated(fig, dominance_share) else fig.value,
                                       "status": "B" if _dominated(fig, dominance_share) else "V"}
        return out


def _dominated(fig: Figure, share: float) -> bool:
    if not fig.contributions:
        return False
    total = sum(v for v in fig.contributions.values() if v > 0)
    return total > 0 and max(fig.contributions.values()) / total >= share - 1e-9


def _sum_by(frame: pd.DataFrame, column: str) -> dict[str, float]:
    return {s: float(v) for s, v in frame.groupby("siret")[column].sum().items()}


def _fmt(value: float) -> str:
    return f"{value:g}".replace(".", ",")


# --- the five matchers ---------------------------------------------------------------------------
def pooled_training(data: AuditData, skills: SkillKeys, settings: Matching) -> list[Opportunity]:
    """Training cohorts: several companies missing the same skill, with their learners."""
    names = data.names()
    ms = data.missing_skills.copy()
    ms["key"] = [skills.key(s, c) for s, c in zip(ms["skill"], ms["skill_code"])]
    coop = data.cooperation
    coop = coop[coop["cooperation_type"] == "formation mutualisee"].copy()
    coop["key"] = [skills.key(s) for s in coop["skill"]]
    needs_coop = coop[(coop["direction"] == "besoin") & coop["key"].notna()]
    offers = coop[(coop["direction"] == "offre") & coop["key"].notna()]
    out = []
    for key in sorted(set(ms["key"].dropna()) | set(needs_coop["key"])):
        rows = ms[ms["key"] == key]
        coop_rows = needs_coop[needs_coop["key"] == key]
        learners = _sum_by(rows.fillna({"people": 0}), "people")
        for siret, people in _sum_by(coop_rows.fillna({"people": 0}), "people").items():
            learners.setdefault(siret, people)  # the audit's missing-skill count wins
        if len(learners) < settings.cohort_min_companies:
            continue
        opp = Opportunity("formation_mutualisee", f"skill:{key}", skills.label(key),
                          "compétence manquante partagée")
        for siret, people in learners.items():
            opp.member(siret, names).add("apprenants", f"manque la compétence ({_fmt(people)} pers.)")
        for siret in offers.loc[offers["key"] == key, "siret"]:
            opp.member(siret, names).add("formateur", "propose une formation mutualisée sur cette compétence")
        opp.figures["learners"] = Figure("Personnes à former", sum(learners.values()), learners)
        opp.figures["needing"] = Figure("Entreprises demandeuses", len(learners))
        out.append(opp)
    return out


def tutoring(data: AuditData, skills: SkillKeys, settings: Matching) -> list[Opportunity]:
    """Tutoring pairs, grouped by the occupation of the tutors' departing staff."""
    names = data.names()
    dep = data.departures
    dep = dep[dep["horizon"].isin(settings.tutoring_horizons) & (dep["retirements"].fillna(0) > 0)]
    coop = data.cooperation
    tut = coop[coop["cooperation_type"] == "tutorat"]
    offers, needs = tut[tut["direction"] == "offre"], tut[tut["direction"] == "besoin"]

    # Tutors: (siret, occupation) -> departures and the skills they could pass on.
    tutors: dict[str, dict[str, dict]] = {}
    for (siret, occ), rows in dep.groupby(["siret", "occupation"], dropna=False):
        own_offers = offers[(offers["siret"] == siret)
                            & (offers["occupation"].isna() | (offers["occupation"] == occ))]
        knowhow = [item for text in rows["knowhow_at_risk"] for item in split_items(text)]
        if not knowhow and own_offers.empty:
            continue  # retiring staff but no way to tutor: not a tutor
        keys = {skills.key(k) for k in knowhow} | {skills.key(s) for s in own_offers["skill"] if s}
        tutors.setdefault(occ, {})[siret] = {
            "retirements": float(rows["retirements"].sum()), "skills": keys - {None},
            "why": (f"{_fmt(rows['retirements'].sum())} départ(s) en retraite"
                    + (f" ; savoir-faire : {', '.join(knowhow)}" if knowhow else "")
                    + (" ; propose du tutorat" if not own_offers.empty else "")),
        }

    hires = data.hires[data.hires["positions"].fillna(0) > 0]
    ms = data.missing_skills.copy()
    ms["key"] = [skills.key(s, c) for s, c in zip(ms["skill"], ms["skill_code"])]
    out = []
    for occ, by_siret in sorted(tutors.items(), key=lambda kv: str(kv[0])):
        need_occ: dict[str, str] = {}
        for siret, pos in _sum_by(hires[hires["occupation"] == occ], "positions").items():
            need_occ[siret] = f"{_fmt(pos)} recrutement(s) prévu(s) sur ce métier"
        for siret in ms.loc[ms["occupation"] == occ, "siret"]:
            need_occ.setdefault(siret, "compétence manquante sur ce métier")
        for siret in needs.loc[needs["occupation"] == occ, "siret"]:
            need_occ.setdefault(siret, "cherche un tutorat sur ce métier")
        opp = Opportunity("tutorat", f"occupation:{occ}", occupation_label(occ),
                          "départs prochains ↔ besoins du même métier ou savoir-faire")
        retirements: dict[str, float] = {}
        for tutor, info in sorted(by_siret.items()):
            learners = dict(need_occ)
            for key in info["skills"]:
                for siret in ms.loc[ms["key"] == key, "siret"]:
                    learners.setdefault(siret, f"manque le savoir-faire « {skills.label(key)} »")
                for siret, s in zip(needs["siret"], needs["skill"]):
                    if skills.key(s) == key:
                        learners.setdefault(siret, f"cherche un tutorat « {skills.label(key)} »")
            learners.pop(tutor, None)
            if not learners:
                continue
            opp.member(tutor, names).add("tuteur", info["why"])
            retirements[tutor] = info["retirements"]
            for siret, why in sorted(learners.items()):
                opp.member(siret, names).add("apprenant", why)
                opp.pairs.append((tutor, siret))
        if opp.pairs:
            opp.figures["retirements"] = Figure("Départs en retraite des tuteurs", sum(retirements.values()),
                                                retirements)
            opp.figures["pairs"] = Figure("Binômes possibles", len(opp.pairs))
            out.append(opp)
    return out


_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9,
    "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}
_SEASONS = {"printemps": {3, 4, 5}, "ete": {6, 7, 8}, "automne": {9, 10, 11}, "hiver": {12, 1, 2}}


def parse_months(text: object) -> set[int]:
    """Months named in a free-text period: `juin-septembre` -> {6, 7, 8, 9}; `hiver` -> {12, 1, 2};
    `novembre à mars` wraps around the year. Unknown text -> empty set."""
    words = (norm_label(text) or "").split()
    months: set[int] = set()
    i = 0
    while i < len(words):
        word = words[i]
        if word in _SEASONS:
            months |= _SEASONS[word]
        elif word in _MONTHS:
            start = _MONTHS[word]
            nxt = words[i + 1: i + 3]
            if nxt and nxt[0] in ("a", "au") and len(nxt) > 1 and nxt[1] in _MONTHS:
                end, i = _MONTHS[nxt[1]], i + 2
            elif nxt and nxt[0] in _MONTHS and re.search(
                    rf"{re.escape(word)}\s*[-–]\s*{re.escape(nxt[0])}", norm_dash(text)):
                end, i = _MONTHS[nxt[0]], i + 1
            else:
                end = start
            m = start
            while True:
                months.add(m)
                if m == end:
                    break
                m = m % 12 + 1
        i += 1
    return months


def norm_dash(text: object) -> str:
    """Folded text keeping dashes, to tell `juin-septembre` (a range) from `juin, septembre`."""
    import unicodedata

    s = unicodedata.normalize("NFKD", str(text or ""))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower().replace("–", "-")
    return re.sub(r"[^a-z0-9-]+", " ", s)


def employer_groups(data: AuditData, skills: SkillKeys, settings: Matching) -> list[Opportunity]:
    """Shared posts (fractions of the same profile) and complementary seasonal peaks."""
    names = data.names()
    hires = data.hires[data.hires["positions"].fillna(0) > 0]
    coop = data.cooperation
    ge_needs = coop[(coop["cooperation_type"] == "groupement d employeurs")
                    & (coop["direction"] == "besoin") & coop["occupation"].notna()]
    fractions = hires[hires["positions"] < settings.fraction_below]
    out = []
    for occ in sorted(set(fractions["occupation"].dropna()) | set(ge_needs["occupation"])):
        parts = _sum_by(fractions[fractions["occupation"] == occ], "positions")
        reasons = {s: f"besoin de {_fmt(v)} poste (fraction de poste)" for s, v in parts.items()}
        for siret in ge_needs.loc[ge_needs["occupation"] == occ, "siret"]:
            reasons.setdefault(siret, "intéressée par un groupement d'employeurs sur ce métier")
        if len(reasons) < 2:
            continue
        opp = Opportunity("groupement_employeurs", f"occupation:{occ}|fractions", occupation_label(occ),
                          "fractions du même profil")
        for siret, why in sorted(reasons.items()):
            opp.member(siret, names).add("besoin", why)
        if parts:
            opp.figures["fte"] = Figure("Postes (équivalents temps plein) à partager",
                                        sum(parts.values()), parts)
        out.append(opp)

    # Seasonal peaks: who hires seasonally for an occupation, and when (cooperation period notes).
    seasonal = hires[hires["contract"] == "saisonnier"]
    noted = coop[coop["period_note"].notna()]
    for occ in sorted(set(seasonal["occupation"].dropna()) | set(noted["occupation"].dropna())):
        candidates = set(seasonal.loc[seasonal["occupation"] == occ, "siret"]) | set(
            noted.loc[noted["occupation"] == occ, "siret"])
        months = {}
        for siret in candidates:
            notes = noted[(noted["siret"] == siret)
                          & (noted["occupation"].isna() | (noted["occupation"] == occ))]
            found = set().union(*(parse_months(t) for t in notes["period_note"])) if len(notes) else set()
            if found:
                months[siret] = found  # unknown peak months cannot be shown complementary
        opp = Opportunity("groupement_employeurs", f"occupation:{occ}|saisons", occupation_label(occ),
                          "pics d'activité saisonniers complémentaires")
        ordered = sorted(months)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                if not months[a] & months[b]:
                    opp.pairs.append((a, b))
        for a, b in opp.pairs:
            for siret in (a, b):
                opp.member(siret, names).add("saisonnier", f"pic d'activité : {_month_text(months[siret])}")
        if opp.pairs:
            out.append(opp)
    return out


_MONTH_NAMES = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                "nov.", "déc.")


def _month_text(months: set[int]) -> str:
    return ", ".join(_MONTH_NAMES[m - 1] for m in sorted(months))


def insertion_links(data: AuditData, skills: SkillKeys, settings: Matching) -> list[Opportunity]:
    """Insertion structures (SIAE) preparing people for occupations others find hard to hire."""
    names = data.names()
    types = data.company_attr("company_type")
    siae = {s for s, t in types.items() if t == "SIAE"}
    if not siae:
        return []
    wf = data.workforce
    wf = wf[wf["siret"].isin(siae) & (wf["headcount"].fillna(0) > 0)]
    coop = data.cooperation
    siae_offers = coop[coop["siret"].isin(siae) & (coop["direction"] == "offre") & coop["occupation"].notna()]
    hires = data.hires
    hard = hires[~hires["siret"].isin(siae) & (hires["difficult"] == 1) & (hires["positions"].fillna(0) > 0)]
    asks = coop[~coop["siret"].isin(siae) & (coop["cooperation_type"] == "accueil insertion")
                & (coop["direction"] == "besoin") & coop["occupation"].notna()]
    out = []
    for occ in sorted((set(wf["occupation"].dropna()) | set(siae_offers["occupation"]))
                      & (set(hard["occupation"].dropna()) | set(asks["occupation"]))):
        opp = Opportunity("insertion_siae", f"occupation:{occ}", occupation_label(occ),
                          "structure d'insertion ↔ métier difficile à recruter")
        for siret, n in _sum_by(wf[wf["occupation"] == occ], "headcount").items():
            opp.member(siret, names).add("structure", f"{_fmt(n)} salarié(s) sur ce métier")
        for siret in siae_offers.loc[siae_offers["occupation"] == occ, "siret"]:
            opp.member(siret, names).add("structure", "propose un accueil ou une mise à disposition sur ce métier")
        difficult = _sum_by(hard[hard["occupation"] == occ], "positions")
        for siret, pos in difficult.items():
            opp.member(siret, names).add("recruteur", f"{_fmt(pos)} recrutement(s) jugé(s) difficile(s)")
        for siret in asks.loc[asks["occupation"] == occ, "siret"]:
            opp.member(siret, names).add("recruteur", "souhaite accueillir des personnes en insertion")
        opp.figures["difficult_positions"] = Figure("Recrutements difficiles prévus",
                                                    sum(difficult.values()), difficult)
        opp.pairs = [(s, r) for s, m in opp.members.items() if "structure" in m.roles
                     for r, n in opp.members.items() if "recruteur" in n.roles and r != s]
        if opp.pairs:
            out.append(opp)
    return out


def staff_lending(data: AuditData, skills: SkillKeys, settings: Matching) -> list[Opportunity]:
    """Non-profit staff lending: needs matched to offers of another company."""
    names = data.names()
    coop = data.cooperation
    rows = coop[coop["cooperation_type"] == "pret de main d oeuvre"].copy()
    rows["skey"] = [skills.key(s) for s in rows["skill"]]
    offers, needs = rows[rows["direction"] == "offre"], rows[rows["direction"] == "besoin"]
    groups: dict[str, Opportunity] = {}
    for need in needs.itertuples(index=False):
        if need.occupation:
            key, label = f"occupation:{need.occupation}", occupation_label(need.occupation)
        elif need.skey:
            key, label = f"skill:{need.skey}", skills.label(need.skey)
        else:
            key, label = "any", "Métier non précisé"
        generic = offers["occupation"].isna() & offers["skey"].isna()
        same = (offers["occupation"] == need.occupation) if need.occupation else (
            offers["skey"] == need.skey) if need.skey else offers["siret"].notna()
        matches = offers[(same | generic) & (offers["siret"] != need.siret)]
        if matches.empty:
            continue
        opp = groups.setdefault(key, Opportunity("pret_main_oeuvre", key, label,
                                                 "offres ↔ besoins de prêt de main-d'œuvre"))
        people = "" if pd.isna(need.people) else f" ({_fmt(need.people)} pers.)"
        opp.member(need.siret, names).add("besoin", f"cherche du personnel en prêt{people}")
        for offer in matches.itertuples(index=False):
            people = "" if pd.isna(offer.people) else f" ({_fmt(offer.people)} pers.)"
            opp.member(offer.siret, names).add("offre", f"peut prêter du personnel{people}")
            if (offer.siret, need.siret) not in opp.pairs:
                opp.pairs.append((offer.siret, need.siret))
    return list(groups.values())


MATCHERS = {
    "formation_mutualisee": pooled_training,
    "tutorat": tutoring,
    "groupement_employeurs": employer_groups,
    "insertion_siae": insertion_links,
    "pret_main_oeuvre": staff_lending,
}


def find_opportunities(data: AuditData, settings: Matching | None = None) -> list[Opportunity]:
    """Every collaboration opportunity of the audits, by type, the largest first."""
    settings = settings or Matching()
    if data.empty:
        return []
    skills = SkillKeys.from_data(data)
    out: list[Opportunity] = []
    for matcher in MATCHERS.values():
        found = matcher(data, skills, settings)
        out += sorted(found, key=lambda o: (-o.n_companies, o.label))
    return out
