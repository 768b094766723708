-- Purpose: the staging layer — the only SQL that reads the imported tables' raw shape. It derives what
-- every indicator needs (a session's commune, arrondissement, south flag, budget category, 2021 level,
-- priority flags) and defines the shared filters once, as table macros, so that every query applies
-- the same filter semantics (README, "Filters").
-- Grain: stg_* views keep the grain of their table (one row per session, partner, ...).
-- Parameters: none. Run as a script by psynam.db.init_schema(); every statement is idempotent.

create or replace view stg_communes as
select
    nis,
    name_fr,
    arrondissement,
    south as is_south,
    pop_total,
    pop_0_2,
    pop_65_plus,
    pop_year,
    lat,
    lon,
    area_km2
from ref_communes;

-- The priorities that are read by age and tags (elderly, early childhood): data/reference/priorities.csv.
create or replace view stg_priorities as
select priority, label_fr, min_age, max_age, string_split(tags, '|') as tags
from ref_priorities;

-- The age bands (data/reference/age_bands.csv), one row per age from 0 to 150 (ages are checked to 0-110 on
-- import), so that a query finds a patient's band by an equality join rather than a range join.
create or replace view stg_age_bands as
select unnest(range(min_age, coalesce(max_age, 150) + 1)) as age, band, label_fr, min_age, max_age
from ref_age_bands;

-- The communes of the selected geography (NULL lists = the whole province).
create or replace macro f_communes(arrondissements, communes) as table
select *
from stg_communes
where (arrondissements is null or list_contains(arrondissements, arrondissement))
    and (communes is null or list_contains(communes, nis));

create or replace view stg_partners as
with partners_src as (select * from partners)
select
    p.partner_id,
    p.name,
    p.sector,
    s.label_fr as sector_label,
    coalesce(s.is_care, false) as is_care,
    p.commune,
    c.name_fr as commune_name,
    c.arrondissement,
    coalesce(c.is_south, false) as is_south,
    c.nis is not null as is_in_province,
    p.network,
    p.membership,
    p.joined_on,
    p.left_on,
    p.target_publics
from partners_src as p
left join ref_sectors as s using (sector)
left join stg_communes as c on c.nis = p.commune;

-- The stored rows are rebuilt whole (`whole` = true: psynam.db.refresh_derived) or, after an import or undo
-- that changed sessions only, for the rows that can have changed (`whole` = false: psynam.db.refresh_after,
-- queries/staging/derived_update.sql). The update's lists, empty outside its transactions: the sessions it
-- touched (stg_refresh_sessions), the narrow rows it renumbers (stg_refresh_order), the patients whose
-- derived rows it rebuilds (stg_refresh_patients), the days whose budget rows it rebuilds (stg_refresh_days).
create table if not exists stg_refresh_sessions (session_id varchar);
create table if not exists stg_refresh_order as
select session_id, session_date, network, patient_id, format from sessions limit 0;
-- The session's row in `sessions` (f_session_order): added here, so that databases of earlier releases and
-- new ones have the same columns.
alter table stg_refresh_order add column if not exists rid bigint;
create table if not exists stg_refresh_patients (patient_key bigint);
create table if not exists stg_refresh_days (session_date date);
drop view if exists stg_sessions_view;
drop view if exists stg_patient_starts_view;
drop view if exists stg_courses_view;
drop view if exists stg_fee_days_view;
drop view if exists stg_first_free_sessions_view;

-- The seq of a day's sessions lies in [day_seq(day), day_seq(day + 1)): the day counted from 01/01/2000,
-- times 2^24 (a day holds fewer sessions), plus the session's rank in the day.
create or replace macro day_seq(day) as datediff('day', date '2000-01-01', day::date) * 16777216;

