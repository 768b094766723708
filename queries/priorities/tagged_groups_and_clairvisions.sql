-- Purpose: group sessions and clairvisions tagged for a population priority (docs/indicators.md: group
--   sessions and clairvisions tagged `aines`; for early childhood the tags `perinatalite` and
--   `petite_enfance`, as in stg_sessions.is_early_childhood).
-- Grain: one row (the two priorities side by side).
-- Parameters: $date_from, $date_to (date); $networks, $arrondissements, $communes, $care_levels, $formats,
--   $settings (varchar[] or NULL) — the shared filters (clairvisions are left out when a care level,
--   format or setting is chosen, as everywhere).
-- Output: for each priority (prefix elderly_ = 'aines', early_childhood_ = 'petite_enfance'):
--   <p>_group_sessions, <p>_group_participations (sum of participants), <p>_clairvisions,
--   <p>_clairvision_participants (sum of participants).
with priorities as (
    -- The priorities read by age band and tags (data/reference/priorities.csv).
    select priority, min_age, max_age, tags from stg_priorities
),

sessions_in as (
    select * from f_sessions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

clairvisions_in as (
    select * from f_clairvisions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

-- A group session's tags matched to the priorities' tags on equality (each session once per priority): a
-- join on list_has_any tried every pair of session and priority (0.12 s at ten million sessions).
priority_tags as (
    select priority, unnest(tags) as tag from priorities
),

group_matches as (
    select distinct t.priority, s.session_id, s.participants
    from (select session_id, participants, unnest(tags) as tag from sessions_in where format = 'groupe') as s
    join priority_tags as t using (tag)
),

groups as (
    select p.priority, count(g.session_id) as group_sessions,
        coalesce(sum(g.participants), 0)::bigint as group_participations
    from priorities as p
    left join group_matches as g using (priority)
    group by all
),

clairvisions as (
    select p.priority, count(v.clairvision_id) as clairvisions,
        coalesce(sum(v.participants), 0)::bigint as clairvision_participants
    from priorities as p
    left join clairvisions_in as v on list_has_any(v.tags, p.tags)
    group by all
),

by_priority as (
    select priority, g.group_sessions, g.group_participations, c.clairvisions, c.clairvision_participants
    from groups as g
    join clairvisions as c using (priority)
)

select
    coalesce(max(group_sessions) filter (where priority = 'aines'), 0) as elderly_group_sessions,
    coalesce(max(group_participations) filter (where priority = 'aines'), 0) as elderly_group_participations,
    coalesce(max(clairvisions) filter (where priority = 'aines'), 0) as elderly_clairvisions,
    coalesce(max(clairvision_participants) filter (where priority = 'aines'), 0) as elderly_clairvision_participants,
    coalesce(max(group_sessions) filter (where priority = 'petite_enfance'), 0) as early_childhood_group_sessions,
    coalesce(max(group_participations) filter (where priority = 'petite_enfance'), 0)
        as early_childhood_group_participations,
    coalesce(max(clairvisions) filter (where priority = 'petite_enfance'), 0) as early_childhood_clairvisions,
    coalesce(max(clairvision_participants) filter (where priority = 'petite_enfance'), 0)
        as early_childhood_clairvision_participants
from by_priority
