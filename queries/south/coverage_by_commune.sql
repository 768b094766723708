-- Purpose: the south page's map and commune lists — reach, offer, coverage index and active partners of
--   every commune of the province (docs/indicators.md, The south). All 38 communes are always returned:
--   the shared geography filter does not narrow the figures (the province is the yardstick of the
--   coverage index), it only sets `in_selection`, which the page uses to grey the other communes.
-- Grain: one row per commune of the province (ref_communes), including communes with no activity.
-- Parameters: $date_from, $date_to (date, closed range); $networks, $care_levels, $formats, $settings
--   (varchar[] or NULL = all) restrict sessions (networks also partners); $arrondissements, $communes
--   (varchar[] or NULL) only set in_selection.
-- Output: nis, name_fr, arrondissement, is_south, population (inhabitants 1/1/2020),
--   patients (distinct patients residing in the commune: patient_commune, individual sessions),
--   reach_per_1000 (patients / population x 1 000), sessions (sessions delivered in the commune:
--   stg_sessions.commune, i.e. the patient's commune for video), offer_per_10000 (sessions / population
--   x 10 000), province_reach_per_1000 (patients residing in the province / its population x 1 000),
--   coverage_index (reach_per_1000 / province_reach_per_1000; null when the province has no patient),
--   patients_gap (patients the commune lacks to reach the province's rate, 0 when at or above it),
--   active_partners (registered partners of the commune with activity in the period),
--   partners_per_10000, without_offer (no session delivered and no active partner), in_selection.
-- Not materialised: the period's sessions are read again by each part (a scan of the row groups of the
-- period), cheaper than storing 2.7 million rows at ten million sessions.
with sessions_in as not materialized (
    select * from f_sessions($date_from, $date_to, $networks, null, null, $care_levels, $formats, $settings)
),

registered as (
    select * from f_partners($date_from, $date_to, $networks, null, null)
),

active_ids as (
    select distinct partner_id from f_partner_activity($date_from, $date_to, $networks)
),

communes as (
    select * from stg_communes
),

-- Each patient once in every commune they lived in during the period, and once in the province
-- (f_place_patients), grouped once for both.
place_patients as materialized (
    select area_kind, area, patients
    from f_place_patients($date_from, $date_to, $networks, $care_levels, $formats, $settings)
    where area_kind in ('commune', 'province')
),

residents as (
    select area as nis, patients from place_patients where area_kind = 'commune'
),

delivered as (
    select commune as nis, count(*) as sessions
    from sessions_in
    where is_in_province
    group by all
),

partners_active as (
    select commune as nis, count(*) as active_partners
    from registered
    where is_in_province and partner_id in (select partner_id from active_ids)
    group by all
),

province as (
    select
        1000.0 * coalesce((select patients from place_patients where area_kind = 'province'), 0)
            / (select sum(pop_total) from communes) as reach_per_1000
),

by_commune as (
    select
        c.nis,
        c.name_fr,
        c.arrondissement,
        c.is_south,
        c.pop_total as population,
        coalesce(r.patients, 0) as patients,
        coalesce(d.sessions, 0) as sessions,
        coalesce(p.active_partners, 0) as active_partners,
        ($arrondissements is null or list_contains($arrondissements, c.arrondissement))
            and ($communes is null or list_contains($communes, c.nis)) as in_selection
    from communes as c
    left join residents as r using (nis)
    left join delivered as d using (nis)
    left join partners_active as p using (nis)
)

select
    b.nis,
    b.name_fr,
    b.arrondissement,
    b.is_south,
    b.population,
    b.patients,
    1000.0 * b.patients / b.population as reach_per_1000,
    b.sessions,
    10000.0 * b.sessions / b.population as offer_per_10000,
    pr.reach_per_1000 as province_reach_per_1000,
    (1000.0 * b.patients / b.population) / nullif(pr.reach_per_1000, 0) as coverage_index,
    greatest(pr.reach_per_1000 * b.population / 1000.0 - b.patients, 0) as patients_gap,
    b.active_partners,
    10000.0 * b.active_partners / b.population as partners_per_10000,
    b.sessions = 0 and b.active_partners = 0 as without_offer,
    b.in_selection
from by_commune as b, province as pr
order by b.nis