-- The order of sessions, on narrow rows (a window over the whole row would hold every session in memory):
-- `seq` orders sessions by (date, id), numbered within each day so that adding sessions renumbers only the
-- days they fall on (a day holds fewer than 2^24 sessions); per patient and network, individual sessions
-- only (null for groups), `patient_rank` 1 is the patient's first individual session ever in the network,
-- 2 the second, `course_no` numbers their courses and `course_start` marks a course's first session: a
-- course starts at the first session and after a gap of more than `course_gap` days without an individual
-- session (data/reference/pathways.csv). Each individual session also knows its neighbours: the dates of
-- the patient's previous and next individual sessions in the network (`prev_date_network`,
-- `next_date_network`) and in any network (`prev_date`, `next_date`, with `rank_all` its rank over both),
-- so that a patient's first and last session of a period are read as rows (f_period_ends) rather
-- than grouped. Over the update's rows (`whole` = false), seq is right for the days they hold whole and
-- the ranks and neighbours for the patients they hold whole: derived_update.sql keeps the stored values of
-- the others. The patient windows sort integers: the patient's key (`patient_key`, numbering the patient ids;
-- over the update's rows a local one, which derived_update.sql replaces by the stored key) and seq, which
-- orders as (date, id) does. `rid` is the session's row in `sessions` (its rowid, read in the same
-- statement or transaction), by which f_stg_sessions joins the order to the row: an integer, not the id.
create or replace macro f_session_order(whole) as table
with order_src as (
    select rowid as rid, session_id, session_date, network, patient_id, format from sessions where whole
    union all
    select rid, session_id, session_date, network, patient_id, format from stg_refresh_order where not whole
),
patient_keys as (
    select patient_id, row_number() over (order by patient_id) as patient_key
    from (select distinct patient_id from order_src where patient_id is not null)
),
keyed as (
    select
        o.rid,
        o.session_id,
        o.session_date,
        o.network,
        k.patient_key,
        o.format = 'individuel' and o.patient_id is not null as individual,
        day_seq(o.session_date) + row_number() over (partition by o.session_date order by o.session_id) as seq
    from order_src as o
    left join patient_keys as k on k.patient_id = o.patient_id
),
patient_gaps as (
    select
        *,
        row_number() over w as patient_rank,
        coalesce(session_date - lag(session_date) over w
            > (select days from ref_pathways where parameter = 'course_gap'), true) as course_start,
        lag(session_date) over w as prev_date_network,
        lead(session_date) over w as next_date_network,
        row_number() over wa as rank_all,
        lag(session_date) over wa as prev_date,
        lead(session_date) over wa as next_date
    from keyed
    -- Group sessions fall in partitions of their own (individual = false) and get no rank below.
    window w as (partition by individual, network, patient_key order by seq),
        wa as (partition by individual, patient_key order by seq)
)
select
    rid,
    session_id,
    seq,
    patient_key,
    case when individual then patient_rank end as patient_rank,
    case when individual then sum(course_start::integer) over (
        partition by individual, network, patient_key order by seq
        rows between unbounded preceding and current row
    )::integer end as course_no,
    case when individual then course_start end as course_start,
    case when individual then prev_date_network end as prev_date_network,
    case when individual then next_date_network end as next_date_network,
    case when individual then rank_all end as rank_all,
    case when individual then prev_date end as prev_date,
    case when individual then next_date end as next_date
from patient_gaps;

-- f_stg_sessions derives; stg_sessions is the same rows stored as a table, ordered by seq, brought up to date after
-- every write (import, undo): the filters below scan it on every query, and scanning four joins per query
-- cost 0.3-0.8 s per page at a million sessions (README, "Performance"). `whole` = false: the sessions of
-- stg_refresh_sessions only, their patient_key to be replaced by the stored one (derived_update.sql).
create or replace macro f_stg_sessions(whole) as table
with sessions_src as (
    select *, rowid as rid from sessions
    where whole or session_id in (select session_id from stg_refresh_sessions)
),
located as (
    select
        *,
        -- A session's commune is where it took place; a video session takes place where the patient lives.
        case when setting = 'video' then patient_commune else session_commune end as commune,
        string_split(coalesce(target_public, ''), '|') as tags
    from sessions_src
)
select
    s.* exclude (rid),
    c.name_fr as commune_name,
    c.arrondissement,
    coalesce(c.is_south, false) as is_south,
    c.nis is not null as is_in_province,
    pc.nis is not null as patient_in_province,
    pc.arrondissement as patient_arrondissement,
    cl.level_2021,
    cl.convention,
    case
        when s.format = 'groupe' then 'groupe'
        when s.setting = 'partenaire' then 'outreaching'
        else 'individuel'
    end as budget_category,
    p.sector as partner_sector,
    coalesce(s.patient_age <= 2, false)
        or list_has_any(s.tags, ['perinatalite', 'petite_enfance'])
        or coalesce(p.sector = 'petite_enfance', false) as is_early_childhood,
    coalesce(s.patient_age >= 65, false) as is_elderly_age,
    list_contains(s.tags, 'aines') or coalesce(p.sector = 'maison_de_repos', false) as is_elderly_related,
    -- The population priorities the session serves (data/reference/priorities.csv): a patient in the age
    -- band on the day, a tag of that public, or a partner whose sector serves it (ref_sectors.priority).
    list_transform(list_filter((select list(pr order by pr.priority) from stg_priorities as pr), lambda pr:
        coalesce(s.patient_age between pr.min_age and coalesce(pr.max_age, s.patient_age), false)
        or list_has_any(s.tags, pr.tags)
        or coalesce(sec.priority = pr.priority, false)), lambda pr: pr.priority) as priorities,
    year(s.session_date) as year,
    date_trunc('month', s.session_date)::date as month,
    -- Integer stand-ins that make the per-patient work cheap: `seq` orders sessions by (date, id), the
    -- order in which a patient's "first session" is read; `patient_key` numbers the patient ids (no
    -- meaning outside this database, never shown).
    o.seq,
    o.patient_key,
    -- Per patient and network (f_session_order): rank and course of an individual session.
    o.patient_rank,
    o.course_no,
    o.course_start,
    -- Per patient (f_session_order): an individual session's neighbours and rank over both networks.
    o.prev_date_network,
    o.next_date_network,
    o.rank_all,
    o.prev_date,
    o.next_date
