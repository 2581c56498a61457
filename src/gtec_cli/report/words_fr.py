"""The report's words in French: furniture of tables and pages, then the sections' sentences."""

WORDS = {
    "doc_title": "Diagnostic emploi-compétences",
    "doc_subtitle": "État des lieux du territoire",
    "edition_committee": "Édition pour le comité de pilotage",
    "edition_internal": "ÉDITION INTERNE NOMINATIVE — NE PAS DIFFUSER",
    "internal_warning": "Cette édition nomme les entreprises auditées. Elle est réservée à l'équipe "
                        "projet et ne doit pas être transmise au comité de pilotage.",
    "period": "Période",
    "edited_on": "Édité le {date} avec gtec {version}",
    "toc": "Sommaire",
    "colon": "\u00a0:",
    "page": "page",
    # sections
    "s_summary": "Synthèse : les constats clés",
    "s_framing": "Cadrage : territoire, mailles et sources",
    "s_population": "Population et vieillissement",
    "s_economy": "Économie et emploi",
    "s_labour": "Marché du travail",
    "s_training": "Offre de formation",
    "s_audits": "Les audits d'entreprises",
    "s_audit_hires": "Recrutements prévus et difficultés",
    "s_audit_reasons": "Raisons des difficultés",
    "s_audit_departures": "Départs prévus",
    "s_audit_skills": "Compétences manquantes",
    "s_audit_themes": "Points faibles et leviers par thème",
    "s_triangulation": "Croisement des sources par métier",
    "s_cooperation": "Coopérations possibles entre entreprises",
    "s_changes": "Évolutions depuis la période précédente",
    "s_annexes": "Annexes",
    "s_methodology": "Méthodologie : les indicateurs",
    "s_quality": "Qualité des données et avertissements",
    "s_secrecy": "Secret statistique : cellules masquées",
    "s_provenance": "Provenance : version, réglages et fichiers",
    "s_glossary": "Glossaire",
    "s_named": "Annexe interne : entreprises auditées",
    # table furniture
    "source": "Source",
    "vintage": "Millésime",
    "base": "Champ",
    "total": "Ensemble",
    "secret_note": "s : valeur masquée au titre du secret statistique (moins de {min_companies} "
                   "entreprises, une entreprise représentant {dominance} % ou plus de la valeur, ou "
                   "masquage secondaire pour qu'aucune valeur masquée ne puisse être recalculée).",
    "fragile_note": "† : base inférieure au seuil de fiabilité ({companies} entreprises ou "
                    "{people} personnes) : chiffre à lire avec prudence.",
    "missing_note": "— : donnée absente ou non publiée par la source.",
    "figure": "Graphique",
    "table": "Tableau",
    "reading": "Lecture",
    "data_of_chart": "Données du graphique",
    "absent": "Données absentes pour cette partie : {what}.",
    "audit_source": "Audits d'entreprises gtec, période {period}",
    # framing
    "territory": "Territoire",
    "code": "Code officiel",
    "mesh": "Maille",
    "comparisons": "Territoires de comparaison",
    "none": "aucun",
    "custom_territory": "liste de {n} communes",
    "kind": "Type de fichier",
    "coverage": "Couverture",
    "drops": "Dépôts",
    "periods": "Périodes",
    # provenance
    "gtec_version": "Version de gtec",
    "settings": "Réglages (gtec.toml)",
    "setting": "Réglage",
    "value": "Valeur",
    "file": "Fichier",
    "sha256": "SHA-256",
    "stored_on": "Enregistré le",
    "rows": "Lignes",
    "audit_file_hidden": "classeur d'audit n° {id}",
    "audit_names_note": "Les noms des classeurs d'audit ne sont pas imprimés dans l'édition pour le "
                        "comité (ils désignent souvent l'entreprise) ; leur empreinte SHA-256 "
                        "identifie chaque fichier sans ambiguïté.",
    "attachment_note": "Les tableaux de ce rapport sont joints au PDF au format CSV ({name}) : "
                       "ouvrez le panneau des pièces jointes de votre lecteur PDF.",
    "attachment_description": "Tableaux du diagnostic (valeurs publiées ; cellules masquées vides)",
    # glossary
    "term": "Terme",
    "definition": "Définition",
    # methodology
    "indicator": "Indicateur",
    "formula": "Formule",
    "unit": "Unité",
    "caveats": "Précautions",
    "thresholds": "Seuils appliqués : secret statistique n ≥ {min_companies} entreprises et "
                  "dominance < {dominance} % ; fiabilité {small_companies} entreprises ou "
                  "{small_people} personnes ; âge de départ en retraite {retirement_age} ans "
                  "(scénarios {scenarios}).",
}


