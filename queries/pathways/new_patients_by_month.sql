-- Purpose: new and returning patients month by month (docs/indicators.md, Financial access and pathways),
--   each month read as a period of its own (the first and last months clipped to the period): a patient
--   seen in the month under the filters is new when their first individual session ever (whole database,
--   in the selected networks) falls in it, returning when it falls before. Each patient is placed by their
--   first individual session of the month: its network and care level (both codings are given, so the
--   page can sum by 2021 level across the 1 April 2024 switch).
-- Grain: one row per month x network x care level code with at least one patient.
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes (NIS),
--   $care_levels, $formats, $settings (varchar[] or NULL = all): the shared filters.
-- Output (privacy role in brackets): month (date, first day), network, care_level (code), level_2021
--   [dimension; level_2021 groups care_level]; patients [total of new_patients and returning_patients];
--   new_patients, returning_patients [count].
with sessions_in as (
    select month, patient_key, seq
    from f_sessions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
    where format = 'individuel'
),

-- Each patient's first session of the month, found by its seq and read back from the table (three arg_min
-- over the sessions cost more).
patient_months as (
    select m.month, m.patient_key, s.network, s.care_level, s.level_2021
    from (select month, patient_key, min(seq) as first_seq from sessions_in group by month, patient_key) as m
    join stg_sessions as s on s.seq = m.first_seq
),

starts as (
    select patient_key, first_date
    from f_patient_starts($networks)
)

select
    m.month,
    m.network,
    m.care_level,
    m.level_2021,
    count(*) as patients,
    count(*) filter (where s.first_date >= greatest(m.month, $date_from::date)) as new_patients,
    count(*) filter (where s.first_date < greatest(m.month, $date_from::date)) as returning_patients
from patient_months as m
join starts as s using (patient_key)
group by all
order by m.month, m.network desc, m.care_level
