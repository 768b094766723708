"""A patient's first individual session of the period is read two ways (queries/staging/views.sql): from the
stored neighbours of each session (prev_date, next_date and their per-network twins: a filter over the
period's rows) when only the period and at most one network are set, and by grouping the period's sessions
otherwise. Both must give the same patients with the same values, on every period shape — single days,
part months, a day either side of a month, whole years — and network: checked here against the grouping,
on the tiny fixture (ties on a day, a patient of both networks) and on the sample export."""

from datetime import date, timedelta

import pytest

from psynam import db
from psynam.build import build
from tests.conftest import load_tiny

COLUMNS = "patient_key, first_age, first_commune, first_network, first_care_level, first_level_2021, first_bim"
NETWORKS = (None, ["RSN"], ["RSK"])


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    return build(tmp_path_factory.mktemp("sample") / "sample.duckdb")


def periods(first: date, last: date) -> list[tuple[date, date]]:
    """Period shapes over the data's span: whole years and months, part months, single days."""
    out = [(first, last)]
    for year in range(first.year, last.year + 1):
        out.append((date(year, 1, 1), date(year, 12, 31)))
    day = first
    step = max((last - first).days // 9, 1)
    while day <= last:
        out.append((day, day))                                   # one day
        out.append((day, day + timedelta(days=17)))              # part of a month, across one
        month = day.replace(day=1)
        out.append((month, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)))  # its month
        out.append((day + timedelta(days=1), day + timedelta(days=200)))
        day += timedelta(days=step)
    return out


def rows(con, sql: str, params: dict) -> list[tuple]:
    return con.execute(sql + " order by patient_key", params).fetchall()


def compare(con, date_from: date, date_to: date, networks) -> int:
    params = {"f": date_from, "t": date_to, "n": networks}
    args = "$f, $t, $n::varchar[], null, null, null, null, null"
    grouped = rows(con, f"select {COLUMNS}, individual_sessions from f_patients_grouped({args})", params)
    assert rows(con, f"select {COLUMNS}, individual_sessions from f_patients_first({args})", params) == grouped, \
        (date_from, date_to, networks)
    single = [r[:-1] + (r[-1] == 1,) for r in grouped]
    assert rows(con, f"select {COLUMNS}, single_session from f_patient_firsts({args})", params) == single, \
        (date_from, date_to, networks)
    # Read from the stored neighbours, whether the patient is new and their wait to a second session are
    # those of their first and second individual sessions ever in the networks (f_patient_starts).
    wrong = con.execute(f"""
        select count(*) from f_patient_firsts({args}) as p
        join f_patient_starts($n::varchar[]) as s using (patient_key)
        where p.is_new is distinct from (s.first_date >= $f::date)
            or p.days_to_second is distinct from
                case when s.first_date >= $f::date then s.second_date - s.first_date end""", params).fetchall()[0][0]
    assert wrong == 0, (date_from, date_to, networks)
    return len(grouped)


def check_all(con) -> None:
    first, last = con.execute("select min(session_date), max(session_date) from stg_sessions").fetchall()[0]
    seen = 0
    for date_from, date_to in periods(first, last):
        for networks in NETWORKS:
            seen += compare(con, date_from, date_to, networks)
    assert seen > 0  # the comparison read patients, not only empty periods


@pytest.mark.parametrize("extra", [
    "$f, $t, null, ['Namur'], null, null, null, null",                # geography: grouped
    "$f, $t, ['RSK', 'RSN'], null, null, null, null, null",          # several named networks: grouped
    "$f, $t, null, null, null, null, ['groupe'], null",              # no individual session: nothing
    "$f, $t, null, null, null, null, ['groupe', 'individuel'], null",  # individual sessions kept: stored
])
def test_every_filter_set_takes_one_branch(sample_db, extra):
    """Under any filter set each patient appears once (one branch answers, never both)."""
    con = db.connect(sample_db, read_only=True)
    try:
        params = {"f": date(2024, 1, 1), "t": date(2024, 12, 31)}
        counts = con.execute(f"select count(*), count(distinct patient_key) from f_patients_first({extra})",
                             params).fetchall()[0]
        assert counts[0] == counts[1]
        if "'groupe'], null" in extra:
            assert counts[0] == 0
        else:
            assert counts[0] > 0
    finally:
        con.close()


MONTH_COLUMNS = "month, patient_key, network, care_level, level_2021, bim"


def compare_months(con, date_from: date, date_to: date, networks) -> int:
    """Each patient's first session of each month (per network, and over the selected networks): the stored
    neighbours give the grouped rows, and is_new says exactly whether the patient's first individual session
    ever (in those networks) falls in the month, clipped to the period."""
    params = {"f": date_from, "t": date_to, "n": networks}
    args = "$f, $t, $n::varchar[], null, null, null, null, null"
    seen = 0
    for per_network in ("true", "false"):
        order = f" order by {MONTH_COLUMNS}"
        grouped = con.execute(f"select {MONTH_COLUMNS} from f_month_firsts_grouped({args}, {per_network})" + order,
                              params).fetchall()
        stored = con.execute(f"select {MONTH_COLUMNS} from f_month_firsts({args}, {per_network})" + order,
                             params).fetchall()
        assert stored == grouped, (date_from, date_to, networks, per_network)
        seen += len(grouped)
    wrong = con.execute(f"""
        select count(*) from f_month_firsts({args}, false) as m
        join f_patient_starts($n::varchar[]) as s using (patient_key)
        where m.is_new is distinct from (s.first_date >= greatest(m.month, $f::date))""", params).fetchall()[0][0]
    assert wrong == 0, (date_from, date_to, networks)
    return seen


def check_months(con) -> None:
    first, last = con.execute("select min(session_date), max(session_date) from stg_sessions").fetchall()[0]
    seen = sum(compare_months(con, f, t, n) for f, t in periods(first, last) for n in NETWORKS)
    assert seen > 0


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    load_tiny(path)
    return path


@pytest.mark.parametrize("check", [check_all, check_months], ids=["period", "month"])
@pytest.mark.parametrize("database", ["tiny_db", "sample_db"])
def test_stored_neighbours_give_the_grouped_rows(request, database, check):
    """On the tiny fixture (ties on a day, a patient of both networks) and on the sample export."""
    con = db.connect(request.getfixturevalue(database), read_only=True)
    try:
        check(con)
    finally:
        con.close()
