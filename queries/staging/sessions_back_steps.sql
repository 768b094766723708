-- Purpose: how far the imported sessions are from date order, as stored: the rows whose date is earlier
-- than the row stored before them (0: in order). psynam.db.refresh_derived() sorts the stored rows only
-- when there are more than a few (BACK_STEPS_MAX).
-- Grain: one row.
-- Parameters: none.
select count(*) as back_steps
from (select session_date < lag(session_date) over (order by rowid) as back from sessions)
where back
