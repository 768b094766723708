-- Purpose: registered, active, new and ended partners month by month, with the tripartite agreements in
-- force and the hours they agree (docs/indicators.md, Partners), for the Partners page's time charts.
-- Each month is clipped to the period, and each month's figures are the period figures computed on that
-- month alone (a partner registered or active in two months counts in each; a partner joins and leaves
-- in one month only, so the months' new and ended partners add up to the period's).
-- Grain: one row per calendar month that the period touches (months with no partner included, as zeros).
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes (NIS)
--   (varchar[] or NULL = all). Geography applies to the partner's commune. Care level, format and setting
--   do not apply to partners.
-- Output: month (date, first day), month_from, month_to (date, the month clipped to the period),
--   registered_partners, active_partners, inactive_partners, new_partners, ended_partners
--   (counts of organisations), agreements_in_force (count), agreed_hours_per_month (hours / month,
--   sum over the agreements in force).
with months as (
    select
        m::date as month,
        greatest(m::date, $date_from::date) as month_from,
        least((m + interval 1 month - interval 1 day)::date, $date_to::date) as month_to
    from range(date_trunc('month', $date_from::date), $date_to::date + interval 1 day, interval 1 month) as t(m)
),

partners_in_geography as (
    select partner_id
    from stg_partners
    where ($arrondissements is null or list_contains($arrondissements, arrondissement))
        and ($communes is null or list_contains($communes, commune))
),

partners_of_month as (
    select m.month, p.partner_id, p.is_registered, p.is_new, p.is_ended
    from months as m,
        lateral (select * from f_partners_of_period(m.month_from, m.month_to, $networks, $arrondissements,
                                                    $communes)) as p
),

-- The period's evidence read once (a lateral call per month scanned the sessions once a month), as the
-- months it covers (its days lie in the period, so each month it touches is one of `months`): far fewer
-- spans than sessions, then placed in each of their months.
spans as (
    select distinct
        partner_id,
        date_trunc('month', active_from)::date as first_month,
        date_trunc('month', active_to)::date as last_month
    from f_partner_activity($date_from, $date_to, $networks)
),

evidence as (
    select distinct m.month, s.partner_id
    from spans as s
    join months as m on m.month between s.first_month and s.last_month
),

partners_by_month as (
    select
        p.month,
        count(*) filter (where p.is_registered) as registered_partners,
        count(e.partner_id) filter (where p.is_registered) as active_partners,
        count(*) filter (where p.is_new) as new_partners,
        count(*) filter (where p.is_ended) as ended_partners
    from partners_of_month as p
    left join evidence as e using (month, partner_id)
    group by all
),

agreements_by_month as (
    select
        m.month,
        count(*) as agreements_in_force,
        sum(a.hours_per_month) as agreed_hours_per_month
    from months as m
    join agreements as a
        on a.start_on <= m.month_to
        and (a.end_on is null or a.end_on >= m.month_from)
    where ($networks is null or list_contains($networks, a.network))
        and a.partner_id in (select partner_id from partners_in_geography)
    group by all
)

select
    m.month,
    m.month_from,
    m.month_to,
    coalesce(p.registered_partners, 0) as registered_partners,
    coalesce(p.active_partners, 0) as active_partners,
    coalesce(p.registered_partners - p.active_partners, 0) as inactive_partners,
    coalesce(p.new_partners, 0) as new_partners,
    coalesce(p.ended_partners, 0) as ended_partners,
    coalesce(g.agreements_in_force, 0) as agreements_in_force,
    coalesce(g.agreed_hours_per_month, 0)::decimal(10, 2) as agreed_hours_per_month
from months as m
left join partners_by_month as p using (month)
left join agreements_by_month as g using (month)
order by m.month
