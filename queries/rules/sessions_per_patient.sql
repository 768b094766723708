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
-- A year is counted whole from the stored counts (stg_ceiling_counts, from stg_patient_lines) when none of
-- its sessions can lie after $date_to: a year before $date_to's, or $date_to's own when $date_to is its 31
-- December or the data's last day or later (the period a page opens with). Otherwise that year is counted to
-- date from its sessions (f_ceiling_counts).
with year_to_date as (
    select
        year($date_to::date) as year,
        $date_to::date >= make_date(year($date_to::date), 12, 31)
            or $date_to::date >= (select max(session_date) from stg_sessions) as whole
),

counted as (
    select year, network, level_2021, format, age_group, max_sessions, average_sessions, sessions, patients
    from stg_ceiling_counts
    where year between year($date_from::date) and year($date_to::date)
        and ($networks is null or list_contains($networks, network))
        and (year < (select year from year_to_date) or (select whole from year_to_date))
    union all
    select year, network, level_2021, format, age_group, max_sessions, average_sessions, sessions, patients
    from f_ceiling_counts(false, not (select whole from year_to_date), $date_from, $date_to, $networks)
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
    k.patients
from counted as k
left join level_labels as ll using (level_2021)
left join ref_formats as f using (format)
left join age_group_labels as al using (age_group)
order by k.year, k.network, k.level_2021, k.format, k.age_group, k.sessions
