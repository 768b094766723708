"""The stored per-patient and per-course rows (queries/staging: stg_patient_starts, stg_courses) equal what
they stand for, worked out again from the ranked sessions, on the committed sample (thousands of patients
followed by one or both networks) for every network filter a page can set."""

from datetime import date

import pytest

from psynam import db
from psynam.build import build

RECOMPUTED_STARTS = """
select
    patient_key,
    min(seq) as first_seq,
    min(session_date) as first_date,
    least(
        min(session_date) filter (where patient_rank = 2),
        case when count(*) filter (where patient_rank = 1) > 1 then max(session_date) filter (where patient_rank = 1) end
    ) as second_date
from stg_sessions
where patient_rank <= 2 and ($networks is null or list_contains($networks, network))
group by patient_key
"""


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = db.connect(build(tmp_path_factory.mktemp("stored") / "sample.duckdb"), read_only=True)
    yield connection
    connection.close()


@pytest.mark.parametrize("networks", [None, ["RSN"], ["RSK"], ["RSK", "RSN"]])
def test_patient_starts_equal_the_ranked_sessions(con, networks):
    stored = con.execute("select * from f_patient_starts($networks) order by patient_key", {"networks": networks}).fetchall()
    again = con.execute(RECOMPUTED_STARTS + " order by patient_key", {"networks": networks}).fetchall()
    assert stored == again and len(stored) > 1000
    # patients of both networks exist, and a second session is known for many
    assert sum(1 for r in stored if r[3] is not None) > 100


def test_a_patient_of_both_networks(tmp_path):
    """The sample has no patient followed by both networks: one is made from three sessions (RSN on
    10/01 and 20/03, RSK on 15/02), and the 'all' row takes the earliest first session and, as second, the
    later network's first (15/02, before RSN's own second)."""
    path = build(tmp_path / "both.duckdb")
    con = db.connect(path)
    for network, day in (("RSN", "2025-01-10"), ("RSN", "2025-03-20"), ("RSK", "2025-02-15")):
        con.execute("insert into sessions select * replace ('BOTH-' || $day as session_id, 'PBOTH' as patient_id, "
                    "$day::date as session_date) from sessions where network = $network and format = 'individuel' "
                    "and patient_id is not null limit 1", {"network": network, "day": day})
    db.refresh_derived(con)
    for networks in (None, ["RSN"], ["RSK"], ["RSK", "RSN"]):
        stored = con.execute("select * from f_patient_starts($networks) order by patient_key",
                             {"networks": networks}).fetchall()
        assert stored == con.execute(RECOMPUTED_STARTS + " order by patient_key", {"networks": networks}).fetchall()
    key = con.execute("select distinct patient_key from stg_sessions where patient_id = 'PBOTH'").fetchone()[0]
    rows = dict(con.execute("select variant, (first_date, second_date)::varchar from stg_patient_starts "
                            "where patient_key = $k", {"k": key}).fetchall())
    con.close()
    assert rows == {"all": "(2025-01-10, 2025-02-15)", "RSN": "(2025-01-10, 2025-03-20)", "RSK": "(2025-02-15, NULL)"}


def test_courses_equal_their_sessions(con):
    stored = con.execute("select network, patient_key, course_no, sessions, last_date, start_date, care_level, "
                         "level_2021 from stg_courses order by all").fetchall()
    # the start's date, care level and 2021 level: those of the course's course_start session
    again = con.execute("""
        select s.network, s.patient_key, s.course_no, count(*), max(s.session_date), any_value(f.session_date),
            any_value(f.care_level), any_value(f.level_2021)
        from stg_sessions as s
        join stg_sessions as f on f.course_start and f.network = s.network and f.patient_key = s.patient_key
            and f.course_no = s.course_no
        where s.patient_rank is not null
        group by all order by all""").fetchall()
    assert stored == again and len(stored) > 1000
    assert len({r[6] for r in stored}) > 1 and len({r[7] for r in stored}) > 1
    # a course begun in a period has every session on or after its start (what pathways_by_group relies on)
    assert con.execute("select count(*) from stg_sessions as s join stg_sessions as f on f.course_start and "
                       "f.network = s.network and f.patient_key = s.patient_key and f.course_no = s.course_no "
                       "where s.patient_rank is not null and s.session_date < f.session_date").fetchone()[0] == 0


