"""The sheets gtec knows in the observatory workbook (kind `opeq`) and in company audits (`audit`).

Columns are declared once here; the reader, the blank templates (`gtec template`) and the error
messages all use these declarations, so a header spelling added here is accepted everywhere.
"""

from __future__ import annotations

from .. import nomenclatures as nom
from .tables import Column, SheetSpec
from .values import (
    choice,
    multi_choice,
    parse_age_band,
    parse_bool,
    parse_count,
    parse_int_in,
    parse_rate,
    parse_sex,
    parse_text,
    parse_year,
)


def _opts(mapping: dict[str, list[str]]) -> dict[str, str]:
    """{canonical: [spellings]} -> {normalised spelling: canonical}."""
    from .values import norm_text

    out = {}
    for canonical, spellings in mapping.items():
        for s in [canonical, *spellings]:
            out[norm_text(s)] = canonical
    return out


def _period_text(value: object) -> str:
    from ..periods import normalise_period
    from .values import BadValue, as_code_text

    text = as_code_text(value)
    try:
        return normalise_period(text)
    except Exception:
        raise BadValue("invalid-period", "Période non reconnue.",
                       "Écrivez l'année (2025), le trimestre (2025-T3) ou le mois (2025-09).") from None


# --- shared columns ------------------------------------------------------------------------------
TERRITORY = Column("territory", ("territoire", "code territoire", "code geographique", "codgeo",
                                 "code zone", "zone", "code", "code geo", "territoire code"),
                   nom.territory, required=True, label="Territoire", example="arr:522",
                   totals_marker=True,
                   help="Référence qualifiée MAILLE:CODE (arr:522, dep:52, be:4419) ou code + colonne Maille.")
MESH = Column("mesh", ("maille", "niveau geographique", "niveau geo", "type de territoire"), nom.mesh,
              label="Maille", store=False, example="arrondissement",
              choices=("commune", "EPCI", "arrondissement", "département", "région", "zone d'emploi",
                       "bassin BMO", "France"))
YEAR = Column("year", ("annee", "an", "millesime", "year"), parse_year, required=True, label="Année",
              example=2021)
SEX = Column("sex", ("sexe", "genre", "sex"), parse_sex, label="Sexe", example="F",
             choices=("H", "F", "Ensemble"))
AGE = Column("age_band", ("tranche d age", "tranche age", "classe d age", "age", "tranches d age",
                          "age band"), parse_age_band, label="Tranche d'âge", example="25-29 ans",
             expands=("age_band", "age_min", "age_max"), totals_marker=True)
NAF = Column("naf", ("naf", "code naf", "secteur", "code secteur", "ape", "code ape", "naf rev 2",
                     "secteur naf"), nom.naf, label="Secteur (NAF)", example="25.73A", totals_marker=True)
OCCUPATION = Column("occupation", ("metier", "code metier", "code rome", "rome", "fap", "code fap",
                                   "profession", "occupation", "code profession", "metier rome",
                                   "metier fap", "code metier rome", "metier code rome"),
                    nom.occupation, label="Métier (ROME ou FAP)", example="H2913", totals_marker=True)
PERIOD = Column("period", ("periode", "mois", "trimestre", "date"), _period_text, required=True,
                label="Période", example="2025-T4")


def _count(name: str, aliases: tuple[str, ...], label: str, *, required: bool = True,
           example: object = 12) -> Column:
    return Column(name, aliases, parse_count, required=required, maskable=True, label=label,
                  example=example)


