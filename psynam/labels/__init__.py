"""The catalogue of French interface text: page titles, filter labels, indicator names and definitions.

Pages and charts take every user-facing word from here, so the interface speaks one French and a
translation (Dutch for the Brussels partners) is one file away. Codes (`RSN`, `individuel`) stay in data;
their labels come from the reference tables (sectors, settings, care levels) or from here.
"""

from __future__ import annotations

APP_TITLE = "PSYNAM — tableau de bord"

PAGES = {  # the mission pages add theirs from psynam/labels/<area>.py
    "overview": "Vue d'ensemble",
    "glossary": "Glossaire",
}

FILTERS = {
    "title": "Filtres",
    "period": "Période",
    "period_help": ("Du premier au dernier jour inclus ; un seul jour est une période. Le lien de la page garde "
                    "la période, même hors des données."),
    "period_incomplete": "Un seul jour choisi : le {day}. Choisissez une date de fin pour une période plus longue.",
    "comparison": "Comparer avec",
    "comparison_previous": "Période précédente",
    "comparison_year_before": "Un an avant",
    "comparison_help": ("Période précédente : l'année civile, le trimestre ou le mois précédent ; pour une autre "
                        "suite de mois entiers, autant de mois juste avant ; sinon autant de jours juste avant. "
                        "Un an avant : la même période l'année précédente. Pas de comparaison avant le "
                        "01/09/2021, début du programme."),
    "networks": "Réseau",
    "arrondissements": "Arrondissement",
    "communes": "Commune",
    "communes_help": "Commune où la séance a lieu (pour une vidéoconsultation : commune du patient).",
    "care_levels": "Niveau de soins",
    "care_levels_help": "Codage de la convention 2021 jusqu'au 31/03/2024, de la convention 2024 ensuite.",
    "formats": "Format",
    "settings": "Lieu",
    "all": "Tous",
    "none": "sans autre filtre (tous réseaux, toute la province, tous niveaux, formats et lieux)",
    "reset": "Réinitialiser les filtres",
    "share": "Le lien de la page reprend ces filtres : copiez-le pour partager la même vue.",
    "public": "Mode public (réunion)",
    "public_help": "Masque les petits effectifs (1 à 4) à l'écran comme dans les téléchargements, pour une projection en comité. Seuls la période et le réseau s'appliquent alors.",
    "public_scope": ("Mode public : seuls la période et le réseau s'appliquent ; {names} ne s'appliquent pas. "
                     "Un filtre plus fin permettrait de retrouver un petit effectif par différence entre deux vues "
                     "publiques ; les chiffres par commune, niveau, format ou lieu restent dans les tableaux, "
                     "où une seule règle les protège."),
}

EXPORT = {
    "chart": "Graphique",
    "definition": "Définition",
    "filters": "Filtres",
    "data_date": "Données jusqu'au",
    "suppression": "Petits effectifs",
    "sources": "Sources",
    "sources_text": "Exports d'activité PSYNAM (RSN, RSK) ; population : Statbel, 1/1/2020.",
}

NETWORKS = {"RSN": "RSN (adultes)", "RSK": "RSK (enfants et adolescents)"}

# What a shared link asked for and could not be shown as asked (psynam/links.py).
LINKS = {
    "impossible_date": "Le lien contient une date impossible (« {value} ») : la période par défaut est affichée.",
    "too_many_dates": ("Le lien contient {n} dates pour la période (une ou deux attendues) : la période par "
                       "défaut est affichée."),
    "date_out_of_range": ("Le lien contient une date hors des limites du tableau de bord ({day} ; de {min} à "
                          "{max}) : la période par défaut est affichée."),
    "reversed": "Les dates du lien étaient inversées : période lue du {date_from} au {date_to}.",
    "before_programme_all": "Toute la période précède le début du programme ({start}) : il n'y a pas de données.",
    "before_programme": "La période commence avant le début du programme ({start}) : pas de données avant cette date.",
    "after_data_all": "La période commence après la dernière donnée importée ({last}) : il n'y a pas encore de données.",
    "after_data": "Les données s'arrêtent au {last} : les jours suivants de la période n'ont pas encore de données.",
    "future": "La période se termine dans le futur (nous sommes le {today}).",
    "unknown_comparison": "Comparaison inconnue dans le lien (« {value} ») : « {default} » est utilisée.",
}

