"""French words of the network's own life (Vie du réseau, docs/universalism.md): page title, activity types,
column words, and indicator definitions for the glossary."""

PAGE: dict[str, str] = {"network": "Vie du réseau"}

# Column and group words for the results of queries/network (referenced as `network.<key>`).
TEXT: dict[str, str] = {
    "intro": (
        "Les activités du réseau lui-même : réunions de coordination, intervisions, groupes de travail, midis "
        "de réseau, formations et comités, avec leurs participants, les partenaires et secteurs représentés "
        "et les communes où elles ont lieu. Les activités ne relèvent d'aucun réseau : le filtre de réseau ne "
        "s'y applique pas."
    ),
    # the report's section and findings
    "section": "Vie du réseau",
    "finding_activities": "{activities} activités du réseau ont réuni {participants} participants ; {partners} partenaires de {sectors} secteurs y ont été représentés.",
    "finding_never_seen": "{never} des {registered} partenaires inscrits n'ont été vus à aucune activité de la période.",
    # section words of the page
    "by_month": "Activités par mois et par type",
    "by_type": "Activités par type",
    "sectors_title": "Partenaires représentés par secteur",
    "places_title": "Lieux des activités",
    "never_seen_title": "Partenaires inscrits jamais vus à une activité",
    "meetings_title": "Liste des activités de la période",
    "no_activities": "Aucune activité du réseau sur cette période (ou dans cette géographie).",
    "none_never_seen": "Chaque partenaire inscrit a été vu à au moins une activité de la période.",
    "network_filter_note": "Le filtre de réseau ne s'applique qu'aux partenaires inscrits : les activités ne relèvent d'aucun réseau.",
    # activity types (free text in exports; the known ones)
    "coordination": "Réunion de coordination",
    "intervision": "Intervision",
    "groupe_de_travail": "Groupe de travail",
    "midi_de_reseau": "Midi de réseau",
    "formation": "Formation",
    "comite": "Comité",
    "other_type": "Autre activité",
    "online": "En ligne",
    "hors_province": "Hors province",
    "unknown_sector": "Secteur inconnu (partenaire absent de la liste)",
    # columns
    "activity_id": "Identifiant",
    "activity_date": "Date",
    "month": "Mois",
    "type": "Type d'activité",
    "type_code": "Type d'activité (code)",
    "activities_with_sector": "Activités où le secteur était présent",
    "partner_commune": "Commune du partenaire",
    "place_kind": "Lieu",
    "commune": "Code INS",
    "commune_name": "Lieu",
    "name_fr": "Commune",
    "arrondissement": "Arrondissement",
    "population": "Population",
    "activities": "Activités",
    "online_activities": "Activités en ligne",
    "participants": "Participants",
    "participants_per_activity": "Participants par activité",
    "partners_represented": "Partenaires représentés",
    "partner_names": "Partenaires représentés (noms)",
    "sectors_represented": "Secteurs représentés",
    "communes": "Communes",
    "participations": "Participations de partenaires",
    "registered_partners": "Partenaires inscrits",
    "partners_never_seen": "Partenaires jamais vus",
    "partners_never_seen_pct": "Part des partenaires jamais vus",
    "sector": "Secteur",
    "sector_label": "Secteur",
    "partner_id": "Identifiant du partenaire",
    "name": "Partenaire",
    "network": "Réseau",
    "membership": "Statut",
    "joined_on": "Adhésion",
    "last_seen_on": "Dernière activité avant la période",
}

INDICATORS: dict[str, tuple[str, str]] = {
    "network_activities": (
        "Activités du réseau",
        "Activités (réunions de coordination, intervisions, groupes de travail, midis de réseau, formations, "
        "comités) dont la date tombe dans la période. Elles ne relèvent d'aucun réseau : le filtre de réseau "
        "ne s'y applique pas, ni ceux de niveau, de format ou de lieu ; la géographie porte sur la commune où "
        "elles ont lieu (une activité en ligne n'a pas de commune et n'est comptée que sans filtre "
        "géographique).",
    ),
    "activity_participants": (
        "Participants aux activités",
        "Somme des participants (professionnels) des activités de la période.",
    ),
    "partners_represented": (
        "Partenaires et secteurs représentés",
        "Partenaires distincts nommés dans les activités de la période, et secteurs distincts de ces "
        "partenaires.",
    ),
    "activity_communes": (
        "Communes des activités",
        "Communes où les activités de la période ont eu lieu ; les activités en ligne sont comptées à part.",
    ),
    "partners_never_seen": (
        "Partenaires jamais vus",
        "Partenaires inscrits dans la période (selon le réseau et la commune du partenaire) qu'aucune "
        "activité de la période ne nomme, où qu'elle ait eu lieu ; avec la date de la dernière activité qui "
        "les a nommés auparavant.",
    ),
    "meetings": (
        "Liste des activités",
        "Les activités de la période, une ligne chacune : date, type, lieu (ou « en ligne »), nombre de "
        "participants et partenaires représentés, à reprendre dans le rapport d'activités annuel.",
    ),
}
