-- Purpose: store stg_sessions (f_stg_sessions over every session), sorted by seq (session date, then id), so
-- that min/max per row group let date filters skip most of the table.
-- Grain: one row per session.
-- Parameters: none. Run by psynam.db.refresh_derived() before derived.sql, when the imported table is not in
-- date order (sessions_back_steps.sql).
create or replace table stg_sessions as
select * from f_stg_sessions(true) order by seq;
