-- Purpose: the headline figures of the two population priorities (docs/indicators.md, Elderly people and
--   Early childhood): each priority's share of patients and of sessions against its share of the
--   population, and its reach per 1,000 inhabitants of that age.
-- Grain: one row per priority ('aines' = 65 and older, 'petite_enfance' = 0-2 years, the first 1,000 days).
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes (NIS),
--   $care_levels, $formats, $settings (varchar[] or NULL = all).
--   Shares follow the shared filters (geography = where the session took place, as on the overview).
--   Reach is read by residence: the geography filters select the patient's commune at their first
--   individual session of the period, the other filters apply as usual.
-- Output: priority, patients, priority_patients (age band at the first individual session of the period),
--   priority_patients_pct (0-100), sessions, priority_sessions, priority_sessions_pct (0-100),
--   population (inhabitants of the selected geography), population_age (inhabitants of the age band),
--   population_pct (0-100), resident_patients (priority patients residing in the selected geography),
--   reach_per_1000 (resident_patients per 1,000 inhabitants of the age band).
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
    select * from f_patients_first($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

residents_first as (
    select * from f_patients_first($date_from, $date_to, $networks, null, null, $care_levels, $formats, $settings)
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
)

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
order by p.priority
