"""Shared fixtures: a real DuckDB database holding the tiny hand-written export (tests/fixtures/tiny)."""

import os
from pathlib import Path

import pytest

os.environ["PSYNAM_VALIDATE_CHARTS"] = "1"  # every figure built in a test is validated (psynam.charts.spec)

from psynam import db  # noqa: E402
from psynam.charts import spec  # noqa: E402

spec.VALIDATE = True

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny"
TABLES = ("partners", "psychologists", "agreements", "sessions", "clairvisions", "budget", "activities")


def open_tab(at, page_key: str, label: str) -> None:
    """Open a tab of a page with tabs (blocks.tabbed), as a click would: the page reruns with it open."""
    from psynam import labels
    at.session_state[labels.tab_key(page_key)] = label
    at.run()


def each_tab(at, page_key: str):
    """A page with tabs runs only the open one (blocks.tabbed): open each in turn and yield its label. A
    page without tabs is left as it is and yields None once."""
    from psynam import labels
    names = labels.TABS.get(page_key)
    if not names:
        yield None
        return
    for name in names:
        open_tab(at, page_key, name)
        yield name


def load_export(path: Path, folder: Path, tables=TABLES) -> None:
    """Load a hand-written export (canonical CSVs) straight into the canonical tables, bypassing the
    importer on purpose: the query tests must not depend on it (tests/ingest checks the importer)."""
    con = db.connect(path)
    db.init_schema(con)
    for table in tables:
        con.execute(
            f"insert into {table} by name select * from read_csv($path, header = true, all_varchar = true)",
            {"path": str(folder / f"{table}.csv")},
        )
    db.refresh_derived(con)
    con.close()


def load_tiny(path: Path) -> None:
    load_export(path, TINY)


SESSION_COLUMNS = ("session_id", "session_date", "network", "psychologist_id", "care_level", "format", "setting",
                   "patient_id", "patient_age", "patient_commune", "session_commune", "fee_inami_eur",
                   "fee_patient_eur")


def load_tiny_with(path: Path, sessions: list[tuple]) -> None:
    """The tiny export plus the given sessions (tuples of SESSION_COLUMNS), its stored rows rebuilt: a case
    the fixture lacks, made for one test."""
    load_tiny(path)
    con = db.connect(path)
    con.executemany(f"insert into sessions ({', '.join(SESSION_COLUMNS)}) values "
                    f"({', '.join('?' for _ in SESSION_COLUMNS)})", sessions)
    db.refresh_derived(con)
    con.close()


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    load_tiny(path)
    return path


@pytest.fixture
def tiny_con(tiny_db):
    con = db.connect(tiny_db, read_only=True)
    yield con
    con.close()
