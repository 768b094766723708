-- Purpose: the tripartite agreements (PSYNAM x partner x conventioned psychologist) in force during the
-- period and the hours they agree, by sector of the partner (docs/domain.md; docs/indicators.md, Partners).
-- Psychologists are not counted or named here: their ids are pseudonymised and stay out of the page.
-- Grain: one row per partner sector with at least one agreement whose [start_on, end_on or open] overlaps
--   the period (sector null for an agreement whose partner is not in the partners table).
-- Parameters: $date_from, $date_to (date, closed range); $networks (varchar[] or NULL = all; the
--   agreement's network), $arrondissements, $communes (NIS) (varchar[] or NULL = all; the partner's
--   commune). Care level, format and setting do not apply.
-- Output: sector (code of ref_sectors, or null), is_care (boolean), agreements_in_force (count of
--   agreements), partners_with_agreement (count of organisations), hours_per_month (hours / month, sum of
--   the agreements' monthly hours), agreed_hours_in_period (hours: each agreement's hours_per_month x
--   days of the period it covers x 12 / 365.25, summed).
with agreements_src as (
    select * from agreements
),

partners_src as (
    select * from stg_partners
),

in_force as (
    select
        a.*,
        date_diff('day', greatest(a.start_on, $date_from::date),
                  least(coalesce(a.end_on, $date_to::date), $date_to::date)) + 1 as days_in_period
    from agreements_src as a
    where a.start_on <= $date_to
        and (a.end_on is null or a.end_on >= $date_from)
        and ($networks is null or list_contains($networks, a.network))
),

with_partner as (
    select a.*, p.sector, p.is_care
    from in_force as a
    left join partners_src as p using (partner_id)
    where ($arrondissements is null or list_contains($arrondissements, p.arrondissement))
        and ($communes is null or list_contains($communes, p.commune))
)

select
    sector,
    any_value(is_care) as is_care,
    count(*) as agreements_in_force,
    count(distinct partner_id) as partners_with_agreement,
    sum(hours_per_month)::decimal(10, 2) as hours_per_month,
    sum(hours_per_month * days_in_period * 12 / 365.25)::decimal(12, 1) as agreed_hours_in_period
from with_partner
group by all
order by hours_per_month desc, sector
