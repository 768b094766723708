-- Purpose: the period's list of network activities (docs/indicators.md, Network life), as the yearly
--   activity report gives it (seed 004, the Norwest antenna's report: dates, places, services
--   represented, participants): one line per meeting that a coordinator can export.
-- Grain: one row per activity of the period (f_activities), in date order.
-- Parameters: $date_from, $date_to (date, closed range); $arrondissements, $communes (NIS) (varchar[] or
--   NULL = all): geography of where the activity took place (online ones kept only without geography).
--   Activities carry no network, care level, format or setting.
-- Output (privacy role in brackets): activity_id [label]; activity_date (date) [dimension]; type
--   [dimension]; commune (NIS, null online), commune_name (French name, from the Belgian communes for a
--   place outside the province; null online) [label]; is_online [internal]; participants
--   (professionals attending) [value: not patients]; partners_represented (distinct partners named)
--   [organisations]; partner_names (their names, sorted, joined by ' ; ', raw text: render as text)
--   [label].
with activities_in as (
    select * from f_activities($date_from, $date_to, $arrondissements, $communes)
),

named as (
    select n.activity_id, n.partner_id, p.name
    from (select activity_id, unnest(partner_ids) as partner_id from activities_in) as n
    left join partners as p using (partner_id)
),

partner_lists as (
    select
        activity_id,
        count(distinct partner_id) as partners_represented,
        string_agg(coalesce(name, partner_id), ' ; ' order by lower(strip_accents(coalesce(name, partner_id))))
            as partner_names
    from named
    group by all
)

select
    a.activity_id,
    a.activity_date,
    a.type,
    a.commune,
    coalesce(a.commune_name, bc.name_fr) as commune_name,
    a.is_online,
    a.participants,
    coalesce(l.partners_represented, 0) as partners_represented,
    l.partner_names
from activities_in as a
left join partner_lists as l using (activity_id)
left join ref_belgian_communes as bc on bc.nis = a.commune
order by a.activity_date, a.activity_id