MESSAGES = {
    "no_data": "Aucune séance ne correspond à ces filtres sur cette période. Élargissez la période ou retirez un filtre.",
    "no_database": "La base de données est vide : importez un export d'activité.",
    "building": "Première ouverture : construction de la base à partir de l'export d'exemple…",
    "data_date": "Données jusqu'au {date}",
    "compared_to": "Comparé au {prev_from} – {prev_to}",
    "compared_previous": "Comparé à la période précédente, du {prev_from} au {prev_to}",
    "compared_year_before": "Comparé à la même période un an avant, du {prev_from} au {prev_to}",
    "no_comparison": "Pas de période de comparaison : elle commencerait avant le début du programme (01/09/2021)",
    "period": "Du {date_from} au {date_to}",
    "not_applicable": "—",
    "marks_note": ("« < {threshold} » : de 1 à {last} personnes ou séances, non publié ; « masqué » : caché pour "
                   "qu'un petit effectif ne puisse pas être recalculé à partir des totaux."),
    "source_line": "Source : {sources}",
}

DOWNLOADS = {
    "csv": "CSV",
    "xlsx": "Excel",
    "image": "Image (PNG, SVG)",
    "png_slide": "PNG 16:9 (diapositive)",
    "svg_slide": "SVG 16:9 (diapositive)",
    "png_a4": "PNG demi-page A4",
    "svg_a4": "SVG demi-page A4",
}

