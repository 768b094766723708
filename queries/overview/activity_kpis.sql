-- Purpose: the headline activity figures of a period under the shared filters (docs/indicators.md).
-- Grain: one row.
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes (NIS),
--   $care_levels, $formats, $settings (varchar[] or NULL = all).
-- Output: sessions, individual_sessions, group_sessions, group_participations, patients,
--   active_psychologists, clairvisions, province_sessions, south_sessions, south_sessions_pct (0-100),
--   south_population_pct (0-100, population of the selected geography), elderly_patients,
--   elderly_patients_pct (0-100), early_childhood_sessions, early_childhood_sessions_pct (0-100).
-- Only the columns used below: sessions_in is read twice, and DuckDB materialises it.
with sessions_in as (
    select
        format, participants, psychologist_id, is_in_province, is_south, is_early_childhood
    from f_sessions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

clairvisions_in as (
    select psychologist_id
    from f_clairvisions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

communes_in as (
    select * from f_communes($arrondissements, $communes)
),

-- A patient's age group is read at their first individual session of the period.
patients_first as (
    select first_age
    from f_patient_firsts($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

psychologists_active as (
    select psychologist_id from sessions_in
    union
    select psychologist_id from clairvisions_in
),

activity as (
    select
        count(*) as sessions,
        count(*) filter (where format = 'individuel') as individual_sessions,
        count(*) filter (where format = 'groupe') as group_sessions,
        coalesce(sum(participants) filter (where format = 'groupe'), 0)::bigint as group_participations,
        count(*) filter (where is_in_province) as province_sessions,
        count(*) filter (where is_in_province and is_south) as south_sessions,
        count(*) filter (where is_early_childhood) as early_childhood_sessions
    from sessions_in
),

patients as (
    select
        count(*) as patients,
        count(*) filter (where first_age >= 65) as elderly_patients
    from patients_first
),

population as (
    select
        sum(pop_total) as pop_total,
        sum(pop_total) filter (where is_south) as pop_south
    from communes_in
)

select
    a.sessions,
    a.individual_sessions,
    a.group_sessions,
    a.group_participations,
    p.patients,
    (select count(*) from psychologists_active) as active_psychologists,
    (select count(*) from clairvisions_in) as clairvisions,
    a.province_sessions,
    a.south_sessions,
    100.0 * a.south_sessions / nullif(a.province_sessions, 0) as south_sessions_pct,
    100.0 * coalesce(pop.pop_south, 0) / nullif(pop.pop_total, 0) as south_population_pct,
    p.elderly_patients,
    100.0 * p.elderly_patients / nullif(p.patients, 0) as elderly_patients_pct,
    a.early_childhood_sessions,
    100.0 * a.early_childhood_sessions / nullif(a.sessions, 0) as early_childhood_sessions_pct
from activity as a, patients as p, population as pop
