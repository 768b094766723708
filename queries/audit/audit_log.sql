-- Purpose: the audit log's one table (in its own DuckDB file beside the database, psynam/audit.py): who
--          logged in, imported, undid, restored or downloaded what, and when. Rows are only ever added.
-- Grain: one row per event, numbered in the order written (seq).
-- Parameters: none. Run as a script by psynam.audit before every write; idempotent.
-- Columns: seq (integer, 1, 2, …), happened_at (timestamp, server local time), event (login | login_refused |
--   logout | import | undo | restore | download | refused), who (e-mail or account name), role, via
--   (connexion | poste local | ligne de commande), file_name (a download's or a backup's file name),
--   view (page or chart key), filters (the filter set, as codes), detail (JSON of the whitelisted facts
--   of psynam.audit.DETAIL_KEYS). Never a figure, never a pseudonymised id.
create table if not exists audit_log (
    seq        bigint primary key,
    happened_at timestamp not null,
    event      varchar not null,
    who        varchar,
    role       varchar,
    via        varchar,
    file_name  varchar,
    view       varchar,
    filters    varchar,
    detail     varchar
);
