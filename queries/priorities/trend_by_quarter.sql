-- Purpose: the trend of each population priority's sessions and share of sessions, by quarter (quarters
--   rather than months so that counts stay readable), for a time chart with the policy dates marked.
-- Grain: one row per quarter with at least one session, the two priorities side by side (they are shares
--   of the same sessions, so the small-count rule sees one table with one cell per figure).
-- Parameters: $date_from, $date_to (date); $networks, $arrondissements, $communes, $care_levels, $formats,
--   $settings (varchar[] or NULL) — the shared filters.
-- Output: quarter (date, first day of the quarter), sessions (all sessions of the quarter), then for each
--   priority (prefix elderly_ = 'aines', early_childhood_ = 'petite_enfance'): <p>_sessions,
--   <p>_sessions_pct (0-100). Same session definitions as priority_kpis.sql (stg_sessions.priorities).
with sessions_in as (
    select date_trunc('quarter', session_date)::date as quarter, priorities
    from f_sessions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

by_quarter as (
    select
        quarter,
        count(*) as sessions,
        count(*) filter (where list_contains(priorities, 'aines')) as elderly_sessions,
        count(*) filter (where list_contains(priorities, 'petite_enfance')) as early_childhood_sessions
    from sessions_in
    group by all
)

select
    quarter,
    sessions,
    elderly_sessions,
    100.0 * elderly_sessions / sessions as elderly_sessions_pct,
    early_childhood_sessions,
    100.0 * early_childhood_sessions / sessions as early_childhood_sessions_pct
from by_quarter
order by quarter
