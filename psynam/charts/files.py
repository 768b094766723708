"""Charts as files (PNG, SVG): a figure framed so that the image stands on its own when pasted in a report
or a slide — its title, a line with the filters and the data date, the source and the small-count note,
its legend under them, margins that fit every tick label — at the sizes offered.

The frame is laid out in pixels from the image size: a top band holds the title and the stamp lines
(wrapped to the width), the legend sits under it (its rows estimated from its labels), and every axis
grows its own margin for its tick labels (automargin), so nothing is clipped at the edge.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass

import plotly.graph_objects as go

from psynam.charts import FONT

# name -> (width, height, label): a 16:9 slide, and half an A4 page (portrait width, ~16 x 11 cm).
SIZES = {"slide": (1600, 900), "a4": (1000, 700)}
TITLE_SIZE, STAMP_SIZE, LEGEND_SIZE, BASE_SIZE = 24, 14, 14, 14
PAD = 16


@dataclass(frozen=True)
class Stamp:
    """What an image carries besides its chart: the title and the lines under it (filters and data date;
    source and the small-count note)."""

    title: str
    lines: tuple[str, ...] = ()


def _wrap(text: str, width_px: int, font_px: int) -> list[str]:
    per_line = max(20, int(width_px / (0.56 * font_px)))
    return textwrap.wrap(text, per_line, break_long_words=False) or [""]


def _legend_items(fig: go.Figure) -> list[str]:
    seen, items = set(), []
    for trace in fig.data:
        if trace.showlegend is False or not trace.name:
            continue
        if trace.type in ("choropleth", "choroplethmap", "choroplethmapbox") and trace.showlegend is not True:
            continue
        group = trace.legendgroup or trace.name
        if group in seen:
            continue
        seen.add(group)
        items.append(str(trace.name))
    return items


def _legend_rows(items: list[str], width_px: int) -> int:
    rows, used = (1 if items else 0), 0
    for name in items:
        width = 48 + int(0.58 * LEGEND_SIZE * len(name))
        if used and used + width > width_px:
            rows, used = rows + 1, 0
        used += width
    return rows


def _keep_title_in_place(fig: go.Figure) -> None:
    """A horizontal colour bar with a title, anchored by its foot on the plot's top edge (the map's), makes
    Plotly.js lift the main title by half the bar's height (its `_hColorbarMoveTitle`, meant for a title
    in the plot's margin): ours is placed in the image's top band, and would be pushed off the image. The
    bar is anchored a hair lower, which Plotly does not treat so, and is drawn where it was."""
    for trace in fig.data:
        bar = getattr(trace, "colorbar", None) if "colorbar" in trace else None
        if (bar is not None and bar.orientation == "h" and bar.title.text and bar.yanchor == "bottom"
                and (bar.y if bar.y is not None else 1.02) >= 1):
            bar.y = 0.999


def framed(fig: go.Figure, stamp: Stamp, size: str = "slide") -> go.Figure:
    """A copy of `fig` laid out as a self-contained image of the given size (SIZES)."""
    width, height = SIZES[size]
    out = go.Figure(fig)
    inner = width - 2 * PAD
    title_lines = _wrap(stamp.title, inner, TITLE_SIZE)
    stamp_lines = [line for text in stamp.lines for line in _wrap(text, inner, STAMP_SIZE)]
    band = PAD + int(1.25 * TITLE_SIZE * len(title_lines)) + int(1.35 * STAMP_SIZE * len(stamp_lines)) + PAD
    out.layout.title = {
        "text": "<br>".join(f"<b>{html.escape(t, quote=False)}</b>" for t in title_lines),
        "font": {"size": TITLE_SIZE, "family": FONT, "color": "#212529"},
        "subtitle": {"text": "<br>".join(html.escape(t, quote=False) for t in stamp_lines),
                     "font": {"size": STAMP_SIZE, "family": FONT, "color": "#495057"}},
        "x": PAD / width, "xanchor": "left", "xref": "container",
        "y": 1 - PAD / height, "yanchor": "top", "yref": "container", "automargin": False,
    }
    items = _legend_items(out)
    if not items:  # only unnamed traces: Plotly would list them as "trace 0", over the stamp lines
        out.layout.showlegend = False
    rows = _legend_rows(items, inner) if out.layout.showlegend is not False else 0
    _keep_title_in_place(out)
    legend_height = int(rows * 1.75 * LEGEND_SIZE) + (8 if rows else 0)
    if rows:
        out.layout.legend.update(orientation="h", xref="container", x=PAD / width, xanchor="left",
                                 yref="container", y=1 - band / height, yanchor="top",
                                 font={"size": LEGEND_SIZE}, bgcolor="rgba(255,255,255,0)")
    # subplot titles sit on the top edge of the plot area, under the legend: leave them their line
    annotations_top = any(a.yref == "paper" and (a.y or 0) >= 0.999 and a.yanchor in (None, "auto", "bottom")
                          for a in out.layout.annotations or ())
    top = band + legend_height + (28 if annotations_top else 10)
    out.layout.margin = {"t": top, "b": PAD + 8, "l": PAD + 8, "r": PAD + 48, "autoexpand": True}
    out.layout.font = {"family": FONT, "size": BASE_SIZE}
    out.layout.width, out.layout.height = width, height
    for axis in list(out.select_xaxes()) + list(out.select_yaxes()):
        axis.automargin = True
        if axis.title and axis.title.text:
            axis.title.standoff = 12
    return out
