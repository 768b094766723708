"""French words of financial access, care pathways, the supply of psychologists and the co-payment check
(docs/universalism.md): page title, column and group words, and indicator definitions for the glossary."""

PAGE: dict[str, str] = {"access": "Universalisme"}
TABS: tuple[str, ...] = ("tab_access", "tab_pathways", "tab_supply", "tab_copayment")  # TEXT keys, in order

# Column and group words, for the results of queries/access, queries/pathways, queries/supply and
# queries/rules/copayment_check (referenced as `access.<key>`). The wait thresholds (30 and 90 days) and
# the course gap (183 days) are those of data/reference/pathways.csv: change both together.
TEXT: dict[str, str] = {
    "intro": (
        "L'universalisme proportionné : des soins pour tous, et proportionnellement plus pour ceux que l'offre "
        "atteint le moins. Qui arrive (patients au tarif préférentiel, nouveaux patients), combien de temps "
        "chacun attend sa deuxième séance, combien de séances compte une série, et combien de psychologues "
        "exercent pour 10 000 habitants."
    ),
    # tabs and section words of the page
    "tab_access": "Accès financier",
    "tab_pathways": "Parcours",
    "tab_supply": "Offre de psychologues",
    "tab_copayment": "Quotes-parts",
    "bim_over_time": "Part des patients BIM, mois par mois",
    "new_over_time": "Nouveaux patients par mois",
    "wait_by": "Délai médian entre 1re et 2e séance, par {breakdown}",
    "supply_areas": "Psychologues actifs pour 10 000 habitants, par zone de cabinet",
    "supply_communes": "Psychologues par commune de cabinet",
    "copayment_table": "Séances contrôlées par règle et par réseau",
    "copayment_summary": ("Sur {sessions} séances contrôlées, {mismatched} ont une quote-part qui ne suit pas la "
                          "règle en vigueur ({over} où trop a été demandé, {under} où trop peu) ; {unchecked} "
                          "n'ont pas pu être contrôlées."),
    "no_patients": "Aucun patient pour ces filtres sur cette période.",
    "no_patient_in_group": "aucun patient",  # a bar whose share is of no one (not hidden, not 0 %)
    "few_people": "Certains chiffres reposent sur moins de {threshold} personnes : ils sont masqués dans les fichiers et en mode public.",
    "south_north": "Patients BIM : {south} au sud, {north} au nord (résidence).",
    "no_commune_without": "Chaque commune de la province compte au moins un psychologue actif dans la période.",
    # the report's section and findings (psynam/report/universalism.py)
    "section": "Universalisme proportionné : accès, parcours, offre",
    "finding_bim": "{bim} patients sur {patients} ({pct}) ont le tarif préférentiel (BIM) à leur première séance de la période.",
    "finding_south_north": "Au sud, {south} des patients sont BIM, contre {north} au nord : une part {word}.",
    "lower": "plus faible",
    "higher": "plus élevée",
    "similar": "semblable",
    "finding_new": "{new} des {patients} patients de la période sont nouveaux (première séance jamais enregistrée).",
    "finding_single": "{pct} des patients n'ont eu qu'une seule séance individuelle dans la période.",
    "finding_wait": "Les nouveaux patients revus attendent en médiane {days} jours leur deuxième séance ; {long} attendent plus de 90 jours.",
    "finding_supply": "La province compte {rate} psychologues actifs pour 10 000 habitants ; {without} communes n'ont aucun psychologue actif.",
    # titles of one breakdown of a table
    "bim_by": "Patients au tarif préférentiel (BIM) par {breakdown}",
    "pathways_by": "Parcours par {breakdown}",
    # groups
    "breakdown": "Lecture",
    "group": "Groupe",
    "group_code": "Code du groupe",
    "nested_in": "Zone de l'arrondissement",
    "nested_in_level": "Niveau (codage 2021) du code",
    "nis": "Code INS",
    "all": "Ensemble",
    "network": "Réseau",
    "zone": "Zone de résidence",
    "arrondissement": "Arrondissement",
    "age_band": "Tranche d'âge",
    "care_level": "Niveau de soins",
    "level_2021": "Niveau (codage 2021)",
    "north": "Nord (arr. de Namur)",
    "south": "Sud (Dinant, Philippeville)",
    "hors_province": "Hors province",
    "unknown": "Commune inconnue",
    "premiere_ligne": "Première ligne (2021 ; soutien et interventions communautaires depuis le 01/04/2024)",
    "specialise": "Spécialisé (2021 ; traitement depuis le 01/04/2024)",
    "month": "Mois",
    "province": "Province",
    "area": "Zone",
    "area_code": "Code de la zone",
    "arrondissement_of": "Arr. de {name}",
    # financial access
    "patients": "Patients",
    "bim_patients": "Patients BIM",
    "bim_patients_pct": "Part des patients BIM",
    "individual_sessions": "Séances individuelles",
    "bim_sessions": "Séances des patients BIM",
    "other_sessions": "Séances des autres patients",
    "sessions_per_patient": "Séances par patient",
    "sessions_per_bim_patient": "Séances par patient BIM",
    "sessions_per_other_patient": "Séances par patient non BIM",
    # pathways
    "new_patients": "Nouveaux patients",
    "returning_patients": "Patients déjà suivis",
    "new_patients_pct": "Part de nouveaux patients",
    "single_session_patients": "Patients à séance unique",
    "single_session_patients_pct": "Part de patients à séance unique",
    "new_with_second_session": "Nouveaux patients revus",
    "median_days_first_to_second": "Délai médian entre 1re et 2e séance (jours)",
    "wait_short_days": "Seuil d'attente court (jours)",
    "wait_long_days": "Seuil d'attente long (jours)",
    "over_short_wait": "Attente de plus de 30 jours",
    "over_short_wait_pct": "Part d'attentes de plus de 30 jours",
    "over_long_wait": "Attente de plus de 90 jours",
    "over_long_wait_pct": "Part d'attentes de plus de 90 jours",
    "courses": "Séries de séances commencées",
    "course_sessions": "Séances de ces séries",
    "sessions_per_course": "Séances par série",
    "single_session_courses": "Séries d'une seule séance",
    "closed_courses": "Séries terminées",
    "closed_course_sessions": "Séances des séries terminées",
    "sessions_per_closed_course": "Séances par série terminée",
    # supply
    "population": "Population",
    "communes": "Communes",
    "commune": "Commune",
    "registered_psychologists": "Psychologues conventionnés",
    "active_psychologists": "Psychologues actifs",
    "registered_per_10000": "Psychologues conventionnés pour 10 000 hab.",
    "active_per_10000": "Psychologues actifs pour 10 000 hab.",
    "without_psychologist": "Sans psychologue actif",
    "communes_without_psychologist": "Communes sans psychologue actif",
    "population_without_psychologist": "Habitants des communes sans psychologue actif",
    # co-payment check
    "rule": "Règle",
    "rule_code": "Code de la règle",
    "no_rule": "Aucune règle en vigueur",
    "expected_fee_eur": "Quote-part prévue",
    "sessions": "Séances contrôlées",
    "matching_sessions": "Séances conformes",
    "mismatched_sessions": "Séances non conformes",
    "overcharged_sessions": "Séances où trop a été demandé",
    "undercharged_sessions": "Séances où trop peu a été demandé",
    "unchecked_sessions": "Séances non contrôlées",
    "mismatched_sessions_pct": "Part de séances non conformes",
    "overcharged_eur": "Montant demandé en trop",
    "undercharged_eur": "Montant non demandé",
}

