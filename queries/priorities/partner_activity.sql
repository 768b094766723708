-- Purpose: activity with the partners that serve a population priority (docs/indicators.md: sessions in
--   nursing homes; early-childhood partners: ONE, crèches, maternity). A sector serves a priority when
--   ref_sectors.priority says so, so another network's sectors work without changing this query.
-- Grain: one row per priority x partner of such a sector that is registered in the period or has a
--   session or clairvision in it (under the filters).
-- Parameters: $date_from, $date_to (date); $networks, $arrondissements, $communes, $care_levels, $formats,
--   $settings (varchar[] or NULL). Registration follows the partner filters (geography = the partner's
--   commune); sessions and clairvisions follow the shared session and clairvision filters.
-- Output: priority, priority_label (its French name, data/reference/priorities.csv), partner_id, name,
--   sector_label, commune_name, is_registered, is_active (registered and active in the period: a session,
--   clairvision, network activity or agreement), sessions (at the partner), clairvisions (at the partner).
with sessions_in as (
    select * from f_sessions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

clairvisions_in as (
    select * from f_clairvisions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

registered as (
    select partner_id from f_partners($date_from, $date_to, $networks, $arrondissements, $communes)
),

active_ids as (
    select distinct partner_id from f_partner_activity($date_from, $date_to, $networks)
),

priority_partners as (
    select p.partner_id, p.name, p.sector_label, p.commune_name, s.priority, pr.label_fr as priority_label
    from stg_partners as p
    join ref_sectors as s using (sector)
    join stg_priorities as pr on pr.priority = s.priority
),

sessions_at as (
    select partner_id, count(*) as sessions
    from sessions_in
    where partner_id is not null
    group by all
),

clairvisions_at as (
    select partner_id, count(*) as clairvisions
    from clairvisions_in
    where partner_id is not null
    group by all
),

partner_rows as (
    select
        pp.priority,
        pp.priority_label,
        pp.partner_id,
        pp.name,
        pp.sector_label,
        pp.commune_name,
        pp.partner_id in (select partner_id from registered) as is_registered,
        coalesce(s.sessions, 0) as sessions,
        coalesce(c.clairvisions, 0) as clairvisions
    from priority_partners as pp
    left join sessions_at as s using (partner_id)
    left join clairvisions_at as c using (partner_id)
)

select
    priority,
    priority_label,
    partner_id,
    name,
    sector_label,
    commune_name,
    is_registered,
    is_registered and partner_id in (select partner_id from active_ids) as is_active,
    sessions,
    clairvisions
from partner_rows
where is_registered or sessions > 0 or clairvisions > 0
order by priority, sessions + clairvisions desc, name
