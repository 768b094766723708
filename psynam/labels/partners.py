"""French words of the partners page(s): page titles, texts, and indicator definitions for the glossary."""

PAGE: dict[str, str] = {"partners": "Partenaires"}

TEXT: dict[str, str] = {
    # scope of the page and messages
    "scope": (
        "Les partenaires sont des organisations : leurs nombres ne sont pas des données de santé et ne sont "
        "pas masqués. Les filtres de période, de réseau, d'arrondissement et de commune (celle du partenaire) "
        "s'appliquent ; les filtres de niveau de soins, de format et de lieu ne s'appliquent pas aux "
        "partenaires."
    ),
    "activity_filters_ignored": (
        "Un filtre de niveau de soins, de format ou de lieu est actif : il ne s'applique pas aux partenaires "
        "et cette page l'ignore."
    ),
    "no_partners": (
        "Aucun partenaire inscrit ne correspond à ces filtres sur cette période. Élargissez la période ou "
        "retirez un filtre."
    ),
    "no_agreements": "Aucune convention tripartite en cours pour ces filtres sur cette période.",
    "no_activity": "Aucun partenaire inscrit n'a d'activité pour ces filtres sur cette période.",
    # published reference figures: shown as text beside the computed shares, never used in a computation
    "reference_outside_care": (
        "Référence publiée : le Réseau Santé Namur déclare 68 % de partenaires « hors soins » "
        "(brochure du RSN, 108 partenaires)."
    ),
    "reference_full_members": (
        "Référence publiée : le Réseau Santé Namur déclare 47 % de partenaires effectifs et 53 % "
        "d'adhérents (brochure du RSN, 108 partenaires)."
    ),
    # section headings
    "section_time": "Dans le temps",
    "section_profile": "Qui sont les partenaires",
    "section_territory": "Sur le territoire",
    "section_agreements": "Conventions tripartites",
    "section_activity": "Activité des partenaires",
    "section_table": "Liste des partenaires",
    # group values that are not codes of a reference table
    "soins": "Soins",
    "hors_soins": "Hors soins",
    "effectif": "Effectif",
    "adherent": "Adhérent",
    "inconnu": "Statut inconnu",
    "hors_province": "Hors province",
    "unknown_partner": "Partenaire absent de la liste",
    "yes": "oui",
    "no": "non",
    "not_registered": "non inscrit sur la période",
    # axes, legends and column headers
    "month": "Mois",
    "partners": "Partenaires",
    "registered": "Inscrits",
    "active": "Actifs",
    "inactive": "Sans activité",
    "new": "Nouveaux",
    "outside_care": "Partenaires hors soins",
    "ended": "Sortis",
    "share_of_registered": "Part des inscrits",
    "sector": "Secteur",
    "group": "Groupe",
    "dimension": "Répartition",
    "care": "Soins / hors soins",
    "membership": "Statut",
    "network": "Réseau",
    "arrondissement": "Arrondissement",
    "commune": "Commune",
    "nis": "Code INS",
    "population": "Population",
    "partner_id": "Identifiant",
    "name": "Nom",
    "since": "Depuis le",
    "until": "Sorti le",
    "agreement_id": "Convention",
    "signed_on": "Signée le",
    "start_on": "Début",
    "end_on": "Fin",
    "settings": "Lieux convenus",
    "days_in_period": "Jours dans la période",
    "hours": "Heures",
    "count": "Nombre",
    "per_10000": "/ 10 000 hab.",
    "new_ended": "Entrées / sorties",
    "n_agreements": "{n} conv.",
    "agreements_in_force": "Conventions en cours",
    "partners_with_agreement": "Partenaires sous convention",
    "hours_per_month": "Heures convenues par mois",
    "sessions": "Séances",
    "group_sessions": "dont séances de groupe",
    "clairvisions": "Clairvisions",
    "activities_attended": "Activités du réseau",
    "is_active": "Actif",
    # the searchable table
    "search": "Rechercher un partenaire",
    "search_placeholder": "Nom, commune ou secteur (accents et majuscules indifférents)",
    "inactive_only": "Seulement les partenaires sans activité",
    "table_count": "{shown} partenaire(s) affiché(s) sur {total}.",
    "table_download": "Liste des partenaires",
    "top_note": "Les {n} partenaires les plus actifs de la période.",
}

