"""The deterministic sample-export generator: `python -m psynam sample --out DIR|FILE.zip [--seed N]
[--sessions N] [--until YYYY-MM] [--clean]` writes every table of docs/data-contract.md as synthetic data.

Same seed + same --until + same --sessions = byte-identical files (numpy Generators spawned from one
SeedSequence, sessions sorted by date and numbered after sorting, zip entries with a fixed timestamp).
Sessions are generated in batches, spilled to Parquet and sorted by DuckDB out of core, then written in
chunks, so 10 million sessions run in bounded memory. All rules and facts (tariffs, ceilings, care-level
codings and their switch on 1 April 2024, budget caps, population, NIS codes) are read from
data/reference/; the module's own constants are the sample's design knobs (shares, counts, templates).

What the data look like (all synthetic): sessions from 2021-09-01 to the last day of --until (never
after today), ramping up from the start, with July-August and Christmas dips; ~250 psychologists and
200 partners; RSN partners drawn by quota at 47 % effectifs and 68 % outside care; the south (Dinant,
Philippeville) under-served (~20 % of sessions at the start, ~27 % by 2026, against 35.8 % of the
population), its two smallest communes without any offer for some periods; 65+ at ~5-8 % of patients;
a few 0-2-year-olds (RSK, tagged petite_enfance / perinatalite); ~4 % of patients living in neighbouring
provinces (NIS codes only, one of them a code ended by the 2024-2025 mergers, which becomes its
successor code after its end date); patient episodes within the yearly ceilings except ~1 %; a patient's
first first-line individual session in their network is free (data/reference/copayment_rules.csv), later
ones cost the full or the preferential share, except ~0.4 % of individual sessions asked a wrong amount;
~27 % of patients at the preferential tariff (BIM), ~30 % of northern residents against ~21 % of southern
ones, more among the 65+, and a few who gain the status in a later year; BIM patients drop out after one
or two sessions more often; the wait from an episode's first to its second session mostly follows the
weekly or fortnightly rhythm, with a tail (~20 % over 30 days, ~6 % over 90, more in the south); group
sessions (~4 % of rows, two hours, 4-15 participants, no patient) at 400 € or, for ~30 % of first-line
groups, 326 €, patient share 2.50 € per participant; budget envelopes set so that yearly usage lands
at ~74-101 % per network and category (the last, partial year scaled to the full year), `capped` as in
budget_categories.csv on 31 December of the year; network activities along a yearly calendar like the
Norwest antenna's report (seed 004): ten committees, ten intervisions, twenty coordination meetings,
sixteen working-group meetings, four midis de réseau (25-70 participants) and a few trainings a year, on
weekdays, many online in 2021-2022 and fewer since, partners represented drawn by their own engagement
(some registered partners are never seen in a year).

Clean shape (--clean): every file UTF-8 without BOM, `,` separator, LF line ends, canonical English
headers, ISO dates, `.` decimals with two places for amounts (`83.00`), booleans `true`/`false`, coded
values canonical, communes as NIS codes, empty cell for a missing value.

Messy shape (the default, and the committed sample), varied per table so that the importer is exercised:
| file              | encoding   | sep | EOL  | headers                                        | dates      | decimals       | booleans |
|-------------------|------------|-----|------|------------------------------------------------|------------|----------------|----------|
| sessions.csv      | cp1252     | ;   | CRLF | French aliases, Mixed_Case with accents        | dd/mm/yyyy | `83,00`        | oui/non  |
|                   |            |     |      | (`ID_Seance`, `Date_Séance`, `Réseau`, ...)    |            |                |          |
| clairvisions.csv  | UTF-8      | ;   | LF   | French aliases, lower case (`id_clairvision`)  | dd/mm/yyyy | `124,50`, `1,5`| -        |
| partners.csv      | UTF-8+BOM  | ;   | LF   | French aliases, UPPER CASE with accents        | dd/mm/yyyy | -              | -        |
|                   |            |     |      | (`ID_PARTENAIRE`, `RÉSEAU`, `DATE_ADHÉSION`)   |            |                |          |
| agreements.csv    | UTF-8      | ,   | LF   | English, Title_Case, a space before each but   | yyyy-mm-dd | `4.5`          | -        |
|                   |            |     |      | the first (`agreement_id, Partner_ID, ...`)    |            |                |          |
| psychologists.csv | UTF-8      | ;   | LF   | English, Title_Case (`Psychologist_ID`)        | dd/mm/yyyy | -              | -        |
| budget.csv        | UTF-8      | ;   | LF   | French with accents (`Année;Réseau;Catégorie;  | -          | `1 234 567,00` | O/N      |
|                   |            |     |      | Enveloppe;Plafonné`)                           |            | (space groups) |          |
| activities.csv    | UTF-8      | ,   | LF   | canonical English                              | yyyy-mm-dd | -              | -        |
Values: in sessions.csv ~8 % of rows spell the care level as `1L` / `première ligne` (premiere_ligne),
`spécialisé` / `SPEC` (specialise), `soutien psychologique`, `traitement psychologique`,
`interventions communautaires`, and ~8 % of partner / video rows spell the setting `outreaching` /
`lieu d'accroche` / `vidéo` / `visio`. Communes are NIS codes, except ~10 % of the in-province communes
in sessions, clairvisions, partners, psychologists and activities, written by French name in one of five
spellings (`Eghezée`, `EGHEZÉE`, `eghezée`, `EGHEZEE`, `Eghezee`), only for names that match a single
NIS code in belgian_communes.csv (French, Dutch or German names). Residences outside the province are
always NIS codes. Fields holding the separator or quotes are quoted (RFC 4180, quote doubled); a few
partner names hold `’`, `'`, `&`, `"`, `<b>` and a `=HYPERLINK(...)` formula-like text. Missing values
are empty cells. Every row is valid under the contract; group participants stay within 4-15.
"""

