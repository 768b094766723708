-- Purpose: the trend of each population priority's sessions and share of sessions, by quarter (quarters
--   rather than months so that counts stay readable), for a time chart with the policy dates marked.
-- Grain: one row per quarter with at least one session x priority ('aines', 'petite_enfance').
-- Parameters: $date_from, $date_to (date); $networks, $arrondissements, $communes, $care_levels, $formats,
--   $settings (varchar[] or NULL) — the shared filters.
-- Output: quarter (date, first day of the quarter), priority, sessions (all sessions of the quarter),
--   priority_sessions, priority_sessions_pct (0-100). Same session definitions as priority_kpis.sql.
with priorities as (
    -- The priorities read by age band and tags (data/reference/priorities.csv).
    select priority, min_age, max_age, tags from stg_priorities
),

sessions_in as (
    select session_date, priorities
    from f_sessions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

session_flags as (
    select
        date_trunc('quarter', s.session_date)::date as quarter,
        p.priority,
        list_contains(s.priorities, p.priority) as in_priority
    from sessions_in as s
    cross join priorities as p
)

select
    quarter,
    priority,
    count(*) as sessions,
    count(*) filter (where in_priority) as priority_sessions,
    100.0 * count(*) filter (where in_priority) / count(*) as priority_sessions_pct
from session_flags
group by all
order by priority, quarter
