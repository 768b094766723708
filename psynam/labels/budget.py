"""French words of the budget page(s): page titles, texts, and indicator definitions for the glossary."""

PAGE: dict[str, str] = {"budget": "Budget", "rules": "Plafonds par patient"}

TEXT: dict[str, str] = {
    # --- budget page
    "scope": "Les enveloppes sont fixées par réseau et par catégorie : cette page suit la période et le réseau "
             "choisis ; les filtres de géographie, de niveau, de format et de lieu ne s'y appliquent pas.",
    "scope_ignored": "Filtres sans effet sur cette page : {names}.",
    "to_date": "Année {year} au {day}",
    "rule": "Depuis le {date}, sous conditions, les lignes {categories} n'ont plus de limite budgétaire "
            "(plafonnées jusqu'au {until}). Restent plafonnées : {capped}.",
    "and": "et",
    "or": "ou",
    "rule_none": "Toutes les catégories budgétaires sont plafonnées.",
    "cap": "Plafond",
    "capped": "Plafonnée",
    "uncapped": "Sans plafond",
    "yes": "oui",
    "no": "non",
    "total_capped": "Total des lignes plafonnées",
    "envelope": "Enveloppe",
    "spent": "Dépensé",
    "spent_to_date": "Dépensé à date",
    "usage": "Consommation",
    "year": "Année",
    "network": "Réseau",
    "category": "Catégorie",
    "month": "Mois",
    "point_date": "Au",
    "spent_month": "Dépensé du mois",
    "units": "Prestations payées",
    "spent_cumulative": "Dépensé cumulé",
    "linear": "Projection linéaire",
    "linear_pct": "Projection linéaire (% de l'enveloppe)",
    "seasonal": "Projection saisonnière",
    "seasonal_pct": "Projection saisonnière (% de l'enveloppe)",
    "linear_flag": "Signal (linéaire)",
    "seasonal_flag": "Signal (saisonnier)",
    "flag_low": "sous {pct} : sous-consommation",
    "flag_ok": "dans l'enveloppe",
    "flag_high": "au-delà de {pct} : dépassement",
    "flag_sentence": "{network} — {line} : projection {kind} à {pct} de l'enveloppe ({flag}).",
    "envelope_legend": "Enveloppe (tirets)",
    "kind_linear": "linéaire",
    "kind_seasonal": "saisonnière",
    "no_seasonal": "Projection saisonnière indisponible : il faut une année précédente complète (des dépenses "
                   "chacun de ses douze mois).",
    "no_capped_year": "Aucune ligne plafonnée en {year} (pas d'enveloppe dans la table des budgets pour les réseaux "
                      "choisis) : ni consommation ni projection par rapport à une enveloppe ; le tableau des "
                      "projections montre le dépensé à date.",
    "after_data": "Les données s'arrêtent au {last}, avant le début de la période : aucune dépense n'est encore "
                  "connue pour cette période. Choisissez une période qui commence au plus tard le {last}.",
    # --- years counted in part (glossary: budget_partial_year)
    "counted": "Jours comptés",
    "days_counted": "Nombre de jours comptés",
    "whole_year": "année entière",
    "counted_span": "{start}–{end}",
    "no_day_counted": "aucun jour de données",
    "year_counted": "{year} : {counted}",
    "envelope_pro_rata": "Enveloppe au prorata des jours comptés",
    "usage_pro_rata": "Consommation au prorata",
    "pro_rata": "prorata",
    "envelope_full": "Enveloppe (année entière)",
    "partial_note": "Années comptées en partie : {years}. Leur dépensé ne couvre que ces jours : comparez-le à "
                    "l'enveloppe au prorata des jours comptés, montrée à côté de l'enveloppe de l'année entière.",
    "envelope_title": "Enveloppe et dépensé {year}",
    "admin_year": "{year}<br>{counted}",
    "cumulative_title": "Dépenses cumulées {year} des lignes plafonnées",
    "projection_title": "Projection de fin d'année {year}",
    "admin_title": "Forfait administratif par année",
    "admin_tariff": "Forfait de {amount} par patient, réseau et année civile (tarif de référence depuis le {since}).",
    "cost_title": "Coût par séance et par patient, par catégorie",
    "table_all_years": "Toutes les années touchées par la période ; dépensé compté dans la période.",
    "sessions": "Séances",
    "patients": "Patients",
    "cost_per_session": "Coût par séance",
    "cost_per_patient": "Coût par patient",
    "not_applicable": "s. o.",
    "no_patient": "Sans objet : les groupes et les clairvisions n'identifient pas de patient.",
    "amount_axis": "Montant (€)",
    "pct_axis": "% de l'enveloppe",
    # --- rules page
    "rules_scope": "Le plafond porte sur toutes les séances d'un patient d'une année, à un niveau et un format "
                   "donnés : cette page suit la période (les années civiles qu'elle touche, comptées du 1er janvier "
                   "à la fin de la période) et le réseau ; les autres filtres ne s'y appliquent pas.",
    "rules_groups": "Les séances de groupe ne portent pas d'identifiant de patient : en pratique, le contrôle "
                    "porte sur les séances individuelles.",
    "rules_specialised": "Soins spécialisés : le plafond est une moyenne ({averages} séances par patient selon "
                         "l'âge) et un maximum de {maximum} séances ; un patient est compté « au plafond » ou "
                         "« au-delà » par rapport au maximum.",
    "rules_mapping": "Codes de la convention 2024 rapportés au niveau 2021 : {mapping}.",
    "rules_age": "Groupe d'âge : l'âge à la première séance de l'année ; moins de 15 ans → moins de 23 ans, "
                 "23 ans et plus → 15 ans et plus, de 15 à 22 ans → le groupe du réseau qui suit le patient.",
    "rules_levels": "Niveau : le niveau de la convention 2021 auquel une séance est rapportée, suivi, quand l'année "
                    "compte des codes de la convention 2024, des codes qu'il regroupe (« Première ligne (soutien, "
                    "communautaire) » ; en 2024, « Première ligne (codage 2021, soutien, communautaire) »).",
    "rules_year": "Année",
    "rules_year_help": "Années civiles touchées par la période ; l'année de fin est comptée jusqu'à la fin de la période.",
    "counts_title": "Patients au plafond et au-delà, {year}",
    "histogram_title": "Séances par patient, {year}",
    "level": "Niveau (2021)",
    "format": "Format",
    "age_group": "Groupe d'âge",
    "ceiling": "Plafond",
    "ceiling_max": "Maximum",
    "ceiling_average": "Moyenne",
    "average_convention": "Moyenne de la convention",
    "sessions_per_patient": "Séances par patient dans l'année",
    "patients_checked": "Patients contrôlés",
    "at_ceiling": "Au plafond",
    "over_ceiling": "Au-delà du plafond",
    "mean_sessions": "Séances par patient (moyenne)",
    "line_label": "{level} · {format} · {age}",
    "level_group": "{level} ({codes})",
    "level_code_2021": "codage 2021",
}

