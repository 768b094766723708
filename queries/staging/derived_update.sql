-- Purpose: bring the stored staging rows (derived.sql) up to date after a write that changed sessions only,
-- without rebuilding them: a monthly import adds about 1 % of the sessions, and a whole rebuild re-reads
-- the other 99 % (107 s at ten million sessions). The result equals a whole rebuild's, but for the
-- patient_key numbers given to new patients (a key has no meaning; tests/queries/test_derived_update.py).
-- Grain: as derived.sql.
-- Parameters: none. psynam.db.refresh_after() lists the sessions the write inserted, updated or deleted in
-- stg_refresh_sessions first. Two transactions: stg_sessions, then the tables read from it (DuckDB 2.0 can
-- miss rows of a large insert read back through a filter in the same transaction: psynam/ingest/write.py);
-- if either fails, refresh_after() rebuilds everything (derived.sql), which also empties both lists.
--
-- What can change: a touched session's own row; the seq of every session of a day a touched session lies
-- on (before or after the write), as seq is numbered within the day; the ranks, courses and neighbours of
-- every session of a patient a touched session belongs to (before or after). The order of those days and patients is
-- worked out again on narrow rows (f_session_order); only the touched sessions' rows are derived anew, the
-- others updated in place where their order moved; their patients' rows in the tables derived from
-- stg_sessions are rebuilt, and the budget rows of their days (stg_budget_days).

begin transaction;

create or replace temp table refresh_touched as
select distinct session_id from stg_refresh_sessions;

-- The touched sessions as stored before the write, and as the imported table holds them now.
create or replace temp table refresh_before as
select session_id, session_date, network, patient_id, patient_key
from stg_sessions
where session_id in (select session_id from refresh_touched);

-- rid: the row in `sessions`, by which f_stg_sessions(false) joins a touched session to its order (the
-- imported table does not change in this transaction).
create or replace temp table refresh_after as
select rowid as rid, session_id, session_date, network, patient_id, format
from sessions
where session_id in (select session_id from refresh_touched);

create or replace temp table refresh_days as
select session_date from refresh_before
union
select session_date from refresh_after;

-- Whole patients, not (network, patient) pairs: a patient's key is then found among the stored rows read.
create or replace temp table refresh_patient_ids as
select patient_id from refresh_before where patient_id is not null
union
select patient_id from refresh_after where patient_id is not null;

-- The other stored sessions of those days and patients, with what they hold now.
create or replace temp table refresh_kept as
select
    session_id, session_date, network, patient_id, format, patient_key, seq, patient_rank, course_no, course_start,
    prev_date_network, next_date_network, rank_all, prev_date, next_date
from stg_sessions
where (session_date in (select session_date from refresh_days)
        or patient_id in (select patient_id from refresh_patient_ids))
    and session_id not in (select session_id from refresh_touched);

-- Renumbered together: seq is right for the touched days, the ranks for the touched patients.
delete from stg_refresh_order;
insert into stg_refresh_order by name
select null::bigint as rid, session_id, session_date, network, patient_id, format from refresh_kept
union all
select rid, session_id, session_date, network, patient_id, format from refresh_after;

create or replace temp table refresh_keys as
select distinct patient_id, patient_key from refresh_kept where patient_id is not null
union
select distinct patient_id, patient_key from refresh_before where patient_id is not null;

create or replace temp table refresh_new_keys as
select
    patient_id,
    coalesce((select max(patient_key) from stg_sessions), 0) + row_number() over (order by patient_id) as patient_key
from (
    select distinct patient_id from refresh_after
    where patient_id is not null and patient_id not in (select patient_id from refresh_keys)
);

-- The kept rows whose seq or ranks move.
create or replace temp table refresh_moved as
select
    k.session_id,
    case when k.session_date in (select session_date from refresh_days) then o.seq else k.seq end as seq,
    case when t.patient_id is not null then o.patient_rank else k.patient_rank end as patient_rank,
    case when t.patient_id is not null then o.course_no else k.course_no end as course_no,
    case when t.patient_id is not null then o.course_start else k.course_start end as course_start,
    case when t.patient_id is not null then o.prev_date_network else k.prev_date_network end as prev_date_network,
    case when t.patient_id is not null then o.next_date_network else k.next_date_network end as next_date_network,
    case when t.patient_id is not null then o.rank_all else k.rank_all end as rank_all,
    case when t.patient_id is not null then o.prev_date else k.prev_date end as prev_date,
    case when t.patient_id is not null then o.next_date else k.next_date end as next_date
