-- Purpose: the first and last session dates in the database, to bound and default the period filter.
-- Grain: one row.
-- Parameters: none.
-- Output: first_date, last_date (date, null when there are no sessions), last_import_at (timestamp).
select
    (select min(session_date) from sessions) as first_date,
    (select max(session_date) from sessions) as last_date,
    (select max(imported_at) from imports) as last_import_at
