-- Purpose: where the network's activities took place (docs/indicators.md, Network life): every commune
--   of the province with its activities (zeros included), the communes outside the province that hosted
--   one, and the online activities apart.
-- Grain: one row per commune of the province (ref_communes), plus one per commune outside it with at least
--   one activity, plus one row `online` (activities without a commune).
-- Parameters: $date_from, $date_to (date, closed range); $arrondissements, $communes (NIS) (varchar[] or
--   NULL = all): geography of where the activity took place (with a geography chosen, other communes and
--   the online row show zeros). Activities carry no network, care level, format or setting.
-- Output (privacy role in brackets): place_kind ('commune' | 'hors_province' | 'online') [dimension];
--   nis (null online) [dimension]; name_fr (French name; null online) [label]; arrondissement, is_south
--   (null outside the province) [group / internal]; population (province communes) [population];
--   activities [value: meetings]; participants (professionals, summed) [value: not patients];
--   partners_represented (distinct) [organisations].
with activities_in as (
    select * from f_activities($date_from, $date_to, $arrondissements, $communes)
),

named as (
    select commune, unnest(partner_ids) as partner_id from activities_in
),

by_place as (
    select commune, count(*) as activities, sum(participants)::bigint as participants
    from activities_in
    group by all
),

partners_by_place as (
    select commune, count(distinct partner_id) as partners_represented
    from named
    group by all
),

places as (
    select 'commune' as place_kind, nis, name_fr, arrondissement, is_south, pop_total as population, 0 as sort_order
    from stg_communes
    union all
    select 'hors_province', b.commune, bc.name_fr, null, null, null, 1
    from (select distinct commune from activities_in where commune is not null and not is_in_province) as b
    left join ref_belgian_communes as bc on bc.nis = b.commune
    union all
    select 'online', null, null, null, null, null, 2
)

select
    p.place_kind,
    p.nis,
    p.name_fr,
    p.arrondissement,
    p.is_south,
    p.population,
    coalesce(b.activities, 0) as activities,
    coalesce(b.participants, 0) as participants,
    coalesce(n.partners_represented, 0) as partners_represented
from places as p
left join by_place as b on b.commune is not distinct from p.nis
left join partners_by_place as n on n.commune is not distinct from p.nis
order by p.sort_order, p.nis
