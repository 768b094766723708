-- Purpose: supply against population (docs/indicators.md, psychologists per 10,000 inhabitants; Healthy
--   Belgium MH-12): conventioned psychologists registered and active, by the commune where they practise
--   (psychologists.practice_commune), per 10,000 inhabitants, for every commune of the province; and
--   whether a commune has no psychologist practising (no active psychologist whose practice is there).
--   All 38 communes are always returned: the geography filter only sets in_selection (as on the south
--   page's map), the province being the yardstick.
-- Grain: one row per commune of the province (ref_communes).
-- Parameters: $date_from, $date_to (date, closed range); $networks (varchar[] or NULL = all): registered
--   = conventioned with a selected network over a day of the period (RSN+RSK counts for each); active =
--   at least one session or clairvision of a selected network in the period, wherever it took place,
--   under $care_levels, $formats, $settings (varchar[] or NULL = all; with any of them set, clairvisions
--   are left out, as for the overview's active psychologists); $arrondissements, $communes (varchar[]
--   or NULL) only set in_selection.
-- Output (privacy role in brackets): nis, name_fr, arrondissement, is_south [dimension / label];
--   population (inhabitants 1/1/2020) [population]; registered_psychologists, active_psychologists
--   [count of psychologists, as the overview's active_psychologists]; registered_per_10000
--   [rate of registered_psychologists / population]; active_per_10000 [rate of active_psychologists /
--   population]; without_psychologist (no active psychologist practising in the commune) [internal flag,
--   follows active_psychologists]; in_selection [internal].
with registered as (
    select psychologist_id, practice_commune
    from f_psychologists($date_from, $date_to, $networks, null, null)
),

active_ids as (
    select psychologist_id
    from f_active_psychologists($date_from, $date_to, $networks, $care_levels, $formats, $settings)
),

active as (
    select y.psychologist_id, y.practice_commune
    from stg_psychologists as y
    where y.psychologist_id in (select psychologist_id from active_ids)
),

registered_by_commune as (
    select practice_commune as nis, count(*) as registered_psychologists
    from registered
    group by all
),

active_by_commune as (
    select practice_commune as nis, count(*) as active_psychologists
    from active
    group by all
)

select
    c.nis,
    c.name_fr,
    c.arrondissement,
    c.is_south,
    c.pop_total as population,
    coalesce(r.registered_psychologists, 0) as registered_psychologists,
    coalesce(a.active_psychologists, 0) as active_psychologists,
    10000.0 * coalesce(r.registered_psychologists, 0) / c.pop_total as registered_per_10000,
    10000.0 * coalesce(a.active_psychologists, 0) / c.pop_total as active_per_10000,
    a.active_psychologists is null as without_psychologist,
    ($arrondissements is null or list_contains($arrondissements, c.arrondissement))
        and ($communes is null or list_contains($communes, c.nis)) as in_selection
from stg_communes as c
left join registered_by_commune as r using (nis)
left join active_by_commune as a using (nis)
order by c.nis