# Indicator name, the one-line definition shown under charts and in the glossary (French), and the
# decision taken where docs/indicators.md leaves a choice open.
INDICATORS: dict[str, tuple[str, str]] = {
    "sessions": ("Séances", "Séances (individuelles et de groupe) dont la date tombe dans la période, après filtres."),
    "individual_sessions": ("Séances individuelles", "Séances au format individuel dans la période."),
    "group_sessions": ("Séances de groupe", "Séances au format groupe (4 à 15 personnes, 2 heures) dans la période."),
    "group_participations": ("Participations aux groupes", "Somme des participants des séances de groupe."),
    "patients": ("Patients", "Patients distincts (identifiant pseudonymisé) ayant eu au moins une séance individuelle dans la période. Les participants aux groupes ne sont pas identifiés et ne sont pas comptés."),
    "active_psychologists": ("Psychologues actifs", "Psychologues ayant presté au moins une séance ou une clairvision dans la période. Avec un filtre de niveau, de format ou de lieu, seules les séances comptent (une clairvision n'a ni niveau, ni format, ni lieu)."),
    "clairvisions": ("Clairvisions", "Séances d'information sur un thème de santé mentale, comptées à part des séances de patients."),
    "registered_partners": ("Partenaires inscrits", "Partenaires dont l'adhésion (de la date d'adhésion à la date de sortie) recouvre la période. Un partenaire des deux réseaux compte pour chacun. Les filtres de géographie portent sur la commune du partenaire ; les filtres de niveau, format et lieu ne s'appliquent pas."),
    "active_partners": ("Partenaires actifs", "Partenaires inscrits ayant dans la période au moins une séance, une clairvision, une participation à une activité du réseau ou une convention tripartite en cours."),
    "partners_outside_care_pct": ("Partenaires hors soins", "Part des partenaires inscrits dont le secteur est hors soins (le RSN publie 68 %)."),
    "south_sessions_pct": ("Part du sud dans les séances", "Séances dont la commune est dans les arrondissements de Dinant ou Philippeville, rapportées aux séances dont la commune est dans la province. La commune d'une séance est celle où elle a lieu ; pour une vidéoconsultation, celle du patient."),
    "south_population_pct": ("Part du sud dans la population", "Population des arrondissements de Dinant et Philippeville rapportée à celle de la province (Statbel, 1/1/2020 : 35,8 %)."),
    "elderly_patients": ("Patients de 65 ans et plus", "Patients âgés de 65 ans ou plus lors de leur première séance individuelle de la période."),
    "elderly_patients_pct": ("Part des patients de 65 ans et plus", "Patients de 65 ans et plus rapportés à l'ensemble des patients (65 ans et plus : environ 19 % de la population de la province)."),
    "early_childhood_sessions": ("Séances petite enfance", "Séances avec un patient de 0 à 2 ans, ou étiquetées périnatalité ou petite enfance, ou chez un partenaire du secteur petite enfance (ONE, crèches, maternité)."),
    "budget_usage_pct": ("Budget plafonné consommé", "Dépenses INAMI des lignes plafonnées de l'année de fin de période, du 1er janvier à la date de fin, rapportées à leurs enveloppes annuelles."),
    "budget_spent": ("Dépensé", "Somme des montants INAMI par catégorie, plus le forfait administratif annuel (60 €) par patient distinct, réseau et année, compté à la première séance individuelle de l'année (deux périodes qui se suivent s'additionnent)."),
    "budget_usage": ("Consommation", "Dépensé rapporté à l'enveloppe annuelle, par réseau et catégorie. Les lignes sans plafond (outreaching, groupes et clairvisions depuis juin 2023) ne montrent que le dépensé."),
    "budget_category": ("Catégorie budgétaire", "Groupe si la séance est en groupe ; sinon outreaching si elle a lieu chez un partenaire ; sinon individuel. Les clairvisions forment leur propre catégorie."),
    "reach_per_1000": ("Patients pour 1 000 habitants", "Patients résidant dans la commune (selon la commune du patient) rapportés à sa population, × 1 000."),
    "offer_per_10000": ("Séances pour 10 000 habitants", "Séances ayant lieu dans la commune rapportées à sa population, × 10 000."),
    "coverage_index": ("Indice de couverture", "Portée d'une commune rapportée à celle de la province (1,0 = moyenne provinciale ; sous 0,5 : lacune)."),
    "sessions_by_month": ("Séances par mois et par réseau", "Nombre de séances par mois, par réseau, après filtres. Les lignes verticales marquent le début de la convention (01/09/2021) et la nouvelle convention (01/04/2024)."),
    "hors_province": ("Hors province", "Communes de résidence ou de séance hors des 38 communes de la province : montrées à part, jamais écartées en silence."),
    "small_counts": ("Petits effectifs", "Dans tout ce qui quitte l'écran du coordinateur (téléchargements, rapport, présentation, mode public), un nombre de personnes ou de séances de 1 à 4 est remplacé par « < 5 », et d'autres cases par « masqué » là où un total, un autre réseau, une autre page ou une différence permettrait de le retrouver ; les taux et parts calculés sur une case cachée sont cachés avec elle. Les zéros sont publiés."),
    "small_amounts": ("Montants de peu de prestations", "Un montant en euros divisé par un tarif public (83 € la séance, 60 € le forfait annuel) redonne un nombre de séances ou de patients : un montant payant moins de 5 prestations (séances, clairvisions, forfaits) est masqué comme le nombre qu'il cache, de même que la consommation et les projections calculées à partir de lui ; un montant cumulé est masqué à partir du premier mois de peu de prestations."),
    "comparison_period": ("Période de comparaison", "Chaque chiffre est comparé, au choix (« Comparer avec »), à la période précédente ou à la même période un an avant. Période précédente : une année civile est comparée à l'année civile précédente, un trimestre au trimestre précédent, un mois au mois précédent, et toute autre suite de mois entiers (du 1er d'un mois au dernier jour d'un mois) à autant de mois entiers juste avant (les douze derniers mois aux douze d'avant, un semestre au semestre précédent) ; toute autre période à la période de même nombre de jours qui la précède. Un an avant : les mêmes mois un an plus tôt, ou les mêmes jours (le 29 février devient le 28). Aucune comparaison ne remonte avant le 01/09/2021, début du programme : il n'y en a alors pas, et le chiffre le dit."),
    "admin_fee_rule": ("Forfait administratif : quand il est dû", "Le forfait administratif annuel (60 €, tarif de référence) est dû une fois par patient, par réseau et par année civile, à la première séance individuelle du patient dans ce réseau cette année-là. Une période compte les forfaits dont cette date tombe dans la période : deux périodes qui se suivent additionnent leurs forfaits, et les périodes d'une année additionnées donnent le forfait de l'année. Une période qui ne couvre qu'une partie de l'année ne compte donc que les forfaits de cette partie, face à l'enveloppe de l'année entière."),
    "small_counts": ("Petits effectifs", "Tout nombre de personnes ou de séances inférieur au seuil (5 par défaut, réglable) est remplacé par « < 5 » dès qu'il quitte l'écran du coordinateur (téléchargements, rapports, présentation, mode public) ; une seconde case est « masqué » quand un total permettrait de le retrouver, et tout taux calculé sur un nombre masqué est masqué aussi."),
}

