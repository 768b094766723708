-- Purpose: partner figures of a period (docs/indicators.md, Partners).
-- Grain: one row.
-- Parameters: $date_from, $date_to (date); $networks, $arrondissements, $communes (varchar[] or NULL).
--   Care level, format and setting filters do not apply to partners.
-- Output: registered_partners, active_partners, new_partners (joined_on in the period), ended_partners
--   (left_on in the period, registered in it or not: a partner leaving on the period's first day counts),
--   partners_outside_care, partners_outside_care_pct (0-100, of registered partners),
--   partners_full_members_pct (0-100, of registered partners with a known membership).
with partners_of_period as (
    select * from f_partners_of_period($date_from, $date_to, $networks, $arrondissements, $communes)
),

active_ids as (
    select distinct partner_id from f_partner_activity($date_from, $date_to, $networks)
),

registered as (
    select * from partners_of_period where is_registered
)

select
    count(*) as registered_partners,
    count(*) filter (where partner_id in (select partner_id from active_ids)) as active_partners,
    (select count(*) from partners_of_period where is_new) as new_partners,
    (select count(*) from partners_of_period where is_ended) as ended_partners,
    count(*) filter (where not is_care) as partners_outside_care,
    100.0 * count(*) filter (where not is_care) / nullif(count(*), 0) as partners_outside_care_pct,
    100.0 * count(*) filter (where membership = 'effectif')
        / nullif(count(*) filter (where membership is not null), 0) as partners_full_members_pct
from registered