# --- observatory workbook (opeq) -----------------------------------------------------------------
OPEQ_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "population", "population", "Population", ("pop", "population par age", "demographie"),
        (TERRITORY, MESH, YEAR, SEX, AGE,
         _count("people", ("population", "effectif", "nombre", "habitants", "personnes", "nb"),
                "Population", example=3333)),
        keys=("territory", "year", "sex", "age_band"),
        description="Population par territoire, année, sexe et tranche d'âge (recensement Insee).",
    ),
    SheetSpec(
        "emploi", "employment", "Emploi", ("employment", "emplois", "actifs occupes", "effectifs salaries"),
        (TERRITORY, MESH, YEAR, NAF, OCCUPATION, AGE, SEX,
         _count("people", ("emplois", "effectif", "nombre", "actifs occupes", "personnes", "salaries",
                           "nb"), "Emplois", example=48)),
        keys=("territory", "year", "naf", "occupation", "age_band", "sex"),
        description="Personnes en emploi par territoire, année, secteur, métier, âge et sexe.",
    ),
    SheetSpec(
        "etablissements", "establishments", "Établissements", ("establishments", "entreprises"),
        (TERRITORY, MESH, YEAR, NAF,
         Column("size_class", ("taille", "tranche d effectif", "classe de taille", "taille salariale",
                               "tranche effectif"),
                choice(_opts({"0": ["0 salarie", "aucun salarie", "sans salarie"],
                              "1-9": ["1 a 9", "1 9 salaries", "1 a 9 salaries", "tpe"],
                              "10-49": ["10 a 49", "10 49 salaries", "10 a 49 salaries"],
                              "50-249": ["50 a 249", "50 249 salaries", "50 a 249 salaries"],
                              "250+": ["250 et plus", "250 ou plus", "250 salaries et plus", "250"]}),
                       "Classe de taille", "Saisissez 0, 1-9, 10-49, 50-249 ou 250+."),
                label="Taille (salariés)", example="10-49", totals_marker=True,
                choices=("0", "1-9", "10-49", "50-249", "250+")),
         _count("establishments", ("etablissements", "nombre", "nombre d etablissements", "nb"),
                "Établissements", example=14)),
        keys=("territory", "year", "naf", "size_class"),
        description="Établissements par secteur et classe de taille.",
    ),
    SheetSpec(
        "demandeurs", "jobseekers", "Demandeurs d'emploi",
        ("demandeurs", "demandeurs emploi", "jobseekers", "def", "defm", "demandeurs d emploi"),
        (TERRITORY, MESH, PERIOD, OCCUPATION,
         Column("category", ("categorie", "cat", "categories"),
                choice(_opts({"A": ["cat a"], "B": ["cat b"], "C": ["cat c"],
                              "ABC": ["a b c", "abc", "cat abc", "a+b+c"]}),
                       "Catégorie", "Saisissez A, B, C ou ABC."),
                required=True, label="Catégorie", example="A", choices=("A", "B", "C", "ABC")),
         AGE,
         _count("people", ("demandeurs", "demandeurs d emploi", "nombre", "effectif", "nb"),
                "Demandeurs", example=35)),
        keys=("territory", "period", "occupation", "category", "age_band"),
        description="Demandeurs d'emploi par métier ROME, catégorie et âge (France Travail).",
    ),
    SheetSpec(
        "offres", "offers", "Offres d'emploi", ("offres", "offers", "offres d emploi", "oee"),
        (TERRITORY, MESH, PERIOD, OCCUPATION,
         _count("offers", ("offres", "nombre d offres", "offres d emploi", "nombre", "oee", "nb"),
                "Offres", example=9)),
        keys=("territory", "period", "occupation"),
        description="Offres d'emploi par métier.",
    ),
    SheetSpec(
        "formation", "training", "Formation", ("training", "offre de formation", "formations"),
        (TERRITORY, MESH, YEAR,
         Column("title", ("formation", "intitule", "intitule de la formation", "diplome", "titre"),
                parse_text, required=True, label="Formation", example="CAP Réalisations industrielles en chaudronnerie",
                totals_marker=True),
         Column("level", ("niveau", "niveau de formation", "niveau rncp"), parse_text, label="Niveau",
                example="3 (CAP)"),
         Column("speciality", ("specialite", "domaine", "nsf", "specialite nsf"), parse_text,
                label="Spécialité", example="254 Structures métalliques"),
         OCCUPATION,
         _count("leavers", ("sortants", "inscrits", "effectif", "eleves"), "Sortants", required=False),
         _count("graduates", ("diplomes", "laureats", "admis", "certifies"), "Diplômés", required=False),
         _count("apprentices", ("apprentis", "dont apprentis", "alternants"), "Apprentis", required=False),
         Column("insertion_rate_6m", ("taux d insertion", "insertion a 6 mois", "taux d emploi a 6 mois",
                                      "taux insertion 6 mois", "insertion 6 mois"),
                parse_rate, maskable=True, label="Taux d'insertion à 6 mois (%)", example=68)),
        keys=("territory", "year", "title", "occupation"),
        description="Offre de formation: sortants, diplômés, apprentis, insertion à 6 mois.",
    ),
)