from located as s
left join f_session_order(whole) as o on o.rid = s.rid
left join stg_communes as c on c.nis = s.commune
left join stg_communes as pc on pc.nis = s.patient_commune
left join ref_care_levels as cl on cl.code = s.care_level
left join partners as p on p.partner_id = s.partner_id
left join ref_sectors as sec on sec.sector = p.sector;

create table if not exists stg_sessions as
select * from f_stg_sessions(true) order by seq;

-- Each patient's first and second individual sessions ever, stored for the network filters a page sets
-- (`variant`: one network, or 'all'), so that "new in the period" and "days to the second session" read
-- one row per patient instead of grouping the whole history on every query (f_patient_starts). Per
-- network: the rows ranked 1 and 2 (stg_sessions.patient_rank). All networks: the earliest first session;
-- the second session overall is the earlier of a network's second one and, for a patient followed by
-- both networks, the later of the two networks' first ones.
-- The stored rows of the listed patients (`whole` = false), or of all (true).
create or replace macro f_stg_sessions_of(whole) as table
select * from stg_sessions
where whole or patient_key in (select patient_key from stg_refresh_patients);

create or replace macro f_stg_patient_starts(whole) as table
with per_network as (
    select
        network,
        patient_key,
        min(seq) as first_seq,
        min(session_date) as first_date,
        min(session_date) filter (where patient_rank = 2) as second_date
    from f_stg_sessions_of(whole)
    where patient_rank <= 2
    group by network, patient_key
)
select network as variant, patient_key, first_seq, first_date, second_date
from per_network
union all
select
    'all',
    patient_key,
    min(first_seq),
    min(first_date),
    least(min(second_date), case when count(*) > 1 then max(first_date) end)
from per_network
group by patient_key;

create table if not exists stg_patient_starts as
select * from f_stg_patient_starts(true) order by variant, patient_key;

