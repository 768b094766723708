"""A chart's main reading in one French sentence, read from the figure itself: its text alternative (the
`alt` of st.plotly_chart, for screen readers) and the "En bref" line under it. The figure is the one on the
screen, built from the published table, so the sentence shows no more than the chart does.

- bars: the highest bar of the first series (and the lowest when there are several bars);
- lines over dates: the last point of each series (three at most), and its highest point;
- a map: the commune with the highest value of the colour scale;
- anything else: the number of series.
"""

from __future__ import annotations

from datetime import date, datetime

import plotly.graph_objects as go

from psynam import formatting as fmt

WORDS = {
    "highest": "le plus haut : {label} ({value})",
    "lowest": "le plus bas : {label} ({value})",
    "last": "dernier point : {label} ({value})",
    "map": "valeur la plus haute : {label} ({value})",
    "series": "{count} série(s) de données",
    "prefix": "En bref — {name}",
    "none": "En bref : pas de valeur à lire.",
}


def _label(v) -> str:
    if isinstance(v, (datetime, date)):
        return fmt.day(v)
    if isinstance(v, str) and len(v) >= 10 and v[4] == "-" and v[7] == "-":
        try:
            return fmt.day(date.fromisoformat(v[:10]))
        except ValueError:
            return v
    return str(v).replace("<br>", " ")


def _number(v) -> str:
    return fmt.integer(v) if float(v).is_integer() else fmt.decimal(v, 1)


def _pairs(trace) -> list[tuple[object, float]]:
    horizontal = getattr(trace, "orientation", None) == "h"
    cats, vals = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
    if cats is None or vals is None:
        return []
    return [(c, float(v)) for c, v in zip(cats, vals) if isinstance(v, (int, float)) and not isinstance(v, bool)]


def reading(fig: go.Figure) -> str:
    """The sentence (French, Belgian formats); never raises."""
    try:
        return _reading(fig)
    except Exception:  # a text alternative must never break a page
        return WORDS["none"]


def _reading(fig: go.Figure) -> str:
    data = [t for t in fig.data if getattr(t, "visible", True) is not False]
    maps = [t for t in data if isinstance(t, go.Choropleth) and t.z is not None and t.showscale]
    if maps:
        t = maps[0]
        names = {c[0]: c[1] for c in (t.customdata or []) if c is not None and len(c) > 1}
        best = max(zip(t.locations, t.z), key=lambda p: p[1])
        return f"{WORDS['prefix'].format(name=t.name or '')} : " + WORDS["map"].format(
            label=names.get(best[0], best[0]), value=fmt.decimal(best[1], 2))
    heat = [t for t in data if isinstance(t, go.Heatmap) and t.showscale is not False and t.name]
    bars = [t for t in data if isinstance(t, go.Bar) and _pairs(t)]
    lines = [t for t in data if isinstance(t, go.Scatter) and t.mode and "lines" in t.mode and _pairs(t)
             and t.name]
    if bars:
        t, pairs = bars[0], _pairs(bars[0])
        hi = max(pairs, key=lambda p: p[1])
        parts = [WORDS["highest"].format(label=_label(hi[0]), value=_number(hi[1]))]
        if len(pairs) > 2:
            lo = min(pairs, key=lambda p: p[1])
            parts.append(WORDS["lowest"].format(label=_label(lo[0]), value=_number(lo[1])))
        return f"{WORDS['prefix'].format(name=t.name or '').rstrip(' —')} : " + " ; ".join(parts) + "."
    if lines:  # each series (three at most): its last point and its highest
        parts = []
        for t in lines[:3]:
            pairs = _pairs(t)
            last, hi = pairs[-1], max(pairs, key=lambda p: p[1])
            parts.append(f"{t.name} : " + WORDS["last"].format(label=_label(last[0]), value=_number(last[1]))
                         + ", " + WORDS["highest"].format(label=_label(hi[0]), value=_number(hi[1])))
        return "En bref — " + " ; ".join(parts) + "."
    if heat:
        return WORDS["prefix"].format(name=heat[0].name) + "."
    named = [t for t in data if getattr(t, "name", None)]
    return WORDS["none"] if not named else f"En bref : {WORDS['series'].format(count=len(named))}."