ADMIN_FEES_AGAIN = """
with first_of_year as (
    select network, patient_key, min(session_date) as first_date
    from stg_sessions
    where format = 'individuel'
        and ($networks is null or list_contains($networks, network))
        and session_date <= $date_to
        and session_date >= date_trunc('year', $date_from::date)
    group by network, patient_key, year
)
select f.network, f.patient_key, f.first_date, t.amount_eur
from first_of_year as f
join ref_tariffs as t
    on t.item = 'admin_fee_per_patient_year'
    and f.first_date >= t.valid_from
    and (t.valid_to is null or f.first_date <= t.valid_to)
where f.first_date between $date_from and $date_to
"""

FIRST_FREE_AGAIN = """
select min(seq) as seq
from stg_sessions
where format = 'individuel'
    and patient_key is not null
    and level_2021 in (select level_2021 from ref_copayment_rules where first_first_line)
    and session_date <= $date_to
group by network, patient_key
"""


@pytest.mark.parametrize("date_from,date_to,networks", [
    ("2025-01-01", "2025-12-31", None), ("2025-03-17", "2025-09-02", ["RSK"]), ("2024-12-31", "2025-01-01", ["RSN"]),
    ("2021-01-01", "2026-12-31", None)])
def test_fee_days_and_first_free_sessions_equal_the_sessions(con, date_from, date_to, networks):
    params = {"date_from": date_from, "date_to": date_to, "networks": networks}
    stored = con.execute("select * from f_admin_fees($date_from::date, $date_to::date, $networks) order by all",
                         params).fetchall()
    again = con.execute(ADMIN_FEES_AGAIN + " order by all", params).fetchall()
    assert stored == again and stored
    # the period's sessions marked as a patient's first free one: the stored seqs, or the history cut at the end
    marked = ("select count(*) from f_sessions($date_from::date, $date_to::date, $networks, null, null, null, null, "
              "null) where seq in ({})")
    assert con.execute(marked.format("select seq from stg_first_free_sessions"), params).fetchone() == \
        con.execute(marked.format(FIRST_FREE_AGAIN), params).fetchone()


BACK_STEPS = "select count(*) from (select session_date < lag(session_date) over (order by rowid) as back from {}) where back"


def test_stored_sessions_are_in_date_order_whatever_the_imported_order(tmp_path):
    """stg_sessions is stored sorted by date whatever the order of the imported table (here: the sample's,
    in date order, then the same sessions in no order at all), with the same rows."""
    path = build(tmp_path / "order.duckdb")
    con = db.connect(path)
    rows = "select * exclude (patient_key) from stg_sessions order by seq"
    in_order = con.execute(rows).fetchall()
    assert con.execute(BACK_STEPS.format("stg_sessions")).fetchone()[0] == 0
    # The same sessions stored in no order at all.
    con.execute("create temp table shuffled as select * from sessions")
    con.execute("delete from sessions")
    con.execute("insert into sessions select * from shuffled order by hash(session_id)")
    assert con.execute(BACK_STEPS.format("sessions")).fetchone()[0] > 1000
    db.refresh_derived(con)
    assert con.execute(BACK_STEPS.format("stg_sessions")).fetchone()[0] == 0
    assert con.execute(rows).fetchall() == in_order
    con.close()


def test_budget_days_sum_each_days_sessions(con):
    """stg_budget_days holds, per day, network and budget category, the count and INAMI fees of the sessions
    (the budget queries read it instead of the sessions): nothing missing, nothing counted twice."""
    stored = con.execute("select session_date, network, budget_category, units, spent_eur from stg_budget_days "
                         "order by all").fetchall()
    again = con.execute("select session_date, network, budget_category, count(*), sum(fee_inami_eur) "
                        "from stg_sessions group by all order by all").fetchall()
    assert stored == again and len(stored) > 1000
    assert sum(r[3] for r in stored) == con.execute("select count(*) from sessions").fetchone()[0]


@pytest.mark.parametrize("networks", [None, ["RSK"]])
def test_ceiling_counts_of_a_whole_year_equal_its_sessions_counted_again(con, networks):
    """stg_ceiling_counts (from the stored patient lines) against the same counts worked out from the year's
    sessions (f_ceiling_counts' to-date branch, up to 31 December): the two ways the ceiling check reads."""
    years = [r[0] for r in con.execute("select distinct year from stg_sessions order by 1").fetchall()]
    for year in years:
        params = {"f": date(year, 1, 1), "t": date(year, 12, 31), "n": networks}
        stored = con.execute("select * from stg_ceiling_counts where year = $y "
                             "and ($n is null or list_contains($n, network)) order by all",
                             {"y": year, "n": networks}).fetchall()
        again = con.execute("select * from f_ceiling_counts(false, true, $f, $t, $n) order by all", params).fetchall()
        assert stored == again and stored, year
