"""What a result holds, written once beside its SQL: `queries/<area>/<result>.toml` declares every column of
`queries/<area>/<result>.sql` (or of a result a view derives in Python, `derived_from = [...]`) with its
French label, its format and its privacy role. Every output — pages, public mode, report, slides, pack,
downloads, command line — reads the declaration from here, so a column list and a privacy rule exist once.

A declaration file:

    title = "sessions_by_month"              # indicator key: the result's default title and definition
    grain = "one row per month and network"

    [columns]
    month    = { label = "chart.month", kind = "month", role = "dimension" }
    sessions = { label = "indicator.sessions", kind = "int", role = "total", of = ["individual", "group"] }
    south_pct = { label = "...", kind = "pct", role = "share", of = ["south_sessions", "province_sessions"] }

Roles (how the small-count rule, psynam.privacy, treats a column):
- `dimension`: part of a row's key; the rule assumes every margin over dimensions is known elsewhere.
- `group`: an attribute grouping a dimension (`groups = "nis"`) whose group totals are published elsewhere.
- `parent`: for tables whose rows include sums of other rows (zones over arrondissements, the province over
  its zones): the key (`groups = "<dimension>"`) of the row that sums this one; never exported.
- `label`: text describing the row (a name beside its code); exported, no role in the rule.
- `count`: people or sessions — published as `< 5` when small, complemented (`masqué`) when recomputable.
- `total`: a count that is the sum of other counts of the row (`of = [...]`).
- `rate`: computed from counts of the row (`of = [...]`); hidden when one of them is.
- `share`: a percentage `of = [part, whole]`: hidden when the part, the whole or the rest (whole − part)
  is hidden, the rest being protected as a count of its own.
- `organisations` (partners, agreements), `population` (Statbel), `value` (hours, ceilings, envelopes):
  figures that are not counts of people; published as they are.
- `amount` (euros): money is a count in disguise (tariffs are public: 83 € a session, 60 € a patient's
  yearly fee), so an amount names the counts behind it (`of = [...]`, which may be declared with
  `export = false`) and is hidden with them; a `value` or `rate` derived from an amount (usage, projection)
  names the same counts.
- `export = false`: a column the rule knows (a count behind an amount) that no file shows.
- `internal`: used by views and charts (codes, sort keys, flags), never exported; never a count.

Kinds (how a value is written): text, int, decimal, index, pct, eur, date, month, year, bool; `decimals`
overrides the kind's usual places (what the screen shows is what a file holds).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

from psynam import QUERIES_DIR, labels, privacy
from psynam.export import Column

ROLES = ("dimension", "group", "parent", "label", "count", "total", "rate", "share", "organisations", "amount",
         "population", "value", "internal")
COUNTED = ("count", "total")               # what the small-count rule protects
KINDS = ("text", "int", "decimal", "index", "pct", "eur", "date", "month", "year", "bool", "change", "points")
REST = "__rest_of_{}"                      # the virtual count a share's rest is protected as


class DeclarationError(ValueError):
    """A declaration file that does not say what its result holds."""


@dataclass(frozen=True)
class ColumnDecl:
    name: str
    label_ref: str
    kind: str = "text"
    role: str = "label"
    of: tuple[str, ...] = ()
    groups: str | None = None
    decimals: int | None = None
    export: bool = True

    @property
    def label(self) -> str:
        return labels.lookup(self.label_ref)

    @property
    def exported(self) -> bool:
        return self.export and self.role not in ("internal", "parent")

    @property
    def counted(self) -> bool:
        return self.role in COUNTED

    def export_column(self) -> Column:
        return Column(self.name, self.label, self.kind, self.decimals)


@dataclass(frozen=True)
class Declaration:
    name: str                                   # "overview/sessions_by_month"
    columns: tuple[ColumnDecl, ...]
    grain: str = ""
    title: str | None = None                    # indicator key
    derived_from: tuple[str, ...] = ()
    subsets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # column -> (result, column): the sum of this column over the rows (per network for a table split by
    # network) is that one-row result's cell, published on its own (a KPI card over a monthly series)
    margins: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(self.name)

    def column(self, name: str) -> ColumnDecl:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name}: no column {name!r} declared")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def export_columns(self, subset: str | tuple[str, ...] | None = None) -> list[Column]:
        """The exported columns, in declared order; `subset` is a declared subset's name or column names."""
        if subset is None:
            return [c.export_column() for c in self.columns if c.exported]
        names = self.subsets[subset] if isinstance(subset, str) else subset
        return [self.column(n).export_column() for n in names if self.column(n).exported]

    @property
    def shares(self) -> list[ColumnDecl]:
        return [c for c in self.columns if c.role == "share"]

    def spec(self) -> privacy.Spec:
        """The small-count rule's view of the table (psynam.privacy.Spec), shares' rests included."""
        counts = [c.name for c in self.columns if c.counted]
        totals = [(c.name, c.of) for c in self.columns if c.role == "total" and c.of]
        # A rate, and an amount of money (tariffs are public: euros ÷ tariff = a count), are hidden with
        # the counts they are made of.
        rates = {c.name: c.of for c in self.columns if c.role in ("rate", "amount", "value") and c.of}
        for share in self.shares:
            part, whole = share.of
            rest = REST.format(share.name)
            counts.append(rest)
            totals.append((whole, (part, rest)))
            rates[share.name] = (part, whole, rest)
        return privacy.Spec(
            dimensions=tuple(c.name for c in self.columns if c.role == "dimension"),
            counts=tuple(counts), rates=rates, totals=tuple(totals),
            groupings={c.name: c.groups for c in self.columns if c.role == "group"}, infer_totals=False,
            parents=tuple((c.name, c.groups) for c in self.columns if c.role == "parent"),
            # a table holding its own sums as rows (zones, the province) has no other total over that
            # dimension: a sum of leaves and sums together is published nowhere
            fixed=tuple(c.groups for c in self.columns if c.role == "parent"),
            unpublished_margins=tuple(REST.format(s.name) for s in self.shares))

    def with_rests(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The frame with each share's rest (whole − part) as a virtual count column."""
        rests = [(pl.col(s.of[1]) - pl.col(s.of[0])).alias(REST.format(s.name)) for s in self.shares
                 if s.of[0] in frame.columns and s.of[1] in frame.columns]
        return frame.with_columns(rests) if rests else frame

    def check_frame(self, frame: pl.DataFrame) -> None:
        """A result's frame holds exactly the declared columns (no undeclared count can slip out)."""
        missing = [n for n in self.names if n not in frame.columns]
        extra = [n for n in frame.columns if n not in self.names]
        if missing or extra:
            raise DeclarationError(f"{self.name}: frame columns differ from the declaration "
                                   f"(missing {missing}, undeclared {extra})")


def _column(result: str, name: str, raw: dict) -> ColumnDecl:
    unknown = set(raw) - {"label", "kind", "role", "of", "groups", "decimals", "export"}
    if unknown:
        raise DeclarationError(f"{result}.{name}: unknown keys {sorted(unknown)}")
    role, kind = raw.get("role", "label"), raw.get("kind", "text")
    if role not in ROLES:
        raise DeclarationError(f"{result}.{name}: role {role!r} is not one of {ROLES}")
    if kind not in KINDS:
        raise DeclarationError(f"{result}.{name}: kind {kind!r} is not one of {KINDS}")
    if "label" not in raw and role not in ("internal", "parent") and raw.get("export", True):
        raise DeclarationError(f"{result}.{name}: an exported column needs a label")
    return ColumnDecl(name, raw.get("label", ""), kind, role, tuple(raw.get("of", ())), raw.get("groups"),
                      raw.get("decimals"), bool(raw.get("export", True)))


def _margin(result: str, column: str, raw) -> tuple[str, str]:
    """`col = "area/result"` (same column name there) or `col = { result = "...", column = "..." }`."""
    if isinstance(raw, str):
        return raw, column
    if not isinstance(raw, dict) or "result" not in raw:
        raise DeclarationError(f"{result}: margin {column!r} names a result")
    return raw["result"], raw.get("column", column)


def _validate(decl: Declaration) -> None:
    by_name = {c.name: c for c in decl.columns}
    for c in decl.columns:
        if c.exported:
            labels.lookup(c.label_ref)  # raises on an unknown reference
        if c.role in ("rate", "total", "share") and not c.of:
            raise DeclarationError(f"{decl.name}.{c.name}: a {c.role} names the counts it is made `of`")
        if c.role == "share" and len(c.of) != 2:
            raise DeclarationError(f"{decl.name}.{c.name}: a share is `of = [part, whole]`")
        for source in c.of:
            if source not in by_name or not by_name[source].counted:
                raise DeclarationError(f"{decl.name}.{c.name}: {source!r} is not a declared count")
        if c.role in ("group", "parent") and (c.groups not in by_name or by_name[c.groups].role != "dimension"):
            raise DeclarationError(f"{decl.name}.{c.name}: `groups` must name a dimension")
    for column in decl.margins:
        if column not in by_name or not by_name[column].counted:
            raise DeclarationError(f"{decl.name}: margin {column!r} is not a declared count")
    for subset, names in decl.subsets.items():
        for n in names:
            if n not in by_name:
                raise DeclarationError(f"{decl.name}: subset {subset!r} names undeclared column {n!r}")
    if decl.title:
        labels.indicator(decl.title)


@lru_cache(maxsize=None)
def load(name: str) -> Declaration:
    """The declaration of queries/<name>.toml (cached: declarations are files of the release)."""
    path = QUERIES_DIR / f"{name}.toml"
    if not path.is_file():
        raise DeclarationError(f"no declaration {path.relative_to(QUERIES_DIR.parent)} for result {name!r}")
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(raw) - {"title", "grain", "columns", "derived_from", "subsets", "margins"}
    if unknown:
        raise DeclarationError(f"{name}: unknown keys {sorted(unknown)}")
    sql = (QUERIES_DIR / f"{name}.sql").is_file()
    if sql == bool(raw.get("derived_from")):
        raise DeclarationError(f"{name}: a declaration sits beside its SQL file, or names the results it is "
                               "derived from (derived_from), not both or neither")
    decl = Declaration(
        name, tuple(_column(name, n, c) for n, c in raw.get("columns", {}).items()), raw.get("grain", ""),
        raw.get("title"), tuple(raw.get("derived_from", ())),
        {k: tuple(v) for k, v in raw.get("subsets", {}).items()},
        {k: _margin(name, k, v) for k, v in raw.get("margins", {}).items()})
    _validate(decl)
    return decl


def every() -> list[str]:
    """The name of every declared result (for the meta-tests)."""
    return sorted(str(p.relative_to(QUERIES_DIR).with_suffix("")) for p in QUERIES_DIR.rglob("*.toml"))
