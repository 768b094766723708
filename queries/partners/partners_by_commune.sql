-- Purpose: registered and active partners per commune of the selected geography, read against the
-- commune's population (docs/indicators.md, Partners; docs/domain.md, the south). Communes without any
-- partner are kept (a gap to see), and partners whose commune lies outside the province form one row apart.
-- Grain: one row per commune of the province in the selected arrondissements / communes, plus one row
--   (commune null) for the partners outside the province when there are any.
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes (NIS)
--   (varchar[] or NULL = all). Geography applies to the partner's commune; care level, format and setting
--   do not apply.
-- Output: commune (NIS, null = outside the province), commune_name, arrondissement, is_south (boolean),
--   population (inhabitants), registered_partners, active_partners, inactive_partners (counts of
--   organisations), partners_per_10000 (registered partners / population x 10 000).
with registered as (
    select * from f_partners($date_from, $date_to, $networks, $arrondissements, $communes)
),

active_ids as (
    select distinct partner_id from f_partner_activity($date_from, $date_to, $networks)
),

communes_in as (
    select * from f_communes($arrondissements, $communes)
),

counts as (
    select
        case when is_in_province then commune end as commune,
        count(*) as registered_partners,
        count(*) filter (where partner_id in (select partner_id from active_ids)) as active_partners
    from registered
    group by all
),

communes_and_outside as (
    select nis as commune, name_fr as commune_name, arrondissement, is_south, pop_total as population
    from communes_in
    union all
    select null, null, null, null, null
    where exists (select 1 from counts where commune is null)
)

select
    c.commune,
    c.commune_name,
    c.arrondissement,
    c.is_south,
    c.population,
    coalesce(n.registered_partners, 0) as registered_partners,
    coalesce(n.active_partners, 0) as active_partners,
    coalesce(n.registered_partners - n.active_partners, 0) as inactive_partners,
    10000.0 * coalesce(n.registered_partners, 0) / nullif(c.population, 0) as partners_per_10000
from communes_and_outside as c
left join counts as n on n.commune is not distinct from c.commune
order by c.commune is null, registered_partners desc, c.commune_name
