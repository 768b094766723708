-- Purpose: north against south (and each arrondissement, the province, and residences or sessions
--   outside it) read against population: reach per 1 000, offer per 10 000, active partners per 10 000
--   (docs/indicators.md, The south). The province is always the whole: the shared geography filter does
--   not apply here.
-- Grain: one row per area: 3 arrondissements, 2 zones (north, south), the province, then
--   `hors_province` (residences and places outside the 38 communes) and `unknown` (no commune given),
--   the last two without population.
-- Parameters: $date_from, $date_to (date); $networks, $care_levels, $formats, $settings (varchar[] or
--   NULL = all).
-- Output: area_kind (arrondissement | zone | province | outside), area (arrondissement name, north,
--   south, province, hors_province, unknown), parent_area (the area whose row sums this one: an
--   arrondissement's zone, a zone's province; null for the province and outside), is_south (null for
--   the province and outside), sort_order, population, patients (distinct, residing in
--   the area), reach_per_1000, sessions (delivered in the area), offer_per_10000, active_partners
--   (registered partners of the area's communes with activity), partners_per_10000, coverage_index
--   (reach_per_1000 / the province's).
-- Only the columns used below (the sessions delivered per area).
with sessions_in as not materialized (
    select commune, is_in_province
    from f_sessions($date_from, $date_to, $networks, null, null, $care_levels, $formats, $settings)
),

registered as (
    select * from f_partners($date_from, $date_to, $networks, null, null)
),

active_ids as (
    select distinct partner_id from f_partner_activity($date_from, $date_to, $networks)
),

-- Each commune belongs to three nested areas: its arrondissement, its zone, the province (f_commune_areas);
-- each area's row is summed by its parent's (rows that sum other rows: the small-count rule must know them).
commune_areas as (
    select * from f_commune_areas()
),

areas as (
    select
        area_kind,
        area,
        parent_area,
        is_south,
        case area_kind when 'zone' then 10 when 'province' then 20 else 0 end as sort_order,
        sum(pop_total)::bigint as population
    from commune_areas
    group by all
    union all
    select 'outside', 'hors_province', null, null, 30, null
    union all
    select 'outside', 'unknown', null, null, 40, null
),

-- Each patient once in every area they lived in during the period (f_place_patients: one grouping of the
-- sessions into a set of places per patient; outside the province: a commune given but not one of the 38;
-- unknown: no commune given).
resident_patients as (
    select area, patients
    from f_place_patients($date_from, $date_to, $networks, $care_levels, $formats, $settings)
    where area_kind <> 'commune'
),

-- Sessions counted per commune first, then summed over each commune's areas.
commune_sessions as (
    select commune, is_in_province, count(*) as sessions
    from sessions_in
    group by all
),

delivered_sessions as (
    select a.area, sum(s.sessions)::bigint as sessions
    from commune_sessions as s
    join commune_areas as a on a.nis = s.commune
    group by all
    union all
    select case when commune is null then 'unknown' else 'hors_province' end, sum(sessions)::bigint
    from commune_sessions
    where not is_in_province
    group by all
),

active_partners as (
    select a.area, count(*) as active_partners
    from registered as p
    join commune_areas as a on a.nis = p.commune
    where p.partner_id in (select partner_id from active_ids)
    group by all
    union all
    select 'hors_province', count(*)
    from registered
    where not is_in_province and partner_id in (select partner_id from active_ids)
),

province_reach as (
    select 1000.0 * r.patients / a.population as reach_per_1000
    from areas as a
    join resident_patients as r using (area)
    where a.area = 'province'
),

figures as (
    select
        a.area_kind,
        a.area,
        a.parent_area,
        a.is_south,
        a.sort_order,
        a.population,
        coalesce(r.patients, 0) as patients,
        coalesce(d.sessions, 0) as sessions,
        coalesce(p.active_partners, 0) as active_partners
    from areas as a
    left join resident_patients as r using (area)
    left join delivered_sessions as d using (area)
    left join active_partners as p using (area)
)

select
    f.area_kind,
    f.area,
    f.parent_area,
    f.is_south,
    f.sort_order,
    f.population,
    f.patients,
    1000.0 * f.patients / f.population as reach_per_1000,
    f.sessions,
    10000.0 * f.sessions / f.population as offer_per_10000,
    f.active_partners,
    10000.0 * f.active_partners / f.population as partners_per_10000,
    (1000.0 * f.patients / f.population) / nullif((select reach_per_1000 from province_reach), 0) as coverage_index
from figures as f
where f.area <> 'unknown' or f.patients > 0 or f.sessions > 0
order by f.sort_order, f.area
