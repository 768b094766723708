"""French words of the priorities page(s): page titles, texts, and indicator definitions for the glossary."""

PAGE: dict[str, str] = {"priorities": "Aînés et petite enfance"}
TABS: tuple[str, ...] = ("tab_aines", "tab_petite_enfance")  # TEXT keys, in order

TEXT: dict[str, str] = {
    "intro": (
        "Deux des trois défis partenariaux : les aînés (65 ans et plus) et la petite enfance (les 1 000 "
        "premiers jours, de la grossesse à 2 ans). Chaque part est lue à côté de la part de ce public dans "
        "la population de la sélection, et la portée est rapportée aux habitants de cet âge."
    ),
    "tab_aines": "Aînés (65 ans et plus)",
    "tab_petite_enfance": "Petite enfance (0 à 2 ans)",
    "finding_aines": (
        "Les patients de 65 ans et plus font **{patients_pct}** des patients et les séances aînés "
        "**{sessions_pct}** des séances, pour **{population_pct}** de 65 ans et plus dans la population "
        "de la sélection."
    ),
    "finding_petite_enfance": (
        "Les séances petite enfance font **{sessions_pct}** des séances et les enfants de 0 à 2 ans "
        "**{patients_pct}** des patients, pour **{population_pct}** d'enfants de 0 à 2 ans dans la "
        "population de la sélection."
    ),
    "population_share": "Part de ce public dans la population de la sélection : {value}",
    "partners_aines": "Activité avec les maisons de repos",
    "partners_petite_enfance": "Activité avec les partenaires petite enfance (ONE, crèches, maternité)",
    "no_partners": "Aucun partenaire de ce secteur n'est inscrit ni actif sur cette période pour ces filtres.",
    "tagged_aines": "Groupes et clairvisions « aînés »",
    "tagged_petite_enfance": "Groupes et clairvisions « périnatalité » ou « petite enfance »",
    "few_people": (
        "Certains chiffres reposent sur moins de {threshold} personnes : ils sont masqués dans les "
        "téléchargements et en mode public."
    ),
    "outside": (
        "Patients de cet âge résidant hors province ou sans commune connue : {count} (sans population de "
        "référence, ils ne sont pas rapportés aux habitants)."
    ),
    # chart words
    "nord": "Nord",
    "sud": "Sud",
    "total": "Sélection entière",
    "hors_province": "Hors province ou commune inconnue",
    "ensemble": "Ensemble",
    "zones": "Zones",
    "no_member": "—",
    "zone": "Regroupement",
    "member": "Territoire",
    "hidden": "masqué",
    "patients": "Patients résidents",
    "population": "Population de cet âge",
    "count_axis": "Nombre",
    "reach_aines": "Patients pour 1 000 habitants de 65 ans et plus",
    "reach_petite_enfance": "Patients pour 1 000 enfants (0–2 ans)",
    "population_aines": "Habitants de 65 ans et plus",
    "population_petite_enfance": "Enfants de 0 à 2 ans (population)",
    "patients_petite_enfance": "Patients de 0 à 2 ans",
    "area_patients_aines": "Patients de 65 ans et plus (résidents)",
    "area_patients_petite_enfance": "Patients de 0 à 2 ans (résidents)",
    "residents_aines": "Patients de 65 ans et plus résidant dans la sélection",
    "residents_petite_enfance": "Patients de 0 à 2 ans résidant dans la sélection",
    "population_selection": "Population de la sélection",
    "priority": "Priorité",
    "group_participations_aines": "Participants aux groupes « aînés »",
    "group_participations_petite_enfance": "Participants aux groupes « périnatalité / petite enfance »",
    "clairvision_participants_aines": "Participants aux clairvisions « aînés »",
    "clairvision_participants_petite_enfance": "Participants aux clairvisions « périnatalité / petite enfance »",
    "quarter": "Trimestre",
    "quarter_start": "Premier jour du trimestre",
    "quarter_tick": "T{q} {year}",
    "quarter_partial": "{quarter} (incomplet)",
    "quarter_partial_tick": "{quarter}<br>(incomplet)",
    "all_sessions": "Toutes les séances",
    "sessions_aines": "Séances aînés",
    "sessions_petite_enfance": "Séances petite enfance",
    "share_axis": "Part des séances (%)",
    "share_line": "Part des séances",
    "population_line": "Part dans la population",
    "partner": "Partenaire",
    "partner_id": "Identifiant du partenaire",
    "sector": "Secteur",
    "commune": "Commune",
    "registered": "Inscrit",
    "active": "Actif",
    "partner_sessions": "Séances chez le partenaire",
    "partner_clairvisions": "Clairvisions chez le partenaire",
    "yes": "oui",
    "no": "non",
}

# Shared wording of the two priorities' definitions, so that the glossary reads them the same way.
_REACH = ("{who} résidant dans la zone (commune du patient à sa première séance individuelle de la période) "
          "rapportés à {pop} de la zone (Statbel, 1/1/2020), × 1 000. Les filtres de géographie portent ici "
          "sur la commune de résidence ; les résidents hors province sont montrés à part.")
_POP = ("{pop} des communes sélectionnées rapportés à leur population totale (Statbel, 1/1/2020), "
        "calculé à partir des données de référence.")
_PARTNERS = ("Partenaires d'un secteur qui sert cette priorité ({sectors}) dont l'adhésion recouvre la période. "
             "Les filtres de géographie portent sur la commune du partenaire.")
_ACTIVE = ("Parmi eux, ceux qui ont dans la période une séance, une clairvision, une participation à une "
           "activité du réseau ou une convention tripartite en cours.")
