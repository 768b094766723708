-- Purpose: which sectors the network's activities reach (docs/indicators.md, Network life; the Norwest
--   report lists the services represented): for every partner sector, the partners represented at the
--   period's activities, their participations, the activities where the sector was present, and the
--   sector's registered partners never seen at an activity.
-- Grain: one row per sector of ref_sectors (zeros included), plus `unknown` when an activity names a
--   partner id missing from the partners table.
-- Parameters: $date_from, $date_to (date, closed range); $arrondissements, $communes (NIS) (varchar[] or
--   NULL = all): geography of where the activity took place, and of the registered partners' own
--   commune; $networks (varchar[] or NULL = all) applies to the registered partners only (activities
--   carry no network). A partner is never seen when no activity of the period names it, wherever.
-- Output (privacy role in brackets): sector [dimension]; sector_label [label]; is_care [internal];
--   partners_represented, registered_partners, partners_never_seen [organisations]; participations
--   (partner x activity pairs), activities (activities with the sector present) [value: meetings].
with activities_in as (
    select * from f_activities($date_from, $date_to, $arrondissements, $communes)
),

named as (
    select a.activity_id, n.partner_id, coalesce(p.sector, 'unknown') as sector
    from (select activity_id, unnest(partner_ids) as partner_id from activities_in) as n
    join activities_in as a using (activity_id)
    left join partners as p using (partner_id)
),

seen_anywhere as (
    select distinct unnest(partner_ids) as partner_id
    from f_activities($date_from, $date_to, null, null)
),

registered as (
    select partner_id, sector
    from f_partners($date_from, $date_to, $networks, $arrondissements, $communes)
),

represented as (
    select
        sector,
        count(distinct partner_id) as partners_represented,
        count(*) as participations,
        count(distinct activity_id) as activities
    from named
    group by all
),

registered_by_sector as (
    select
        sector,
        count(*) as registered_partners,
        count(*) filter (where partner_id not in (select partner_id from seen_anywhere)) as partners_never_seen
    from registered
    group by all
),

sectors as (
    select sector, label_fr as sector_label, is_care, row_number() over () as sort_order from ref_sectors
    union all
    select 'unknown', null, null, 999
    where exists (select 1 from named where sector = 'unknown')
)

select
    s.sector,
    s.sector_label,
    s.is_care,
    coalesce(r.partners_represented, 0) as partners_represented,
    coalesce(r.participations, 0) as participations,
    coalesce(r.activities, 0) as activities,
    coalesce(g.registered_partners, 0) as registered_partners,
    coalesce(g.partners_never_seen, 0) as partners_never_seen
from sectors as s
left join represented as r using (sector)
left join registered_by_sector as g using (sector)
order by s.sort_order