# Indicator name and the one-line definition shown under charts and in the glossary. Decisions taken
# where docs/indicators.md leaves a choice open are written into the definitions themselves.
INDICATORS: dict[str, tuple[str, str]] = {
    "inactive_partners": (
        "Partenaires sans activité",
        "Partenaires inscrits sur la période sans aucune séance, clairvision, participation à une activité du "
        "réseau ni convention tripartite en cours dans la période.",
    ),
    "new_partners": ("Nouveaux partenaires", "Partenaires dont la date d'adhésion tombe dans la période (premier "
                     "et dernier jour compris)."),
    "ended_partners": ("Partenaires sortis", "Partenaires dont la date de sortie tombe dans la période (premier et "
                       "dernier jour compris), qu'ils soient encore inscrits ou non : le jour de sa sortie, un "
                       "partenaire n'est plus inscrit, mais il est sorti dans la période qui commence ce jour-là. "
                       "Deux périodes qui se suivent additionnent leurs entrées et leurs sorties."),
    "partners_full_members_pct": (
        "Partenaires effectifs",
        "Part des partenaires inscrits au statut « effectif », parmi ceux dont le statut (effectif ou adhérent) "
        "est connu (le RSN publie 47 %).",
    ),
    "agreements_in_force": (
        "Conventions tripartites en cours",
        "Conventions signées entre PSYNAM, un partenaire et un psychologue conventionné dont la durée (du début "
        "à la fin, ou sans fin) recouvre la période ; filtre de réseau sur le réseau de la convention, filtres "
        "de géographie sur la commune du partenaire.",
    ),
    "agreed_hours_per_month": (
        "Heures convenues par mois",
        "Somme des heures mensuelles prévues par les conventions tripartites en cours dans la période.",
    ),
    "agreed_hours_in_period": (
        "Heures convenues sur la période",
        "Heures mensuelles d'une convention × jours de la période qu'elle couvre × 12 / 365,25.",
    ),
    "partners_per_10000": (
        "Partenaires pour 10 000 habitants",
        "Partenaires inscrits dont la commune est dans la zone, rapportés à sa population (Statbel, 1/1/2020), "
        "× 10 000.",
    ),
    "partner_sessions": (
        "Séances liées au partenaire",
        "Séances de la période portant l'identifiant du partenaire (chez lui ou pour lui), quel que soit leur "
        "lieu, pour les réseaux choisis. Nombres de séances : masqués sous 5 dans les téléchargements.",
    ),
    "partner_clairvisions": (
        "Clairvisions liées au partenaire",
        "Clairvisions de la période portant l'identifiant du partenaire, pour les réseaux choisis. Masquées "
        "sous 5 dans les téléchargements.",
    ),
    "activities_attended": (
        "Activités du réseau suivies",
        "Activités du réseau (réunions, intervisions, groupes de travail, midis du réseau…) de la période où le "
        "partenaire était représenté. Une activité n'a pas de réseau : le filtre de réseau ne s'y applique pas.",
    ),
    "partners_by_month": (
        "Partenaires inscrits et actifs par mois",
        "Pour chaque mois de la période : partenaires inscrits pendant le mois et, parmi eux, ceux qui ont eu "
        "une activité dans le mois ; barres : nouveaux et sortis du mois. Lignes verticales : début de la "
        "convention (01/09/2021) et nouvelle convention (01/04/2024).",
    ),
    "agreements_by_month": (
        "Conventions tripartites en cours par mois",
        "Pour chaque mois de la période : conventions tripartites en cours pendant le mois (barres) et somme de "
        "leurs heures mensuelles convenues (ligne).",
    ),
    "partners_by_sector": (
        "Partenaires par secteur",
        "Partenaires inscrits sur la période par secteur, actifs et sans activité. Soins : maisons médicales, "
        "médecine générale, CPAS, SSM, hôpitaux ; tous les autres secteurs sont hors soins.",
    ),
    "partners_by_care": (
        "Partenaires dans et hors du secteur des soins",
        "Part des partenaires inscrits dont le secteur relève des soins ou non (données de référence des "
        "secteurs), actifs et sans activité.",
    ),
    "partners_by_membership": (
        "Partenaires effectifs et adhérents",
        "Partenaires inscrits selon leur statut dans le réseau ; « statut inconnu » quand l'export ne le donne "
        "pas (exclus du calcul de la part d'effectifs).",
    ),
    "partners_by_network": (
        "Partenaires par réseau",
        "Partenaires inscrits par réseau ; un partenaire des deux réseaux (RSN+RSK) compte pour chacun, les "
        "parts peuvent donc dépasser 100 % au total.",
    ),
    "partners_by_arrondissement": (
        "Partenaires par arrondissement",
        "Partenaires inscrits selon l'arrondissement de leur commune, rapportés à la population de "
        "l'arrondissement (pour 10 000 habitants).",
    ),
    "partners_by_commune": (
        "Partenaires par commune",
        "Partenaires inscrits selon leur commune, rapportés à sa population (pour 10 000 habitants) ; les "
        "communes sans partenaire sont montrées, les partenaires hors province à part.",
    ),
    "agreements_by_sector": (
        "Heures convenues par secteur",
        "Heures mensuelles prévues par les conventions tripartites en cours dans la période, par secteur du "
        "partenaire ; en bout de barre, le nombre de conventions. Les psychologues signataires ne sont pas "
        "montrés.",
    ),
    "activity_by_partner": (
        "Partenaires les plus actifs",
        "Séances et clairvisions portant l'identifiant du partenaire, et activités du réseau où il était "
        "représenté, dans la période ; les partenaires les plus actifs. Séances et clairvisions sous 5 "
        "masquées dans les téléchargements.",
    ),
    "partners_table": (
        "Liste des partenaires",
        "Partenaires inscrits sur la période avec leur activité, et ceux qui y sont entrés ou sortis sans y "
        "être inscrits (sortis le premier jour) ; la recherche porte sur le nom, la commune et "
        "le secteur, sans tenir compte des accents ni des majuscules.",
    ),
}
