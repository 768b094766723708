"""Meta-tests of the declarations (queries/<area>/<result>.toml): each loads, every label resolves, and the
columns it declares are exactly those its SQL returns — so no count can leave undeclared, and no page
declares a column or a rule of its own."""

import re
from datetime import date

import pytest

from psynam import QUERIES_DIR, ROOT, db, declarations
from psynam.filters import Filters

# Queries that are not results shown to anyone but the coordinator's own tools: filter options and bounds,
# the import log of the import page, the audit log.
UNDECLARED = ("filters/", "imports/", "audit/")  # the audit log: coordinators' own, no figure in it
SQL = sorted(str(p.relative_to(QUERIES_DIR).with_suffix("")) for p in QUERIES_DIR.rglob("*.sql")
             if p.parent.name != "staging")
# Values for parameters that are not shared filters.
EXTRA = {"dimension": "sector", "commune": "93056"}
PERIOD = Filters(date(2024, 1, 1), date(2024, 12, 31))


@pytest.mark.parametrize("name", [n for n in SQL if not n.startswith(UNDECLARED)])
def test_every_result_query_has_a_declaration(name):
    assert (QUERIES_DIR / f"{name}.toml").is_file(), f"queries/{name}.sql has no declaration beside it"


@pytest.mark.parametrize("name", declarations.every())
def test_declaration_loads_and_every_label_resolves(name):
    decl = declarations.load(name)
    for column in decl.columns:
        if column.exported:
            assert column.label and not column.label.startswith(("indicator.", "chart.")), column
    decl.spec()  # shares, totals and rates name declared counts (checked on load)


@pytest.mark.parametrize("name", [n for n in declarations.every() if (QUERIES_DIR / f"{n}.sql").is_file()])
def test_declared_columns_are_the_sql_output(name, tiny_con):
    params = {**PERIOD.params(), **EXTRA}
    frame = db.run(tiny_con, name, **{k: params[k] for k in db.query_parameters(name)})
    declarations.load(name).check_frame(frame)


def test_a_declaration_that_names_an_unknown_count_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(declarations, "QUERIES_DIR", tmp_path)
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "y.sql").write_text("select 1 as a")
    (tmp_path / "x" / "y.toml").write_text(
        '[columns]\na = { label = "chart.month", kind = "pct", role = "rate", of = ["b"] }\n')
    declarations.load.cache_clear()
    try:
        with pytest.raises(declarations.DeclarationError, match="not a declared count"):
            declarations.load("x/y")
    finally:
        declarations.load.cache_clear()


PAGES = sorted((ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_only_place_things(page):
    text = page.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 100, f"{page.name}: a page only places things (<= 100 lines)"
    assert "Spec(" not in text, "privacy rules are declared beside the SQL, not in a page"
    assert not re.search(r"\bselect\b.+\bfrom\b|duckdb", text, re.I), "no SQL in a page"
    assert ".params(" not in text, "no parameter list in a page: views bind each query's own parameters"
    assert not re.search(r"(?<![A-Za-z_.])Column\(", text), "columns are declared beside the SQL"
