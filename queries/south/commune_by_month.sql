-- Purpose: one commune month by month, when the user focuses the south page on it: sessions delivered
--   in the commune and patients residing in it (docs/indicators.md, The south).
-- Grain: one row per month of the period with at least one session delivered in, or one patient
--   residing in, the commune.
-- Parameters: $date_from, $date_to (date); $networks, $care_levels, $formats, $settings (varchar[] or
--   NULL = all); $commune (varchar, NIS code of the focused commune).
-- Output: month (date, first day), sessions (delivered in the commune), patients (distinct patients
--   residing in the commune with an individual session that month).
with sessions_in as (
    select * from f_sessions($date_from, $date_to, $networks, null, null, $care_levels, $formats, $settings)
),

delivered as (
    select month, count(*) as sessions
    from sessions_in
    where commune = $commune
    group by all
),

residents as (
    select month, count(distinct patient_key) as patients
    from sessions_in
    where format = 'individuel' and patient_commune = $commune
    group by all
)

select
    month,
    coalesce(d.sessions, 0) as sessions,
    coalesce(r.patients, 0) as patients
from delivered as d
full join residents as r using (month)
order by month
