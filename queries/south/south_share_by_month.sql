-- Purpose: the south's share of sessions month by month, beside its share of the province's population
--   (docs/indicators.md, The south). Read over the whole province: the shared geography filter does not
--   apply (a selection of southern communes would make the share 100 %).
-- Grain: one row per month with at least one session in the province.
-- Parameters: $date_from, $date_to (date); $networks, $care_levels, $formats, $settings (varchar[] or
--   NULL = all).
-- Output: month (date, first day), province_sessions (sessions whose commune is in the province),
--   south_sessions (of which in Dinant or Philippeville), south_sessions_pct (0-100),
--   south_population_pct (0-100, from ref_communes, the same every month).
with sessions_in as (
    select * from f_sessions($date_from, $date_to, $networks, null, null, $care_levels, $formats, $settings)
),

population as (
    select 100.0 * sum(pop_total) filter (where is_south) / sum(pop_total) as south_population_pct
    from stg_communes
),

monthly as (
    select
        month,
        count(*) as province_sessions,
        count(*) filter (where is_south) as south_sessions
    from sessions_in
    where is_in_province
    group by all
)

select
    m.month,
    m.province_sessions,
    m.south_sessions,
    100.0 * m.south_sessions / m.province_sessions as south_sessions_pct,
    p.south_population_pct
from monthly as m, population as p
order by m.month
