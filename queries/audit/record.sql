-- Purpose: append one event to the audit log (psynam.audit.record, under the audit file's lock).
-- Grain: inserts one row; its seq is the next number.
-- Parameters:
--   $at         timestamp  when it happened
--   $event      varchar    the event's code (see audit_log.sql)
--   $who        varchar    e-mail or account name
--   $role       varchar    the role at that moment
--   $via        varchar    connexion | poste local | ligne de commande
--   $file_name  varchar    the file's name, or null
--   $view       varchar    the page or chart key, or null
--   $filters    varchar    the filter set as codes, or null
--   $detail     varchar    JSON of whitelisted facts, or null
insert into audit_log
select
    coalesce((select max(seq) from audit_log), 0) + 1 as seq,
    $at as happened_at,
    $event as event,
    $who as who,
    $role as role,
    $via as via,
    $file_name as file_name,
    $view as view,
    $filters as filters,
    $detail as detail