from __future__ import annotations

import argparse
import calendar
import sys
import tempfile
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from psynam import reference
from psynam.sample.extras import make_activities, make_budget, make_clairvisions
from psynam.sample.sessions import Rules, Sampler, generate_sessions, jan1
from psynam.sample.world import make_world, to_days
from psynam.sample.writer import CLEAN, MESSY, Formatter, Sink, write_table

TABLES = ("sessions", "clairvisions", "partners", "agreements", "psychologists", "budget", "activities")
SORT_BATCH = 200_000


class SampleError(ValueError):
    """A bad argument to the generator (reported on the command line without a traceback)."""


def period(until: date | str | None, today: date | None = None) -> tuple[date, date]:
    """[first day of the programme, last day of the `until` month (never after today)]."""
    today = today or date.today()
    start = reference.frame("ref_care_levels")["valid_from"].min()
    if until is None:
        y, m = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    elif isinstance(until, date):
        y, m = until.year, until.month
    else:
        try:
            y, m = (int(x) for x in str(until).split("-")[:2])
            date(y, m, 1)
        except ValueError as exc:
            raise SampleError(f"--until must be YYYY-MM, got {until!r}") from exc
    end = min(date(y, m, calendar.monthrange(y, m)[1]), today)
    if end < start:
        raise SampleError(f"--until {y}-{m:02d} is before the programme's start {start}")
    return start, end


def _canonical(df: pl.DataFrame, drop: tuple[str, ...]) -> pl.DataFrame:
    return df.drop([c for c in drop if c in df.columns])