-- Each course of individual sessions (a patient's run in one network, stg_sessions.course_no): its
-- sessions (at any date) and its last session's date; its first session's date, care level and 2021
-- level. The pathway figures count the courses begun in a period with all their sessions, which all lie on
-- or after that start: under the period and networks alone, these rows are the courses begun in it (no
-- join with the period's sessions).
create or replace macro f_stg_courses(whole) as table
select
    network, patient_key, course_no, count(*) as sessions, max(session_date) as last_date,
    min(session_date) as start_date, arg_min(care_level, seq) as care_level, arg_min(level_2021, seq) as level_2021
from f_stg_sessions_of(whole)
where patient_rank is not null
group by network, patient_key, course_no;

create table if not exists stg_courses as
select * from f_stg_courses(true) order by start_date;

-- Each patient's first individual session of each calendar year, per network: the day their yearly
-- administrative fee is due (f_admin_fees). Stored: the budget figures of a year read these rows instead
-- of grouping the year's sessions on every query.
create or replace macro f_stg_fee_days(whole) as table
select network, patient_key, year, min(session_date) as first_date
from f_stg_sessions_of(whole)
where format = 'individuel'
group by network, patient_key, year;

create table if not exists stg_fee_days as
select * from f_stg_fee_days(true) order by first_date;

-- Each day's sessions per network and budget category: how many (units) and their INAMI fees. Stored: the
-- budget figures take the period and the networks only (envelopes are set per network and category), so
-- they sum these rows (a dozen a day) instead of the period's sessions (f_budget_days). `whole` = false:
-- the days an update touched (refresh_days, derived_update.sql).
create or replace macro f_stg_budget_days(whole) as table
select session_date, year, month, network, budget_category, count(*) as units, sum(fee_inami_eur) as spent_eur
from stg_sessions
where whole or session_date in (select session_date from stg_refresh_days)
group by all;

create table if not exists stg_budget_days as
select * from f_stg_budget_days(true) order by session_date;

-- The budget rows of a period (stg_budget_days), for all networks or the listed ones.
create or replace macro f_budget_days(date_from, date_to, networks) as table
select *
from stg_budget_days
where session_date between date_from and date_to
    and (networks is null or list_contains(networks, network));

-- Each patient's sessions per calendar year, network, care level (2021 coding) and format: how many, the
-- first and last dates, and the age at the line's first session that gives one (the ceiling check,
-- rules/sessions_per_patient). Stored: a year counted whole reads these rows instead of grouping its
-- sessions (1.8 s at ten million sessions).
create or replace macro f_stg_patient_lines(whole) as table
select
    year, network, patient_key, level_2021, format,
    min(session_date) as first_date,
    max(session_date) as last_date,
    count(*) as sessions,
    arg_min(patient_age, seq) as first_age,
    min(seq) filter (where patient_age is not null) as first_age_seq
from f_stg_sessions_of(whole)
where patient_key is not null
group by all;

create table if not exists stg_patient_lines as
select * from f_stg_patient_lines(true) order by year, network;

-- Each patient's first individual session ever, per network, at a care level whose first session is free
-- (ref_copayment_rules.first_first_line): the co-payment check (rules/copayment_check) marks it.
create or replace macro f_stg_first_free_sessions(whole) as table
select network, patient_key, min(seq) as seq
from f_stg_sessions_of(whole)
where format = 'individuel'
    and patient_key is not null
    and level_2021 in (select level_2021 from ref_copayment_rules where first_first_line)
group by network, patient_key;

create table if not exists stg_first_free_sessions as
select * from f_stg_first_free_sessions(true) order by seq;

create or replace view stg_clairvisions as
with clairvisions_src as (select * from clairvisions)
select
    v.*,
    c.name_fr as commune_name,
    c.arrondissement,
    coalesce(c.is_south, false) as is_south,
    c.nis is not null as is_in_province,
    string_split(coalesce(v.target_public, ''), '|') as tags,
    year(v.clairvision_date) as year,
    date_trunc('month', v.clairvision_date)::date as month
from clairvisions_src as v
left join stg_communes as c on c.nis = v.commune;

-- Shared filters. Empty selections are bound as NULL and mean "all".
-- Geography (arrondissements, communes) applies to a session's commune; choosing any arrondissement or
-- commune therefore leaves out sessions outside the province.
create or replace macro f_sessions(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings) as table
select *
from stg_sessions
where session_date between date_from and date_to
    and (networks is null or list_contains(networks, network))
    and (arrondissements is null or list_contains(arrondissements, arrondissement))
    and (communes is null or list_contains(communes, commune))
    and (care_levels is null or list_contains(care_levels, care_level))
    and (formats is null or list_contains(formats, format))
    and (settings is null or list_contains(settings, setting));

-- Patients by where they lived (reach by residence: docs/indicators.md, The south). A patient counts once in
-- every place they lived during the period under the filters (individual sessions; geography is by residence,
-- so no session-geography filter): one who moved counts in both communes, once in their zone and once in the
-- province. Each place is a bit: the 38 communes (f_place_bits), a commune given outside them
-- (outside_place_bit) and none given (unknown_place_bit). One grouping gives each patient the set of places
-- they lived in (bit_or), the patients are counted per set (f_place_sets: a few dozen sets, most patients
-- live in one place), and an area counts the patients of the sets that hold one of its bits (f_place_patients;
-- f_area_masks: each commune, arrondissement, zone, the province, outside, unknown). Distinct patient x area
-- pairs instead cost one hash aggregation per area kind at 10 M (README, Speed).
create or replace macro outside_place_bit() as 1::bigint << 61;
create or replace macro unknown_place_bit() as 1::bigint << 62;

-- The areas each commune of the province lies in: its arrondissement, its zone (north or south), the
-- province; `parent_area` is the area whose row sums this one (a zone sums its arrondissements, the
-- province its zones), for the small-count rule. Written once: the masks below and the south's figures by
-- area read it.
create or replace macro f_commune_areas() as table
select nis, 'arrondissement' as area_kind, arrondissement as area,
    case when is_south then 'south' else 'north' end as parent_area, is_south, pop_total
from stg_communes
union all
select nis, 'zone', case when is_south then 'south' else 'north' end, 'province', is_south, pop_total
from stg_communes
union all
select nis, 'province', 'province', null, null, pop_total
from stg_communes;

create or replace macro f_place_bits() as table
select nis, 1::bigint << (row_number() over (order by nis) - 1)::integer as bit
from stg_communes;

create or replace macro f_area_masks() as table
with bits as (select * from f_place_bits())
select 'commune' as area_kind, nis as area, bit as mask from bits
union all
select a.area_kind, a.area, bit_or(b.bit) from f_commune_areas() as a join bits as b using (nis) group by all
union all
select 'outside', 'hors_province', outside_place_bit()
union all
select 'outside', 'unknown', unknown_place_bit();

create or replace macro f_place_sets(date_from, date_to, networks, care_levels, formats, settings) as table
select bits, count(*) as patients
from (
    select
        s.patient_key,
        bit_or(case
            when s.patient_in_province then b.bit
            when s.patient_commune is null then unknown_place_bit()
            else outside_place_bit()
        end) as bits
    from f_sessions(date_from, date_to, networks, null, null, care_levels, formats, settings) as s
    left join f_place_bits() as b on b.nis = s.patient_commune
    where s.format = 'individuel' and s.patient_key is not null
    group by s.patient_key
)
group by bits;

create or replace macro f_place_patients(date_from, date_to, networks, care_levels, formats, settings) as table
select m.area_kind, m.area, sum(p.patients)::bigint as patients
from f_place_sets(date_from, date_to, networks, care_levels, formats, settings) as p
join f_area_masks() as m on p.bits & m.mask <> 0
group by all;

-- Each patient's first individual session of the period under the filters (earliest seq = date, then id):
-- their age then (age bands are read there) and where they lived then (reach is read by residence); the
-- network, care level and BIM status of that session (a patient is grouped by them, and counted as BIM
-- when that session is at the preferential tariff: unknown counts as not); and how many individual
-- sessions they had in the period under the filters. Every value is that session's own (an unknown
-- residence stays unknown, as docs/universalism.md defines it).
--
-- Two ways to the same rows (tests/queries/test_patients_first.py compares them on every filter set):
-- - Under the period and at most one network alone (the filters a page most often holds), the first
--   session is the row whose previous individual session (stored: stg_sessions.prev_date, or
--   prev_date_network for one network) lies before the period, and the last the row whose next one lies
--   after it: a filter over the period's rows, no grouping (f_period_ends). Their ranks give the count.
-- - Under any other filter (geography, care level, setting, several named networks, a format list without
--   `individuel`), the neighbours that pass the filters are not stored: the period's sessions are grouped
--   by patient and the first one read back by its seq (f_patients_grouped).
-- The filter set picks one branch; DuckDB skips the other (its condition is a constant).
create or replace macro patients_from_rows(networks, arrondissements, communes, care_levels, formats, settings) as
    arrondissements is null and communes is null and care_levels is null and settings is null
    and (formats is null or list_contains(formats, 'individuel'))
    and (networks is null or len(networks) = 1);

