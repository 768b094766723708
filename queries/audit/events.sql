-- Purpose: the audit log for the coordinators' page and its CSV export, newest first.
-- Grain: one row per event.
-- Parameters:
--   $date_from  date           first day included
--   $date_to    date           last day included
--   $events     varchar[]      event codes to keep; null or an empty list for all
-- Output columns: seq, happened_at (timestamp), event, who, role, via, file_name, view, filters, detail (JSON text)

with

log as (
    select seq, happened_at, event, who, role, via, file_name, view, filters, detail from audit_log
),

chosen as (
    select *
    from log
    where cast(happened_at as date) between $date_from and $date_to
      and ($events is null or len($events) = 0 or list_contains($events, event))
)

select * from chosen
order by seq desc
