-- Purpose: INAMI spending by month, network and budget category (docs/indicators.md, Budget), for the
--   cumulative year-to-date chart and the projected year-end (linear and seasonal, psynam/budget.py).
--   Same rules as budget_by_year.sql, one level finer: summed over the months of a year, it gives that
--   query's spent_eur for the same period (tests/queries/test_budget.py checks it).
-- Grain: one row per month x network x category with spending in the period.
-- Parameters: $date_from, $date_to (date, closed range); $networks (varchar[] or NULL = all).
--   Other filters do not apply: envelopes are set per network and category.
-- Output: year (integer), month (date, first day), network, category, spent_eur (decimal, euros).
with sessions_in as (
    select * from f_sessions($date_from, $date_to, $networks, null, null, null, null, null)
),

clairvisions_in as (
    select * from f_clairvisions($date_from, $date_to, $networks, null, null, null, null, null)
),

-- The yearly administrative fee is due once per patient, network and year, in the month of the patient's
-- first individual session of the year; that session must fall inside the period.
first_of_year as (
    select network, patient_id, min(session_date) as first_date
    from stg_sessions
    where format = 'individuel'
        and ($networks is null or list_contains($networks, network))
        and session_date <= $date_to
        and year(session_date) between year($date_from::date) and year($date_to::date)
    group by network, patient_id, year(session_date)
),

admin_fee as (
    select
        date_trunc('month', f.first_date)::date as month,
        f.network,
        'administratif' as category,
        count(*) * any_value(t.amount_eur) as spent_eur
    from first_of_year as f
    join ref_tariffs as t
        on t.item = 'admin_fee_per_patient_year'
        and f.first_date >= t.valid_from
        and (t.valid_to is null or f.first_date <= t.valid_to)
    where f.first_date between $date_from and $date_to
    group by all
),

spent as (
    select month, network, budget_category as category, sum(fee_inami_eur) as spent_eur
    from sessions_in
    group by all
    union all
    select month, network, 'clairvision', sum(fee_inami_eur)
    from clairvisions_in
    group by all
    union all
    select month, network, category, spent_eur
    from admin_fee
)

select
    year(month) as year,
    month,
    network,
    category,
    sum(spent_eur)::decimal(14, 2) as spent_eur
from spent
group by all
order by month, network, category