create or replace macro f_period_ends(date_from, date_to, networks) as table
select
    patient_key,
    patient_age,
    patient_commune,
    network,
    care_level,
    level_2021,
    coalesce(preferential_tariff, false) as bim,
    session_date,
    case when networks is null then prev_date else prev_date_network end as prev_in,
    case when networks is null then next_date else next_date_network end as next_in,
    coalesce(prev_in < date_from, true) as is_first,
    coalesce(next_in > date_to, true) as is_last,
    case when networks is null then rank_all else patient_rank end as rank_in
from stg_sessions
where session_date between date_from and date_to
    and format = 'individuel'
    and (networks is null or network = networks[1]);

create or replace macro f_patients_grouped(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings) as table
with firsts as (
    select patient_key, min(seq) as first_seq, count(*) as individual_sessions
    from f_sessions(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings)
    where format = 'individuel'
    group by patient_key
)
select
    f.patient_key,
    s.patient_age as first_age,
    s.patient_commune as first_commune,
    s.network as first_network,
    s.care_level as first_care_level,
    s.level_2021 as first_level_2021,
    coalesce(s.preferential_tariff, false) as first_bim,
    f.individual_sessions
from firsts as f
join stg_sessions as s on s.seq = f.first_seq;

-- The first sessions with their count of sessions (a last row paired with each first one).
create or replace macro f_patients_first(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings) as table
with ends as (
    select * from f_period_ends(date_from, date_to, networks)
    where patients_from_rows(networks, arrondissements, communes, care_levels, formats, settings)
)
select *
from f_patients_grouped(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings)
where not patients_from_rows(networks, arrondissements, communes, care_levels, formats, settings)
union all
select
    f.patient_key,
    f.patient_age,
    f.patient_commune,
    f.network,
    f.care_level,
    f.level_2021,
    f.bim,
    l.rank_in - f.rank_in + 1
from ends as f
join ends as l on l.patient_key = f.patient_key and l.is_last
where f.is_first;

