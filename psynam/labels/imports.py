"""French words of the import page: title, texts, table headers, messages."""

PAGE: dict[str, str] = {"imports": "Importer un export"}

TEXT: dict[str, str] = {
    "intro": "Déposez un ou plusieurs fichiers d'export (CSV, Excel .xlsx ou archive .zip). Une simulation montre "
             "d'abord ce que l'import ferait ; rien n'est écrit avant votre confirmation. Un import est complet ou "
             "n'a pas lieu, il est consigné dans l'historique et peut être annulé.",
    "uploader": "Fichiers d'export",
    "uploader_help": "Un fichier CSV par table (sessions.csv, partners.csv… ou leurs noms français), un classeur "
                     "avec une feuille par table, ou une archive .zip de ces fichiers.",
    "accept_valid": "Importer les lignes valides même si d'autres sont rejetées",
    "accept_valid_help": "Par défaut, une seule ligne rejetée empêche tout l'import.",
    "simulate": "Simuler l'import",
    "retry": "Relancer la simulation de ces fichiers",
    "running": "Simulation en cours…",
    "simulated": "Simulation terminée",
    "dry_run_title": "Ce que l'import ferait",
    "confirm": "Confirmer l'import",
    "cancel": "Annuler",
    "cancelled": "Import abandonné : rien n'a été écrit.",
    "confirmed": "Import n° {id} enregistré. Toutes les pages montrent désormais les nouveaux chiffres.",
    "stale": "La base a changé depuis la simulation (un autre import ?). Relancez la simulation.",
    "refused": "Import refusé : {errors} erreur(s), {rejected} ligne(s) rejetée(s). Rien ne sera écrit. Corrigez les "
               "fichiers ou cochez l'option d'import des lignes valides.",
    "unreadable": "Fichier illisible : rien ne sera écrit.",
    "ready": "Prêt à importer : vérifiez les chiffres puis confirmez.",
    "ready_partial": "Prêt à importer les lignes valides ; {rejected} ligne(s) rejetée(s) ne seront pas importées.",
    "issues_title": "Lignes rejetées et avertissements",
    "issues_download": "Télécharger (CSV)",
    "issues_more": "{n} autres avertissements du même type ne sont pas listés.",
    "errors_more": "{n} autres erreurs du même type ne sont pas listées (les lignes concernées sont bien rejetées).",
    "history_title": "Historique des imports",
    "history_empty": "Aucun import enregistré dans cette base.",
    "undo_choice": "Import à annuler",
    "undo": "Annuler cet import…",
    "undo_help": "Montre d'abord ce qui sera retiré, puis demande confirmation. Supprime les lignes que l'import a "
                 "ajoutées et rend aux lignes qu'il a modifiées leurs valeurs d'avant. Si un import plus récent "
                 "contient les mêmes lignes, annulez d'abord celui-là.",
    "undo_ask": "Annuler l'import n° {id} ? Voici ce qui sera retiré de la base (lignes par table) ; rien n'est fait "
                "avant votre confirmation.",
    "undo_nothing": "Annuler l'import n° {id} ne retire aucune ligne (il n'a rien ajouté ni modifié) ; il sera "
                    "marqué annulé.",
    "undo_confirm": "Oui, annuler l'import n° {id}",
    "undo_keep": "Non, le garder",
    "undo_kept": "Annulation abandonnée : rien n'a changé.",
    "id_hidden": "(identifiant masqué : voyez la ligne dans votre fichier)",
    "undone": "Import n° {id} annulé : {deleted} ligne(s) supprimée(s), {restored} ligne(s) rétablie(s).",
    "undo_refused": "Annulation impossible : {reason}.",
    "status_in_force": "en vigueur",
    "status_undone": "annulé le {date}",
    "option": "n° {id} du {date} — {files}",
}

# Column headers of the page's tables.
COUNTS = {"table": "Table", "read": "Lues", "inserted": "Nouvelles", "updated": "Modifiées",
          "unchanged": "Inchangées", "rejected": "Rejetées"}
ISSUES = {"file": "Fichier", "line": "Ligne", "column": "Colonne", "value": "Valeur", "reason": "Motif",
          "severity": "Gravité"}
SEVERITY = {"error": "rejet", "warning": "avertissement"}
HISTORY = {"import_id": "N°", "imported_at": "Date", "files": "Fichiers", "sha256": "SHA-256",
           "tables": "Lignes par table", "user": "Par", "via": "Depuis", "status": "État"}
UNDO = {"table": "Table", "deleted": "Lignes supprimées", "restored": "Lignes rétablies (valeurs d'avant)"}

INDICATORS: dict[str, tuple[str, str]] = {}
