-- Purpose: financial access (docs/indicators.md, Financial access and pathways): patients with the
--   preferential tariff (BIM) and their share of patients, and sessions per patient by BIM status, for the
--   whole selection and by network, zone and arrondissement of residence, and age band. A patient is BIM
--   when their first individual session of the period under the filters (by date, then session id) is at
--   the preferential tariff (unknown counts as not); they are grouped by that session's network, by where
--   they lived then (patient_commune) and by their age then.
-- Grain: one row per breakdown x group, every group always returned (zeros when empty):
--   'all' (group 'all'); 'network' (each network of ref_networks); 'zone' (north, south, hors_province =
--   residence outside the 38 communes, unknown = no residence given); 'arrondissement' (the three of
--   ref_communes); 'age_band' (ref_age_bands).
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes (NIS),
--   $care_levels, $formats, $settings (varchar[] or NULL = all): the shared filters, geography on where
--   the session took place (as on the overview); the breakdown by zone and arrondissement is by residence.
-- Output (privacy role in brackets): breakdown, group_key [dimension]; group_label (French name from the
--   reference data where it has one; null for 'all' and zones) [label]; nested_in (an arrondissement's
--   zone, north or south: the zone's row sums its arrondissements; null otherwise) [group of group_key];
--   sort_order [internal];
--   patients, bim_patients [count]; bim_patients_pct (0-100) [share of bim_patients in patients];
--   individual_sessions, bim_sessions, other_sessions (individual sessions in the period of all, BIM,
--   non-BIM patients) [count]; sessions_per_patient [rate of individual_sessions / patients];
--   sessions_per_bim_patient [rate of bim_sessions / bim_patients]; sessions_per_other_patient [rate of
--   other_sessions / (patients - bim_patients)].
-- The patients summed by what the breakdowns read (network, residence, age, BIM) first: a few thousand
-- rows, which then get their zone and band and are summed along each breakdown (the sums add up).
with patients as (
    select
        first_network,
        first_commune,
        first_age,
        first_bim,
        count(*) as patients,
        sum(individual_sessions) as individual_sessions
    from f_patients_first($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
    group by all
),

located as (
    select
        p.first_network,
        p.first_bim,
        p.patients,
        p.individual_sessions,
        c.arrondissement,
        case
            when c.nis is not null and c.is_south then 'south'
            when c.nis is not null then 'north'
            when p.first_commune is null then 'unknown'
            else 'hors_province'
        end as zone,
        b.band
    from patients as p
    left join stg_communes as c on c.nis = p.first_commune
    -- An equality join on the age (stg_age_bands has one row per age), not a range join.
    left join stg_age_bands as b on b.age = p.first_age
),

-- Every breakdown in one aggregation (a patient counts once in each): the grouping set names the breakdown.
figures as (
    select
        case
            when grouping(first_network) = 0 then 'network'
            when grouping(zone) = 0 then 'zone'
            when grouping(arrondissement) = 0 then 'arrondissement'
            when grouping(band) = 0 then 'age_band'
            else 'all'
        end as breakdown,
        case
            when grouping(first_network) = 0 then first_network
            when grouping(zone) = 0 then zone
            when grouping(arrondissement) = 0 then arrondissement
            when grouping(band) = 0 then band
            else 'all'
        end as group_key,
        sum(patients)::bigint as patients,
        coalesce(sum(patients) filter (where first_bim), 0)::bigint as bim_patients,
        sum(individual_sessions) as individual_sessions,
        coalesce(sum(individual_sessions) filter (where first_bim), 0) as bim_sessions
    from located
    group by grouping sets ((), (first_network), (zone), (arrondissement), (band))
),

groups as (
    select 'all' as breakdown, 'all' as group_key, null::varchar as group_label, null::varchar as nested_in,
        0 as sort_order
    union all
    select 'network', network, label_fr, null, 10 + row_number() over (order by network desc) from ref_networks
    union all
    select 'zone', zone, null, null, sort_order
    from (values ('north', 21), ('south', 22), ('hors_province', 23), ('unknown', 24)) as z(zone, sort_order)
    union all
    select 'arrondissement', arrondissement, arrondissement, case when is_south then 'south' else 'north' end,
        30 + row_number() over (order by arrondissement)
    from (select arrondissement, bool_or(is_south) as is_south from stg_communes group by all)
    union all
    select 'age_band', band, label_fr, null, 40 + row_number() over (order by min_age) from ref_age_bands
)

select
    g.breakdown,
    g.group_key,
    g.group_label,
    g.nested_in,
    g.sort_order,
    coalesce(f.patients, 0) as patients,
    coalesce(f.bim_patients, 0) as bim_patients,
    100.0 * f.bim_patients / nullif(f.patients, 0) as bim_patients_pct,
    coalesce(f.individual_sessions, 0)::bigint as individual_sessions,
    coalesce(f.bim_sessions, 0)::bigint as bim_sessions,
    coalesce(f.individual_sessions - f.bim_sessions, 0)::bigint as other_sessions,
    1.0 * f.individual_sessions / nullif(f.patients, 0) as sessions_per_patient,
    1.0 * f.bim_sessions / nullif(f.bim_patients, 0) as sessions_per_bim_patient,
    1.0 * (f.individual_sessions - f.bim_sessions) / nullif(f.patients - f.bim_patients, 0)
        as sessions_per_other_patient
from groups as g
left join figures as f using (breakdown, group_key)
order by g.sort_order, g.group_key
