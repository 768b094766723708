"""What a committee report is made of: sections of findings and charts, each chart a view result (its
declaration, its published table) and a builder. The HTML, PDF and Excel files (render.py), the slides
(psynam.present) and the pack all read these, so they show the result as every other output publishes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import plotly.graph_objects as go

from psynam.export import Column
from psynam.privacy import Published
from psynam.views import Result


@dataclass(frozen=True)
class ReportChart:
    """A chart of the report: a view result (published by the one rule), the builder that draws its
    published table, the findings it supports, and the columns its sheet shows (`subset`)."""

    key: str
    result: Result
    build: Callable[[Published], go.Figure]
    findings: tuple[str, ...] = ()
    subset: str | tuple[str, ...] | None = None

    @property
    def title(self) -> str:
        return self.result.title

    @property
    def definition(self) -> str:
        return self.result.definition

    def __post_init__(self):
        # published once, when the report is built (its source is open then): the files and the slides
        # are made later, from this table
        object.__setattr__(self, "_published", self.result.published())

    @property
    def published(self) -> Published:
        return self._published

    @property
    def columns(self) -> list[Column]:
        return self.result.columns(self.subset)

    def figure(self) -> go.Figure:
        return self.build(self.published)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    findings: tuple[str, ...]
    charts: tuple[ReportChart, ...]


def keep(*sentences) -> tuple[str, ...]:
    """The sentences that were written (a finding function returns None when it has nothing to say)."""
    return tuple(s for s in sentences if s)
