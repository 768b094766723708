-- Purpose: store stg_sessions (f_stg_sessions over every session) in the imported table's order, when that
-- is date order already (sessions_back_steps.sql): the rows come out of the join in it, and sorting ten
-- million wide rows again costs ~18 s at 10 M sessions (README, "Speed"). Within a day the ids may be out of
-- order, which the date filters do not see.
-- Grain: one row per session.
-- Parameters: none. Run by psynam.db.refresh_derived() before derived.sql.
create or replace table stg_sessions as
select * from f_stg_sessions(true);
