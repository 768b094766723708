-- Purpose: the headline figures of the two population priorities (docs/indicators.md, Elderly people and
--   Early childhood): each priority's share of patients and of sessions against its share of the
--   population, and its reach per 1,000 inhabitants of that age.
-- Grain: one row (the two priorities side by side: they share the patients and the sessions they are
--   shares of, so the small-count rule sees one table with one cell per figure).
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes (NIS),
--   $care_levels, $formats, $settings (varchar[] or NULL = all).
--   Shares follow the shared filters (geography = where the session took place, as on the overview).
--   Reach is read by residence: the geography filters select the patient's commune at their first
--   individual session of the period, the other filters apply as usual.
-- Output: patients, sessions, population (inhabitants of the selected geography), then for each priority
--   (prefix elderly_ = 'aines', 65 and older; early_childhood_ = 'petite_enfance', 0-2 years):
--   <p>_patients (age band at the first individual session of the period), <p>_patients_pct (0-100),
--   <p>_sessions, <p>_sessions_pct (0-100), <p>_population (inhabitants of the age band),
--   <p>_population_pct (0-100), <p>_residents (patients of the age band residing in the selected
--   geography), <p>_reach_per_1000 (residents per 1,000 inhabitants of the age band).
with priorities as (
    -- The priorities read by age band and tags (data/reference/priorities.csv).
    select priority, min_age, max_age, tags from stg_priorities
),

sessions_in as (
    select priorities
    from f_sessions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

communes_in as (
    select * from f_communes($arrondissements, $communes)
),

-- A patient's age band and residence are read at their first individual session of the period; reach
-- selects patients by residence, so its sessions are taken wherever they took place.
patients_first as (
    select * from f_patient_firsts($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

-- Without a geography filter the residents' first sessions are the patients' (read once).
residents_first as (
    select * from patients_first
    where $arrondissements is null and $communes is null
    union all
    select * from f_patient_firsts($date_from, $date_to, $networks, null, null, $care_levels, $formats, $settings)
    where $arrondissements is not null or $communes is not null
),

-- A session's priorities are worked out once, in staging (stg_sessions.priorities): a patient of that age
-- on the day, a tag of that public, or a partner whose sector serves it.
session_flags as (
    select
        p.priority,
        list_contains(s.priorities, p.priority) as in_priority
    from sessions_in as s
    cross join priorities as p
),

sessions_by_priority as (
    select priority, count(*) as sessions, count(*) filter (where in_priority) as priority_sessions
    from session_flags
    group by all
),

patients_by_priority as (
    select
        p.priority,
        count(f.patient_key) as patients,
        count(f.patient_key) filter (
            where f.first_age >= p.min_age and (p.max_age is null or f.first_age <= p.max_age)
        ) as priority_patients
    from priorities as p
    left join patients_first as f on true
    group by all
),

residents_by_priority as (
    select p.priority, count(r.patient_key) as resident_patients
    from priorities as p
    left join residents_first as r
        on r.first_age >= p.min_age
        and (p.max_age is null or r.first_age <= p.max_age)
        and r.first_commune in (select nis from communes_in)
    group by all
),

population as (
    select
        p.priority,
        sum(c.pop_total)::bigint as population,
        sum(case p.priority when 'aines' then c.pop_65_plus else c.pop_0_2 end)::bigint as population_age
    from priorities as p
    cross join communes_in as c
    group by all
),

by_priority as (
    select
        p.priority,
        pa.patients,
        pa.priority_patients,
        100.0 * pa.priority_patients / nullif(pa.patients, 0) as priority_patients_pct,
        coalesce(s.sessions, 0) as sessions,
        coalesce(s.priority_sessions, 0) as priority_sessions,
        100.0 * s.priority_sessions / nullif(s.sessions, 0) as priority_sessions_pct,
        pop.population,
        pop.population_age,
        100.0 * pop.population_age / nullif(pop.population, 0) as population_pct,
        r.resident_patients,
        1000.0 * r.resident_patients / nullif(pop.population_age, 0) as reach_per_1000
    from priorities as p
    left join patients_by_priority as pa using (priority)
    left join sessions_by_priority as s using (priority)
    left join residents_by_priority as r using (priority)
    left join population as pop using (priority)
)

-- patients, sessions and population are the same in every priority's row
select
    max(patients) as patients,
    max(sessions) as sessions,
    max(population) as population,
    max(priority_patients) filter (where priority = 'aines') as elderly_patients,
    max(priority_patients_pct) filter (where priority = 'aines') as elderly_patients_pct,
    max(priority_sessions) filter (where priority = 'aines') as elderly_sessions,
    max(priority_sessions_pct) filter (where priority = 'aines') as elderly_sessions_pct,
    max(population_age) filter (where priority = 'aines') as elderly_population,
    max(population_pct) filter (where priority = 'aines') as elderly_population_pct,
    max(resident_patients) filter (where priority = 'aines') as elderly_residents,
    max(reach_per_1000) filter (where priority = 'aines') as elderly_reach_per_1000,
    max(priority_patients) filter (where priority = 'petite_enfance') as early_childhood_patients,
    max(priority_patients_pct) filter (where priority = 'petite_enfance') as early_childhood_patients_pct,
    max(priority_sessions) filter (where priority = 'petite_enfance') as early_childhood_sessions,
    max(priority_sessions_pct) filter (where priority = 'petite_enfance') as early_childhood_sessions_pct,
    max(population_age) filter (where priority = 'petite_enfance') as early_childhood_population,
    max(population_pct) filter (where priority = 'petite_enfance') as early_childhood_population_pct,
    max(resident_patients) filter (where priority = 'petite_enfance') as early_childhood_residents,
    max(reach_per_1000) filter (where priority = 'petite_enfance') as early_childhood_reach_per_1000
from by_priority
