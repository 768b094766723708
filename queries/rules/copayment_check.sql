-- Purpose: the co-payment check (docs/indicators.md, Financial access and pathways): sessions whose
--   patient share (fee_patient_eur) differs from the rule in force on their date, counted by rule and
--   network; no session or patient id leaves this query. The rules are data (data/reference/
--   copayment_rules.csv: which share applies to which session, with validity dates; the amounts are the
--   tariffs in force that day, data/reference/tariffs.csv): a patient's first first-line individual
--   session in a network (ever, whole database) is free; another individual session costs the
--   individual share, or the preferential one when the session is at the preferential tariff (unknown
--   counts as not); a group session costs the group share.
-- Grain: one row per rule x network x expected share (a rule whose tariff changed inside the period gives
--   a row per amount); sessions no rule covers come as rule 'no_rule' with a null expected share.
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes (NIS),
--   $care_levels, $formats, $settings (varchar[] or NULL = all): the shared filters select the sessions
--   checked; which session is a patient's first first-line one is read over all their sessions up to
--   $date_to in that network, under no other filter.
-- Output (privacy role in brackets): rule [dimension]; rule_label (French, from the rules file) [label];
--   network [dimension]; expected_fee_eur (euros) [amount]; sessions [total of matching_sessions,
--   mismatched_sessions and unchecked_sessions]; matching_sessions, mismatched_sessions,
--   overcharged_sessions, undercharged_sessions (mismatched = over + under), unchecked_sessions
--   (no share given, or no rule: not checked) [count of sessions]; mismatched_sessions_pct (0-100) [share of
--   mismatched_sessions in sessions]; overcharged_eur, undercharged_eur (euros asked above / below the
--   rule, summed) [amount, but from few sessions it tells an amount per session: hide with
--   overcharged_sessions / undercharged_sessions].
with sessions_in as (
    select seq, network, patient_key, format, level_2021, session_date, preferential_tariff, fee_patient_eur
    from f_sessions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

-- Each patient's first session at a level whose first session is free, per network (stored: a session
-- after the period's end cannot be one of the period's sessions, so the history need not be cut there;
-- a seq is one session of one network, so the period's sessions, already filtered, pick their own).
-- Only the period's are read (a seq counts its day: day_seq; the table is ordered by seq).
first_first_line as (
    select seq from stg_first_free_sessions
    where seq >= day_seq($date_from) and seq < day_seq($date_to::date + 1)
),

checked as (
    select
        s.*,
        s.format = 'individuel' and s.seq in (select seq from first_first_line) as is_first_first_line
    from sessions_in as s
),

-- Sessions that a rule and a tariff cannot tell apart (same network, format, level, first session or not,
-- BIM or not, day and fee) counted once: the rules are matched on these few thousand rows, not on every
-- session (the range join cost half the query at ten million sessions).
grouped as (
    select
        network,
        format,
        level_2021,
        is_first_first_line,
        coalesce(preferential_tariff, false) as preferential,
        session_date,
        fee_patient_eur,
        count(*) as n
    from checked
    group by all
),

matched as (
    select
        coalesce(r.rule, 'no_rule') as rule,
        r.label_fr as rule_label,
        c.network,
        t.amount_eur as expected_fee_eur,
        c.fee_patient_eur,
        c.n
    from grouped as c
    left join ref_copayment_rules as r
        on r.format = c.format
        and (r.level_2021 is null or r.level_2021 = c.level_2021)
        and (r.first_first_line is null or r.first_first_line = c.is_first_first_line)
        and (r.preferential is null or r.preferential = c.preferential)
        and c.session_date >= r.valid_from
        and (r.valid_to is null or c.session_date <= r.valid_to)
    left join ref_tariffs as t
        on t.item = r.tariff_item
        and c.session_date >= t.valid_from
        and (t.valid_to is null or c.session_date <= t.valid_to)
),

counted as (
    select
        rule,
        any_value(rule_label) as rule_label,
        network,
        expected_fee_eur,
        sum(n)::bigint as sessions,
        coalesce(sum(n) filter (where fee_patient_eur = expected_fee_eur), 0)::bigint as matching_sessions,
        coalesce(sum(n) filter (where fee_patient_eur > expected_fee_eur), 0)::bigint as overcharged_sessions,
        coalesce(sum(n) filter (where fee_patient_eur < expected_fee_eur), 0)::bigint as undercharged_sessions,
        coalesce(sum(n) filter (where fee_patient_eur is null or expected_fee_eur is null), 0)::bigint
            as unchecked_sessions,
        coalesce(sum((fee_patient_eur - expected_fee_eur) * n) filter (where fee_patient_eur > expected_fee_eur), 0)
            as overcharged_eur,
        coalesce(sum((expected_fee_eur - fee_patient_eur) * n) filter (where fee_patient_eur < expected_fee_eur), 0)
            as undercharged_eur
    from matched
    group by rule, network, expected_fee_eur
),

rule_order as (
    select rule, row_number() over (order by format desc, first_first_line desc nulls last, preferential desc) as sort_order
    from ref_copayment_rules
    group by rule, format, first_first_line, preferential
)

select
    c.rule,
    c.rule_label,
    c.network,
    c.expected_fee_eur,
    c.sessions,
    c.matching_sessions,
    c.overcharged_sessions + c.undercharged_sessions as mismatched_sessions,
    c.overcharged_sessions,
    c.undercharged_sessions,
    c.unchecked_sessions,
    100.0 * (c.overcharged_sessions + c.undercharged_sessions) / c.sessions as mismatched_sessions_pct,
    c.overcharged_eur,
    c.undercharged_eur
from counted as c
left join rule_order as o using (rule)
order by coalesce(o.sort_order, 99), c.rule, c.network desc, c.expected_fee_eur
