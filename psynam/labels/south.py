"""French words of the south page(s): page titles, texts, and indicator definitions for the glossary."""

PAGE: dict[str, str] = {"south": "Le sud de la province"}

TEXT: dict[str, str] = {
    "intro": (
        "Le sud (arrondissements de Dinant et de Philippeville) est lu contre sa population : patients qui y "
        "résident, séances qui y ont lieu et partenaires actifs, pour 1 000 ou 10 000 habitants."
    ),
    "indicator": "Indicateur de la carte",
    "indicator_reach": "Patients / 1 000 hab.",
    "indicator_offer": "Séances / 10 000 hab.",
    "indicator_coverage": "Indice de couverture",
    "indicator_partners": "Partenaires / 10 000 hab.",
    "geography_note": (
        "La carte montre toujours les 38 communes ; celles hors de la sélection géographique des filtres sont "
        "estompées. Les parts, la comparaison nord-sud et l'indice de couverture se lisent sur toute la "
        "province ; le nuage offre-portée et les listes (lacunes, communes sans offre) se limitent à la sélection."
    ),
    "click_hint": "Cliquez sur une commune de la carte ou sur une barre pour afficher ses chiffres.",
    "focus": "Commune sélectionnée : {name_fr} ({arrondissement})",
    "reset": "Réinitialiser",
    "outside": "Hors province : {patients} patient(s) résidant hors des 38 communes et {sessions} séance(s) ayant lieu hors province, comptés à part.",
    "unknown": "Commune inconnue : {patients} patient(s) et {sessions} séance(s) sans commune.",
    "boundaries_credit": "© Statbel",
    "boundaries_note": "Limites des communes : © Statbel (géométrie simplifiée, licence CC BY) ; traits de couleur : limites des arrondissements.",
    "map_style": "Fond de carte",
    "map_style_limites": "Communes",
    "map_style_tuiles": "Tuiles",
    "commune_names": "Noms des communes",
    "tiles_note": "Une tuile par commune, placée près de son centre géographique ; traits de couleur : limites des arrondissements.",
    "no_offer_summary": "{communes} commune(s) sans offre, {population} habitants ({population_pct} de la sélection).",
    "no_offer_communes": "Communes sans offre",
    "no_offer_population_pct": "Part de la population de la sélection",
    "no_offer_none": "Toutes les communes de la sélection ont une offre sur la période.",
    "no_gaps": "Aucune commune de la sélection n'a de patients pour calculer l'indice de couverture.",
    # chart words
    "north": "Nord (arr. de Namur)",
    "south": "Sud (Dinant, Philippeville)",
    "province": "Province",
    "hors_province": "Hors province",
    "unknown_area": "Commune inconnue",
    "area": "Zone",
    "commune": "Commune",
    "nis": "Code INS",
    "arrondissement": "Arrondissement",
    "arrondissement_of": "Arr. de {name}",
    "north_short": "Nord",
    "south_short": "Sud",
    "arrondissement_short": "Arr. de<br>{name}",
    "population": "Population",
    "patients": "Patients résidents",
    "sessions": "Séances dans la commune",
    "sessions_in_area": "Séances dans la zone",
    "active_partners": "Partenaires actifs",
    "province_sessions": "Séances dans la province",
    "south_sessions": "Séances dans le sud",
    "month": "Mois",
    "share_axis": "Part (%)",
    "south_share_line": "Part du sud dans les séances",
    "south_population_line": "Part du sud dans la population",
    "province_average": "Moyenne provinciale",
    "gap_threshold": "Seuil de lacune (0,5)",
    "hidden": "masqué",
    "hidden_legend": "Valeur masquée (petits effectifs)",
    "not_placed": "Non placées (valeur masquée) : {names}",
    "not_placed_more": "{names} et {more} autre(s)",
    "hidden_sessions": "séances {mark}",
    "hidden_patients": "patients {mark}",
    "no_value": "—",
    "tile_hover": "{name} · arr. {arrondissement}",
    "patients_gap": "Patients manquants",
    "monthly_sessions": "Séances dans la commune",
    "monthly_patients": "Patients résidents",
}

INDICATORS: dict[str, tuple[str, str]] = {
    "partners_per_10000": (
        "Partenaires actifs pour 10 000 habitants",
        "Partenaires inscrits dont la commune est celle-ci, actifs dans la période (séance, clairvision, "
        "activité du réseau ou convention en cours), rapportés à la population, × 10 000.",
    ),
    "south_map": (
        "Carte des communes",
        "Les 38 communes de la province colorées par l'indicateur choisi : patients résidents pour 1 000 "
        "habitants, séances ayant lieu dans la commune pour 10 000 habitants, indice de couverture (1,0 = "
        "moyenne provinciale ; rouge sous 0,5 : lacune) ou partenaires actifs pour 10 000 habitants. "
        "Population : Statbel, 1/1/2020.",
    ),
    "south_share_by_month": (
        "Part du sud dans les séances, par mois",
        "Séances ayant lieu dans les arrondissements de Dinant et Philippeville rapportées aux séances ayant "
        "lieu dans la province, par mois, à côté de la part du sud dans la population (calculée à partir des "
        "communes de référence). Les filtres géographiques ne s'appliquent pas.",
    ),
    "north_south": (
        "Nord et sud, rapportés à la population",
        "L'indicateur choisi pour le nord (arrondissement de Namur), le sud (Dinant, Philippeville), chaque "
        "arrondissement et la province. Un patient est compté une fois par zone, même s'il a changé de "
        "commune.",
    ),
    "offer_vs_reach": (
        "Où l'on soigne et où vivent les patients",
        "Pour chaque commune : séances ayant lieu dans la commune pour 10 000 habitants (offre) contre "
        "patients qui y résident pour 1 000 habitants (portée). Une commune à droite et en bas a des "
        "patients soignés ailleurs ; en haut et à gauche, elle soigne des patients venus d'ailleurs.",
    ),
    "communes_without_offer": (
        "Communes sans offre",
        "Communes de la sélection sans aucune séance ayant lieu sur leur territoire et sans partenaire actif "
        "dans la période, avec leur population.",
    ),
    "coverage_gaps": (
        "Plus grandes lacunes de couverture",
        "Communes de la sélection classées par indice de couverture croissant (à égalité, la plus peuplée "
        "d'abord) ; en rouge sous 0,5. Le survol donne les patients manquants pour atteindre la moyenne "
        "provinciale.",
    ),
    "patients_gap": (
        "Patients manquants",
        "Patients qu'il faudrait en plus dans une commune pour atteindre la portée provinciale : portée de la "
        "province × population / 1 000 − patients résidents (0 si la commune est au-dessus).",
    ),
    "commune_by_month": (
        "La commune mois par mois",
        "Séances ayant lieu dans la commune sélectionnée et patients distincts qui y résident, par mois.",
    ),
}
