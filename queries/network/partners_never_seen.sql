-- Purpose: the registered partners never seen at a network activity in the period (docs/indicators.md,
--   Network life), for the coordinators to invite: who they are, and when an activity last named them.
-- Grain: one row per registered partner (f_partners) named by no activity of the period.
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes (NIS)
--   (varchar[] or NULL = all) select the registered partners (their network and own commune); the
--   activities looked at are all those of the period, wherever they took place (they carry no network).
-- Output (privacy role in brackets): partner_id, name (raw text: render as text) [label: an
--   organisation]; sector, sector_label, commune, commune_name, network, membership [label];
--   joined_on [label, date]; last_seen_on (date of the latest activity naming the partner before the
--   period; null: never named) [label, date].
with registered as (
    select * from f_partners($date_from, $date_to, $networks, $arrondissements, $communes)
),

seen_in_period as (
    select distinct unnest(partner_ids) as partner_id
    from f_activities($date_from, $date_to, null, null)
),

seen_before as (
    select partner_id, max(activity_date) as last_seen_on
    from (
        select activity_date, unnest(partner_ids) as partner_id
        from stg_activities
        where activity_date < $date_from
    )
    group by all
)

select
    r.partner_id,
    r.name,
    r.sector,
    r.sector_label,
    r.commune,
    r.commune_name,
    r.network,
    r.membership,
    r.joined_on,
    b.last_seen_on
from registered as r
left join seen_before as b using (partner_id)
where r.partner_id not in (select partner_id from seen_in_period)
order by lower(strip_accents(r.name)), r.partner_id
