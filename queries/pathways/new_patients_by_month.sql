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
-- Each patient's first individual session of the month over the selected networks (f_month_firsts). Whether
-- the patient is new comes with it when read from the stored neighbours (no earlier session at all); else
-- from their first session ever (f_patient_starts, read only then).
with patient_months as (
    select month, patient_key, network, care_level, level_2021, is_new
    from f_month_firsts($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings, false)
),

starts as (
    select patient_key, first_date
    from f_patient_starts($networks)
    where not patients_from_rows($networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

placed as (
    select
        m.month, m.network, m.care_level, m.level_2021,
        coalesce(m.is_new, s.first_date >= greatest(m.month, $date_from::date)) as is_new
    from patient_months as m
    left join starts as s using (patient_key)
)

select
    month,
    network,
    care_level,
    level_2021,
    count(*) as patients,
    count(*) filter (where is_new) as new_patients,
    count(*) filter (where not is_new) as returning_patients
from placed
group by all
order by month, network desc, care_level