-- The first sessions alone, with whether the patient had only that one in the period: for a query that
-- does not count sessions (no pairing of rows). From the stored neighbours also whether the patient is new
-- (no individual session before, in the selected networks: the row is their first ever) and, if so, the
-- days to their second session ever (the row's next one): null on the grouped branch, where the caller
-- reads them from f_patient_starts (only then).
create or replace macro f_patient_firsts(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings) as table
select
    patient_key, first_age, first_commune, first_network, first_care_level, first_level_2021, first_bim,
    individual_sessions = 1 as single_session, null::boolean as is_new, null::bigint as days_to_second
from f_patients_grouped(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings)
where not patients_from_rows(networks, arrondissements, communes, care_levels, formats, settings)
union all
select
    patient_key, patient_age, patient_commune, network, care_level, level_2021, bim, is_last,
    prev_in is null, case when prev_in is null then next_in - session_date end
from f_period_ends(date_from, date_to, networks)
where is_first and patients_from_rows(networks, arrondissements, communes, care_levels, formats, settings);

-- Each patient's first individual session of each month of the period (the first and last months clipped
-- to it), under the filters: a month read as a period of its own (monthly charts). per_network: one first
-- session per patient, month and network (a patient seen by both networks in a month has two), else one
-- per patient and month over the selected networks. The same two branches as above, picked the same way:
-- - stored neighbours: the row whose previous individual session (in its network, or in any selected
--   network) lies before the month's start; is_new says that there is none at all, i.e. that the row is
--   the patient's first individual session ever in those networks (stg_patient_starts' first_date);
-- - grouped (any other filter): min(seq) per patient and month, the session read back by seq; is_new is
--   null there (the caller reads the start where it needs it).
create or replace macro f_month_firsts_grouped(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings, per_network) as table
with firsts as (
    select month, patient_key, min(seq) as first_seq
    from f_sessions(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings)
    where format = 'individuel'
    group by month, patient_key, case when per_network then network end
)
select
    f.month,
    f.patient_key,
    s.network,
    s.care_level,
    s.level_2021,
    coalesce(s.preferential_tariff, false) as bim,
    null::boolean as is_new
from firsts as f
join stg_sessions as s on s.seq = f.first_seq;

create or replace macro f_month_firsts(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings, per_network) as table
select *
from f_month_firsts_grouped(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings, per_network)
where not patients_from_rows(networks, arrondissements, communes, care_levels, formats, settings)
union all
select month, patient_key, network, care_level, level_2021, bim, previous is null
from (
    select
        month,
        patient_key,
        network,
        care_level,
        level_2021,
        coalesce(preferential_tariff, false) as bim,
        case when per_network or networks is not null then prev_date_network else prev_date end as previous
    from stg_sessions
    where session_date between date_from and date_to
        and format = 'individuel'
        and (networks is null or network = networks[1])
        and patients_from_rows(networks, arrondissements, communes, care_levels, formats, settings)
)
where coalesce(previous < greatest(month, date_from::date), true);

-- Each patient's first and second individual sessions ever (over the whole database, at any date) in the
-- selected networks: who is new in a period (first_date inside it) and how long they waited for their
-- second session. Read from the rows ranked 1 and 2 per patient and network (stg_sessions.patient_rank):
-- the second session overall is the earlier of a network's second one and, for a patient followed by both
-- networks (the contract knows two), the later of the two networks' first ones. Plain aggregates: an
-- ordered list per patient cost four times as much at a million sessions.
create or replace macro f_patient_starts(networks) as table
select patient_key, first_seq, first_date, second_date
from stg_patient_starts
where variant = coalesce(networks[1], 'all')
    and (networks is null or len(networks) = 1)
union all
-- A filter of several networks (both, today): their stored rows combined as the 'all' row combines them.
select
    patient_key,
    min(first_seq) as first_seq,
    min(first_date) as first_date,
    least(min(second_date), case when count(*) > 1 then max(first_date) end) as second_date
from stg_patient_starts
where len(networks) > 1
    and list_contains(networks, variant)
group by patient_key;

-- Psychologists with their practice commune located (docs/indicators.md, psychologists per 10,000).
create or replace view stg_psychologists as
with psychologists_src as (select * from psychologists)
select
    y.psychologist_id,
    y.network,
    y.practice_commune,
    c.name_fr as commune_name,
    c.arrondissement,
    coalesce(c.is_south, false) as is_south,
    c.nis is not null as is_in_province,
    y.conventioned_on,
    y.ended_on,
    y.publics
from psychologists_src as y
left join stg_communes as c on c.nis = y.practice_commune;

