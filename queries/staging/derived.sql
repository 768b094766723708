-- Purpose: rebuild the staging tables that store derived rows: stg_sessions (f_stg_sessions over every
-- session), so that the shared filters scan one stored table instead of a four-join view on every query;
-- then, from it, stg_patient_starts, stg_courses, stg_fee_days, stg_first_free_sessions, stg_patient_lines
-- (and from these stg_ceiling_counts) and stg_budget_days, so that the pathway, budget, co-payment and
-- ceiling figures read one row per patient, course, fee, patient-year line, count or day instead of grouping
-- the history.
-- Grain: stg_sessions has one row per session, ordered by seq = (session date, session id): min/max per row
-- group let date filters skip most of the table.
-- Parameters: none. Run by psynam.db.refresh_derived() after a committed write of the imported tables that
-- derived_update.sql does not cover (a first import, partners changed, new staging rules).
-- Sorted even when the imported table is in date order already: kept in that order (ids unsorted within a
-- day), the table was 7 % larger and a filter change on the overview ~20 % slower at 10 M sessions, for
-- ~10 s less of rebuild (README, "Speed").
create or replace table stg_sessions as
select * from f_stg_sessions(true) order by seq;
create or replace table stg_patient_starts as
select * from f_stg_patient_starts(true) order by variant, patient_key;
create or replace table stg_courses as
select * from f_stg_courses(true) order by start_date;
create or replace table stg_fee_days as
select * from f_stg_fee_days(true) order by first_date;
create or replace table stg_first_free_sessions as
select * from f_stg_first_free_sessions(true) order by seq;
create or replace table stg_patient_lines as
select * from f_stg_patient_lines(true) order by year, network;
create or replace table stg_ceiling_counts as
select * from f_ceiling_counts(true, false, date '2000-01-01', date '2999-12-31', null) order by all;
create or replace table stg_budget_days as
select * from f_stg_budget_days(true) order by session_date;
delete from stg_refresh_sessions;
delete from stg_refresh_patients;
delete from stg_refresh_order;
delete from stg_refresh_days;
