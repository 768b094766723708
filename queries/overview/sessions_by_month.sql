-- Purpose: the monthly series of sessions by network, for the overview's time chart.
-- Grain: one row per month and network with at least one session.
-- Parameters: $date_from, $date_to (date); $networks, $arrondissements, $communes, $care_levels,
--   $formats, $settings (varchar[] or NULL).
-- Output: month (date, first day), network, sessions, individual_sessions, group_sessions.
select
    month,
    network,
    count(*) as sessions,
    count(*) filter (where format = 'individuel') as individual_sessions,
    count(*) filter (where format = 'groupe') as group_sessions
from f_sessions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
group by all
order by month, network