# --- company audit (audit) -----------------------------------------------------------------------
COMPANY_TYPES = _opts({
    "TPE": ["tres petite entreprise", "micro entreprise", "microentreprise"],
    "PME": ["petite et moyenne entreprise", "pme tpe"],
    "ETI": ["entreprise de taille intermediaire"],
    "GE": ["grande entreprise", "grand groupe", "grande"],
    "SIAE": ["structure d insertion", "insertion", "structure d insertion par l activite economique",
             "ei", "aci", "ai", "etti", "entreprise d insertion", "chantier d insertion"],
    "public": ["employeur public", "collectivite", "hopital", "etablissement public"],
    "association": ["asso", "esat"],
})
CONTRACTS = _opts({
    "CDI": ["contrat a duree indeterminee"], "CDD": ["contrat a duree determinee"],
    "interim": ["interimaire", "travail temporaire"], "apprentissage": ["apprenti", "apprentis"],
    "professionnalisation": ["contrat de professionnalisation", "pro", "alternance"],
    "saisonnier": ["saisonniers", "saison"], "insertion": ["cddi", "contrat d insertion"],
    "autre": ["autres", "divers"],
})
HORIZONS = _opts({
    "<1an": ["moins d 1 an", "moins d un an", "moins de 1 an", "< 1 an", "court terme", "0 1 an",
             "dans l annee", "12 mois"],
    "1-3ans": ["1 a 3 ans", "1 3 ans", "moyen terme", "de 1 a 3 ans"],
    "3-5ans": ["3 a 5 ans", "3 5 ans", "de 3 a 5 ans"],
    "5-10ans": ["5 a 10 ans", "5 10 ans", "long terme", "de 5 a 10 ans", "plus de 5 ans"],
})
REASONS = _opts({
    "penurie": ["manque de candidats", "penurie de candidats", "pas de candidats", "shortage",
                "nombre insuffisant de candidats"],
    "profil": ["profil inadapte", "competences", "inadequation des profils", "manque de competences",
               "qualification", "experience"],
    "conditions": ["conditions de travail", "penibilite", "horaires"],
    "salaire": ["remuneration", "salaires", "salaire insuffisant"],
    "image": ["image du metier", "image", "attractivite du metier"],
    "mobilite": ["transport", "mobilite", "transports", "eloignement"],
    "logement": ["logement", "hebergement"],
    "conjoint": ["emploi du conjoint", "travail du conjoint", "conjoint"],
    "concurrence": ["concurrence entre employeurs", "concurrence"],
    "autre": ["autres"],
})
THEMES = _opts({
    "recrutement": ["recruitment", "recrutements"],
    "integration": ["accueil", "onboarding", "integration des nouveaux", "accueil et integration"],
    "formation": ["training", "formations", "developpement des competences"],
    "transmission": ["transmission des savoir faire", "transmission des savoirs", "know how transmission",
                     "tutorat"],
    "management": [],
    "organisation": ["organisation du travail"],
    "conditions de travail": ["working conditions", "conditions"],
    "attractivite": ["marque employeur", "attractivite employeur", "employer attractiveness"],
    "mobilite": ["transport", "transport mobilite", "mobilite transport", "transports"],
    "logement": ["housing"],
    "dialogue social": ["social dialogue", "relations sociales"],
    "numerique": ["transition numerique", "digital", "digital transition", "numerique transition"],
})
COOP_TYPES = _opts({
    "tutorat": ["tutoring", "tuteur", "parrainage"],
    "formation mutualisee": ["formation commune", "pooled training", "formation partagee"],
    "groupement d employeurs": ["ge", "groupement", "employer group"],
    "pret de main d oeuvre": ["pret de personnel", "staff lending", "pret de main d oeuvre a but non lucratif"],
    "accueil insertion": ["accueil de stagiaires en insertion", "stagiaires insertion", "insertion",
                          "accueil de personnes en insertion"],
    "partage d equipements": ["equipements", "mutualisation d equipements", "sharing equipment"],
})
DIRECTION = _opts({"offre": ["propose", "offer", "offre", "peut offrir", "proposition"],
                   "besoin": ["recherche", "need", "demande", "a besoin"]})

