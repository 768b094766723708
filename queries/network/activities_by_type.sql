-- Purpose: network activities by type over the period (docs/indicators.md, Network life): how many, how
--   many professionals attended (in all and per activity), how many distinct partners and sectors were
--   represented at each type, in how many communes they took place and how many were online.
-- Grain: one row per activity type with at least one activity in the period (type null: not given).
-- Parameters: $date_from, $date_to (date, closed range); $arrondissements, $communes (NIS) (varchar[] or
--   NULL = all): geography of where the activity took place (online ones kept only without geography).
--   Activities carry no network, care level, format or setting: those filters do not apply.
-- Output (privacy role in brackets): type [dimension]; activities, online_activities [value: meetings];
--   participants (professionals, summed) [value: not patients]; participants_per_activity [value];
--   partners_represented, sectors_represented (distinct) [organisations]; communes (distinct communes
--   where they took place) [value].
with activities_in as (
    select * from f_activities($date_from, $date_to, $arrondissements, $communes)
),

partners_named as (
    select type, unnest(partner_ids) as partner_id from activities_in
),

represented as (
    select
        n.type,
        count(distinct n.partner_id) as partners_represented,
        count(distinct p.sector) as sectors_represented
    from partners_named as n
    left join partners as p using (partner_id)
    group by all
)

select
    a.type,
    count(*) as activities,
    count(*) filter (where a.is_online) as online_activities,
    sum(a.participants)::bigint as participants,
    1.0 * sum(a.participants) / count(*) as participants_per_activity,
    coalesce(any_value(r.partners_represented), 0) as partners_represented,
    coalesce(any_value(r.sectors_represented), 0) as sectors_represented,
    count(distinct a.commune) as communes
from activities_in as a
left join represented as r on r.type is not distinct from a.type
group by a.type
order by activities desc, a.type
