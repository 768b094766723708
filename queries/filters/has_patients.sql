-- Purpose: whether the selection holds any patient, i.e. any individual session under the shared filters
--   (the patients of access/bim_share_by_group and of the pathway figures are those of individual
--   sessions): the universalism page's opening test. It stops at the first such session, where the
--   access table reads every patient of the period (0.15–0.25 s at ten million sessions), and the
--   page's other tabs do not need that table.
-- Grain: one row.
-- Parameters: $date_from, $date_to (date, closed range); $networks, $arrondissements, $communes,
--   $care_levels, $formats, $settings (varchar[] or NULL = all).
-- Output: has_patients (boolean).
select exists (
    select 1
    from f_sessions($date_from, $date_to, $networks, $arrondissements, $communes, $care_levels, $formats, $settings)
    where format = 'individuel'
) as has_patients