_TAGGED_GROUPS = "Séances de groupe de la période étiquetées {tags} ; entre parenthèses, la somme des participants."
_TAGGED_CV = "Clairvisions de la période étiquetées {tags} ; entre parenthèses, la somme des participants."

INDICATORS: dict[str, tuple[str, str]] = {
    # elderly people
    "elderly_sessions_pct": (
        "Part des séances aînés",
        "Séances avec un patient de 65 ans ou plus ce jour-là, ou étiquetées « aînés », ou chez un partenaire "
        "d'un secteur qui sert les aînés (maisons de repos), rapportées à toutes les séances de la période."),
    "elderly_population_pct": (
        "65 ans et plus dans la population",
        _POP.format(pop="Habitants de 65 ans et plus")),
    "elderly_reach_per_1000": (
        "Patients pour 1 000 aînés",
        _REACH.format(who="Patients de 65 ans et plus", pop="ses habitants de 65 ans et plus")),
    "elderly_reach_by_arrondissement": (
        "Portée auprès des 65 ans et plus par arrondissement",
        "Patients de 65 ans et plus par arrondissement de résidence, pour 1 000 habitants de 65 ans et plus ; "
        "sud (Dinant, Philippeville) et nord (Namur) d'ensemble ; la ligne verticale donne la sélection entière."),
    "elderly_partners": (
        "Maisons de repos inscrites",
        _PARTNERS.format(sectors="maisons de repos, MR/MRS")),
    "elderly_partners_active": ("Maisons de repos actives", _ACTIVE),
    "elderly_partner_sessions": (
        "Séances en maison de repos",
        "Séances de la période (tous formats) ayant lieu chez un partenaire d'un secteur qui sert les aînés."),
    "elderly_partner_clairvisions": (
        "Clairvisions en maison de repos",
        "Clairvisions de la période données chez un partenaire d'un secteur qui sert les aînés."),
    "elderly_partner_activity": (
        "Activité par maison de repos partenaire",
        "Par partenaire inscrit ou actif : séances et clairvisions de la période ayant lieu chez lui."),
    "elderly_tagged_groups": ("Groupes « aînés »", _TAGGED_GROUPS.format(tags="« aînés »")),
    "elderly_tagged_clairvisions": ("Clairvisions « aînés »", _TAGGED_CV.format(tags="« aînés »")),
    "elderly_trend": (
        "Séances aînés par trimestre",
        "Séances aînés par trimestre (barres) et leur part de toutes les séances (ligne), à côté de la part des "
        "65 ans et plus dans la population (pointillés). Les lignes verticales marquent le début de la "
        "convention (01/09/2021) et la nouvelle convention (01/04/2024)."),
    # early childhood
    "early_childhood_patients_pct": (
        "Part des patients de 0 à 2 ans",
        "Patients âgés de 0 à 2 ans lors de leur première séance individuelle de la période, rapportés à "
        "l'ensemble des patients."),
    "early_childhood_sessions_pct": (
        "Part des séances petite enfance",
        "Séances petite enfance (patient de 0 à 2 ans, étiquette périnatalité ou petite enfance, ou partenaire "
        "du secteur petite enfance) rapportées à toutes les séances de la période."),
    "early_childhood_population_pct": (
        "0 à 2 ans dans la population",
        _POP.format(pop="Enfants de 0 à 2 ans")),
    "early_childhood_reach_per_1000": (
        "Patients pour 1 000 enfants (0–2 ans)",
        _REACH.format(who="Patients de 0 à 2 ans", pop="ses enfants de 0 à 2 ans")),
    "early_childhood_reach_by_arrondissement": (
        "Portée auprès des 0 à 2 ans par arrondissement",
        "Patients de 0 à 2 ans par arrondissement de résidence, pour 1 000 enfants de 0 à 2 ans ; sud "
        "(Dinant, Philippeville) et nord (Namur) d'ensemble ; la ligne verticale donne la sélection entière."),
    "early_childhood_partners": (
        "Partenaires petite enfance inscrits",
        _PARTNERS.format(sectors="ONE, crèches, maternité")),
    "early_childhood_partners_active": ("Partenaires petite enfance actifs", _ACTIVE),
    "early_childhood_partner_sessions": (
        "Séances en structure petite enfance",
        "Séances de la période (tous formats) ayant lieu chez un partenaire d'un secteur qui sert la petite "
        "enfance (ONE, crèches, maternité)."),
    "early_childhood_partner_clairvisions": (
        "Clairvisions en crèche, ONE, maternité",
        "Clairvisions de la période données chez un partenaire d'un secteur qui sert la petite enfance."),
    "early_childhood_partner_activity": (
        "Activité par partenaire petite enfance",
        "Par partenaire inscrit ou actif : séances et clairvisions de la période ayant lieu chez lui."),
    "early_childhood_tagged_groups": (
        "Groupes « périnatalité / petite enfance »",
        _TAGGED_GROUPS.format(tags="« périnatalité » ou « petite enfance »")),
    "early_childhood_tagged_clairvisions": (
        "Clairvisions « périnatalité / petite enfance »",
        _TAGGED_CV.format(tags="« périnatalité » ou « petite enfance »")),
    "early_childhood_trend": (
        "Séances petite enfance par trimestre",
        "Séances petite enfance par trimestre (barres) et leur part de toutes les séances (ligne), à côté de la "
        "part des 0 à 2 ans dans la population (pointillés). Les lignes verticales marquent le début de la "
        "convention (01/09/2021) et la nouvelle convention (01/04/2024)."),
}
