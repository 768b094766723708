-- Purpose: the import history, for the import page and `python -m psynam history`: what was imported when,
--          from which files, with which counts, by whom, and whether it has been undone.
-- Grain: one row per import, newest first.
-- Parameters: none.
-- Output columns:
--   import_id    integer    the import's number (what `python -m psynam undo ID` takes)
--   imported_at  timestamp  when it was confirmed
--   sources      varchar    JSON list of {file, name, sha256, bytes}: the files as given
--   summary      varchar    JSON {tables: {table: {read, inserted, updated, unchanged, rejected}}, accept_valid,
--                           errors, warnings, user, via, today}
--   undone_at    timestamp  when it was undone (null while it is in force)
--   undone_by    varchar    who undid it

with

imports_log as (
    select import_id, imported_at, sources, summary from imports
),

undos as (
    select import_id, undone_at, undone_by from import_undos
),

history as (
    select
        imports_log.import_id,
        imports_log.imported_at,
        imports_log.sources,
        imports_log.summary,
        undos.undone_at,
        undos.undone_by
    from imports_log
    left join undos on undos.import_id = imports_log.import_id
)

select * from history
order by import_id desc
