-- Purpose: reach of each population priority by residence (docs/indicators.md: patients of that age
--   residing in the area per 1,000 inhabitants of that age), by arrondissement, south against north, for
--   the whole selection, and residents outside the province shown apart.
-- Grain: one row per area, the two priorities side by side. Areas: each arrondissement of the selected
--   geography (level 'arrondissement'), each zone of it (level 'zone', area 'sud' or 'nord'), the whole
--   selection (level 'total', area 'total'), and, when no geography filter is set and such patients exist
--   for either priority, the patients residing outside the province or with no known commune (level
--   'hors_province', no population, no rate). Zone and total rows sum other rows: `parent_area` names the
--   row that sums a row (an arrondissement's zone, a zone's total), so that the small-count rule knows it.
-- Parameters: $date_from, $date_to (date); $networks, $care_levels, $formats, $settings (varchar[] or
--   NULL = all); $arrondissements, $communes (varchar[] or NULL) select the patient's commune of residence
--   (at their first individual session of the period), not the session's commune.
-- Output: level, area (arrondissement name or code above), zone ('nord' or 'sud'; null for total and hors
--   province), parent_area, sort_order, then for each priority (prefix elderly_ = 'aines', early_childhood_
--   = 'petite_enfance'): <p>_patients (residents of that age), <p>_population (inhabitants of the age band;
--   null outside the province), <p>_reach_per_1000.
with priorities as (
    -- The priorities read by age band and tags (data/reference/priorities.csv).
    select priority, min_age, max_age, tags from stg_priorities
),


communes_in as (
    select * from f_communes($arrondissements, $communes)
),

residents_first as (
    select * from f_patient_firsts($date_from, $date_to, $networks, null, null, $care_levels, $formats, $settings)
),

priority_residents as (
    select p.priority, r.patient_key, c.arrondissement, c.is_south, c.nis is not null as in_selection,
        -- an unknown residence is shown with the residents outside the province, never dropped
        coalesce(r.first_commune not in (select nis from stg_communes), true) as outside_province
    from priorities as p
    join residents_first as r
        on r.first_age >= p.min_age and (p.max_age is null or r.first_age <= p.max_age)
    left join communes_in as c on c.nis = r.first_commune
),

population as (
    select
        p.priority,
        c.arrondissement,
        c.is_south,
        sum(case p.priority when 'aines' then c.pop_65_plus else c.pop_0_2 end)::bigint as population_age
    from priorities as p
    cross join communes_in as c
    group by all
),

patients_by_arrondissement as (
    select priority, arrondissement, count(*) as patients
    from priority_residents
    where in_selection
    group by all
),

arrondissements as (
    select
        pop.priority,
        'arrondissement' as level,
        pop.arrondissement as area,
        pop.is_south,
        coalesce(pa.patients, 0) as patients,
        pop.population_age
    from population as pop
    left join patients_by_arrondissement as pa using (priority, arrondissement)
),

zones as (
    select priority, 'zone' as level, case when is_south then 'sud' else 'nord' end as area, is_south,
        sum(patients)::bigint as patients, sum(population_age)::bigint as population_age
    from arrondissements
    group by all
),

total as (
    select priority, 'total' as level, 'total' as area, null::boolean as is_south,
        sum(patients)::bigint as patients, sum(population_age)::bigint as population_age
    from arrondissements
    group by all
),

outside as (
    select priority, 'hors_province' as level, 'hors_province' as area, null::boolean as is_south,
        count(*) as patients, null::bigint as population_age
    from priority_residents
    where outside_province and $arrondissements is null and $communes is null
    group by all
),

areas as (
    select * from arrondissements
    union all by name select * from zones
    union all by name select * from total
    union all by name select * from outside
),

by_priority as (
    select
        priority,
        level,
        area,
        case is_south when true then 'sud' when false then 'nord' end as zone,
        -- north before south, each zone's total before its arrondissements, then the whole, then outside
        case level when 'total' then 3 when 'hors_province' then 4 else case when is_south then 2 else 1 end end
            * 100 + case level when 'zone' then 0 else 1 end as sort_order,
        patients,
        population_age
    from areas
),

pivoted as (
    select
        level,
        area,
        zone,
        sort_order,
        coalesce(sum(patients) filter (where priority = 'aines'), 0)::bigint as elderly_patients,
        sum(population_age) filter (where priority = 'aines')::bigint as elderly_population,
        coalesce(sum(patients) filter (where priority = 'petite_enfance'), 0)::bigint as early_childhood_patients,
        sum(population_age) filter (where priority = 'petite_enfance')::bigint as early_childhood_population
    from by_priority
    group by all
)

select
    level,
    area,
    zone,
    case level when 'arrondissement' then zone when 'zone' then 'total' end as parent_area,
    sort_order,
    elderly_patients,
    elderly_population,
    1000.0 * elderly_patients / nullif(elderly_population, 0) as elderly_reach_per_1000,
    early_childhood_patients,
    early_childhood_population,
    1000.0 * early_childhood_patients / nullif(early_childhood_population, 0) as early_childhood_reach_per_1000
from pivoted
order by sort_order, area