from refresh_kept as k
join f_session_order(false) as o on o.session_id = k.session_id
left join refresh_patient_ids as t on t.patient_id = k.patient_id;

delete from refresh_moved as m
using refresh_kept as k
where k.session_id = m.session_id
    and k.seq is not distinct from m.seq and k.patient_rank is not distinct from m.patient_rank
    and k.course_no is not distinct from m.course_no and k.course_start is not distinct from m.course_start
    and k.prev_date_network is not distinct from m.prev_date_network
    and k.next_date_network is not distinct from m.next_date_network
    and k.rank_all is not distinct from m.rank_all
    and k.prev_date is not distinct from m.prev_date and k.next_date is not distinct from m.next_date;

-- The touched sessions' rows (f_stg_sessions over stg_refresh_sessions), with the stored patient keys.
create or replace temp table refresh_rows as
select f.* replace (coalesce(old.patient_key, new.patient_key) as patient_key)
from f_stg_sessions(false) as f
left join refresh_keys as old on old.patient_id = f.patient_id
left join refresh_new_keys as new on new.patient_id = f.patient_id;

-- The patients whose derived rows are rebuilt: those of the rows read, and those a touched session left.
delete from stg_refresh_patients;
insert into stg_refresh_patients
select patient_key from refresh_rows where patient_key is not null
union
select patient_key from refresh_kept where patient_key is not null
union
select patient_key from refresh_before where patient_key is not null;

-- The other rows of the part are updated in place where their seq or ranks moved; a touched session's row
-- is replaced (appended: the table stays nearly in seq order, as imports mostly add the latest days).
update stg_sessions as s
set seq = m.seq, patient_rank = m.patient_rank, course_no = m.course_no, course_start = m.course_start,
    prev_date_network = m.prev_date_network, next_date_network = m.next_date_network, rank_all = m.rank_all,
    prev_date = m.prev_date, next_date = m.next_date
from refresh_moved as m
where s.session_id = m.session_id;
delete from stg_sessions where session_id in (select session_id from refresh_touched);
insert into stg_sessions by name
select * from refresh_rows order by seq;
delete from stg_refresh_sessions;
delete from stg_refresh_order;

commit;
begin transaction;

delete from stg_patient_starts where patient_key in (select patient_key from stg_refresh_patients);
insert into stg_patient_starts by name select * from f_stg_patient_starts(false) order by variant, patient_key;
delete from stg_courses where patient_key in (select patient_key from stg_refresh_patients);
insert into stg_courses by name select * from f_stg_courses(false) order by start_date;
delete from stg_fee_days where patient_key in (select patient_key from stg_refresh_patients);
insert into stg_fee_days by name select * from f_stg_fee_days(false) order by first_date;
delete from stg_first_free_sessions where patient_key in (select patient_key from stg_refresh_patients);
insert into stg_first_free_sessions by name select * from f_stg_first_free_sessions(false) order by seq;
delete from stg_patient_lines where patient_key in (select patient_key from stg_refresh_patients);
insert into stg_patient_lines by name select * from f_stg_patient_lines(false) order by year, network;
-- The ceiling counts of the years a touched session lies in (before or after the write), counted again.
create or replace temp table refresh_years as select distinct year(session_date) as year from refresh_days;
delete from stg_ceiling_counts where year in (select year from refresh_years);
insert into stg_ceiling_counts by name
select * from f_ceiling_counts(true, false, (select make_date(min(year), 1, 1) from refresh_years),
                               (select make_date(max(year), 12, 31) from refresh_years), null)
where year in (select year from refresh_years)
order by all;
drop table refresh_years;
delete from stg_refresh_patients;
delete from stg_refresh_days;
insert into stg_refresh_days select session_date from refresh_days;
delete from stg_budget_days where session_date in (select session_date from stg_refresh_days);
insert into stg_budget_days by name select * from f_stg_budget_days(false) order by session_date;
delete from stg_refresh_days;

commit;

drop table refresh_touched;
drop table refresh_before;
drop table refresh_after;
drop table refresh_days;
drop table refresh_patient_ids;
drop table refresh_kept;
drop table refresh_keys;
drop table refresh_new_keys;
drop table refresh_moved;
drop table refresh_rows;
