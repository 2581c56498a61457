"""The indicator registry: every indicator registered once, with its definition.

Each entry names the pure function that computes it, the store tables it reads (keyword of the
function → table), the dimensions it accepts, its formula, unit, source and caveats. The registry
feeds `gtec indicators --list`, the API's `indicators()`, the functions' docstrings and the
methodology annex of the reports: change a definition here and every reader sees the same text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import (
    ageing,
    assessments,
    cooperation,
    departures,
    economy,
    recruitment,
    skills,
    triangulation,
)


@dataclass(frozen=True)
class Indicator:
    """One registered indicator."""

    name: str
    family: str  # recruitment, ageing, economy, skills, audits, triangulation
    title_fr: str
    title_en: str
    formula: str
    unit: str
    source: str
    caveats: str
    #: What the small-number flag counts: companies, people or projects.
    base: str
    dims: tuple[str, ...]
    fn: Callable
    #: Function keyword -> store table.
    inputs: tuple[tuple[str, str], ...]
    #: True when the definition is an official one followed to the letter, False for gtec's own.
    official: bool = True
    #: Dimensions always present in the result (tension classes exist only per occupation).
    default_by: tuple[str, ...] = ()
    #: The function takes the chain of territories (own, aliases, comparisons) for public evidence.
    territories: bool = False
    extra: dict = field(default_factory=dict)

    def as_row(self) -> dict:
        """A JSON-ready description (for --list, the API and the methodology annex)."""
        return {
            "name": self.name, "family": self.family, "title_fr": self.title_fr,
            "title_en": self.title_en, "formula": self.formula, "unit": self.unit,
            "source": self.source, "caveats": self.caveats, "base": self.base,
            "dimensions": list(self.dims), "tables": [t for _, t in self.inputs],
            "official": self.official,
        }


_AUDIT = "gtec (audits d'entreprises)"
_AUDIT_DIMS = recruitment.AUDIT_DIMS
_WORKFORCE = (("employment", "employment"), ("workforce", "workforce"), ("companies", "companies"),
              ("national", "workforce_age_national"))
_DEPARTURES = (("employment", "employment"), ("workforce", "workforce"),
               ("departures", "departures"), ("companies", "companies"))
_OPENINGS = (*_DEPARTURES, ("hires", "hires"))
_SUPPLY = (("jobseekers", "jobseekers"), ("training", "training"))
_BANDS = ("Âges en tranches : sommes exactes quand les tranches le permettent, sinon âges supposés "
          "répartis uniformément dans la tranche qui chevauche la limite (colonne approximation).")

INDICATORS: tuple[Indicator, ...] = (
    # --- 1. recruitment difficulty ---
    Indicator(
        "bmo_projects", "recruitment", "Projets de recrutement (BMO)", "Hiring projects (BMO)",
        "Σ met (lignes non masquées)", "projets",
        "France Travail, enquête Besoins en Main-d'Œuvre",
        "Estimations d'enquête (≈ 25 % de réponses, redressées). Cellules masquées (*) lues comme "
        "manquantes, jamais 0 : leur nombre est donné (n_masked_rows). Un bassin sur plusieurs "
        "départements est la somme de ses lignes.",
        "projects", recruitment.BMO_DIMS, recruitment.bmo_projects, (("bmo", "bmo"),)),
    Indicator(
        "bmo_difficult_share", "recruitment", "Part des projets jugés difficiles (BMO)",
        "Share of hiring projects expected to be difficult (BMO)",
        "100 × Σ xmet / Σ met sur les lignes où ni xmet ni met n'est masqué", "%",
        "France Travail, enquête BMO (indice de difficulté)",
        "« Difficultés prévisibles » : une anticipation de l'employeur, pas un échec constaté. "
        "Lignes masquées exclues et comptées (n_masked_rows, projects_in_masked_rows).",
        "projects", recruitment.BMO_DIMS, recruitment.bmo_difficult_share, (("bmo", "bmo"),)),
    Indicator(
        "bmo_seasonal_share", "recruitment", "Part des projets saisonniers (BMO)",
        "Share of seasonal hiring projects (BMO)",
        "100 × Σ smet / Σ met sur les lignes non masquées", "%", "France Travail, enquête BMO",
        "Lignes masquées exclues et comptées.",
        "projects", recruitment.BMO_DIMS, recruitment.bmo_seasonal_share, (("bmo", "bmo"),)),
    Indicator(
        "audit_difficult_share", "recruitment", "Part des recrutements jugés difficiles (audits)",
        "Share of planned recruitments flagged difficult (audits)",
        "100 × Σ postes jugés difficiles / Σ postes prévus", "%", _AUDIT,
        "Lignes sans réponse sur la difficulté exclues et comptées (n_rows_unknown). "
        "top_company_share sert à la règle de dominance.",
        "companies", _AUDIT_DIMS, recruitment.audit_difficult_share,
        (("hires", "hires"), ("companies", "companies")), official=False),
    Indicator(
        "audit_difficulty_reasons", "recruitment", "Raisons des difficultés de recrutement (audits)",
        "Reasons for recruitment difficulty (audits)",
        "par raison : Σ postes et nombre d'entreprises qui la citent (réponses multiples)", "postes",
        _AUDIT + " ; liste calquée sur l'enquête complémentaire BMO",
        "Réponses multiples : les parts dépassent 100 % au total. Postes difficiles sans raison : "
        "« (non renseigné) ».",
        "companies", _AUDIT_DIMS, recruitment.audit_difficulty_reasons,
        (("hires", "hires"), ("companies", "companies")), official=False),
    Indicator(
        "tension_class", "recruitment", "Classe de tension (Dares / France Travail)",
        "Labour-market tension class (Dares / France Travail)",
        "classe 1–5 lue dans les fichiers officiels, jamais recalculée", "classe 1–5",
        "Dares, « Les tensions sur le marché du travail » ; France Travail (ROME × bassin)",
        "Pondérations officielles 50 % difficultés BMO, 30 % offres / nouveaux demandeurs A, 20 % "
        "sorties ; z-scores 2014–2018, classes = quintiles de cette période : classes non uniformes "
        "les années récentes, jamais rediscrétisées. Classe absente = volume insuffisant.",
        "people", recruitment.TENSION_DIMS, recruitment.tension_class, (("tension", "tension"),),
        default_by=("occupation",)),
    Indicator(
        "tension_factors", "recruitment", "Facteurs de tension (Dares)", "Tension factors (Dares)",
        "six classes 1–5 lues dans les fichiers officiels", "classe 1–5",
        "Dares, « Les tensions sur le marché du travail »",
        "Intensité d'embauches, lien formation-emploi, manque de main-d'œuvre disponible, "
        "non-durabilité de l'emploi, conditions de travail contraignantes, inadéquation géographique.",
        "people", recruitment.TENSION_DIMS, recruitment.tension_factors, (("tension", "tension"),),
        default_by=("occupation",)),
    Indicator(
        "offers_per_jobseeker", "recruitment", "Offres par demandeur d'emploi",
        "Job offers per job seeker",
        "Σ offres / Σ demandeurs d'emploi (catégorie A, ou A+B+C : colonne jobseeker_categories)",
        "ratio", "Ratio de tension classique de la Dares (définition antérieure à 2017)",
        "Les offres déposées à France Travail ne couvrent pas tout le marché ; à défaut de chiffres "
        "de l'observatoire, offres et demandeurs A+B+C du fichier de tension France Travail.",
        "people", recruitment.TENSION_DIMS, recruitment.offers_per_jobseeker,
        (("offers", "offers"), ("jobseekers", "jobseekers"), ("tension", "tension")), official=True),
    # --- 2. demographic ageing ---
    Indicator(
        "ageing_index", "ageing", "Indice de vieillissement", "Ageing index",
        "100 × population de 65 ans ou plus / population de moins de 20 ans", "indice",
        "Insee, Observatoire des territoires",
        "Tranches du recensement POP T0 (0-14, 15-29, … 75+) : 65+ et moins de 20 ans ne sont pas "
        "publiés ; 65+ = 10/15 de 60-74 + 75+, moins de 20 = 0-14 + 5/15 de 15-29 (âges répartis "
        "uniformément), sauf si les tranches 0-19 et 65+ sont fournies.",
        "people", ageing.POPULATION_DIMS, ageing.ageing_index, (("population", "population"),)),
    Indicator(
        "share_60_plus", "ageing", "Part des 60 ans ou plus", "Share aged 60 or more",
        "100 × P(60+) / P", "%", "Insee, recensement (POP T0)", _BANDS,
        "people", ageing.POPULATION_DIMS, ageing.share_60_plus, (("population", "population"),)),
    Indicator(
        "share_75_plus", "ageing", "Part des 75 ans ou plus", "Share aged 75 or more",
        "100 × P(75+) / P", "%", "Insee, recensement (POP T0)", _BANDS,
        "people", ageing.POPULATION_DIMS, ageing.share_75_plus, (("population", "population"),)),
    Indicator(
        "population_change", "ageing", "Évolution de la population", "Population change",
        "100 × (P₂ − P₁) / P₁ ; taux annuel moyen 100 × ((P₂/P₁)^(1/(y₂−y₁)) − 1)", "%",
        "Insee, recensement",
        "Par tranche et au total, entre années successives et entre la première et la dernière.",
        "people", ageing.POPULATION_DIMS, ageing.population_change, (("population", "population"),)),
    Indicator(
        "workforce_share_50_plus", "ageing", "Part des 50 ans ou plus parmi les actifs occupés",
        "Share of employed people aged 50 or more",
        "100 × actifs occupés de 50 ans ou plus / actifs occupés", "%",
        "Dares, Portraits statistiques des métiers (France 2017–2019 : 30,6 %) ; observatoire ; audits",
        "Trois périmètres (colonne scope) : emploi du territoire, entreprises auditées, France. " + _BANDS,
        "people", ageing.WORKFORCE_DIMS, ageing.workforce_share_50_plus, _WORKFORCE),
    Indicator(
        "workforce_share_55_plus", "ageing", "Part des 55 ans ou plus parmi les actifs occupés",
        "Share of employed people aged 55 or more",
        "100 × actifs occupés de 55 ans ou plus / actifs occupés", "%",
        "Dares, Portraits statistiques des métiers (France 2017–2019 : 17,4 %) ; observatoire ; audits",
        "Trois périmètres (colonne scope). " + _BANDS,
        "people", ageing.WORKFORCE_DIMS, ageing.workforce_share_55_plus, _WORKFORCE),
    Indicator(
        "expected_departures", "ageing", "Départs en fin de carrière attendus",
        "Expected end-of-career departures",
        "personnes dont âge + H ≥ A (A = âge de départ, réglage ; scénarios), H = 2, 5, 10 ans ; "
        "départs en retraite déclarés dans les audits", "personnes",
        "gtec, approximation des « départs en fin de carrière » (Dares / France Stratégie, "
        "Les métiers en 2030)",
        "Âges répartis uniformément dans chaque tranche (60-64 avec A = 64 et H = 2 : 3/5). Une "
        "entreprise qui a rempli la feuille Départs est crue sur parole pour tous ses métiers "
        "(companies_declared) ; les autres sont estimées (companies_estimated). Horizons déclarés "
        "répartis uniformément dans le temps. Tranche ouverte 60+ lue comme "
        "60-64 (réglage open_age_band_width).",
        "people", departures.DEPARTURE_DIMS, departures.expected_departures, _DEPARTURES,
        official=False),
    Indicator(
        "replacement_rate", "ageing", "Taux de remplacement à prévoir", "Replacement rate",
        "100 × départs attendus(H) / effectif", "%", "gtec",
        "Mêmes personnes au numérateur et au dénominateur : entreprises auditées sans feuille "
        "Effectifs exclues et comptées (n_companies_without_workforce).",
        "people", departures.DEPARTURE_DIMS, departures.replacement_rate, _DEPARTURES, official=False),
    Indicator(
        "junior_senior_ratio", "ageing", "Rapport jeunes / seniors", "Junior/senior ratio",
        "actifs occupés de moins de 30 ans / actifs occupés de 55 ans ou plus", "ratio", "gtec",
        "Moins de 1 : la pyramide ne se renouvelle pas. " + _BANDS,
        "people", ageing.WORKFORCE_DIMS, ageing.junior_senior_ratio, _WORKFORCE, official=False),
    Indicator(
        "single_holder_risk", "ageing", "Savoir-faire détenus par une seule personne qui part",
        "Know-how held by one person who will leave",
        "Σ sur les couples (entreprise, compétence) à détenteur unique de P(le détenteur part "
        "d'ici H)", "couples (espérance)", _AUDIT,
        "P = part de l'horizon dans H si la feuille Départs cite le savoir-faire ; sinon départs "
        "déclarés du métier / effectif du métier ; sinon départs estimés / effectif. Couples sans "
        "métier ni effectif : n_unknown, jamais comptés 0.",
        "companies", departures.HOLDER_DIMS, departures.single_holder_risk,
        (("missing_skills", "missing_skills"), ("departures", "departures"),
         ("workforce", "workforce"), ("companies", "companies")), official=False),
    Indicator(
        "knowhow_at_risk", "ageing", "Savoir-faire menacés par des départs (audits)",
        "Know-how at risk from departures (audits)",
        "entreprises dont une ligne de la feuille Départs (toutes échéances) nomme un savoir-faire "
        "menacé ; n_rows lignes, n_items savoir-faire nommés, Σ départs en retraite de ces lignes",
        "entreprises", _AUDIT,
        "Déclaratif : une entreprise qui ne remplit pas la colonne ne dit pas qu'aucun savoir-faire "
        "n'est menacé. Listes séparées par « ; ». Chaque entreprise compte une fois par cellule.",
        "companies", departures.KNOWHOW_DIMS, departures.knowhow_at_risk,
        (("departures", "departures"), ("companies", "companies")), official=False),
    # --- economy of the territory ---
    Indicator(
        "employment", "economy", "Emploi par secteur", "Employment by sector",
        "Σ actifs occupés par division NAF (2 chiffres), dernière année ; share = 100 × secteur / "
        "total du territoire", "personnes",
        "Observatoire de l'emploi (classeur OPEQ, feuille Emploi), compilé d'après l'Insee",
        "Lignes tous sexes (T) et tous âges retenues quand elles existent, sinon hommes + femmes et "
        "tranches d'âge additionnées : personne n'est compté deux fois. Cellules masquées comptées 0 "
        "(n_masked). Sans code NAF : « (non renseigné) ».",
        "people", economy.EMPLOYMENT_DIMS, economy.employment, (("employment", "employment"),),
        default_by=("sector",)),
    Indicator(
        "establishments", "economy", "Établissements par taille", "Establishments by size class",
        "Σ établissements par tranche d'effectif salarié (0, 1-9, 10-49, 50-249, 250+), dernière "
        "année ; share = 100 × tranche / total du territoire", "établissements",
        "Observatoire de l'emploi (classeur OPEQ, feuille Établissements), compilé d'après l'Insee",
        "Cellules masquées comptées 0 (n_masked). Sans tranche : « (non renseigné) », en dernier.",
        "companies", economy.ESTABLISHMENT_DIMS, economy.establishments,
        (("establishments", "establishments"),), default_by=("size_class",)),
    # --- 3. skills gap ---
    Indicator(
        "job_openings", "skills", "Postes à pourvoir", "Job openings",
        "départs en fin de carrière(H) + créations nettes (recrutements prévus − départs "
        "remplacés, audits)", "postes",
        "Dares / France Stratégie, « Les métiers en 2030 » : PAP = départs en fin de carrière + "
        "créations nettes",
        "Départs estimés sur l'emploi du territoire (à défaut les audits), âge de départ central. "
        "Créations nettes des seules entreprises auditées, sur 3 ans au plus (horizon des "
        "recrutements de l'audit).",
        "people", skills.OCCUPATION_DIMS, skills.job_openings, _OPENINGS, official=False,
        default_by=("occupation",)),
    Indicator(
        "local_supply", "skills", "Offre locale de main-d'œuvre", "Local labour supply",
        "demandeurs d'emploi du métier + diplômés des formations correspondantes par an × H",
        "personnes", "gtec",
        "Demandeurs de catégorie A ou A+B+C selon le réglage jobseeker_categories ; dernière "
        "période et dernière année de formation.",
        "people", skills.OCCUPATION_DIMS, skills.local_supply, _SUPPLY, official=False,
        default_by=("occupation",)),
    Indicator(
        "occupation_gap", "skills", "Écart besoins / offre locale", "Occupation gap",
        "postes à pourvoir − offre locale (positif = pénurie) ; supply_ratio = offre / postes",
        "personnes", "gtec, analogue du « déséquilibre potentiel » (Les métiers en 2030)",
        "Métiers comparés à un seul niveau (occupation_level) : ROME si toutes les sources sont en "
        "ROME, sinon FAP-225 par la table de passage (effectifs répartis à parts égales).",
        "people", skills.OCCUPATION_DIMS, skills.occupation_gap, (*_OPENINGS, *_SUPPLY),
        official=False, default_by=("occupation",)),
    Indicator(
        "missing_skills", "skills", "Compétences manquantes", "Missing skills",
        "par compétence : entreprises, Σ personnes, criticité moyenne, score Σ criticité × personnes",
        "score", _AUDIT, "Compétences regroupées par libellé (casse et accents ignorés).",
        "companies", skills.MISSING_SKILL_DIMS, skills.missing_skills,
        (("missing_skills", "missing_skills"), ("companies", "companies")), official=False),
    Indicator(
        "missing_skills_by_code", "skills", "Compétences manquantes (regroupées par code)",
        "Missing skills (grouped by code)",
        "par compétence (code, sinon libellé normalisé) : entreprises, Σ personnes, criticité "
        "moyenne, score Σ criticité × personnes ; sans la dimension skill, somme sur les compétences",
        "score", _AUDIT,
        "Le regroupement du plan d'action : un code de compétence réunit des libellés différents, et "
        "un libellé saisi avec un seul code prend ce code. missing_skills regroupe par libellé "
        "seulement : les deux diffèrent quand les audits donnent des codes.",
        "companies", skills.MISSING_SKILL_CODE_DIMS, skills.missing_skills_by_code,
        (("missing_skills", "missing_skills"), ("companies", "companies")), official=False,
        default_by=("skill",)),
    Indicator(
        "skills_gap_score", "skills", "Score d'écart de compétences", "Skills-gap score",
        "100 × Σ poids × composante normalisée / Σ poids (écart, difficulté audits, difficulté "
        "BMO, classe de tension, compétences manquantes)", "score 0–100", "gtec",
        "Poids : réglages [skills_gap_weights], imprimés dans le rapport (colonne weights). "
        "Composante sans donnée = 0, nommée dans missing_components ; coverage = part des poids "
        "renseignés.",
        "companies", skills.OCCUPATION_DIMS, skills.skills_gap_score,
        (*_OPENINGS, *_SUPPLY, ("missing_skills", "missing_skills"), ("bmo", "bmo"),
         ("tension", "tension"), ("offers", "offers")), official=False,
        default_by=("occupation",), territories=True),
    # --- HR self-assessment and cooperation (audits) ---
    Indicator(
        "assessment_mean_score", "audits", "Note moyenne par thème du diagnostic RH",
        "Mean HR self-assessment score by theme",
        "Σ notes des entreprises / nombre de notes, par thème (1 = point faible, 4 = point fort)",
        "note 1–4", _AUDIT,
        "Auto-évaluation des entreprises. Un thème noté deux fois par une entreprise compte une "
        "fois (moyenne de ses notes). Sans la dimension theme : moyenne des notes (entreprise, thème).",
        "companies", assessments.ASSESSMENT_DIMS, assessments.assessment_mean_score,
        (("assessments", "assessments"), ("companies", "companies")), official=False,
        default_by=("theme",)),
    Indicator(
        "assessment_weak_share", "audits", "Part des entreprises qui notent le thème comme point faible",
        "Share of companies scoring the theme as a weak point",
        "100 × entreprises notant le thème 1 ou 2 (sur 4) / entreprises ayant noté le thème", "%",
        _AUDIT,
        "Seuil : note ≤ 2 (les deux notes basses du modèle d'audit). Une note par entreprise et "
        "thème (moyenne si le thème est répété). Sans la dimension theme : part des notes "
        "(entreprise, thème) faibles.",
        "companies", assessments.ASSESSMENT_DIMS, assessments.assessment_weak_share,
        (("assessments", "assessments"), ("companies", "companies")), official=False,
        default_by=("theme",)),
    Indicator(
        "cooperation_declarations", "audits", "Coopérations déclarées (offres et besoins)",
        "Cooperation offered and needed (audits)",
        "entreprises distinctes qui déclarent le type de coopération (offre ou besoin : dimension "
        "direction) ; Σ personnes déclarées", "entreprises", _AUDIT,
        "Une entreprise compte une fois par cellule, quel que soit son nombre de lignes. Personnes "
        "non renseignées comptées 0 (n_rows_without_people).",
        "companies", cooperation.COOPERATION_DIMS, cooperation.cooperation_declarations,
        (("cooperation", "cooperation"), ("companies", "companies")), official=False,
        default_by=("cooperation_type",)),
    # --- 4. triangulation ---
    Indicator(
        "triangulation", "triangulation", "Triangulation audits / sources publiques",
        "Audit vs public evidence",
        "par métier : difficulté audits (≥ seuil) face à BMO, classe de tension, offres par "
        "demandeur (≥ seuils) → accord / désaccord / audits seuls / public seul", "—",
        "gtec (audits) ; France Travail (BMO) ; Dares",
        "Un désaccord est un constat, pas une erreur. ROME des audits rapprochés des FAP par la "
        "table de passage Dares ; seuils dans [triangulation].",
        "companies", triangulation.TRIANGULATION_DIMS, triangulation.triangulation,
        (("hires", "hires"), ("companies", "companies"), ("missing_skills", "missing_skills"),
         ("bmo", "bmo"), ("tension", "tension"), ("offers", "offers"), ("jobseekers", "jobseekers")),
        official=False, default_by=("occupation",), territories=True),
)

REGISTRY: dict[str, Indicator] = {ind.name: ind for ind in INDICATORS}
FAMILIES = {"recruitment": "Difficultés de recrutement", "ageing": "Vieillissement",
            "economy": "Économie du territoire", "skills": "Écarts de compétences",
            "audits": "Diagnostic RH et coopération (audits)", "triangulation": "Triangulation"}


def get(name: str) -> Indicator:
    """The registered indicator `name`, or a usage error listing the known names."""
    from ..errors import UsageError

    try:
        return REGISTRY[name]
    except KeyError:
        raise UsageError(f"Indicateur inconnu : {name!r}. Indicateurs : {', '.join(REGISTRY)} "
                         "(voir gtec indicators --list).") from None


def registry_frame():
    """The registry as a DataFrame, one row per indicator (API and --list)."""
    import pandas as pd

    rows = [ind.as_row() for ind in INDICATORS]
    for row in rows:
        row["dimensions"] = ", ".join(row["dimensions"])
        row["tables"] = ", ".join(row["tables"])
    return pd.DataFrame(rows)


def _document() -> None:
    """Append each indicator's registered definition to its function's docstring, so that
    `help(recruitment.bmo_difficult_share)` shows the same text as --list and the annex."""
    by_fn: dict[Callable, list[Indicator]] = {}
    for ind in INDICATORS:
        by_fn.setdefault(ind.fn, []).append(ind)
    for fn, inds in by_fn.items():
        marker = "\n\n    Registry:"
        doc = (fn.__doc__ or "").split(marker)[0]
        lines = [f"{marker}"]
        for ind in inds:
            lines.append(f"    - {ind.name} ({ind.unit}): {ind.formula}. Source : {ind.source}. "
                         f"Dimensions : {', '.join(ind.dims) or '—'}. {ind.caveats}")
        fn.__doc__ = doc + "\n".join(lines)


_document()