WORDS.update({
    # absences: "Données absentes pour cette partie : {what}."
    "absent_audits": "aucun audit d'entreprise enregistré pour cette période (gtec ingest audit-*.xlsx)",
    "absent_hires": "aucun recrutement prévu dans les audits",
    "absent_reasons": "aucune raison de difficulté déclarée dans les audits",
    "absent_departures": "aucun départ prévu déclaré dans les audits",
    "absent_skills": "aucune compétence manquante déclarée dans les audits",
    "absent_themes": "aucune auto-évaluation par thème dans les audits",
    "absent_cooperation": "aucune offre ni besoin de coopération déclaré dans les audits",
    "absent_population": "pas de population par âge (feuille Population du classeur de l'observatoire "
                         "ou recensement Insee)",
    "absent_pyramid": "pas de population par sexe et âge pour dessiner la pyramide",
    "absent_employment": "pas d'emploi par secteur (feuille Emploi du classeur de l'observatoire)",
    "absent_labour": "ni demandeurs d'emploi, ni offres, ni enquête BMO, ni indicateurs de tension",
    "absent_offers": "pas d'offres ni de demandeurs d'emploi par métier pour le territoire",
    "absent_bmo": "pas d'enquête BMO (fichier open data de France Travail)",
    "absent_tension": "pas d'indicateurs de tension (Dares ou France Travail)",
    "absent_training": "pas d'offre de formation (feuille Formation du classeur de l'observatoire)",
    "absent_triangulation": "il faut des audits avec des recrutements prévus par métier",
    "absent_sources": "aucun fichier enregistré",
    "absent_summary": "aucune donnée n'a permis de constat",
    "no_previous_period": "Première période enregistrée : pas encore de comparaison possible.",
    # summary
    "summary_intro": "Ce que disent les données de {territory} pour la période « {period} ». Chaque "
                     "constat renvoie à une partie du rapport, où figurent la source, le millésime et "
                     "le champ du chiffre.",
    "summary_reading": "Les chiffres issus des audits respectent le secret statistique ; ceux dont la base "
                       "est faible portent une croix (†).",
    "finding_ageing": "Indice de vieillissement — {territory}, {year} : {value} personnes de 65 ans ou "
                      "plus pour 100 de moins de 20 ans{comparison}.",
    "versus": "{territory} : {value}",
    "finding_55": "Part des actifs occupés ayant 55 ans ou plus — {territory} : {share}.",
    "finding_departures_public": "{n} départs en fin de carrière attendus d'ici {h} ans (départ à {age} "
                                 "ans), soit {share} des actifs occupés.",
    "finding_bmo": "Projets de recrutement jugés difficiles par les employeurs — {territory}, BMO "
                   "{year} : {share}.",
    "finding_tension": "Métiers en tension très forte (classe 5) — {territory}, {year} : {share}.",
    "finding_training": "{n} formations recensées, {graduates} diplômés en {year}.",
    "finding_hires": "Les {n} entreprises auditées prévoient {positions} recrutements, dont {share} "
                     "jugés difficiles.",
    "finding_reasons": "Première raison des difficultés : {reason} ({share} des postes concernés).",
    "finding_departures": "Les entreprises auditées prévoient {total} départs, dont {retirements} départs "
                          "en retraite.",
    "finding_skills": "Compétence manquante au plus fort enjeu (criticité × personnes) : {skill} ; "
                      "{n} compétences manquantes sont citées par plusieurs entreprises.",
    "finding_themes": "Point le plus faible selon les entreprises : {weakest} (note moyenne {score} sur 4).",
    "finding_triangulation": "Sur les {shown} métiers dont les chiffres d'audit sont publiables (sur {n} "
                             "cités), audits et sources publiques concordent pour {agree} et divergent "
                             "pour {disagree}.",
    "triangulation_hidden": "{n} autres métiers cités dans les audits réunissent moins de {min_companies} "
                            "entreprises (ou une entreprise dominante) : leurs chiffres d'audit et leur "
                            "verdict restent couverts par le secret ; voici les sources publiques qui les "
                            "concernent.",
    "triangulation_public_title": "Sources publiques pour les autres métiers cités dans les audits",
    "finding_cooperation": "{n} coopérations possibles entre entreprises : {list}.",
    # framing
    "framing_title": "Territoire étudié",
    "item": "Élément",
    "aliases": "Autres mailles du territoire (sources)",
    "sources_title": "Sources et millésimes utilisés",
    "sources_note": "Liste détaillée des fichiers et de leurs empreintes en annexe « Provenance ».",
    "read_from": "{territory} : chiffres lus dans {codes} (maille publiée par la source).",
    "approximation": "Approximation : {text}.",
    # population
    "population_title": "Population et vieillissement",
    "year": "Année",
    "years": "Années",
    "population": "Population",
    "ageing_index": "Indice de vieillissement",
    "share_60": "Part des 60 ans ou plus",
    "share_75": "Part des 75 ans ou plus",
    "source_census": "Insee, recensement de la population et estimations",
    "base_inhabitants": "habitants",
    "pyramid_title": "Pyramide des âges, {territory}, {year}",
    "age": "Âge",
    "men": "Hommes",
    "women": "Femmes",
    "share_of_population": "Part de la population",
    "pyramid_alt": "Pyramide des âges ({territory}, {year}, {total} habitants) : hommes à gauche, "
                   "femmes à droite, âges de bas en haut, chaque barre couvrant sa tranche d'âge ; la "
                   "tranche {band} regroupe {share} de la population{comparison}.",
    "share_per_year": "Part de la population par année d'âge (%)",
    "pyramid_alt_comparison": " ; le trait fin montre la répartition ({territory})",
    "ageing_trend_title": "Évolution de l'indice de vieillissement",
    "ageing_trend_alt": "Indice de vieillissement ({territory}) : {start} en {y0}, {end} en {y1}.",
    "population_change_title": "Évolution de la population",
    "population_start": "Population au début",
    "population_end": "Population à la fin",
    "change": "Évolution",
    "annual_rate": "Taux annuel moyen",
    "omphale_note": "L'Insee ne publie pas de projection de population (Omphale) pour les territoires de "
                    "moins de 50 000 habitants : reportez-vous à la projection du département.",
    # economy
    "sectors_title": "Emploi par secteur d'activité, {territory}, {year}",
    "sector": "Secteur (NAF)",
    "employed": "Actifs occupés",
    "share": "Part",
    "other_sectors": "Autres secteurs",
    "source_observatory": "Observatoire de l'emploi (classeur OPEQ)",
    "base_employed": "personnes en emploi",
    "sectors_alt": "Premier secteur employeur : {sector} ({share} des {total} emplois).",
    "establishments_title": "Établissements par taille, {territory}, {year}",
    "size_class": "Taille (salariés)",
    "establishments": "Établissements",
    "base_establishments": "établissements",
    "workforce_ageing_title": "Vieillissement des actifs occupés",
    "scope": "Champ",
    "scope_territory": "Territoire",
    "scope_audits": "Entreprises auditées",
    "scope_national": "France",
    "share_50": "Part des 50 ans ou plus",
    "share_55": "Part des 55 ans ou plus",
    "junior_senior": "Rapport moins de 30 ans / 55 ans ou plus",
    "source_workforce": "Observatoire (emploi), audits gtec, Dares (portraits statistiques des métiers)",
    "national_check": "Valeurs de contrôle nationales (Dares, 2017-2019) : 30,6 % de 50 ans ou plus et "
                      "17,4 % de 55 ans ou plus, tous métiers.",
    "departures_public_title": "Départs en fin de carrière attendus et taux de remplacement",
    "horizon": "Horizon",
    "within_years": "d'ici {h} ans",
    "departures_at": "Départs, retraite à {age} ans",
    "replacement_at": "Taux de remplacement ({age} ans)",
    "central": "hypothèse centrale",
    "source_departures": "gtec d'après l'emploi par âge (observatoire) et les audits",
    "departures_method": "Départ quand l'âge plus l'horizon atteint l'âge de retraite retenu ; âges "
                         "supposés répartis uniformément dans chaque tranche.",
    # labour market
    "offers_title": "Demandeurs d'emploi et offres par métier, {territory}",
    "occupation": "Métier",
    "jobseekers_cat": "Demandeurs d'emploi ({cats})",
    "offers": "Offres",
    "offers_per_jobseeker": "Offres par demandeur",
    "base_jobseekers": "demandeurs d'emploi et offres enregistrés",
    "bmo_title": "Projets de recrutement (enquête BMO)",
    "bmo_projects": "Projets de recrutement",
    "difficult_share": "Part difficile",
    "seasonal_share": "Part saisonnière",
    "masked_rows": "Lignes masquées",
    "source_bmo": "France Travail, enquête Besoins en Main-d'Œuvre",
    "base_projects": "projets de recrutement déclarés",
    "bmo_note": "Estimations d'enquête (environ 25 % de réponses, redressées) ; les cellules masquées "
                "par France Travail sont laissées de côté, jamais comptées comme 0.",
    "bmo_occupations_title": "Projets de recrutement par métier (BMO), {territory}",
    "difficult_projects": "dont difficiles",
    "bmo_alt": "Premier métier recruteur : {occupation} ({projects} projets, {share} jugés difficiles).",
    "tension_distribution_title": "Métiers par classe de tension, {territory}",
    "tension_class": "Classe de tension",
    "tension_class_n": "Classe {n}",
    "occupations": "Métiers",
    "source_tension_ft": "France Travail, indicateurs de tension par métier et bassin",
    "source_tension_dares": "Dares et France Travail, les tensions sur le marché du travail",
    "base_occupations": "métiers classés (niveau {level})",
    "tension_note": "Classes publiées par la source, jamais recalculées : 1 = tension très faible, 5 = "
                    "très forte ; les classes ne sont pas des quintiles de l'année.",
    "tension_factors_title": "Facteurs de tension des métiers les plus tendus, {territory}",
    "tension_alt": "Facteurs de tension (classes 1 à 5) des {n} métiers les plus tendus ({territory}) : "
                   "plus la case est foncée, plus le facteur pèse.",
    # training
    "training_title": "Offre de formation, {territory}, {year}",
    "programme": "Formation",
    "level": "Niveau",
    "leavers": "Sortants",
    "graduates": "Diplômés",
    "apprentices": "Apprentis",
    "insertion": "Insertion à 6 mois",
    "source_training": "Observatoire (classeur OPEQ, feuille Formation)",
    "base_programmes": "{n} formations",
    # audits
    "audits_intro": "{n} entreprises ont répondu à l'audit pour la période « {period} ». Leurs réponses "
                    "sont confidentielles : un chiffre n'est publié que s'il réunit au moins "
                    "{min_companies} entreprises et qu'aucune ne pèse {dominance} % ou plus ; d'autres "
                    "cases sont masquées pour qu'aucune valeur cachée ne puisse être recalculée. Les "
                    "métiers sont regroupés par grand domaine du ROME.",
    "companies_by_type": "Entreprises auditées par type",
    "company_type": "Type d'entreprise",
    "companies": "Entreprises",
    "base_companies": "{n} entreprises auditées",
    "domain": "Grand domaine (ROME)",
    "hires_title": "Recrutements prévus par domaine et horizon",
    "planned_positions": "Postes prévus",
    "of_which_difficult": "dont difficiles",
    "base_positions": "postes prévus par {n} entreprises",
    "base_departures": "départs prévus par {n} entreprises",
    "hires_alt": "Les entreprises auditées prévoient {total} recrutements, dont {difficult} jugés "
                 "difficiles ({share}) ; barres : postes prévus par domaine, en orange ceux jugés difficiles.",
    "hires_alt_hidden": "Les totaux sont couverts par le secret statistique.",
    "reasons_title": "Raisons des difficultés de recrutement",
    "reason": "Raison",
    "positions": "Postes",
    "share_of_concerned": "Part des postes concernés",
    "reasons_note": "Plusieurs raisons possibles par poste : les parts ne s'additionnent pas.",
    "base_concerned": "{n} postes difficiles ou avec une raison déclarée",
    "reasons_alt": "Première raison citée : {reason}, pour {share} des postes concernés.",
    "departures_title": "Départs prévus par domaine et horizon",
    "of_which_retirements": "dont retraites",
    "single_holder": "Savoir-faire détenus par une seule personne qui partira d'ici {h} ans : {value} "
                     "en espérance, sur {pairs} savoir-faire à détenteur unique déclarés par {n} entreprises.",
    "skills_title": "Compétences manquantes",
    "skill": "Compétence",
    "people_concerned": "Personnes concernées",
    "mean_criticality": "Criticité moyenne (1-3)",
    "skill_score": "Score (criticité × personnes)",
    "skills_note": "Une compétence n'est nommée que si au moins {n} entreprises la citent : son libellé, "
                   "saisi par une entreprise, pourrait la désigner.",
    "other_skills": "Autres compétences (citées par trop peu d'entreprises)",
    "skills_alt": "Compétence au score le plus élevé : {skill} ({score}).",
    "themes_title": "Note moyenne par thème et type d'entreprise (1 = point faible, 4 = point fort)",
    "theme": "Thème",
    "all_companies": "Ensemble",
    "themes_note": "Thèmes classés du plus faible au plus fort ; les faibles notes désignent les leviers "
                   "d'action prioritaires.",
    "mean_score": "Note moyenne",
    "themes_alt": "Carte de chaleur des notes moyennes (rouge : point faible, vert : point fort) ; thème le "
                  "plus faible : {weakest} ; le plus fort : {strongest}.",
    # cooperation
    "cooperation_title": "Offres et besoins de coopération (nombre d'entreprises)",
    "cooperation_type": "Coopération",
    "offering": "Entreprises qui l'offrent",
    "needing": "Entreprises qui la cherchent",
    "opportunity": "Rapprochement possible",
    "yes": "oui",
    "no": "non",
    "cooperation_note": "Une entreprise peut offrir ou chercher plusieurs coopérations.",
    "cooperation_text": "Offres et besoins se rencontrent pour : {list}.",
    # triangulation
    "triangulation_title": "Audits et sources publiques, métier par métier",
    "triangulation_intro": "Pour chaque métier où les entreprises auditées prévoient de recruter, le "
                           "tableau met la difficulté déclarée dans les audits en regard de l'enquête BMO, "
                           "de la classe de tension et du rapport offres/demandeurs. Un désaccord est un "
                           "constat à discuter, pas une erreur.",
    "audit_difficult": "Part difficile (audits)",
    "bmo_difficult": "Part difficile (BMO)",
    "tension_class_where": "Classe de tension (territoire)",
    "verdict": "Verdict",
    "source_triangulation": "Audits gtec ; France Travail (BMO, tension) ; Dares",
    "base_triangulation": "métiers des recrutements prévus dans les audits",
    "triangulation_rule": "Les audits disent « difficile » à partir de {audit} de postes difficiles ; les "
                          "sources publiques disent « tendu » à partir de {bmo} de projets difficiles (BMO) "
                          "ou de la classe de tension {tension}.",
    # changes
    "changes_title": "Évolutions entre {before} et {now}",
    "change_audit_companies": "Entreprises auditées",
    "change_audit_positions": "Recrutements prévus (audits)",
    "change_audit_difficult_share": "Part des recrutements jugés difficiles (audits)",
    "change_ageing_index": "Indice de vieillissement",
    "change_bmo_difficult_share": "Part des projets difficiles (BMO)",
    "source_changes": "gtec, mêmes indicateurs calculés pour chaque période",
    "changes_note": "Écarts en points pour les parts ; les entreprises auditées peuvent changer d'une période "
                    "à l'autre.",
    # annexes
    "method_secrecy": "Secret statistique : chaque tableau issu des audits est protégé avec les règles de "
                      "la statistique publique (loi du 7 juin 1951, règles de l'Insee appliquées par "
                      "τ-Argus). Règle de fréquence (statut A), règle de dominance (B), masquage secondaire "
                      "(D) : gtec vérifie par le calcul qu'aucune case masquée ne peut être retrouvée à "
                      "partir des totaux publiés, y compris entre tableaux qui partagent des totaux.",
    "method_domains": "Les tableaux d'audit regroupent les métiers par grand domaine du ROME ; la "
                      "triangulation reste au niveau du métier, avec les mêmes règles de secret.",
    "method_bmo": "L'enquête BMO est une enquête déclarative (environ 25 % de réponses, redressées) : ses "
                  "chiffres sont des estimations.",
    "method_ratios": "Toutes les parts sont des rapports de sommes, jamais des moyennes de parts, et sont "
                     "publiées avec leur base.",
    "registry_title": "Registre des indicateurs",
    "gtec_own": "(mesure propre à gtec)",
    "source_registry": "gtec, registre des indicateurs",
    "quality_intro": "Avertissements relevés lors de l'enregistrement de chaque fichier : ils ne bloquent "
                     "pas, mais disent ce qu'il faut vérifier.",
    "quality_title": "Avertissements et constats par fichier",
    "warnings": "Avertissements",
    "masked_cells": "Cellules masquées",
    "findings_codes": "Constats (code × nombre)",
    "source_ingest": "gtec, contrôles à l'enregistrement (gtec ingest)",
    "quality_note": "Le détail de chaque constat s'obtient avec `gtec validate FICHIER`.",
    "secrecy_intro": "Cases masquées dans les tableaux de ce rapport. Seuils : au moins {min_companies} "
                     "entreprises par case, aucune entreprise à {dominance} % ou plus de la valeur.",
    "secrecy_title": "Cases masquées par tableau et par règle",
    "rule_a": "Fréquence (A)",
    "rule_b": "Dominance (B)",
    "rule_d": "Secondaire (D)",
    "provenance_intro": "Rapport produit par gtec {version}. Il se reconstruit à l'identique depuis "
                        "l'espace de travail avec les fichiers ci-dessous (reconnus par leur SHA-256) et "
                        "les réglages qui suivent.",
    "drops_title": "Fichiers utilisés",
    "named_companies_title": "Entreprises auditées",
    "named_comments_title": "Commentaires des entreprises par thème",
    "company": "Entreprise",
    "headcount": "Effectif",
    "commune": "Commune",
    "score": "Note",
    "comment": "Commentaire",
    "name": "Nom",
})
