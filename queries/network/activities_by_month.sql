-- Purpose: network activities by type, month by month (docs/indicators.md, Network life): how many took
--   place, how many professionals attended, how many partners were represented.
-- Grain: one row per month x activity type with at least one activity (type null: not given).
-- Parameters: $date_from, $date_to (date, closed range); $arrondissements, $communes (NIS) (varchar[] or
--   NULL = all): geography of where the activity took place (online ones kept only without geography).
--   Activities carry no network, care level, format or setting: those filters do not apply.
-- Output (privacy role in brackets): month (date, first day), type [dimension]; activities,
--   online_activities [value: meetings]; participants (professionals, summed) [value: not patients];
--   partners_represented (distinct partners named at that month's activities of that type)
--   [organisations].
with activities_in as (
    select * from f_activities($date_from, $date_to, $arrondissements, $communes)
),

partners_named as (
    select month, type, unnest(partner_ids) as partner_id from activities_in
),

partners_by_month as (
    select month, type, count(distinct partner_id) as partners_represented
    from partners_named
    group by all
)

select
    a.month,
    a.type,
    count(*) as activities,
    count(*) filter (where a.is_online) as online_activities,
    sum(a.participants)::bigint as participants,
    coalesce(any_value(p.partners_represented), 0) as partners_represented
from activities_in as a
left join partners_by_month as p on p.month = a.month and p.type is not distinct from a.type
group by a.month, a.type
order by a.month, a.type