COMPANY_REF = Column("siret", ("siret", "n siret", "numero siret", "siret etablissement", "entreprise siret"),
                     nom.siret, label="SIRET", example="52121436100011", totals_marker=True,
                     help="14 chiffres; dans un classeur par entreprise, la colonne peut être omise.")


def _audit_sheet(key, table, title, aliases, columns, keys, description) -> SheetSpec:
    return SheetSpec(key, table, title, aliases, (COMPANY_REF, *columns), ("siret", *keys), description)


_OCC = Column("occupation", OCCUPATION.aliases, nom.occupation, required=True,
              label="Métier (ROME)", example="H2913", totals_marker=True)

AUDIT_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "entreprise", "companies", "Entreprise", ("company", "entreprises", "identification", "societe"),
        (Column("siret", COMPANY_REF.aliases, nom.siret, required=True, label="SIRET",
                example="52121436100011"),
         Column("name", ("raison sociale", "nom de l entreprise", "entreprise", "denomination",
                         "societe", "nom entreprise", "company"), parse_text, required=True,
                label="Raison sociale", example="Coutellerie du Bassigny"),
         Column("naf", NAF.aliases, nom.naf, required=True, label="Code NAF", example="25.71Z"),
         Column("headcount", ("effectif", "effectif total", "salaries", "nombre de salaries", "headcount"),
                parse_count, required=True, label="Effectif total", example=42),
         Column("commune", ("commune", "code commune", "code insee commune", "insee commune", "code insee"),
                nom.commune, required=True, label="Commune (code Insee)", example="52269"),
         Column("company_type", ("type", "type d entreprise", "categorie", "type de structure"),
                choice(COMPANY_TYPES, "Type d'entreprise", "Saisissez TPE, PME, ETI, GE, SIAE, public ou association."),
                required=True, label="Type", example="PME",
                choices=("TPE", "PME", "ETI", "GE", "SIAE", "public", "association")),
         Column("club_member", ("club", "membre du club", "adherent", "membre du club d entreprises",
                                "adherent club"), parse_bool, label="Membre du club (oui/non)",
                example="oui", choices=("oui", "non"))),
        keys=("siret",),
        description="L'entreprise : SIRET, raison sociale, NAF, effectif, commune, type.",
    ),
    _audit_sheet(
        "effectifs", "workforce", "Effectifs", ("workforce", "effectif", "pyramide des ages", "personnel"),
        (_OCC, Column("age_band", AGE.aliases, parse_age_band, required=True, label="Tranche d'âge",
                      example="55-59 ans", expands=AGE.expands, totals_marker=True),
         Column("sex", SEX.aliases, parse_sex, required=True, label="Sexe", example="H",
                choices=("H", "F")),
         Column("contract", ("contrat", "type de contrat"),
                choice(CONTRACTS, "Contrat", "Saisissez CDI, CDD, intérim, apprentissage, professionnalisation, "
                       "saisonnier, insertion ou autre."), label="Contrat", example="CDI",
                choices=("CDI", "CDD", "interim", "apprentissage", "professionnalisation", "saisonnier",
                         "insertion", "autre")),
         Column("headcount", ("effectif", "nombre", "nb", "salaries", "headcount", "nombre de salaries"),
                parse_count, required=True, label="Effectif", example=4)),
        ("occupation", "age_band", "sex", "contract"),
        "Effectifs agrégés par métier, âge, sexe et contrat. Jamais de noms.",
    ),
    _audit_sheet(
        "departs", "departures", "Départs", ("departures", "departs prevus", "departs previsibles"),
        (_OCC, Column("horizon", ("horizon", "echeance", "delai"),
                      choice(HORIZONS, "Horizon", "Saisissez moins d'1 an, 1-3 ans, 3-5 ans ou 5-10 ans."),
                      required=True, label="Horizon", example="1-3 ans",
                      choices=("moins d'1 an", "1-3 ans", "3-5 ans", "5-10 ans")),
         Column("retirements", ("retraites", "departs en retraite", "depart retraite", "retraite"),
                parse_count, required=True, label="Départs en retraite", example=2),
         Column("other_departures", ("autres departs", "autres", "demissions", "autres departs prevus"),
                parse_count, label="Autres départs", example=0),
         Column("knowhow_at_risk", ("savoir faire menace", "savoir faire a risque", "savoir faire",
                                    "competences a transmettre", "savoir faire en risque"),
                parse_text, label="Savoir-faire menacé", example="Affûtage et polissage de lames")),
        ("occupation", "horizon"),
        "Départs prévus (retraite et autres) par métier et horizon, savoir-faire menacé.",
    ),
    _audit_sheet(
        "recrutements", "hires", "Recrutements", ("hires", "recrutement", "besoins de recrutement",
                                                  "recrutements prevus"),
        (_OCC, Column("horizon", ("horizon", "echeance", "delai"),
                      choice(HORIZONS, "Horizon", "Saisissez moins d'1 an ou 1-3 ans."),
                      required=True, label="Horizon", example="moins d'1 an",
                      choices=("moins d'1 an", "1-3 ans")),
         Column("positions", ("postes", "nombre de postes", "recrutements", "nombre", "nb", "postes a pourvoir"),
                parse_count, required=True, label="Postes", example=2),
         Column("contract", ("contrat", "type de contrat"), choice(CONTRACTS, "Contrat", "Saisissez CDI, CDD, …"),
                label="Contrat", example="CDI",
                choices=("CDI", "CDD", "interim", "apprentissage", "professionnalisation", "saisonnier",
                         "insertion", "autre")),
         Column("cadre", ("cadre", "poste cadre", "statut cadre"), parse_bool, label="Cadre (oui/non)",
                example="non", choices=("oui", "non")),
         Column("difficult", ("difficile", "juge difficile", "difficulte", "recrutement difficile",
                              "difficultes prevues"), parse_bool, required=True,
                label="Jugé difficile (oui/non)", example="oui", choices=("oui", "non")),
         Column("reasons", ("raisons", "motifs", "raisons des difficultes", "motifs de difficulte"),
                multi_choice(REASONS, "Raison", "Choisissez dans la liste (plusieurs séparées par ;)."),
                label="Raisons (séparées par ;)", example="penurie;mobilite",
                choices=tuple(sorted(set(REASONS.values())))),
         Column("months_to_fill", ("delai de recrutement", "mois pour pourvoir", "delai mois",
                                   "delai de recrutement mois"),
                parse_count, label="Délai de recrutement passé (mois)", example=5)),
        ("occupation", "horizon", "contract", "cadre"),
        "Recrutements prévus par métier et horizon, difficulté et raisons.",
    ),
    _audit_sheet(
        "competences", "missing_skills", "Compétences", ("competences manquantes", "skills",
                                                          "missing skills", "competence"),
        (Column("skill", ("competence", "competence manquante", "intitule", "skill"), parse_text,
                required=True, label="Compétence manquante", example="Soudage TIG inox"),
         Column("skill_code", ("code competence", "code esco", "code rome competence", "esco"),
                parse_text, label="Code compétence (ROME/ESCO)", example=""),
         Column("occupation", OCCUPATION.aliases, nom.occupation, label="Métier (ROME)", example="H2913"),
         Column("people", ("personnes", "personnes concernees", "nombre", "effectif", "nb"), parse_count,
                required=True, label="Personnes concernées", example=3),
         Column("criticality", ("criticite", "criticite 1 3", "importance"), parse_int_in(1, 3),
                required=True, label="Criticité (1-3)", example=3, choices=("1", "2", "3")),
         Column("trainable_inhouse", ("formable en interne", "formation interne", "interne"), parse_bool,
                label="Formable en interne (oui/non)", example="non", choices=("oui", "non")),
         Column("single_holder", ("detenteur unique", "un seul detenteur", "seul detenteur"), parse_bool,
                label="Un seul détenteur (oui/non)", example="oui", choices=("oui", "non"))),
        ("skill", "occupation"),
        "Compétences manquantes : personnes concernées, criticité, détenteur unique.",
    ),
    _audit_sheet(
        "diagnostic", "assessments", "Diagnostic", ("assessment", "forces et faiblesses", "diagnostic rh",
                                                    "themes"),
        (Column("theme", ("theme", "thematique", "domaine"),
                choice(THEMES, "Thème", "Choisissez un thème de la liste déroulante."), required=True,
                label="Thème", example="transmission", choices=tuple(dict.fromkeys(THEMES.values())),
                totals_marker=True),
         Column("score", ("note", "score", "note 1 4", "evaluation"), parse_int_in(1, 4), required=True,
                label="Note (1 = point faible, 4 = point fort)", example=2, choices=("1", "2", "3", "4")),
         Column("comment", ("commentaire", "commentaires", "observations", "remarque"), parse_text,
                label="Commentaire", example="Pas de tutorat formalisé")),
        ("theme",),
        "Forces et faiblesses par thème (note 1 à 4) et commentaire.",
    ),
    _audit_sheet(
        "cooperation", "cooperation", "Coopération", ("cooperations", "cooperation inter entreprises",
                                                       "mutualisation"),
        (Column("cooperation_type", ("type", "type de cooperation", "cooperation", "dispositif"),
                choice(COOP_TYPES, "Type de coopération", "Choisissez dans la liste déroulante."),
                required=True, label="Type de coopération", example="tutorat",
                choices=tuple(dict.fromkeys(COOP_TYPES.values()))),
         Column("direction", ("sens", "offre ou besoin", "offre besoin", "direction"),
                choice(DIRECTION, "Sens", "Saisissez offre ou besoin."), required=True,
                label="Offre ou besoin", example="offre", choices=("offre", "besoin")),
         Column("occupation", OCCUPATION.aliases, nom.occupation, label="Métier (ROME)", example="H2913"),
         Column("skill", ("competence", "savoir faire"), parse_text, label="Compétence", example=""),
         Column("people", ("personnes", "nombre", "capacite", "nb"), parse_count, label="Personnes",
                example=1),
         Column("period_note", ("periode", "saisonnalite", "periode de pointe", "mois"), parse_text,
                label="Période (saisonnalité)", example="juin-septembre"),
         Column("comment", ("commentaire", "commentaires", "precisions"), parse_text, label="Commentaire",
                example="")),
        ("cooperation_type", "direction", "occupation", "skill"),
        "Ce que l'entreprise offre ou cherche : tutorat, formation mutualisée, groupement d'employeurs…",
    ),
)

KIND_SHEETS: dict[str, tuple[SheetSpec, ...]] = {"opeq": OPEQ_SHEETS, "audit": AUDIT_SHEETS}


def spec_for_sheet(kind: str, sheet_name: str) -> SheetSpec | None:
    for spec in KIND_SHEETS[kind]:
        if spec.matches_sheet(sheet_name):
            return spec
    return None