KPI_DELTA = {
    "relative": "{sign}{value} % vs période précédente",
    "points": "{sign}{value} pt vs période précédente",
    "none": "pas de comparaison (période précédente vide)",
}

CHART = {
    "month": "Mois",
    "sessions": "Séances",
    "network": "Réseau",
    "no_data": "Pas de données pour ces filtres",
}

GLOSSARY_INTRO = (
    "Chaque chiffre du tableau de bord a une seule définition, donnée ici. Les filtres (période, réseau, "
    "arrondissement, commune, niveau de soins, format, lieu) restreignent les lignes avant tout comptage. "
    "Une période va du premier au dernier jour inclus ; un seul jour est une période. Les chiffres sont "
    "comparés à une période de comparaison (voir ci-dessous)."
)


def indicator(key: str) -> str:
    return INDICATORS[key][0]


def definition(key: str) -> str:
    return INDICATORS[key][1]


def lookup(ref: str) -> str:
    """The French text a declaration names: `indicator.<key>` (an indicator's name), `definition.<key>`,
    `chart.<key>`, `filters.<key>`, `export.<key>`, or `<area>.<key>` for an area catalogue's TEXT
    (`south.patients` is psynam.labels.south.TEXT["patients"]). A reference that does not resolve is an
    error, never a silent English key on screen."""
    area, _, key = ref.partition(".")
    if not key:
        raise KeyError(f"label reference {ref!r} is not of the form <catalogue>.<key>")
    if area == "indicator":
        return indicator(key)
    if area == "definition":
        return definition(key)
    tables = {"chart": CHART, "filters": FILTERS, "export": EXPORT, "messages": MESSAGES, "networks": NETWORKS}
    if area in tables:
        return tables[area][key]
    module = AREAS.get(area)
    if module is None:
        raise KeyError(f"label reference {ref!r}: no catalogue {area!r}")
    return module.TEXT[key]


# ---- area catalogues -------------------------------------------------------------------------------
# Each mission page keeps its words in psynam/labels/<area>.py (PAGE, TEXT, INDICATORS); they join the one
# catalogue here, so the glossary lists every indicator and no page carries French literals.
from psynam.labels import access, budget, imports, network, partners, priorities, report, roles, south  # noqa: E402

AREAS = {"partners": partners, "south": south, "priorities": priorities, "budget": budget, "imports": imports,
         "report": report, "access": access, "network": network, "roles": roles}
# The pages that show their sections as tabs: page key -> the tabs' French labels, in order (blocks.tabbed
# runs only the open one; the tests and the bench open each one through tab_key).
TABS: dict[str, tuple[str, ...]] = {}
for _area in AREAS.values():
    PAGES.update(_area.PAGE)
    INDICATORS.update(_area.INDICATORS)
    if hasattr(_area, "TABS"):
        TABS[next(iter(_area.PAGE))] = tuple(_area.TEXT[key] for key in _area.TABS)


def tab_key(page_key: str) -> str:
    """The session-state key holding the open tab's label of a page with tabs."""
    return f"{page_key}_tab"
