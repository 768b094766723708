"""French words of login, roles, refusals, the audit log page and the serving command's messages."""

PAGE: dict[str, str] = {"audit": "Journal d'accès"}
INDICATORS: dict[str, tuple[str, str]] = {}

ROLES: dict[str, str] = {
    "coordinateur": "coordinateur",
    "representant": "représentant de réseau",
    "comite": "comité de pilotage",
}

TEXT: dict[str, str | dict] = {
    "no_role_label": "aucun rôle",
    "denied": "Action non permise pour votre rôle ({role}) : {action}.",
    "actions": {
        "import": "importer un export",
        "undo": "annuler un import",
        "restore": "restaurer une sauvegarde",
        "history": "consulter l'historique des imports",
        "audit": "consulter le journal d'accès",
        "exact_figures": "voir les chiffres exacts",
        "download": "télécharger des fichiers",
        "view": "consulter le tableau de bord",
    },
    "download_denied": "Votre rôle ({role}) ne permet pas de télécharger de fichiers.",
    # the gate (app.py)
    "login_title": "Connexion",
    "login_intro": "Ce tableau de bord contient des données de santé : connectez-vous avec votre compte "
                   "professionnel pour y accéder.",
    "login_button": "Se connecter",
    "login_button_named": "Se connecter avec {provider}",
    "expired": "Votre connexion date de plus de {hours:g} heures : reconnectez-vous.",
    "no_role": "Le compte {who} n'a pas de rôle dans ce tableau de bord. Demandez l'accès à la coordination "
               "PSYNAM, puis reconnectez-vous.",
    "remote_without_login": "Ce tableau de bord n'est pas servi : il est joint par le réseau ou par un "
                            "intermédiaire (proxy), et aucune connexion n'est configurée. Configurez un "
                            "fournisseur d'identité (section [auth]) et les rôles (section [roles]) dans "
                            ".streamlit/secrets.toml, ou ouvrez-le sur le poste même (http://localhost:8501).",
    "misconfigured": "La connexion est mal configurée ; le tableau de bord ne montre rien tant qu'elle ne l'est "
                     "pas. À corriger dans .streamlit/secrets.toml :",
    "trusted_headers": "L'option server.trustedUserHeaders n'est pas prise en charge : l'identité ne vient que "
                       "de la connexion OpenID Connect.",
    "signed_in": "Connecté : {who} ({role})",
    "local": "Poste local : {role} (aucune connexion configurée)",
    "logout": "Se déconnecter",
    "protected": "Chiffres protégés : les effectifs de 1 à {last} sont masqués pour votre rôle.",
    "refused_page": "Cette page est réservée aux coordinateurs.",
    "refused_action": "Action refusée : {reason}",
    # configuration problems
    "problem_auth_key": "la clé « {key} » manque dans [auth]",
    "problem_no_provider": "aucun fournisseur d'identité (client_id, client_secret, server_metadata_url) dans [auth]",
    "problem_provider_keys": "le fournisseur « {provider} » n'a pas : {keys}",
    "problem_provider_name": "le nom de fournisseur « {provider} » ne peut pas contenir de « _ »",
    "problem_cookie_secret": "cookie_secret doit compter au moins 32 caractères aléatoires",
    "problem_unknown_role": "rôle(s) inconnu(s) dans [roles] : {roles} (rôles possibles : {known})",
    "problem_max_hours": "[roles] max_login_hours doit être un nombre d'heures",
    # the audit log page
    "audit_intro": "Qui s'est connecté, a importé, annulé un import, restauré une sauvegarde ou téléchargé quoi, "
                   "et quand. Le journal ne fait qu'ajouter des lignes ; il ne contient aucun chiffre ni identifiant "
                   "pseudonymisé.",
    "audit_period": "Période",
    "audit_events": "Événements",
    "audit_all": "Tous",
    "audit_empty": "Aucun événement pour ce choix.",
    "audit_download": "Journal (CSV)",
    "audit_count": "{n} événement(s)",
    "audit_unreadable": "Le journal d'accès est illisible : {reason}",
    # the serving command
    "serve_refused": "Refus de servir : aucune connexion n'est configurée (section [auth] de {secrets}) et "
                     "l'adresse demandée ({address}) n'est pas locale. Sans connexion, le tableau de bord ne "
                     "s'ouvre que sur le poste même (127.0.0.1).",
    "serve_misconfigured": "Refus de servir : la connexion est mal configurée dans {secrets} :",
    "serve_no_roles": "Attention : aucune adresse ni aucun groupe dans [roles] : personne n'aura accès.",
}

EVENTS: dict[str, str] = {
    "login": "Connexion",
    "login_refused": "Connexion sans rôle",
    "logout": "Déconnexion",
    "import": "Import",
    "undo": "Annulation d'un import",
    "restore": "Restauration d'une sauvegarde",
    "download": "Téléchargement",
    "refused": "Action refusée",
}

COLUMNS: dict[str, str] = {
    "happened_at": "Date et heure",
    "event": "Événement",
    "who": "Qui",
    "role": "Rôle",
    "via": "Accès",
    "file_name": "Fichier",
    "view": "Vue",
    "filters": "Filtres",
    "detail": "Détail",
}
