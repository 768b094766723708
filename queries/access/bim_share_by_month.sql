-- Purpose: the share of patients with the preferential tariff (BIM) month by month (docs/indicators.md,
--   Financial access and pathways): each month is read as a period of its own, so a patient counts in
--   every month they were seen, as BIM when their first individual session of that month (by date, then
--   session id) is at the preferential tariff (unknown counts as not).
-- Grain: one row per month with at least one individual session (inside the period, the first and last
--   months clipped to it) x network, plus one row per month with network 'all' (every selected network
--   together: a patient seen by both networks in a month counts once there, once in each network's row).
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes (NIS),
--   $care_levels, $formats, $settings (varchar[] or NULL = all): the shared filters.
-- Output (privacy role in brackets): month (date, first day), network ('RSN' | 'RSK' | 'all')
--   [dimension]; patients, bim_patients [count]; bim_patients_pct (0-100) [share of bim_patients in
--   patients].
-- Each patient's first individual session of the month per network, then over the selected networks
-- (f_month_firsts: read from the stored neighbours when only the period and one network are set).
with patient_months as (
    select month, network, patient_key, bim
    from f_month_firsts($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings, true)
    union all
    select month, 'all' as network, patient_key, bim
    from f_month_firsts($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings, false)
)

select
    month,
    network,
    count(*) as patients,
    count(*) filter (where bim) as bim_patients,
    100.0 * count(*) filter (where bim) / count(*) as bim_patients_pct
from patient_months
group by month, network
order by month, network = 'all', network desc
