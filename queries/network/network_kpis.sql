-- Purpose: the headline figures of the network's own life (docs/indicators.md, Network life): network
--   activities (coordination meetings, intervisions, working groups, midis de réseau, trainings,
--   committees) of the period and their participants, the partners and sectors represented, the communes
--   where they took place (online apart), and the registered partners never seen at an activity.
-- Grain: one row.
-- Parameters: $date_from, $date_to (date, closed range); $arrondissements, $communes (NIS) (varchar[] or
--   NULL = all): activities carry no network, care level, format or setting, so only the period and the
--   geography of where they took place apply to them (an online activity is kept only when no geography
--   is chosen); $networks (varchar[] or NULL = all) applies to the registered partners (with the
--   geography of their own commune), and a partner is "never seen" when no activity of the period names
--   it, wherever it took place.
-- Output (privacy role in brackets): activities, online_activities [value: meetings, not people or
--   sessions]; participants (professionals attending, summed) [value: not patients];
--   participants_per_activity [value]; partners_represented (distinct partner ids named), sectors_represented
--   (distinct sectors of those partners), communes (distinct communes where activities took place)
--   [organisations / value]; registered_partners, partners_never_seen [organisations];
--   partners_never_seen_pct (0-100) [share of organisations].
with activities_in as (
    select * from f_activities($date_from, $date_to, $arrondissements, $communes)
),

represented as (
    select distinct unnest(partner_ids) as partner_id from activities_in
),

seen_anywhere as (
    select distinct unnest(partner_ids) as partner_id
    from f_activities($date_from, $date_to, null, null)
),

registered as (
    select partner_id from f_partners($date_from, $date_to, $networks, $arrondissements, $communes)
),

activity_figures as (
    select
        count(*) as activities,
        count(*) filter (where is_online) as online_activities,
        coalesce(sum(participants), 0)::bigint as participants,
        count(distinct commune) as communes
    from activities_in
),

partner_figures as (
    select
        (select count(*) from represented) as partners_represented,
        (select count(distinct p.sector) from represented as r join partners as p using (partner_id))
            as sectors_represented,
        (select count(*) from registered) as registered_partners,
        (select count(*) from registered where partner_id not in (select partner_id from seen_anywhere))
            as partners_never_seen
)

select
    a.activities,
    a.online_activities,
    a.participants,
    1.0 * a.participants / nullif(a.activities, 0) as participants_per_activity,
    p.partners_represented,
    p.sectors_represented,
    a.communes,
    p.registered_partners,
    p.partners_never_seen,
    100.0 * p.partners_never_seen / nullif(p.registered_partners, 0) as partners_never_seen_pct
from activity_figures as a, partner_figures as p
