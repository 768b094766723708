-- Purpose: envelope against spent per year, network and category for the years a period touches
-- (docs/indicators.md, Budget). Spending is counted inside the period only, so two adjacent periods add up.
-- Grain: one row per year x network x category present in the budget table or in the spending.
-- Parameters: $date_from, $date_to (date); $networks (varchar[] or NULL). Other filters do not apply:
--   envelopes are set per network and category, not per commune or care level.
-- Output: year, network, category, category_label, capped (boolean, null when no envelope row),
--   envelope_eur, spent_eur (decimal, euros), usage_pct (0-100; null for uncapped lines or no envelope),
--   units (integer: the sessions, clairvisions and yearly fees paid — the count behind spent_eur, since
--   euros ÷ a public tariff give it back; never shown, it tells the suppression when the amount is small).
-- The sessions' rows stored per day, network and budget category (f_budget_days: the same sums as the
-- period's sessions, read from a dozen rows a day).
with sessions_in as (
    select year, network, budget_category, spent_eur, units
    from f_budget_days($date_from, $date_to, $networks)
),

clairvisions_in as (
    select year, network, fee_inami_eur
    from f_clairvisions($date_from, $date_to, $networks, null, null, null, null, null)
),

-- The yearly administrative fee, due at each patient's first individual session of the year (f_admin_fees).
admin_fee as (
    select year(first_date) as year, network, 'administratif' as category, sum(amount_eur) as spent_eur,
        count(*) as units
    from f_admin_fees($date_from, $date_to, $networks)
    group by all
),

spent as (
    select year, network, budget_category as category, sum(spent_eur) as spent_eur, sum(units) as units
    from sessions_in
    group by all
    union all
    select year, network, 'clairvision', sum(fee_inami_eur), count(*)
    from clairvisions_in
    group by all
    union all
    select year, network, category, spent_eur, units
    from admin_fee
),

envelopes as (
    select year, network, category, envelope_eur, capped
    from budget
    where year between year($date_from::date) and year($date_to::date)
        and ($networks is null or list_contains($networks, network))
),

spent_by_line as (
    select year, network, category, sum(spent_eur) as spent_eur, sum(units) as units
    from spent
    group by all
),

labels as (
    select distinct category, label_fr from ref_budget_categories
)

select
    coalesce(e.year, s.year) as year,
    coalesce(e.network, s.network) as network,
    coalesce(e.category, s.category) as category,
    l.label_fr as category_label,
    e.capped,
    e.envelope_eur,
    coalesce(s.spent_eur, 0)::decimal(14, 2) as spent_eur,
    case when e.capped then 100.0 * coalesce(s.spent_eur, 0) / nullif(e.envelope_eur, 0) end as usage_pct,
    coalesce(s.units, 0)::integer as units
from envelopes as e
full join spent_by_line as s using (year, network, category)
left join labels as l on l.category = coalesce(e.category, s.category)
order by year, network, category
