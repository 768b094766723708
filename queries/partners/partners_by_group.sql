-- Purpose: registered, active, inactive, new and ended partners of the period broken down along each
-- dimension a page shows (docs/indicators.md, Partners): sector, care / outside care, membership, network
-- and arrondissement of the partner. All five in one query: the active partners (the period's sessions,
-- clairvisions, agreements and activities) are read once, not once per dimension (five queries scanned the
-- period's sessions five times: ~30 ms each at ten million sessions).
-- Grain: one row per dimension x value held by at least one partner of the period (registered, or joined
--   or left in it: f_partners_of_period). A partner of both networks (RSN+RSK) counts once in each selected
--   network; along other dimensions each partner once.
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes (NIS)
--   (varchar[] or NULL = all). Geography applies to the partner's commune; care level, format and setting
--   do not apply.
-- Output: dimension ('sector' | 'care' | 'membership' | 'network' | 'arrondissement'), group_code (varchar:
--   a sector code; 'soins' | 'hors_soins'; 'effectif' | 'adherent' | 'inconnu'; a network; an
--   arrondissement or 'hors_province'), registered_partners, active_partners, inactive_partners,
--   new_partners, ended_partners (counts of organisations; new and ended as in overview/partner_kpis,
--   registered in the period or not), registered_pct (0-100, share of the registered partners of the
--   period; per network it can add up to more than 100), population (inhabitants of the selected communes of
--   the arrondissement; null for other dimensions), partners_per_10000 (registered partners / population x
--   10 000; null where there is no population).
with partners_of_period as (
    select * from f_partners_of_period($date_from, $date_to, $networks, $arrondissements, $communes)
),

active_ids as (
    select distinct partner_id from f_partner_activity($date_from, $date_to, $networks)
),

communes_in as (
    select * from f_communes($arrondissements, $communes)
),

population as (
    select arrondissement as group_code, sum(pop_total)::bigint as population
    from communes_in
    group by all
),

grouped as (
    select
        r.*,
        r.is_registered and r.partner_id in (select partner_id from active_ids) as is_active,
        unnest([
            {'dimension': 'sector', 'group_code': r.sector},
            {'dimension': 'care', 'group_code': case when r.is_care then 'soins' else 'hors_soins' end},
            {'dimension': 'membership', 'group_code': coalesce(r.membership, 'inconnu')},
            {'dimension': 'arrondissement', 'group_code': coalesce(r.arrondissement, 'hors_province')}
        ] || list_transform(
            list_filter(string_split(r.network, '+'), lambda n: $networks is null or list_contains($networks, n)),
            lambda n: {'dimension': 'network', 'group_code': n}), recursive := true)
    from partners_of_period as r
),

counts as (
    select
        dimension,
        group_code,
        count(*) filter (where is_registered) as registered_partners,
        count(*) filter (where is_active) as active_partners,
        count(*) filter (where is_registered and not is_active) as inactive_partners,
        count(*) filter (where is_new) as new_partners,
        count(*) filter (where is_ended) as ended_partners
    from grouped
    group by all
)

select
    c.dimension,
    c.group_code,
    c.registered_partners,
    c.active_partners,
    c.inactive_partners,
    c.new_partners,
    c.ended_partners,
    100.0 * c.registered_partners / nullif((select count(*) from partners_of_period where is_registered), 0)
        as registered_pct,
    case when c.dimension = 'arrondissement' then p.population end as population,
    case when c.dimension = 'arrondissement'
        then 10000.0 * c.registered_partners / nullif(p.population, 0) end as partners_per_10000
from counts as c
left join population as p on c.dimension = 'arrondissement' and p.group_code = c.group_code
order by c.dimension, c.registered_partners desc, c.group_code
