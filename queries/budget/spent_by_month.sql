-- Purpose: INAMI spending by month, network and budget category (docs/indicators.md, Budget), for the
--   cumulative year-to-date chart and the projected year-end (linear and seasonal, psynam/budget.py).
--   Same rules as budget_by_year.sql, one level finer: summed over the months of a year, it gives that
--   query's spent_eur for the same period (tests/queries/test_budget.py checks it).
-- Grain: one row per month x network x category with spending in the period.
-- Parameters: $date_from, $date_to (date, closed range); $networks (varchar[] or NULL = all).
--   Other filters do not apply: envelopes are set per network and category.
-- Output: year (integer), month (date, first day), network, category, spent_eur (decimal, euros),
--   units (integer: the sessions, clairvisions and yearly fees paid, the count behind spent_eur).
-- The sessions' rows stored per day, network and budget category (f_budget_days: the same sums as the
-- period's sessions, read from a dozen rows a day).
with sessions_in as (
    select * from f_budget_days($date_from, $date_to, $networks)
),

clairvisions_in as (
    select * from f_clairvisions($date_from, $date_to, $networks, null, null, null, null, null)
),

-- The yearly administrative fee, due at each patient's first individual session of the year (f_admin_fees).
admin_fee as (
    select date_trunc('month', first_date)::date as month, network, 'administratif' as category, sum(amount_eur) as spent_eur,
        count(*) as units
    from f_admin_fees($date_from, $date_to, $networks)
    group by all
),

spent as (
    select month, network, budget_category as category, sum(spent_eur) as spent_eur, sum(units) as units
    from sessions_in
    group by all
    union all
    select month, network, 'clairvision', sum(fee_inami_eur), count(*)
    from clairvisions_in
    group by all
    union all
    select month, network, category, spent_eur, units
    from admin_fee
)

select
    year(month) as year,
    month,
    network,
    category,
    sum(spent_eur)::decimal(14, 2) as spent_eur,
    sum(units)::integer as units
from spent
group by all
order by month, network, category