INDICATORS: dict[str, tuple[str, str]] = {
    "bim_patients": (
        "Patients au tarif préférentiel (BIM)",
        "Patients dont la première séance individuelle de la période (par date, puis par identifiant de "
        "séance) est au tarif préférentiel ; un statut inconnu compte comme non BIM. Leur part est rapportée "
        "à l'ensemble des patients. Lue aussi par réseau, par zone et arrondissement de résidence (commune du "
        "patient à cette séance), par tranche d'âge (âge à cette séance) et mois par mois.",
    ),
    "sessions_per_patient_by_bim": (
        "Séances par patient selon le statut BIM",
        "Séances individuelles de la période des patients BIM (ou non BIM), rapportées au nombre de ces "
        "patients ; le statut est celui de leur première séance individuelle de la période.",
    ),
    "bim_share_south_north": (
        "Part des patients BIM, sud et nord",
        "Part des patients BIM parmi les patients résidant dans le sud (arrondissements de Dinant et "
        "Philippeville), à côté de la même part au nord : un écart montre si l'accès financier atteint "
        "autant le sud.",
    ),
    "new_patients": (
        "Nouveaux patients",
        "Patients de la période dont la première séance individuelle jamais enregistrée (sur toute la base, "
        "dans les réseaux choisis) tombe dans la période. Les autres patients de la période sont « déjà "
        "suivis ». Un patient est classé (réseau, niveau de soins) selon sa première séance individuelle "
        "de la période.",
    ),
    "single_session_patients": (
        "Patients à séance unique",
        "Patients ayant exactement une séance individuelle dans la période, après filtres (une deuxième "
        "séance après la fin de la période n'y change rien).",
    ),
    "median_days_first_to_second": (
        "Délai entre la première et la deuxième séance",
        "Pour les nouveaux patients de la période revus au moins une fois (à n'importe quelle date, dans les "
        "réseaux choisis), le nombre de jours entre leur première et leur deuxième séance individuelle : "
        "médiane (moyenne des deux valeurs centrales pour un nombre pair) et parts de plus de 30 et de plus "
        "de 90 jours (l'« attente cachée » des NHS Talking Therapies).",
    ),
    "sessions_per_course": (
        "Séances par série",
        "Une série est une suite de séances individuelles d'un patient dans un réseau sans interruption de "
        "plus de 183 jours. Les séries comptées sont celles dont la première séance est dans la période "
        "(après filtres), avec toutes leurs séances, même après la période ; une série est terminée quand "
        "la dernière séance de la base a plus de 183 jours d'écart avec sa dernière séance.",
    ),
    "active_psychologists_per_10000": (
        "Psychologues pour 10 000 habitants",
        "Psychologues actifs (au moins une séance ou une clairvision dans la période) dont la commune de "
        "cabinet est dans la zone, rapportés à la population de la zone, × 10 000 (comme l'indicateur MH-12 "
        "de Healthy Belgium). Les psychologues conventionnés sont ceux dont la convention couvre un jour de "
        "la période.",
    ),
    "communes_without_psychologist": (
        "Communes sans psychologue",
        "Communes de la province où aucun psychologue actif dans la période n'a son cabinet.",
    ),
    "copayment_check": (
        "Contrôle des quotes-parts",
        "Séances dont la quote-part du patient diffère de la règle en vigueur à leur date : rien pour la "
        "première séance individuelle de première ligne d'un patient dans un réseau, 11 € par séance "
        "individuelle (4 € au tarif préférentiel), 2,50 € par séance de groupe. Comptées par règle et par "
        "réseau, sans aucun identifiant ; les règles et montants sont des données datées "
        "(data/reference/copayment_rules.csv, tariffs.csv).",
    ),
}
