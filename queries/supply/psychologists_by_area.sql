-- Purpose: supply against population by area (docs/indicators.md, psychologists per 10,000 inhabitants;
--   Healthy Belgium MH-12): conventioned psychologists registered and active, by where they practise, per
--   10,000 inhabitants, for each arrondissement, north and south, and the province; with the communes
--   where no psychologist practises (no active psychologist whose practice commune is there). The
--   province is always the whole: the shared geography filter does not apply here.
-- Grain: one row per area: 3 arrondissements, 2 zones (north, south), the province, then `hors_province`
--   (practice outside the 38 communes) and `unknown` (active psychologists missing from the psychologists
--   table), the last two without population and shown only when they hold someone.
-- Parameters: $date_from, $date_to (date, closed range); $networks (varchar[] or NULL = all) for both
--   counts; $care_levels, $formats, $settings (varchar[] or NULL = all) for active only (see
--   supply/psychologists_by_commune.sql).
-- Output (privacy role in brackets): area_kind (arrondissement | zone | province | outside), area
--   [dimension]; parent_area (the area summing this one: an arrondissement's zone, a zone's province;
--   null otherwise) [parent of area]; sort_order [internal]; population [population]; communes (communes of the area)
--   [value]; registered_psychologists, active_psychologists [count of psychologists];
--   registered_per_10000, active_per_10000 [rate of the count / population];
--   communes_without_psychologist [value: communes, not people]; population_without_psychologist
--   (inhabitants of those communes) [population].
with registered as (
    select psychologist_id, practice_commune, is_in_province
    from f_psychologists($date_from, $date_to, $networks, null, null)
),

active_ids as (
    select psychologist_id
    from f_active_psychologists($date_from, $date_to, $networks, $care_levels, $formats, $settings)
),

active as (
    select a.psychologist_id, y.practice_commune, coalesce(y.is_in_province, false) as is_in_province,
        y.psychologist_id is null as is_unknown
    from active_ids as a
    left join stg_psychologists as y using (psychologist_id)
),

-- Each commune belongs to three nested areas: its arrondissement, its zone, the province.
commune_areas as (
    select nis, 'arrondissement' as area_kind, arrondissement as area, pop_total from stg_communes
    union all
    select nis, 'zone', case when is_south then 'south' else 'north' end, pop_total from stg_communes
    union all
    select nis, 'province', 'province', pop_total from stg_communes
),

practising as (
    select distinct practice_commune as nis from active where is_in_province
),

areas as (
    select
        a.area_kind,
        a.area,
        case a.area_kind when 'zone' then 10 when 'province' then 20 else 0 end as sort_order,
        sum(a.pop_total)::bigint as population,
        count(*) as communes,
        count(*) filter (where a.nis not in (select nis from practising)) as communes_without_psychologist,
        coalesce(sum(a.pop_total) filter (where a.nis not in (select nis from practising)), 0)::bigint
            as population_without_psychologist
    from commune_areas as a
    group by all
),

registered_by_area as (
    select a.area, count(*) as registered_psychologists
    from registered as r
    join commune_areas as a on a.nis = r.practice_commune
    group by all
    union all
    select 'hors_province', count(*) from registered where not is_in_province
),

active_by_area as (
    select a.area, count(*) as active_psychologists
    from active as p
    join commune_areas as a on a.nis = p.practice_commune
    group by all
    union all
    select 'hors_province', count(*) from active where not is_in_province and not is_unknown
    union all
    select 'unknown', count(*) from active where is_unknown
),

all_areas as (
    select * from areas
    union all
    select 'outside', 'hors_province', 30, null, null, null, null
    union all
    select 'outside', 'unknown', 40, null, null, null, null
)

select
    a.area_kind,
    a.area,
    case a.area_kind
        when 'arrondissement' then (select case when bool_or(is_south) then 'south' else 'north' end
                                    from stg_communes where arrondissement = a.area)
        when 'zone' then 'province'
    end as parent_area,
    a.sort_order,
    a.population,
    a.communes,
    coalesce(r.registered_psychologists, 0) as registered_psychologists,
    coalesce(p.active_psychologists, 0) as active_psychologists,
    10000.0 * coalesce(r.registered_psychologists, 0) / a.population as registered_per_10000,
    10000.0 * coalesce(p.active_psychologists, 0) / a.population as active_per_10000,
    a.communes_without_psychologist,
    a.population_without_psychologist
from all_areas as a
left join registered_by_area as r using (area)
left join active_by_area as p using (area)
where a.area_kind <> 'outside' or coalesce(r.registered_psychologists, 0) + coalesce(p.active_psychologists, 0) > 0
order by a.sort_order, a.area