INDICATORS: dict[str, tuple[str, str]] = {
    "budget_spent_to_date": (
        "Dépensé à date",
        "Dépensé des lignes plafonnées de l'année, du 1er janvier à la fin de la période (ou à la dernière donnée "
        "si elle est antérieure)."),
    "budget_capped_envelope": (
        "Enveloppe plafonnée",
        "Somme des enveloppes annuelles des lignes plafonnées (table des budgets), pour les réseaux choisis."),
    "budget_envelope_vs_spent": (
        "Enveloppe et dépensé",
        "Par année, réseau et catégorie : l'enveloppe INAMI de l'année et le dépensé dans la période (montants "
        "INAMI des séances et clairvisions, plus le forfait administratif). Les lignes plafonnées montrent la "
        "consommation ; les lignes sans plafond (colonne « plafonnée » de la table des budgets) ne montrent que le dépensé."),
    "budget_cumulative": (
        "Dépenses cumulées de l'année",
        "Dépensé des lignes plafonnées, cumulé mois par mois du 1er janvier à la date de fin de la période (ou à la "
        "dernière donnée si elle est antérieure), face à l'enveloppe plafonnée de l'année."),
    "budget_usage_to_date": (
        "Consommé à date",
        "Dépensé à date des lignes plafonnées rapporté à leur enveloppe annuelle."),
    "budget_projection_linear": (
        "Projection linéaire",
        "Dépense de fin d'année au rythme moyen de l'année : dépensé à date / jours écoulés depuis le 1er janvier × "
        "jours de l'année ; en % de l'enveloppe pour les lignes plafonnées."),
    "budget_projection_seasonal": (
        "Projection saisonnière",
        "Dépense de fin d'année au rythme saisonnier de l'année précédente : dépensé à date / part des dépenses de "
        "l'année précédente déjà faite à la même date (profil mensuel de "
        "l'année précédente, interpolé dans le mois). Seulement quand l'année précédente est complète : des "
        "dépenses chacun de ses douze mois pour le réseau."),
    "budget_projection_flag": (
        "Signal de projection",
        "Une projection sous 85 % ou au-delà de 100 % de l'enveloppe est signalée (docs/indicators.md). "
        "Les lignes sans plafond n'ont pas de signal."),
    "budget_admin_fee": (
        "Forfait administratif",
        "Forfait annuel (tarif de référence, 60 €) × patients distincts par réseau et année civile, compté à la "
        "première séance individuelle du patient dans l'année, si elle tombe dans la période : le forfait est dû une "
        "fois par patient, réseau et année civile, si bien que deux périodes contiguës s'additionnent pour donner "
        "l'année."),
    "budget_partial_year": (
        "Année comptée en partie",
        "Une année n'est comptée qu'en partie quand la période n'en couvre pas tous les jours, ou quand les données "
        "s'arrêtent avant sa fin : ses jours comptés sont ceux de la période jusqu'à la dernière donnée, et le "
        "tableau et les graphiques les indiquent (« 2025 : 01/11–31/12 »). Le dépensé de ces jours est montré face "
        "à l'enveloppe de l'année entière et face à l'enveloppe au prorata des jours comptés (enveloppe × jours "
        "comptés / jours de l'année) ; la consommation au prorata rapporte le dépensé à cette part. Le prorata "
        "suppose une dépense régulière : le forfait administratif, dû à la première séance de l'année de chaque "
        "patient, tombe surtout en début d'année et paraît donc élevé au prorata des premiers mois."),
    "budget_cost_per_session": (
        "Coût par séance",
        "Dépensé de la catégorie dans la période / séances (ou clairvisions) de la catégorie. Le forfait "
        "administratif est montré à part."),
    "budget_cost_per_patient": (
        "Coût par patient",
        "Dépensé de la catégorie dans la période / patients distincts de la catégorie. Les groupes et les "
        "clairvisions n'identifient pas de patient : pas de coût par patient. Masqué avec le nombre de patients "
        "quand celui-ci est sous le seuil des petits effectifs."),
    "ceiling_check": (
        "Contrôle des plafonds",
        "Pour chaque patient, réseau, année civile, niveau (codage 2021) et format : ses séances de l'année face au "
        "plafond annuel de son groupe d'âge. Comptes de patients seulement, jamais d'identifiants."),
    "patients_checked": (
        "Patients contrôlés",
        "Patients ayant au moins une séance dans l'année (du 1er janvier à la fin de la période), comptés une fois "
        "par réseau, niveau et format."),
    "patients_at_ceiling": (
        "Patients au plafond",
        "Patients dont le nombre de séances de l'année est égal au plafond (au maximum pour les soins spécialisés)."),
    "patients_over_ceiling": (
        "Patients au-delà du plafond",
        "Patients dont le nombre de séances de l'année dépasse le plafond (le maximum pour les soins spécialisés)."),
    "sessions_per_patient_distribution": (
        "Répartition des séances par patient",
        "Nombre de patients selon leur nombre de séances dans l'année, par niveau, format et groupe d'âge, avec "
        "le plafond (trait plein) et, pour les soins spécialisés, la moyenne de la convention (pointillés)."),
}