-- Network activities (meetings, intervisions, working groups...) with their commune located; an activity
-- without a commune took place online. partner_ids is the list of the partners represented (distinct, never
-- an empty or null element, so that `not in` over it is safe).
create or replace view stg_activities as
with activities_src as (select * from activities)
select
    a.activity_id,
    a.activity_date,
    date_trunc('month', a.activity_date)::date as month,
    a.type,
    a.commune,
    c.name_fr as commune_name,
    c.arrondissement,
    coalesce(c.is_south, false) as is_south,
    a.commune is null as is_online,
    c.nis is not null as is_in_province,
    a.participants,
    list_distinct(list_filter(string_split(coalesce(a.partner_ids, ''), '|'), lambda x: trim(x) <> ''))
        as partner_ids
from activities_src as a
left join stg_communes as c on c.nis = a.commune;

-- Clairvisions have no care level, format or setting: when one of those filters is set they are left out.
create or replace macro f_clairvisions(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings) as table
select *
from stg_clairvisions
where clairvision_date between date_from and date_to
    and care_levels is null and formats is null and settings is null
    and (networks is null or list_contains(networks, network))
    and (arrondissements is null or list_contains(arrondissements, arrondissement))
    and (communes is null or list_contains(communes, commune));

-- The partners of a period: every partner registered in it (membership [joined_on, left_on) overlaps the
-- period: the leaving day is no longer a membership day), plus every partner that joined or left inside
-- it, registered or not (docs/indicators.md: a partner whose left_on is the period's first day ended in
-- the period, though it is not registered on any of its days). Together: joined_on <= date_to and
-- left_on (if any) >= date_from. A partner of both networks (RSN+RSK) counts for each. Geography applies
-- to the partner's commune. Flags: is_registered, is_new (joined_on in the period), is_ended (left_on in
-- the period).
create or replace macro f_partners_of_period(date_from, date_to, networks, arrondissements, communes) as table
select
    *,
    left_on is null or left_on > date_from as is_registered,
    joined_on >= date_from as is_new,
    coalesce(left_on <= date_to, false) as is_ended
from stg_partners
where joined_on <= date_to
    and (left_on is null or left_on >= date_from)
    and (networks is null or list_has_any(networks, string_split(network, '+')))
    and (arrondissements is null or list_contains(arrondissements, arrondissement))
    and (communes is null or list_contains(communes, commune));

-- Registered partners: the registered ones of f_partners_of_period, with the columns of stg_partners.
create or replace macro f_partners(date_from, date_to, networks, arrondissements, communes) as table
select * exclude (is_registered, is_new, is_ended)
from f_partners_of_period(date_from, date_to, networks, arrondissements, communes)
where is_registered;

-- Partners with activity in the period, for the selected networks: a session at or for them, a
-- clairvision, a network activity they took part in, or an agreement in force; active_from / active_to: the
-- days of the period the evidence covers (the day of a session, clairvision or activity; the agreement's days
-- in force within the period), so that one call serves every month of the period. The sessions are read from
-- stg_sessions (the same rows, ordered by date: a period reads its row groups only; the imported table
-- is in import order, and scanning all of it cost ~20 ms a query at ten million sessions).
create or replace macro f_partner_activity(date_from, date_to, networks) as table
select partner_id, 'session' as evidence, session_date as active_from, session_date as active_to
from stg_sessions
where partner_id is not null
    and session_date between date_from and date_to
    and (networks is null or list_contains(networks, network))
union all
select partner_id, 'clairvision', clairvision_date, clairvision_date
from clairvisions
where partner_id is not null
    and clairvision_date between date_from and date_to
    and (networks is null or list_contains(networks, network))
union all
select unnest(string_split(partner_ids, '|')) as partner_id, 'activite', activity_date, activity_date
from activities
where partner_ids is not null and partner_ids <> ''
    and activity_date between date_from and date_to
union all
select partner_id, 'convention', greatest(start_on, date_from::date), least(coalesce(end_on, date_to::date), date_to::date)
from agreements
where start_on <= date_to
    and (end_on is null or end_on >= date_from)
    and (networks is null or list_contains(networks, network));

-- Registered psychologists: conventioned over a day of the period (conventioned_on <= date_to, ended_on
-- null or >= date_from: the end date is their last conventioned day). A psychologist of both networks
-- (RSN+RSK) counts for each. Geography applies to the practice commune.
create or replace macro f_psychologists(date_from, date_to, networks, arrondissements, communes) as table
select *
from stg_psychologists
where conventioned_on <= date_to
    and (ended_on is null or ended_on >= date_from)
    and (networks is null or list_has_any(networks, string_split(network, '+')))
    and (arrondissements is null or list_contains(arrondissements, arrondissement))
    and (communes is null or list_contains(communes, practice_commune));

