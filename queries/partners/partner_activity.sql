-- Purpose: every partner of the period with what it did in the period (docs/indicators.md,
-- Partners): sessions held at or for it, clairvisions, network activities (meetings) it took part in,
-- tripartite agreements in force and the hours they agree, and whether it counts as active. Feeds the
-- activity-per-partner chart, the list of partners without activity and the searchable partner table.
-- Grain: one row per partner of the period (f_partners_of_period: registered in it, or joined or left in
--   it, such as a partner leaving on the period's first day), whatever its activity.
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes (NIS)
--   (varchar[] or NULL = all). Geography applies to the partner's commune, so a partner's sessions are
--   counted wherever they took place; the network filter applies to sessions, clairvisions and
--   agreements (network activities carry no network). Care level, format and setting do not apply.
-- Output: partner_id, name (raw text, render as text), sector, sector_label, is_care (boolean), commune
--   (NIS), commune_name (null outside the province), arrondissement, network ('RSN' | 'RSK' | 'RSN+RSK'),
--   membership ('effectif' | 'adherent' | null), joined_on, left_on (date), is_registered (boolean:
--   membership overlaps the period), is_new, is_ended (boolean: joined / left inside the period), sessions, group_sessions, clairvisions (counts of sessions),
--   activities_attended (count of network activities), agreements_in_force (count),
--   agreed_hours_per_month (hours / month, sum over the agreements in force), is_active (boolean:
--   registered and, as f_partner_activity, any of the above evidence; false when not registered).
with partners_of_period as (
    select * from f_partners_of_period($date_from, $date_to, $networks, $arrondissements, $communes)
),

active_ids as (
    select distinct partner_id from f_partner_activity($date_from, $date_to, $networks)
),

sessions_in as (
    select * from f_sessions($date_from, $date_to, $networks, null, null, null, null, null)
    where partner_id is not null
),

clairvisions_in as (
    select * from f_clairvisions($date_from, $date_to, $networks, null, null, null, null, null)
    where partner_id is not null
),

activities_in as (
    select activity_id, unnest(string_split(partner_ids, '|')) as partner_id
    from activities
    where partner_ids is not null and partner_ids <> ''
        and activity_date between $date_from and $date_to
),

agreements_in as (
    select *
    from agreements
    where start_on <= $date_to
        and (end_on is null or end_on >= $date_from)
        and ($networks is null or list_contains($networks, network))
),

sessions_by_partner as (
    select
        partner_id,
        count(*) as sessions,
        count(*) filter (where format = 'groupe') as group_sessions
    from sessions_in
    group by all
),

clairvisions_by_partner as (
    select partner_id, count(*) as clairvisions
    from clairvisions_in
    group by all
),

activities_by_partner as (
    select partner_id, count(distinct activity_id) as activities_attended
    from activities_in
    group by all
),

agreements_by_partner as (
    select partner_id, count(*) as agreements_in_force, sum(hours_per_month) as agreed_hours_per_month
    from agreements_in
    group by all
)

select
    r.partner_id,
    r.name,
    r.sector,
    r.sector_label,
    r.is_care,
    r.commune,
    r.commune_name,
    r.arrondissement,
    r.network,
    r.membership,
    r.joined_on,
    r.left_on,
    r.is_registered,
    r.is_new,
    r.is_ended,
    coalesce(s.sessions, 0) as sessions,
    coalesce(s.group_sessions, 0) as group_sessions,
    coalesce(c.clairvisions, 0) as clairvisions,
    coalesce(a.activities_attended, 0) as activities_attended,
    coalesce(g.agreements_in_force, 0) as agreements_in_force,
    coalesce(g.agreed_hours_per_month, 0)::decimal(10, 2) as agreed_hours_per_month,
    r.is_registered and r.partner_id in (select partner_id from active_ids) as is_active
from partners_of_period as r
left join sessions_by_partner as s using (partner_id)
left join clairvisions_by_partner as c using (partner_id)
left join activities_by_partner as a using (partner_id)
left join agreements_by_partner as g using (partner_id)
order by lower(strip_accents(r.name)), r.partner_id
