"""Figures built as plain data: the subset of Plotly's figure API that the chart builders use, writing
dicts, turned into one `go.Figure` at the end without Plotly's per-property checks.

Why: building a figure through Plotly's objects costs 15–60 ms (every `update_layout`, `add_trace`,
`make_subplots` or `add_vline` walks its property tree and validates each value), and a page draws up to a
dozen figures on every filter change. The same figure written as dicts costs ~1 ms. Plotly's checks are not
lost: `tests/test_chart_specs.py` builds every figure the way `go.Figure` does with validation on, so a
misspelt property or a wrong value fails a test instead of every rerun paying for the check (the tests
set VALIDATE; without it Plotly lets most unknown property names through too).

Semantics follow Plotly's where the builders rely on them:
- `update_layout` / `update_xaxes` / `update_yaxes` merge nested dicts into what is there, replace lists
  and values, and a property set to None is removed (emptied, `{}`, if it is a nested one); `a_b=...` is the magic underscore path `{"a": {"b": ...}}`
  (except the few property names that hold an underscore);
- a string `title` is `{"text": ...}`;
- subplots are laid out by Plotly's own `make_subplots` (once per layout, then copied), and `row`/`col`
  address traces, axes, annotations and shapes as Plotly does;
- `add_vline` / `add_hline` / `add_vrect` span the plot as Plotly's do (an axis's domain), with
  Plotly's own placement of the shape's annotation.

The objects are dicts with attribute access (`trace.orientation = "h"`, `axis.domain[1]`); a property
never set reads None, as it does on a Plotly object.
"""

from __future__ import annotations

import copy
import functools
import os
from typing import Any

import plotly.graph_objects as go
from plotly import shapeannotation

# True: figure() validates every value as go.Figure does. The tests set it (tests/conftest.py, through the
# environment so that the app processes of the browser tests validate too); the app does not.
VALIDATE = os.environ.get("PSYNAM_VALIDATE_CHARTS") == "1"

# property names that hold an underscore (not a magic path)
_NO_SPLIT = frozenset({"plot_bgcolor", "paper_bgcolor", "error_x", "error_y", "error_z"})
# nested (compound) properties the builders set to None: Plotly empties them (`{}`) rather than removing
_COMPOUND = frozenset({"title", "legend", "margin", "font", "marker", "line", "hoverlabel", "textfont",
                       "pattern", "projection", "colorbar", "geo"})


class Obj(dict):
    """A dict read and written as attributes; a nested dict reads as an Obj (converted in place)."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        value = self.get(name)
        if type(value) is dict:
            value = self[name] = Obj(value)
        elif type(value) is list and any(type(v) is dict for v in value):
            value = self[name] = [Obj(v) if type(v) is dict else v for v in value]
        return value

    def __setattr__(self, name: str, value) -> None:
        self[name] = value

    def update(self, values: dict | None = None, **kwargs) -> "Obj":  # type: ignore[override]
        merge(self, expand({**(values or {}), **kwargs}))
        return self


def expand(values: dict) -> dict:
    """Magic underscore paths as nested dicts: {"title_font": {...}} -> {"title": {"font": {...}}}, merged
    with a nested dict given for the same property; None values are kept (an update removes what they name)."""
    out: dict = {}
    for key, value in values.items():
        if "_" in key and key not in _NO_SPLIT:
            head, rest = key.split("_", 1)
            key, value = head, expand({rest: value})
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value} if not any(isinstance(v, dict) for v in value.values()) \
                else _joined(out[key], value)
        else:
            out[key] = value
    return out


def _joined(first: dict, second: dict) -> dict:
    out = dict(first)
    for key, value in second.items():
        out[key] = _joined(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _dropped_none(value):
    """A constructor's arguments without their None values (Plotly ignores them)."""
    if isinstance(value, dict):
        return {k: _dropped_none(v) for k, v in value.items() if v is not None}
    return value


def merge(target: dict, values: dict) -> dict:
    """Plotly's update: nested dicts merge, anything else replaces, None removes."""
    for key, value in values.items():
        if key == "title" and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = {"text": value}
        if value is None:
            if key in _COMPOUND:
                target[key] = Obj()
            else:
                target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            if not isinstance(current, dict):
                current = target[key] = Obj()
            elif type(current) is dict:
                current = target[key] = Obj(current)
            merge(current, value)
        else:
            target[key] = value
    return target


def _trace(kind: str, kwargs: dict) -> Obj:
    return merge(Obj(type=kind), _dropped_none(expand(kwargs)))