def write_sample(out: Path, *, seed: int, sessions: int, until: date | str | None,
                 clean: bool = False) -> dict[str, int]:
    """Write the sample export to `out` (a folder, or a .zip file); return the rows written per table."""
    if sessions < 0:
        raise SampleError("--sessions must be >= 0")
    out = Path(out)
    start, end = period(until)
    s_world, s_ind, s_grp, s_clv, s_act, s_bud = (np.random.default_rng(s) for s in
                                                   np.random.SeedSequence(seed).spawn(6))
    world = make_world(s_world, start, end)
    rules = Rules()
    sampler = Sampler(world, rules)
    clairvisions = make_clairvisions(s_clv, world, sampler, rules)
    activities = make_activities(s_act, world, sampler)
    nameable = world.terr.nameable

    def fmt(table):
        return Formatter(table, CLEAN if clean else MESSY[table], nameable, seed)

    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="psynam-sample-") as tmp:
        tmp = Path(tmp)
        for i, df in enumerate(generate_sessions(sampler, s_ind, s_grp, sessions)):
            df.write_parquet(tmp / f"sessions_{i:05d}.parquet")
        con = duckdb.connect()
        con.execute(f"set temp_directory = '{tmp / 'duckdb'}'")  # a path we created, not user input
        con.execute("set memory_limit = '512MB'")
        con.execute("set preserve_insertion_order = true")
        con.execute("set enable_progress_bar = false")  # the build and the bench print their own lines
        src = str(tmp / "sessions_*.parquet")
        has_sessions = any(tmp.glob("sessions_*.parquet"))
        spent = _spent(con, src, clairvisions, rules) if has_sessions else \
            pl.DataFrame(schema={"year": pl.Int64, "network": pl.String, "category": pl.String,
                                 "spent_cents": pl.Int64})
        budget = make_budget(s_bud, world, spent)

        sink = Sink(out)
        try:
            if has_sessions:
                reader = con.sql(
                    "select 'S' || lpad(cast(row_number() over (order by session_date, _tie) as varchar), 8, '0')"
                    " as session_id, * exclude (_tie) from read_parquet($src) order by session_date, _tie",
                    params={"src": src}).to_arrow_reader(SORT_BATCH)
                frames = (pl.from_arrow(b) for b in reader)
            else:
                frames = iter(())
            counts["sessions"] = write_table(sink, "sessions", frames, fmt("sessions"), large=True)
            counts["clairvisions"] = write_table(sink, "clairvisions", [clairvisions], fmt("clairvisions"))
            partners = _canonical(world.partners, ("partner_idx", "commune_idx", "from_day", "to_day"))
            counts["partners"] = write_table(sink, "partners", [partners], fmt("partners"))
            agreements = world.agreements.select(
                "agreement_id", "partner_id", "psychologist_id", "network", "signed_on", "start_on", "end_on",
                "hours_per_month", "settings")
            counts["agreements"] = write_table(sink, "agreements", [agreements], fmt("agreements"))
            psychologists = world.psychologists.select(
                "psychologist_id", "network", "practice_commune", "conventioned_on", "ended_on", "publics"
            ).sort("psychologist_id")
            counts["psychologists"] = write_table(sink, "psychologists", [psychologists], fmt("psychologists"))
            counts["budget"] = write_table(sink, "budget", [budget], fmt("budget"))
            counts["activities"] = write_table(sink, "activities", [activities], fmt("activities"))
        finally:
            sink.close()
            con.close()
    return counts


def _spent(con, src: str, clairvisions: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """INAMI spending per year × network × budget category (indicators.md, "Budget")."""
    by_cat = con.sql(
        "select year(session_date)::bigint as year, network,"
        " case when format = 'groupe' then 'groupe' when setting = 'partenaire' then 'outreaching'"
        " else 'individuel' end as category, sum(fee_inami_cents)::bigint as spent_cents"
        " from read_parquet($src) group by all", params={"src": src}).pl()
    patients = con.sql(
        "select year(session_date)::bigint as year, network, count(distinct patient_id)::bigint as n"
        " from read_parquet($src) where patient_id is not null group by all", params={"src": src}).pl()
    start = to_days(reference.frame("ref_care_levels")["valid_from"].min())
    first_day = np.maximum(jan1(patients["year"].to_numpy()), start)
    fee = rules.tariff_cents("admin_fee_per_patient_year", first_day)
    admin = patients.select("year", "network", category=pl.lit("administratif"),
                            spent_cents=pl.col("n") * pl.Series(fee))
    clv = clairvisions.group_by(year=pl.col("clairvision_date").dt.year().cast(pl.Int64), network="network").agg(
        spent_cents=pl.col("fee_inami_cents").sum().cast(pl.Int64)).with_columns(category=pl.lit("clairvision"))
    cols = ["year", "network", "category", "spent_cents"]
    return pl.concat([by_cat.select(cols), admin.select(cols), clv.select(cols)])


def cli(args: argparse.Namespace) -> int:
    """`python -m psynam sample ...`: write the sample and print one line per table."""
    try:
        counts = write_sample(Path(args.out), seed=args.seed, sessions=args.sessions, until=args.until,
                              clean=args.clean)
    except SampleError as exc:
        print(f"sample: {exc}", file=sys.stderr)
        return 2
    shape = "clean" if args.clean else "messy"
    for table in TABLES:
        print(f"{table + '.csv':<18} {counts[table]:>10,} rows  ({shape}, seed {args.seed}) -> {args.out}")
    return 0
