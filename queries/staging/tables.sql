-- Purpose: the imported tables, in their canonical typed shape (docs/data-contract.md), and the import log.
-- Grain: one row per entity id, as in the export; communes are stored as 5-digit NIS codes (text).
-- Parameters: none. Run as a script by psynam.db.init_schema(); every statement is idempotent.
-- The importer (psynam/ingest) is the only writer of these tables; queries read them through the
-- stg_* views of views.sql, never directly.

create table if not exists sessions (
    session_id          varchar primary key,
    session_date        date not null,
    network             varchar not null,      -- RSN | RSK
    psychologist_id     varchar not null,
    care_level          varchar not null,      -- a code of ref_care_levels
    format              varchar not null,      -- individuel | groupe
    setting             varchar not null,      -- cabinet | partenaire | domicile | video
    patient_id          varchar,               -- null for groupe
    patient_age         integer,               -- null for groupe
    patient_commune     varchar,               -- NIS code, any Belgian commune
    session_commune     varchar,               -- NIS code; null allowed for video
    partner_id          varchar,
    participants        integer,               -- groupe only
    preferential_tariff boolean,
    fee_inami_eur       decimal(12, 2),
    fee_patient_eur     decimal(12, 2),
    target_public       varchar                -- '|'-separated tags, lower case
);

create table if not exists clairvisions (
    clairvision_id   varchar primary key,
    clairvision_date date not null,
    network          varchar not null,
    psychologist_id  varchar not null,
    partner_id       varchar,
    commune          varchar not null,         -- NIS code
    participants     integer not null,
    duration_hours   decimal(6, 2) not null,
    fee_inami_eur    decimal(12, 2) not null,
    theme            varchar,
    target_public    varchar
);

create table if not exists partners (
    partner_id     varchar primary key,
    name           varchar not null,
    sector         varchar not null,           -- a code of ref_sectors
    commune        varchar not null,           -- NIS code
    network        varchar not null,           -- RSN | RSK | RSN+RSK
    membership     varchar,                    -- effectif | adherent
    joined_on      date not null,
    left_on        date,
    target_publics varchar
);

create table if not exists agreements (
    agreement_id    varchar primary key,
    partner_id      varchar not null,
    psychologist_id varchar not null,
    network         varchar not null,
    signed_on       date not null,
    start_on        date not null,
    end_on          date,
    hours_per_month decimal(8, 2) not null,
    settings        varchar
);

create table if not exists psychologists (
    psychologist_id  varchar primary key,
    network          varchar not null,         -- RSN | RSK | RSN+RSK
    practice_commune varchar not null,         -- NIS code
    conventioned_on  date not null,
    ended_on         date,
    publics          varchar
);

create table if not exists budget (
    year         integer not null,
    network      varchar not null,
    category     varchar not null,
    envelope_eur decimal(14, 2) not null,
    capped       boolean not null,
    primary key (year, network, category)
);

create table if not exists activities (
    activity_id   varchar primary key,
    activity_date date not null,
    type          varchar,
    commune       varchar,
    participants  integer not null,
    partner_ids   varchar
);

create sequence if not exists import_id_seq start 1;

create table if not exists imports (
    import_id   integer primary key default nextval('import_id_seq'),
    imported_at timestamp not null,
    sources     varchar not null,              -- JSON list of {file, sha256}
    summary     varchar not null               -- JSON {tables: {t: {read, inserted, updated, unchanged, rejected}}, accept_valid, errors, warnings}
);

-- Change records, one table per imported table (same columns, plus import_id and action), so that an
-- import can be taken back exactly (psynam/ingest/undo.py): for each row an import held, its key and
-- what it did — 'inserted', 'updated' (with the whole row as it was before) or 'unchanged'.
create table if not exists import_changes_sessions as
    select null::integer as import_id, null::varchar as action, * from sessions limit 0;
create table if not exists import_changes_clairvisions as
    select null::integer as import_id, null::varchar as action, * from clairvisions limit 0;
create table if not exists import_changes_partners as
    select null::integer as import_id, null::varchar as action, * from partners limit 0;
create table if not exists import_changes_agreements as
    select null::integer as import_id, null::varchar as action, * from agreements limit 0;
create table if not exists import_changes_psychologists as
    select null::integer as import_id, null::varchar as action, * from psychologists limit 0;
create table if not exists import_changes_budget as
    select null::integer as import_id, null::varchar as action, * from budget limit 0;
create table if not exists import_changes_activities as
    select null::integer as import_id, null::varchar as action, * from activities limit 0;

-- Imports taken back: when, by whom, and after which import (so that a replay of the history applies
-- each undo at the same point).
create table if not exists import_undos (
    import_id    integer primary key,
    undone_at    timestamp not null,
    after_import integer not null,             -- the last import_id recorded when the undo was made
    undone_by    varchar
);

-- Facts about the database itself: `schema_version`, the fingerprint of the staging SQL and reference
-- data its stored staging rows were built with (psynam.db.schema_version; a newer release rebuilds them).
create table if not exists psynam_meta (
    key   varchar primary key,
    value varchar not null
);
