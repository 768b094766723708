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

-- stg_sessions_view derives; stg_sessions is the same rows stored as a table, ordered by seq, rebuilt by
-- psynam.db.refresh_derived() after every write (import, undo): the filters below scan it on every query,
-- and scanning four joins per query cost 0.3-0.8 s per page at a million sessions (README, "Performance").
create or replace view stg_sessions_view as
with sessions_src as (select * from sessions),
-- Numbered on narrow rows and joined back: a window over the whole row would hold every session in memory.
session_order as (
    select session_id, row_number() over (order by session_date, session_id) as seq
    from sessions
),
patient_keys as (
    select patient_id, row_number() over (order by patient_id) as patient_key
    from (select distinct patient_id from sessions where patient_id is not null)
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
    s.*,
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
    k.patient_key
from located as s
left join session_order as o on o.session_id = s.session_id
left join patient_keys as k on k.patient_id = s.patient_id
left join stg_communes as c on c.nis = s.commune
left join stg_communes as pc on pc.nis = s.patient_commune
left join ref_care_levels as cl on cl.code = s.care_level
left join partners as p on p.partner_id = s.partner_id
left join ref_sectors as sec on sec.sector = p.sector;

create table if not exists stg_sessions as
select * from stg_sessions_view order by seq;

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

-- Each patient's first individual session of the period under the filters (earliest seq = date, then id):
-- their age then (age bands are read there) and where they lived then (reach is read by residence).
create or replace macro f_patients_first(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings) as table
select
    patient_key,
    arg_min(patient_age, seq) as first_age,
    arg_min(patient_commune, seq) as first_commune
from f_sessions(date_from, date_to, networks, arrondissements, communes, care_levels, formats, settings)
where format = 'individuel'
group by patient_key;

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
-- clairvision, a network activity they took part in, or an agreement in force.
create or replace macro f_partner_activity(date_from, date_to, networks) as table
select partner_id, 'session' as evidence
from sessions
where partner_id is not null
    and session_date between date_from and date_to
    and (networks is null or list_contains(networks, network))
union all
select partner_id, 'clairvision'
from clairvisions
where partner_id is not null
    and clairvision_date between date_from and date_to
    and (networks is null or list_contains(networks, network))
union all
select unnest(string_split(partner_ids, '|')) as partner_id, 'activite'
from activities
where partner_ids is not null and partner_ids <> ''
    and activity_date between date_from and date_to
union all
select partner_id, 'convention'
from agreements
where start_on <= date_to
    and (end_on is null or end_on >= date_from)
    and (networks is null or list_contains(networks, network));

-- The yearly administrative fee is due once per patient, network and calendar year, at the patient's
-- first individual session of that year: one row per fee whose due date falls inside the period, with
-- the tariff in force that day (ref_tariffs). Shared by the budget queries so that years and months agree.
create or replace macro f_admin_fees(date_from, date_to, networks) as table
with first_of_year as (
    select network, patient_key, min(session_date) as first_date
    from stg_sessions
    where format = 'individuel'
        and (networks is null or list_contains(networks, network))
        and session_date <= date_to
        and session_date >= date_trunc('year', date_from::date)
    group by network, patient_key, year
)
select f.network, f.patient_key, f.first_date, t.amount_eur
from first_of_year as f
join ref_tariffs as t
    on t.item = 'admin_fee_per_patient_year'
    and f.first_date >= t.valid_from
    and (t.valid_to is null or f.first_date <= t.valid_to)
where f.first_date between date_from and date_to;