def Scatter(**kwargs) -> Obj:  # noqa: N802 — named as Plotly's trace classes
    return _trace("scatter", kwargs)


def Bar(**kwargs) -> Obj:  # noqa: N802
    return _trace("bar", kwargs)


def Heatmap(**kwargs) -> Obj:  # noqa: N802
    return _trace("heatmap", kwargs)


def Scattergeo(**kwargs) -> Obj:  # noqa: N802
    return _trace("scattergeo", kwargs)


def Choropleth(**kwargs) -> Obj:  # noqa: N802
    return _trace("choropleth", kwargs)


def _axis_number(key: str) -> int:
    digits = key.lstrip("xyaxis")
    return int(digits) if digits else 1


class Fig:
    """A figure under construction: `data` (trace dicts) and `layout` (a dict), Plotly's method names."""

    def __init__(self, data: Obj | list | None = None, layout: dict | None = None):
        self.data: list[Obj] = [] if data is None else [data] if isinstance(data, dict) else list(data)
        self.layout: Obj = merge(Obj(), layout or {})
        # (row, col) -> (xaxis key, yaxis key) for a figure made by make_subplots; None otherwise
        self.grid: dict[tuple[int, int], tuple[str, str]] | None = None

    # ---- traces ----------------------------------------------------------------------------------------

    def add_trace(self, trace: dict, row: int | None = None, col: int | None = None) -> "Fig":
        trace = trace if isinstance(trace, Obj) else Obj(trace)
        if row is not None and self.grid is not None:
            xaxis, yaxis = self.grid[(row, col)]
            trace["xaxis"], trace["yaxis"] = xaxis.replace("axis", ""), yaxis.replace("axis", "")
        self.data.append(trace)
        return self

    def add_traces(self, traces: list[dict]) -> "Fig":
        for trace in traces:
            self.add_trace(trace)
        return self

    # ---- layout ----------------------------------------------------------------------------------------

    def update_layout(self, values: dict | None = None, **kwargs) -> "Fig":
        merge(self.layout, expand({**(values or {}), **kwargs}))
        return self

    def _axis_keys(self, letter: str, row: int | None, col: int | None) -> list[str]:
        if self.grid is not None and (row is not None or col is not None):
            keys = {axes[0 if letter == "x" else 1] for (r, c), axes in self.grid.items()
                    if (row is None or r == row) and (col is None or c == col)}
        else:
            keys = {k for k in self.layout if k.startswith(f"{letter}axis")} | {f"{letter}axis"}
        return sorted(keys, key=_axis_number)

    def _select(self, letter: str, row: int | None, col: int | None, selector: dict | None) -> list[Obj]:
        out = []
        for key in self._axis_keys(letter, row, col):
            axis = self.layout.get(key)
            if not isinstance(axis, Obj):
                axis = self.layout[key] = Obj(axis or {})
            if all(axis.get(k) == v for k, v in (selector or {}).items()):  # as Plotly's selector
                out.append(axis)
        return out

    def select_xaxes(self, selector: dict | None = None, row: int | None = None, col: int | None = None) -> list[Obj]:
        return self._select("x", row, col, selector)

    def select_yaxes(self, selector: dict | None = None, row: int | None = None, col: int | None = None) -> list[Obj]:
        return self._select("y", row, col, selector)

    def update_xaxes(self, values: dict | None = None, selector: dict | None = None, row: int | None = None,
                     col: int | None = None, **kwargs) -> "Fig":
        for axis in self.select_xaxes(selector, row, col):
            merge(axis, expand({**(values or {}), **kwargs}))
        return self

    def update_yaxes(self, values: dict | None = None, selector: dict | None = None, row: int | None = None,
                     col: int | None = None, **kwargs) -> "Fig":
        for axis in self.select_yaxes(selector, row, col):
            merge(axis, expand({**(values or {}), **kwargs}))
        return self

    def update_geos(self, values: dict | None = None, **kwargs) -> "Fig":
        keys = {k for k in self.layout if k.startswith("geo")} | {"geo"}
        for key in sorted(keys):
            merge(self.layout.setdefault(key, Obj()), expand({**(values or {}), **kwargs}))
        return self

    def update_annotations(self, values: dict | None = None, **kwargs) -> "Fig":
        for note in self.layout.get("annotations", []):
            merge(note, expand({**(values or {}), **kwargs}))
        return self

    # ---- annotations and shapes ------------------------------------------------------------------------

    def _add_like(self, plural: str, values: dict, row: int | None, col: int | None) -> "Fig":
        item = merge(Obj(), expand(values))
        if row is not None and self.grid is not None:  # as Plotly's _add_annotation_like
            xaxis, yaxis = self.grid[(row, col)]
            xref, yref = xaxis.replace("axis", ""), yaxis.replace("axis", "")
            given = item.get("yref")
            if not (given is None or given == "y" or "paper" in given or "domain" in given):
                yref = given
            if "domain" in (item.get("xref") or ""):
                xref += " domain"
            if "domain" in (item.get("yref") or ""):
                yref += " domain"
            item["xref"], item["yref"] = xref, yref
        self.layout.setdefault(plural, []).append(item)
        return self

    def add_annotation(self, values: dict | None = None, row: int | None = None, col: int | None = None,
                       **kwargs) -> "Fig":
        return self._add_like("annotations", {**(values or {}), **kwargs}, row, col)

    def add_shape(self, values: dict | None = None, row: int | None = None, col: int | None = None,
                  **kwargs) -> "Fig":
        return self._add_like("shapes", {**(values or {}), **kwargs}, row, col)

    def _spanning(self, shape_type: str, shape: dict, kwargs: dict) -> "Fig":
        """Plotly's add_vline/add_hline/add_vrect on a figure without subplots: the shape spans the
        other axis's domain; its annotation is placed by Plotly's own rule."""
        if self.grid is not None:
            raise NotImplementedError("spanning shapes on subplots: lay them out per axis (add_shape)")
        shape_kwargs, note_kwargs = shapeannotation.split_dict_by_key_prefix(kwargs, "annotation_")
        note = shapeannotation.axis_spanning_shape_annotation(None, shape_type, shape, note_kwargs)
        vertical = shape_type in ("vline", "vrect")
        self.add_shape({"xref": "x", "yref": "y", **shape, **shape_kwargs})
        if note is not None:
            self.add_annotation({"xref": "x", **note, "yref": shape_kwargs.get("yref", "y")})
        for plural in ("shapes", "annotations") if note is not None else ("shapes",):
            item = self.layout[plural][-1]
            if vertical:
                item["yref"] = item["yref"] + " domain"
            else:
                item["xref"] = item["xref"] + " domain"
        return self

    def add_vline(self, x, **kwargs) -> "Fig":
        return self._spanning("vline", {"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1}, kwargs)

    def add_hline(self, y, **kwargs) -> "Fig":
        return self._spanning("hline", {"type": "line", "x0": 0, "x1": 1, "y0": y, "y1": y}, kwargs)

    def add_vrect(self, x0, x1, **kwargs) -> "Fig":
        return self._spanning("vrect", {"type": "rect", "x0": x0, "x1": x1, "y0": 0, "y1": 1}, kwargs)

    # ---- the result ------------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {"data": self.data, "layout": self.layout}

    def figure(self) -> go.Figure:
        """The Plotly figure, built without validating every value (unless VALIDATE: the tests)."""
        return go.Figure(self.to_dict(), _validate=VALIDATE)


@functools.lru_cache(maxsize=64)
def _grid_layout(args: tuple) -> tuple[dict, dict]:
    from plotly.subplots import make_subplots as plotly_subplots

    kwargs = {k: list(v) if isinstance(v, tuple) else v for k, v in args}
    fig = plotly_subplots(**kwargs)
    layout = fig.to_dict()["layout"]
    layout.pop("template", None)
    grid = {(r + 1, c + 1): refs[0].layout_keys for r, row in enumerate(fig._grid_ref)
            for c, refs in enumerate(row) if refs}
    return layout, grid


def make_subplots(**kwargs) -> Fig:
    """Plotly's subplot grid (its axes' domains, anchors and the panels' titles), computed once per set
    of arguments."""
    args = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()))
    layout, grid = _grid_layout(args)
    fig = Fig(layout=copy.deepcopy(layout))
    fig.grid = dict(grid)
    return fig


def figure(fig: Any) -> go.Figure:
    """A builder's result as a Plotly figure (a Fig converted; a go.Figure as it is)."""
    return fig.figure() if isinstance(fig, Fig) else fig


def builder(make):
    """Decorate a chart builder that returns a Fig: callers get a go.Figure."""
    @functools.wraps(make)
    def build(*args, **kwargs) -> go.Figure:
        return figure(make(*args, **kwargs))
    return build
