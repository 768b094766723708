-- Purpose: care pathways (docs/indicators.md, Financial access and pathways): new and returning patients,
--   patients with a single session, the wait from first to second session ("hidden wait") and sessions
--   per course, for the whole selection and by network and care level (both codings).
--   - patients: patients with an individual session in the period under the filters, grouped by their
--     first individual session of the period (its network, care level code and 2021 level);
--   - new: their first individual session ever (whole database, in the selected networks) falls in the
--     period; returning: it falls before; new + returning = patients;
--   - single-session: exactly one individual session in the period under the filters;
--   - days first -> second: over the new patients with a second individual session ever in the selected
--     networks (at any date, under no other filter), the days between the two: median (the mean of the
--     two middle values for an even count) and how many waited more than wait_short / wait_long days
--     (data/reference/pathways.csv);
--   - courses: a course is a patient's run of individual sessions in one network with no gap of more than
--     course_gap days (stg_sessions.course_no); the courses counted are those whose first session lies
--     in the period under the filters, grouped by that session, with all their sessions (at any date); a
--     course is closed when the data's last session date is more than course_gap days after its last
--     session (an open course may still grow).
-- Grain: one row per breakdown x group, every group always returned (zeros when empty): 'all' (group
--   'all'), 'network' (ref_networks), 'care_level' (each code of ref_care_levels, 2021 and 2024),
--   'level_2021' (premiere_ligne, specialise: the 2024 codes at their mapped 2021 level).
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes (NIS),
--   $care_levels, $formats, $settings (varchar[] or NULL = all): the shared filters.
-- Output (privacy role in brackets): breakdown, group_key [dimension]; group_label (ref_networks /
--   ref_care_levels label; null otherwise) [label]; nested_in (a care level code's 2021 level: the
--   level_2021 row sums its codes; null otherwise) [group of group_key]; sort_order [internal];
--   patients, new_patients, returning_patients, single_session_patients [count; patients is the total of
--   new_patients and returning_patients]; new_patients_pct, single_session_patients_pct (0-100)
--   [share of new_patients / single_session_patients in patients];
--   new_with_second_session [count: new patients with a second session]; median_days_first_to_second
--   (days) [rate of new_with_second_session: a median of few people discloses their waits];
--   wait_short_days, wait_long_days (the thresholds, days) [value]; over_short_wait, over_long_wait
--   [count]; over_short_wait_pct, over_long_wait_pct (0-100) [share of over_*_wait in
--   new_with_second_session];
--   courses, single_session_courses, closed_courses [count of courses, i.e. of patients' care runs];
--   course_sessions, closed_course_sessions [count of sessions]; sessions_per_course [rate of
--   course_sessions / courses]; sessions_per_closed_course [rate of closed_course_sessions /
--   closed_courses].
with thresholds as (
    select
        max(days) filter (where parameter = 'wait_short') as wait_short_days,
        max(days) filter (where parameter = 'wait_long') as wait_long_days,
        max(days) filter (where parameter = 'course_gap') as course_gap_days
    from ref_pathways
),

patients_first as (
    select patient_key, first_network, first_care_level, first_level_2021, single_session, is_new, days_to_second
    from f_patient_firsts($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

-- Whether a patient is new, and their wait, come with their first session when it is read from the stored
-- neighbours; else from their first and second sessions ever (read only then).
starts as (
    select patient_key, first_date, second_date
    from f_patient_starts($networks)
    where not patients_from_rows($networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

patients as (
    select
        p.first_network,
        p.first_care_level,
        p.first_level_2021,
        p.single_session,
        coalesce(p.is_new, s.first_date >= $date_from) as is_new,
        coalesce(p.days_to_second, case when s.first_date >= $date_from then s.second_date - s.first_date end)
            as days_to_second
    from patients_first as p
    left join starts as s using (patient_key)
),

-- The patients counted once at the finest grain (network x care level x day of the wait: a few thousand
-- rows, not one per patient), then every breakdown summed from those rows (a patient counts once in each);
-- the grouping set names the breakdown, and a group without a key matches no row of `groups`. Grouping
-- sets over the patients themselves stored every patient row for each of the four sets.
patient_grain as (
    select
        first_network, first_care_level, first_level_2021, days_to_second,
        count(*) as patients,
        count(*) filter (where is_new) as new_patients,
        count(*) filter (where single_session) as single_session_patients
    from patients
    group by all
),

-- The courses begun in the period. Under the period and networks alone (the filters a page most often
-- holds: patients_from_rows), they are stored rows of their own (stg_courses: the first session's date,
-- care level and 2021 level). Under any other filter, the period's course-start sessions that pass the
-- filters, joined to their course's stored size. The filter set picks one branch (a constant condition).
course_starts as (
    select network, patient_key, course_no, care_level, level_2021
    from f_sessions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
    where format = 'individuel' and course_start
        and not patients_from_rows($networks, $arrondissements, $communes, $care_levels, $formats, $settings)
),

-- Every course's sessions (stored: stg_courses); joined to the courses begun in the period.
course_sizes as (
    select network, patient_key, course_no, sessions, last_date
    from stg_courses
    -- a course that starts in the period ends in it or later: the others are not read (two thirds of them at
    -- ten million sessions over a year)
    where ($networks is null or list_contains($networks, network)) and last_date >= $date_from
),

courses_begun as (
    select network, care_level, level_2021, sessions, last_date
    from stg_courses
    where patients_from_rows($networks, $arrondissements, $communes, $care_levels, $formats, $settings)
        and start_date between $date_from and $date_to
        and ($networks is null or list_contains($networks, network))
    union all
    select c.network, c.care_level, c.level_2021, z.sessions, z.last_date
    from course_starts as c
    join course_sizes as z using (network, patient_key, course_no)
),

courses as (
    select
        c.network,
        c.care_level,
        c.level_2021,
        c.sessions,
        (select max(session_date) from stg_sessions) - c.last_date > t.course_gap_days as is_closed
    from courses_begun as c
    cross join thresholds as t
),

-- The courses counted at the finest grain too.
course_grain as (
    select
        network, care_level, level_2021,
        count(*) as courses,
        sum(sessions) as course_sessions,
        count(*) filter (where sessions = 1) as single_session_courses,
        count(*) filter (where is_closed) as closed_courses,
        coalesce(sum(sessions) filter (where is_closed), 0) as closed_course_sessions
    from courses
    group by all
),

-- Patients and courses at their finest grain side by side (a patient row has no course figure and the
-- reverse), then every breakdown summed from them in one grouping-set pass; the wait's day is kept in each
-- set for the median.
grain as (
    select
        first_network as network, first_care_level as care_level, first_level_2021 as level_2021, days_to_second,
        patients, new_patients, single_session_patients,
        null as courses, null as course_sessions, null as single_session_courses, null as closed_courses,
        null as closed_course_sessions
    from patient_grain
    union all
    select
        network, care_level, level_2021, null, null, null, null,
        courses, course_sessions, single_session_courses, closed_courses, closed_course_sessions
    from course_grain
),

sets as (
    select
        case
            when grouping(network) = 0 then 'network'
            when grouping(care_level) = 0 then 'care_level'
            when grouping(level_2021) = 0 then 'level_2021'
            else 'all'
        end as breakdown,
        case
            when grouping(network) = 0 then network
            when grouping(care_level) = 0 then care_level
            when grouping(level_2021) = 0 then level_2021
            else 'all'
        end as group_key,
        days_to_second,
        sum(patients) as patients,
        sum(new_patients) as new_patients,
        sum(single_session_patients) as single_session_patients,
        sum(courses) as courses,
        sum(course_sessions) as course_sessions,
        sum(single_session_courses) as single_session_courses,
        sum(closed_courses) as closed_courses,
        sum(closed_course_sessions) as closed_course_sessions
    from grain
    group by grouping sets ((days_to_second), (network, days_to_second), (care_level, days_to_second),
                            (level_2021, days_to_second))
),

-- The median wait from the waits' counts: the mean of the values at positions (n + 1) // 2 and n // 2 + 1
-- of the n waits in order (the same value for an odd n; the two middle ones for an even n).
waits as (
    select
        breakdown, group_key, days_to_second,
        sum(patients) over (partition by breakdown, group_key order by days_to_second) as reached,
        sum(patients) over (partition by breakdown, group_key) as waits
    from sets
    where days_to_second is not null
),

medians as (
    select
        breakdown, group_key,
        (min(days_to_second) filter (where reached >= (waits + 1) // 2)
            + min(days_to_second) filter (where reached >= waits // 2 + 1)) / 2.0 as median_days_first_to_second
    from waits
    group by all
),

figures as (
    select
        s.breakdown,
        s.group_key,
        sum(s.patients)::bigint as patients,
        sum(s.new_patients)::bigint as new_patients,
        sum(s.single_session_patients)::bigint as single_session_patients,
        coalesce(sum(s.patients) filter (where s.days_to_second is not null), 0)::bigint as new_with_second_session,
        any_value(m.median_days_first_to_second) as median_days_first_to_second,
        coalesce(sum(s.patients) filter (where s.days_to_second > t.wait_short_days), 0)::bigint as over_short_wait,
        coalesce(sum(s.patients) filter (where s.days_to_second > t.wait_long_days), 0)::bigint as over_long_wait,
        sum(s.courses)::bigint as courses,
        sum(s.course_sessions) as course_sessions,
        sum(s.single_session_courses)::bigint as single_session_courses,
        sum(s.closed_courses)::bigint as closed_courses,
        sum(s.closed_course_sessions) as closed_course_sessions
    from sets as s
    cross join thresholds as t
    left join medians as m using (breakdown, group_key)
    group by all
),

groups as (
    select 'all' as breakdown, 'all' as group_key, null::varchar as group_label, null::varchar as nested_in,
        0 as sort_order
    union all
    select 'network', network, label_fr, null, 10 + row_number() over (order by network desc) from ref_networks
    union all
    select 'care_level', code, label_fr, level_2021, 20 + row_number() over (order by convention, valid_from, code)
    from ref_care_levels
    union all
    select 'level_2021', level_2021, null, null, 30 + row_number() over (order by level_2021)
    from (select distinct level_2021 from ref_care_levels)
)

select
    g.breakdown,
    g.group_key,
    g.group_label,
    g.nested_in,
    g.sort_order,
    coalesce(f.patients, 0) as patients,
    coalesce(f.new_patients, 0) as new_patients,
    coalesce(f.patients - f.new_patients, 0) as returning_patients,
    100.0 * f.new_patients / nullif(f.patients, 0) as new_patients_pct,
    coalesce(f.single_session_patients, 0) as single_session_patients,
    100.0 * f.single_session_patients / nullif(f.patients, 0) as single_session_patients_pct,
    coalesce(f.new_with_second_session, 0) as new_with_second_session,
    f.median_days_first_to_second,
    t.wait_short_days,
    t.wait_long_days,
    coalesce(f.over_short_wait, 0) as over_short_wait,
    100.0 * f.over_short_wait / nullif(f.new_with_second_session, 0) as over_short_wait_pct,
    coalesce(f.over_long_wait, 0) as over_long_wait,
    100.0 * f.over_long_wait / nullif(f.new_with_second_session, 0) as over_long_wait_pct,
    coalesce(f.courses, 0) as courses,
    coalesce(f.course_sessions, 0)::bigint as course_sessions,
    1.0 * f.course_sessions / nullif(f.courses, 0) as sessions_per_course,
    coalesce(f.single_session_courses, 0) as single_session_courses,
    coalesce(f.closed_courses, 0) as closed_courses,
    coalesce(f.closed_course_sessions, 0)::bigint as closed_course_sessions,
    1.0 * f.closed_course_sessions / nullif(f.closed_courses, 0) as sessions_per_closed_course
from groups as g
cross join thresholds as t
left join figures as f using (breakdown, group_key)
order by g.sort_order, g.group_key
