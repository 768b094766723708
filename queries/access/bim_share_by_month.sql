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
with sessions_in as (
    select month, network, patient_key, seq, preferential_tariff
    from f_sessions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
    where format = 'individuel'
),

by_network as (
    select
        month,
        network,
        patient_key,
        min(seq) as first_seq,
        coalesce(arg_min_null(preferential_tariff, seq), false) as bim
    from sessions_in
    group by month, network, patient_key
),

-- Every selected network together, from the rows above (a patient's first session of the month is the
-- earliest of their networks' first ones): far fewer rows than the sessions.
all_networks as (
    select month, 'all' as network, patient_key, arg_min(bim, first_seq) as bim
    from by_network
    group by month, patient_key
),

patient_months as (
    select month, network, patient_key, bim from by_network
    union all
    select * from all_networks
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
