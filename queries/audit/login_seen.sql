-- Purpose: whether a login (one identity token: who + its issue time) is already in the audit log, so
--          that a second tab or a reconnection of the same login is not logged twice.
-- Grain: one row, one column.
-- Parameters:
--   $who        varchar  e-mail or account name
--   $issued_at  varchar  the ID token's `iat` (seconds since 1970, as text)
-- Output columns: seen (boolean)

with

logins as (
    select who, json_extract_string(detail, '$.issued_at') as issued_at
    from audit_log
    where event in ('login', 'login_refused')
)

select count(*) > 0 as seen
from logins
where who = $who and issued_at = $issued_at
