-- Purpose: rebuild the staging tables that store derived rows: stg_sessions (from stg_sessions_view), so
-- that the shared filters scan one stored table instead of a four-join view on every query; then, from it,
-- stg_patient_starts, stg_courses, stg_fee_days and stg_first_free_sessions, so that the pathway, budget
-- and co-payment figures read one row per patient, course or fee instead of grouping the history.
-- Grain: stg_sessions has one row per session, ordered by seq = (session date, session id): min/max per row group let
-- date filters skip most of the table.
-- Parameters: none. Run by psynam.db.refresh_derived() after every committed write of the imported tables.
create or replace table stg_sessions as
select * from stg_sessions_view order by seq;
create or replace table stg_patient_starts as
select * from stg_patient_starts_view order by variant, patient_key;
create or replace table stg_courses as
select * from stg_courses_view;
create or replace table stg_fee_days as
select * from stg_fee_days_view order by first_date;
create or replace table stg_first_free_sessions as
select * from stg_first_free_sessions_view;
