"""The app's own CSS and its French for Streamlit's and Plotly's built-in English (docs/french-ui.md).

Streamlit 1.67 has options for some of its strings (placeholders, `select_all=False`, date formats), none for
the rest: the file uploader's "Drag and drop"/"Upload"/"200MB per file", the multiselect's "No results",
the date picker's quick select ("Past Week"…, counted from today, after the data ends: hidden) and its
screen-reader labels, the chart toolbar's tooltips, the "Page not found" dialog. `apply()` (called once
per run by app.py, for every page and the slides) injects:
- CSS: KPI cards that wrap instead of cutting their label, value and change; buttons that keep their
  label; the date picker's quick select hidden;
- a small script that puts French on those strings in the page as they appear (text, tooltips,
  placeholders and accessible names), from the table TEXTS and the patterns PATTERNS below.
"""

from __future__ import annotations

import json

import streamlit as st

CSS = """
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *, [data-testid="stMetricValue"],
[data-testid="stMetricValue"] *, [data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: break-word; }
[data-testid="stMetricValue"] { font-size: clamp(1.35rem, 1.9vw, 2.25rem) !important; line-height: 1.2; }
[data-testid="stMetricLabel"] { height: auto !important; min-height: 1.5rem; }
[data-testid="stMain"] [data-testid="stDownloadButton"] button p, [data-testid="stPopoverButton"] p,
[data-testid="stBaseButton-secondary"] p { white-space: nowrap !important; overflow: visible !important;
  text-overflow: clip !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #4a4f57 !important; opacity: 1 !important; }
[data-testid="stDateInputQuickSelect"] { display: none !important; }
/* Segmented controls wrap at a phone's width rather than hiding their last options in a scroll. */
[data-testid="stButtonGroup"] > div { flex-wrap: wrap !important; overflow-x: visible !important; row-gap: 0.4rem; }
.st-key-psynam_style { display: none !important; }
/* At a phone's width the 38 names would overlap on the map: they stay in the hover (a tap). */
@media (max-width: 640px) { .st-key-south_map .trace.scattergeo text { display: none; } }
"""

# Exact strings (text, title, aria-label, placeholder, Plotly's data-title) -> French.
TEXTS = {
    "No results": "Aucun résultat",
    "No options to select.": "Aucun choix possible.",
    "Select all": "Tout sélectionner",
    "Select...": "Choisir…",
    "Choose an option": "Choisir",
    "Choose options": "Choisir",
    "Upload": "Choisir des fichiers",
    "Browse files": "Choisir des fichiers",
    "Drag and drop files here": "Glissez-déposez les fichiers ici",
    "Drag and drop file here": "Glissez-déposez le fichier ici",
    "file upload": "choisir des fichiers",
    "Delete": "Supprimer",
    "Remove": "Retirer",
    "Open": "Ouvrir",
    "Close": "Fermer",
    "Clear": "Effacer",
    "Clear all": "Tout effacer",
    "Clear value": "Effacer",
    "Clear values": "Tout effacer",
    "Choose date range": "Choisir la période",
    "Choose date": "Choisir la date",
    "Previous month": "Mois précédent",
    "Next month": "Mois suivant",
    "Date range": "Période",
    "Quick select a date range": "Choix rapide d'une période",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.":
        "Flèches : changer de jour ; Entrée : choisir ; Échap : fermer.",
    "Page not found": "Page introuvable",
    "The page that you have requested does not seem to exist. Running the app's main page.":
        "Cette page n'existe pas : la page d'accueil s'affiche.",
    "Running...": "Calcul en cours…",
    "Running": "Calcul en cours",
    "Stop": "Arrêter",
    "Main menu": "Menu principal",
    "Collapse sidebar": "Replier le menu",
    "Expand sidebar": "Déplier le menu",
    "Fullscreen": "Plein écran",
    "Exit fullscreen": "Quitter le plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Search": "Rechercher",
    "Show/hide columns": "Colonnes affichées",
    "Zoom": "Zoom",
    "Zoom in": "Zoom avant",
    "Zoom out": "Zoom arrière",
    "Pan": "Déplacer",
    "Box Select": "Sélection rectangulaire",
    "Lasso Select": "Sélection au lasso",
    "Autoscale": "Échelle automatique",
    "Reset axes": "Réinitialiser les axes",
    "Reset view": "Réinitialiser la vue",
    "Reset": "Réinitialiser",
    "Toggle Spike Lines": "Lignes de repère",
    "Show closest data on hover": "Survol : la valeur la plus proche",
    "Compare data on hover": "Survol : comparer les valeurs",
    "Double-click to zoom back out": "Double-cliquez pour revenir",
    "Click to enter Colorscale title": "",
    "Click to enter Plot title": "",
}

