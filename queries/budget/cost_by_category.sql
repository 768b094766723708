-- Purpose: what a session and a patient cost INAMI, by network and budget category, over the period
--   (docs/indicators.md, Budget: category of a session). The administrative fee is a fixed amount per
--   patient and year and is shown apart (budget_by_year.sql), not here.
-- Grain: one row per network x category (individuel, outreaching, groupe, clairvision) with activity.
-- Parameters: $date_from, $date_to (date, closed range); $networks (varchar[] or NULL = all).
--   Other filters do not apply, as for the envelopes.
-- Output: network, category, category_label, spent_eur (euros), sessions (sessions, or clairvisions),
--   patients (distinct patients; null for groups and clairvisions, which carry no patient id),
--   cost_per_session_eur, cost_per_patient_eur (euros; null without patients).
with sessions_in as (
    select * from f_sessions($date_from, $date_to, $networks, null, null, null, null, null)
),

clairvisions_in as (
    select * from f_clairvisions($date_from, $date_to, $networks, null, null, null, null, null)
),

by_category as (
    select
        network,
        budget_category as category,
        sum(fee_inami_eur) as spent_eur,
        count(*) as sessions,
        -- group sessions have no patient id: no patient count rather than a zero
        nullif(count(distinct patient_key), 0) as patients
    from sessions_in
    group by all
    union all
    select network, 'clairvision', sum(fee_inami_eur), count(*), null
    from clairvisions_in
    group by all
),

labels as (
    select distinct category, label_fr from ref_budget_categories
)

select
    c.network,
    c.category,
    l.label_fr as category_label,
    c.spent_eur::decimal(14, 2) as spent_eur,
    c.sessions,
    c.patients,
    c.spent_eur / nullif(c.sessions, 0) as cost_per_session_eur,
    c.spent_eur / c.patients as cost_per_patient_eur
from by_category as c
left join labels as l using (category)
order by c.network, c.category
