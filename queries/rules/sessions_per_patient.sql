-- Purpose: the ceiling check (docs/indicators.md, Activity): for each patient, network, calendar year,
--   care level (2021 coding) and format, the number of sessions of that year, against the yearly ceiling
--   of ref_ceilings for the patient's age group. Returned as a distribution (how many patients had n
--   sessions), never per patient: no patient id leaves this query.
-- Grain: one row per year x network x level_2021 x format x age_group x sessions (n sessions in the year).
-- Parameters: $date_from, $date_to (date). The years checked are year($date_from) .. year($date_to); each
--   year counts its sessions from 1 January up to $date_to (a year still under way is checked to date).
--   $networks (varchar[] or NULL = all). Other filters do not apply: the ceiling counts all a patient's
--   sessions of a level and format, wherever they took place.
-- Output: year, network, level_2021, level_label, format, format_label, age_group, age_group_label,
--   max_sessions, average_sessions (the convention's average, specialised care only; null otherwise),
--   sessions (sessions of one patient in the year), patients (patients with that many sessions).
--   Group sessions carry no patient id, so only individual sessions are checked in practice.
with sessions_in as (
    select network, patient_key, year, seq, patient_age, level_2021, format, session_date
    from f_sessions(make_date(year($date_from::date), 1, 1), $date_to, $networks, null, null, null, null, null)
    where patient_key is not null
),

-- The age group is read once per patient, network and year: at their first session of the year that gives
-- an age. One row per patient line (year, network, patient, level, format) first, with the age at the line's
-- first such session: the year's age is then read over these lines, not over every session again.
patient_lines as (
    select
        s.year,
        s.network,
        s.patient_key,
        s.level_2021,
        s.format,
        min(s.session_date) as first_date,
        count(*) as sessions,
        arg_min(s.patient_age, s.seq) as first_age,
        min(s.seq) filter (where s.patient_age is not null) as first_age_seq
    from sessions_in as s
    group by all
),

patient_years as (
    select
        network,
        patient_key,
        year,
        arg_min(first_age, first_age_seq) as age
    from patient_lines
    group by all
),

-- Age group: the group of the only network whose public covers the age (under 15: RSK's; 23 and over:
-- RSN's); where both networks cover it (15-22), the group of the network that follows the patient. Worked
-- out once per network and age (0 to 150; ages are checked to 0-110 on import), then joined on the age.
network_ages as (
    select
        own.network,
        a.age,
        coalesce(case when count(n.network) = 1 then any_value(n.age_group) end, any_value(own.age_group))
            as age_group
    from ref_networks as own
    cross join (select unnest(range(0, 151)) as age) as a
    left join ref_networks as n
        on a.age >= n.min_age and (n.max_age is null or a.age <= n.max_age)
    group by all
),

age_groups as (
    select p.network, p.patient_key, p.year, coalesce(na.age_group, own.age_group) as age_group
    from patient_years as p
    join ref_networks as own on own.network = p.network
    left join network_ages as na on na.network = p.network and na.age = p.age
),

checked as (
    select
        l.year,
        l.network,
        l.level_2021,
        l.format,
        a.age_group,
        c.max_sessions,
        c.average_sessions,
        l.sessions
    from patient_lines as l
    join age_groups as a using (network, patient_key, year)
    left join ref_ceilings as c
        on c.level_2021 = l.level_2021
        and c.format = l.format
        and c.age_group = a.age_group
        and l.first_date >= c.valid_from
        and (c.valid_to is null or l.first_date <= c.valid_to)
),

level_labels as (
    select code as level_2021, label_fr as level_label from ref_care_levels
),

age_group_labels as (
    select age_group, any_value(public_fr) as age_group_label from ref_networks group by all
)

select
    k.year,
    k.network,
    k.level_2021,
    ll.level_label,
    k.format,
    f.label_fr as format_label,
    k.age_group,
    al.age_group_label,
    k.max_sessions,
    k.average_sessions,
    k.sessions,
    count(*) as patients
from checked as k
left join level_labels as ll using (level_2021)
left join ref_formats as f using (format)
left join age_group_labels as al using (age_group)
group by all
order by k.year, k.network, k.level_2021, k.format, k.age_group, k.sessions