# (regular expression, replacement with $1…) for strings that carry a name or a number.
PATTERNS = [
    (r"^Help for (.+)$", "Aide : $1"),
    (r"^(.+) start date$", "$1, date de début"),
    (r"^(.+) end date$", "$1, date de fin"),
    (r"^day, (.+)$", "jour, $1"),
    (r"^month, (.+)$", "mois, $1"),
    (r"^year, (.+)$", "année, $1"),
    (r"^Choose date range, (.+)$", "Choisir la période, $1"),
    (r"^(\d+)\s?([KMG])B per file(.*)$", "$1 $2o par fichier$3"),
    (r"^Limit (\d+)\s?([KMG])B per file(.*)$", "Au plus $1 $2o par fichier$3"),
    (r"^Download as (.+)$", "Télécharger en $1"),
]

_SCRIPT = """
(() => {
  const texts = %(texts)s, patterns = %(patterns)s.map(([re, to]) => [new RegExp(re), to]);
  const ATTRS = ['aria-label', 'title', 'placeholder', 'data-title', 'aria-valuetext'];
  const french = s => {
    const t = s.trim();
    if (!t) return null;
    if (Object.prototype.hasOwnProperty.call(texts, t)) return s.replace(t, texts[t]);
    for (const [re, to] of patterns) if (re.test(t)) return s.replace(t, t.replace(re, to));
    return null;
  };
  const fix = root => {
    if (root.nodeType === 3) {
      const f = french(root.nodeValue);
      if (f !== null && f !== root.nodeValue) root.nodeValue = f;
      return;
    }
    if (root.nodeType !== 1) return;
    for (const e of [root, ...root.querySelectorAll('*')]) {
      for (const a of ATTRS) {
        const v = e.getAttribute(a);
        if (v) { const f = french(v); if (f !== null && f !== v) e.setAttribute(a, f); }
      }
    }
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const f = french(n.nodeValue);
      if (f !== null && f !== n.nodeValue) n.nodeValue = f;
    }
  };
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  if (doc.documentElement.dataset.psynamFrench) return;
  doc.documentElement.dataset.psynamFrench = '1';
  doc.documentElement.lang = 'fr-BE';
  // Streamlit's "Page not found" over a page that is shown (a deep link to a page whose path differs from its
  // file name, streamlit#9992): a false alarm on the app's own paths, closed; a wrong path keeps it.
  const known = %(paths)s;
  const falseAlarm = () => {
    const segment = doc.defaultView.location.pathname.replace(/\\/+$/, '').split('/').pop();
    if (!known.includes(segment)) return;
    for (const d of doc.querySelectorAll('[role="dialog"]')) {
      if (/^(Page not found|Page introuvable)/.test((d.innerText || '').trim())) {
        const close = d.querySelector('button[aria-label], button');
        if (close) close.click();
      }
    }
  };
  fix(doc.body);
  falseAlarm();
  new MutationObserver(changes => {
    for (const c of changes) {
      if (c.type === 'attributes' || c.type === 'characterData') fix(c.target);
      else c.addedNodes.forEach(fix);
    }
    falseAlarm();
  }).observe(doc.body, {subtree: true, childList: true, characterData: true, attributes: true,
                        attributeFilter: ATTRS});
})();
"""


def script(paths: tuple[str, ...] = ()) -> str:
    """The French script; `paths`: the app's own page paths (their "Page not found" is a false alarm)."""
    return _SCRIPT % {"texts": json.dumps(TEXTS, ensure_ascii=False), "patterns": json.dumps(PATTERNS),
                      "paths": json.dumps(list(paths))}


def apply(paths: tuple[str, ...] = ()) -> None:
    """The CSS and the French script, in a hidden container at the top of the page."""
    with st.container(key="psynam_style"):
        st.html(f"<style>{CSS}</style><script>{script(paths)}</script>", unsafe_allow_javascript=True)