-- Active psychologists (docs/indicators.md, Activity): at least one session or clairvision in the period,
-- wherever it took place (no geography: supply is read by practice commune), under the other filters.
create or replace macro f_active_psychologists(date_from, date_to, networks, care_levels, formats, settings) as table
select psychologist_id
from f_sessions(date_from, date_to, networks, null, null, care_levels, formats, settings)
union
select psychologist_id
from f_clairvisions(date_from, date_to, networks, null, null, care_levels, formats, settings);

-- Network activities of the period. They carry no network, care level, format or setting, so those filters
-- do not apply; geography applies to where they took place, so an online activity (no commune) is kept
-- only when no arrondissement or commune is chosen.
create or replace macro f_activities(date_from, date_to, arrondissements, communes) as table
select *
from stg_activities
where activity_date between date_from and date_to
    and (arrondissements is null or list_contains(arrondissements, arrondissement))
    and (communes is null or list_contains(communes, commune));

-- The yearly administrative fee is due once per patient, network and calendar year, at the patient's
-- first individual session of that year: one row per fee whose due date falls inside the period, with
-- the tariff in force that day (ref_tariffs). Shared by the budget queries so that years and months agree.
create or replace macro f_admin_fees(date_from, date_to, networks) as table
select f.network, f.patient_key, f.first_date, t.amount_eur
from stg_fee_days as f
join ref_tariffs as t
    on t.item = 'admin_fee_per_patient_year'
    and f.first_date >= t.valid_from
    and (t.valid_to is null or f.first_date <= t.valid_to)
where f.first_date between date_from and date_to
    and (networks is null or list_contains(networks, f.network));

-- The ceiling check's counts (rules/sessions_per_patient): per year, network, 2021 level, format, age group
-- and number of sessions in the year, the patients. `stored_lines` (a constant): over the stored lines of
-- whole years (stg_patient_lines; networks filtered), which stg_ceiling_counts stores. Otherwise, when
-- `to_date` holds, over the sessions of date_to's year up to date_to (a year still under way, counted to
-- date); when it does not, no row (the condition is read in the sessions' scan: nothing is grouped).
create or replace macro f_ceiling_counts(stored_lines, to_date, date_from, date_to, networks) as table
with patient_lines as (
    select year, network, patient_key, level_2021, format, first_date, sessions, first_age, first_age_seq
    from stg_patient_lines
    where stored_lines
        and year between year(date_from::date) and year(date_to::date)
        and (networks is null or list_contains(networks, network))
    union all
    select
        s.year,
        s.network,
        s.patient_key,
        s.level_2021,
        s.format,
        min(s.session_date) as first_date,
        count(*) as sessions,
        arg_min(s.patient_age, s.seq) as first_age,
        min(s.seq) filter (where s.patient_age is not null) as first_age_seq
    from f_sessions(make_date(year(date_to::date), 1, 1), date_to, networks, null, null, null, null, null) as s
    where not stored_lines and to_date and s.patient_key is not null and s.year >= year(date_from::date)
    group by all
),

patient_years as (
    select
        network,
        patient_key,
        year,
        arg_min(first_age, first_age_seq) as age
    from patient_lines
    group by all
),

-- Age group: the group of the only network whose public covers the age (under 15: RSK's; 23 and over:
-- RSN's); where both networks cover it (15-22), the group of the network that follows the patient. Worked
-- out once per network and age (0 to 150; ages are checked to 0-110 on import), then joined on the age.
network_ages as (
    select
        own.network,
        a.age,
        coalesce(case when count(n.network) = 1 then any_value(n.age_group) end, any_value(own.age_group))
            as age_group
    from ref_networks as own
    cross join (select unnest(range(0, 151)) as age) as a
    left join ref_networks as n
        on a.age >= n.min_age and (n.max_age is null or a.age <= n.max_age)
    group by all
),

age_groups as (
    select p.network, p.patient_key, p.year, coalesce(na.age_group, own.age_group) as age_group
    from patient_years as p
    join ref_networks as own on own.network = p.network
    left join network_ages as na on na.network = p.network and na.age = p.age
),

checked as (
    select
        l.year,
        l.network,
        l.level_2021,
        l.format,
        a.age_group,
        c.max_sessions,
        c.average_sessions,
        l.sessions
    from patient_lines as l
    join age_groups as a using (network, patient_key, year)
    left join ref_ceilings as c
        on c.level_2021 = l.level_2021
        and c.format = l.format
        and c.age_group = a.age_group
        and l.first_date >= c.valid_from
        and (c.valid_to is null or l.first_date <= c.valid_to)
)

select year, network, level_2021, format, age_group, max_sessions, average_sessions, sessions, count(*) as patients
from checked
group by all;

create table if not exists stg_ceiling_counts as
select * from f_ceiling_counts(true, false, date '2000-01-01', date '2999-12-31', null) order by all;
