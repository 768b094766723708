"""Budget and ceiling arithmetic that reads better in Python than in SQL, as pure functions the views call
(psynam/views/budget.py, psynam/views/rules.py): the days of a year a period counts, the year-to-date
cumulative spend, the projected year-end (linear and seasonal) with its flags, the ceiling-check summary,
and the sentences that state the rules from the reference data. Columns, labels and privacy roles of the
results are declared beside their SQL (queries/budget/*.toml, queries/rules/*.toml).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

import polars as pl

from psynam import formatting as fmt
from psynam.labels import budget as budget_labels

# Projection flags, docs/indicators.md (Budget): "flag below 85 % or above 100 % of envelope".
LOW_USAGE_PCT = 85.0
HIGH_USAGE_PCT = 100.0

TOTAL = "total_plafonne"  # the pseudo-category of a network's capped lines summed
T = budget_labels.TEXT

# ---- dates -------------------------------------------------------------------------------------------

def counted_days(year: int, date_from: date, date_to: date, last_date: date | None) -> tuple[date | None, date | None, int]:
    """The days of `year` a period counts: those of the period, up to the last data date (the days after
    it hold no data yet). (first day, last day, number of days); (None, None, 0) when none."""
    start = max(date_from, date(year, 1, 1))
    end = min([date_to, date(year, 12, 31)] + ([last_date] if last_date else []))
    days = (end - start).days + 1
    return (start, end, days) if days > 0 else (None, None, 0)


def counted_label(year: int, start: date | None, end: date | None, days: int) -> str:
    """"année entière", or the days counted ("01/11–31/12"), or "aucun jour de données"."""
    if not days:
        return T["no_day_counted"]
    if days == days_in_year(year):
        return T["whole_year"]
    if start == end:
        return start.strftime("%d/%m")
    return T["counted_span"].format(start=start.strftime("%d/%m"), end=end.strftime("%d/%m"))


def year_label(year: int, date_from: date, date_to: date, last_date: date | None) -> str:
    """"2025", or "2025 : 01/11–31/12" for a year counted only in part (docs/indicators.md, Budget)."""
    start, end, days = counted_days(year, date_from, date_to, last_date)
    if days == days_in_year(year):
        return str(year)
    return T["year_counted"].format(year=year, counted=counted_label(year, start, end, days))


def envelope_lines(lines: pl.DataFrame, date_from: date, date_to: date, last_date: date | None) -> pl.DataFrame:
    """budget_by_year rows as the page shows them: an uncapped line shows its spending only, and says so
    in words (a boolean would leave the app as True/False); each year says which of its days the period
    counts, and a capped line's envelope comes pro rata of those days beside the full one (a year counted
    in part is not measured against a whole year's envelope only)."""
    counted = []
    for year in sorted(lines["year"].unique().to_list()):
        start, end, days = counted_days(year, date_from, date_to, last_date)
        counted.append({"year": year, "counted_label": counted_label(year, start, end, days),
                        "days_counted": days, "_days_in_year": days_in_year(year)})
    counted = pl.DataFrame(counted, schema={"year": lines.schema["year"], "counted_label": pl.String,
                                            "days_counted": pl.Int64, "_days_in_year": pl.Int64})
    capped = pl.col("capped").fill_null(False)
    envelope = pl.when(capped).then(pl.col("envelope_eur").cast(pl.Float64))
    return (_float(lines, "spent_eur", "usage_pct").join(counted, on="year", how="left")
            .with_columns(envelope_eur=envelope,
                          capped_label=pl.when(capped).then(pl.lit(T["capped"])).otherwise(pl.lit(T["uncapped"])),
                          envelope_pro_rata_eur=envelope * pl.col("days_counted") / pl.col("_days_in_year"))
            .with_columns(usage_pro_rata_pct=pl.when(pl.col("envelope_pro_rata_eur") > 0)
                          .then(100.0 * pl.col("spent_eur") / pl.col("envelope_pro_rata_eur")))
            .select(ENVELOPE_LINES))


ENVELOPE_LINES = ["year", "counted_label", "network", "category", "category_label", "capped", "capped_label",
                  "envelope_eur", "spent_eur", "usage_pct", "days_counted", "envelope_pro_rata_eur",
                  "usage_pro_rata_pct", "units"]


def to_date(date_to: date, last_date: date | None) -> date:
    """"To date": the end of the selected period, or the last data date if earlier."""
    return min(date_to, last_date) if last_date else date_to


def days_elapsed(day: date) -> int:
    return (day - date(day.year, 1, 1)).days + 1


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


# ---- projections -------------------------------------------------------------------------------------

def flag(pct: float | None) -> str | None:
    """low / ok / high against the thresholds; None without a percentage (uncapped line, no envelope)."""
    if pct is None:
        return None
    return "low" if pct < LOW_USAGE_PCT else "high" if pct > HIGH_USAGE_PCT else "ok"


def flag_label(code: str | None) -> str | None:
    if code is None:
        return None
    pct = fmt.percent(LOW_USAGE_PCT if code == "low" else HIGH_USAGE_PCT, 0)
    return T[f"flag_{code}"].format(pct=pct)


def _float(frame: pl.DataFrame, *cols: str) -> pl.DataFrame:
    return frame.with_columns([pl.col(c).cast(pl.Float64) for c in cols if c in frame.columns])


def _lines_with_total(lines: pl.DataFrame) -> pl.DataFrame:
    """The year's lines (network x category) plus, per network, the total of its capped lines."""
    lines = _float(lines, "envelope_eur", "spent_eur").select(
        "network", "category", "category_label", "capped", "envelope_eur", "spent_eur", pl.col("units").cast(pl.Int64))
    total = (lines.filter(pl.col("capped").fill_null(False))
             .group_by("network").agg(pl.col("envelope_eur").sum(), pl.col("spent_eur").sum(), pl.col("units").sum())
             .with_columns(category=pl.lit(TOTAL), category_label=pl.lit(T["total_capped"]), capped=pl.lit(True))
             .select(lines.columns))
    return pl.concat([lines, total])


def seasonal_share(profile: dict[int, float], day: date) -> float | None:
    """Share of last year's spend that had happened by the same date: the months before `day`'s month,
    plus `day`'s month pro rata of its days (the monthly profile, interpolated within the month)."""
    total = sum(profile.values())
    if total <= 0:
        return None
    done = sum(v for m, v in profile.items() if m < day.month)
    done += profile.get(day.month, 0.0) * day.day / calendar.monthrange(day.year, day.month)[1]
    return done / total if done > 0 else None


def full_previous_year(monthly: pl.DataFrame, network: str, year: int) -> bool:
    """A full previous year of data: the network spent something in each of the twelve months."""
    months = monthly.filter((pl.col("network") == network) & (pl.col("year") == year - 1)
                            & (pl.col("spent_eur") > 0))["month"]
    return months.dt.month().n_unique() == 12


PROJECTION_TYPES = {"units": pl.Int64, "network": pl.String, "category": pl.String, "category_label": pl.String, "capped": pl.Boolean,
                    "linear_flag": pl.String, "linear_flag_label": pl.String, "seasonal_flag": pl.String,
                    "seasonal_flag_label": pl.String}


def projections(year_lines: pl.DataFrame, monthly: pl.DataFrame, day: date) -> pl.DataFrame:
    """Projected year-end per network and line (each category, and the capped total), from the year's
    lines to `day` (budget_by_year from 1 January to `day`) and the monthly spend of this year and the
    previous one (spent_by_month from 1 January of the previous year to `day`)."""
    columns = ["network", "category", "category_label", "capped", "envelope_eur", "spent_eur", "usage_pct",
               "linear_eur", "linear_pct", "linear_flag", "linear_flag_label", "seasonal_eur", "seasonal_pct",
               "seasonal_flag", "seasonal_flag_label", "units"]
    if year_lines.is_empty():  # typed like a full frame: a filter on `category` must not meet a Float64
        return pl.DataFrame(schema={c: PROJECTION_TYPES.get(c, pl.Float64) for c in columns})
    lines = _lines_with_total(year_lines)
    monthly = _float(monthly, "spent_eur")
    previous = monthly.filter(pl.col("year") == day.year - 1)
    capped = {(r["network"], r["category"]) for r in lines.iter_rows(named=True) if r["capped"] and r["category"] != TOTAL}
    factor = days_in_year(day.year) / days_elapsed(day)
    rows = []
    for line in lines.iter_rows(named=True):
        network, category = line["network"], line["category"]
        envelope, spent, is_capped = line["envelope_eur"], line["spent_eur"] or 0.0, bool(line["capped"])
        linear = spent * factor
        seasonal = None
        if full_previous_year(monthly, network, day.year):
            wanted = {c for n, c in capped if n == network} if category == TOTAL else {category}
            part = previous.filter((pl.col("network") == network) & pl.col("category").is_in(list(wanted)))
            profile = {m: v for m, v in part.group_by(pl.col("month").dt.month().alias("m"))
                       .agg(pl.col("spent_eur").sum()).iter_rows()}
            share = seasonal_share(profile, day)
            seasonal = spent / share if share else None

        def pct(value):
            return 100.0 * value / envelope if is_capped and envelope and value is not None else None

        rows.append({
            "network": network, "category": category, "category_label": line["category_label"],
            "capped": is_capped, "envelope_eur": envelope if is_capped else None, "spent_eur": spent,
            "usage_pct": pct(spent), "linear_eur": linear, "linear_pct": pct(linear),
            "linear_flag": flag(pct(linear)), "linear_flag_label": flag_label(flag(pct(linear))),
            "seasonal_eur": seasonal, "seasonal_pct": pct(seasonal), "seasonal_flag": flag(pct(seasonal)),
            "seasonal_flag_label": flag_label(flag(pct(seasonal))), "units": line["units"] or 0,
        })
    order = {c: i for i, c in enumerate(["individuel", "administratif", "outreaching", "groupe", "clairvision", TOTAL])}
    return (pl.DataFrame(rows, schema_overrides={"envelope_eur": pl.Float64, "seasonal_eur": pl.Float64,
                                                 "seasonal_pct": pl.Float64, "linear_pct": pl.Float64,
                                                 "usage_pct": pl.Float64, "linear_flag": pl.String,
                                                 "linear_flag_label": pl.String, "seasonal_flag": pl.String,
                                                 "seasonal_flag_label": pl.String, "units": pl.Int64})
            .with_columns(_o=pl.col("category").replace_strict(order, default=len(order)))
            .sort("network", "_o").drop("_o").select(columns))


def cumulative(year_lines: pl.DataFrame, monthly: pl.DataFrame, day: date) -> pl.DataFrame:
    """Capped spend of `day`'s year, per network and month from January to `day`'s month, cumulated;
    each point dated at the month's end (at `day` for its month), with the year's capped envelope."""
    columns = {"network": pl.String, "month": pl.Date, "point_date": pl.Date, "spent_eur": pl.Float64,
               "spent_cum_eur": pl.Float64, "envelope_eur": pl.Float64, "units": pl.Int64, "units_cum": pl.Int64}
    lines = _float(year_lines, "envelope_eur")
    if lines.is_empty():
        return pl.DataFrame(schema=columns)
    capped = lines.filter(pl.col("capped").fill_null(False))
    months = pl.date_range(date(day.year, 1, 1), day.replace(day=1), "1mo", eager=True).alias("month")
    grid = pl.DataFrame({"network": lines["network"].unique().sort()}).join(months.to_frame(), how="cross")
    spent = (_float(monthly, "spent_eur")
             .join(capped.select("network", "category"), on=["network", "category"])
             .filter(pl.col("year") == day.year)
             .group_by("network", "month").agg(pl.col("spent_eur").sum(), pl.col("units").cast(pl.Int64).sum()))
    envelopes = capped.group_by("network").agg(pl.col("envelope_eur").sum())
    return (grid.join(spent, on=["network", "month"], how="left").join(envelopes, on="network", how="left")
            .with_columns(pl.col("spent_eur").fill_null(0.0), pl.col("units").fill_null(0))
            .sort("network", "month")
            .with_columns(spent_cum_eur=pl.col("spent_eur").cum_sum().over("network"),
                          # the fewest acts of a month so far (months without any apart): a cumulative
                          # point differs from the one before by its month, so once a month is small every
                          # later point is hidden with it (queries/budget/cumulative.toml)
                          units_cum=pl.when(pl.col("units") > 0).then(pl.col("units")).cum_min().forward_fill().over("network")
                          .fill_null(0),
                          point_date=pl.col("month").map_elements(lambda m: min(month_end(m), day), return_dtype=pl.Date))
            .select(list(columns)))


# ---- the rules, stated from the reference data --------------------------------------------------------

def uncapped_rule(categories: pl.DataFrame) -> str:
    """The June 2023 rule in words, from data/reference/budget_categories.csv (ref_budget_categories)."""
    current = categories.filter(pl.col("valid_to").is_null())
    freed = current.filter(~pl.col("capped")).sort("valid_from")
    if freed.is_empty():
        return T["rule_none"]
    since = freed["valid_from"].min()
    return T["rule"].format(date=fmt.day(since), categories=_enumerate(freed["label_fr"].to_list()),
                            until=fmt.day(since - timedelta(days=1)),
                            capped=_enumerate(current.filter(pl.col("capped"))["label_fr"].to_list()))


def _enumerate(names: list[str]) -> str:
    quoted = [f"« {n} »" for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {T['and']} {quoted[-1]}"


def admin_tariff(tariffs: pl.DataFrame, day: date) -> str:
    row = tariffs.filter((pl.col("item") == "admin_fee_per_patient_year") & (pl.col("valid_from") <= day)
                         & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= day)))
    if row.is_empty():
        return ""
    return T["admin_tariff"].format(amount=fmt.euros(row["amount_eur"][0], 0), since=fmt.day(row["valid_from"][0]))


def level_mapping(care_levels: pl.DataFrame) -> str:
    """'Soutien psychologique (2024), … → Première ligne (2021) ; …' from ref_care_levels."""
    names = dict(zip(care_levels["code"], care_levels["label_fr"]))
    newer = care_levels.filter(pl.col("code") != pl.col("level_2021"))
    parts = [f"{', '.join(names[c] for c in g['code'])} → {names.get(level, level)}"
             for (level,), g in newer.group_by("level_2021", maintain_order=True)]
    return T["rules_mapping"].format(mapping=" ; ".join(parts))


def specialised_rule(ceilings: pl.DataFrame) -> str:
    spec = ceilings.filter(pl.col("average_sessions").is_not_null() & pl.col("valid_to").is_null())
    if spec.is_empty():
        return ""
    averages = f" {T['or']} ".join(str(v) for v in sorted(spec["average_sessions"].unique().to_list(), reverse=True))
    return T["rules_specialised"].format(averages=averages, maximum=int(spec["max_sessions"].max()))


# ---- the ceiling check -------------------------------------------------------------------------------

def ceiling_status(distribution: pl.DataFrame) -> pl.DataFrame:
    """From the distribution (rules/sessions_per_patient), per year x network x level x format x age group:
    patients checked, at the ceiling (sessions = max), over it (sessions > max), mean sessions per patient."""
    keys = ["year", "network", "level_2021", "level_label", "format", "format_label", "age_group",
            "age_group_label", "max_sessions", "average_sessions"]
    return (distribution.group_by(keys, maintain_order=True).agg(
        patients=pl.col("patients").sum(),
        patients_at_ceiling=pl.col("patients").filter(pl.col("sessions") == pl.col("max_sessions")).sum(),
        patients_over_ceiling=pl.col("patients").filter(pl.col("sessions") > pl.col("max_sessions")).sum(),
        mean_sessions=(pl.col("sessions") * pl.col("patients")).sum() / pl.col("patients").sum(),
    ).sort("year", "network", "level_2021", "format", "age_group"))


def level_groups(care_levels: pl.DataFrame, year: int, until: date) -> dict[str, str]:
    """What the check groups under each 2021 level in `year` (counted from 1 January to `until`): the
    care-level codes in force then (ref_care_levels). A year of 2021 codes only keeps the 2021 level's
    name ("Première ligne (2021)"); a year with 2024 codes names them ("Première ligne (soutien,
    communautaire)"; 2024 itself: "Première ligne (codage 2021, soutien, communautaire)")."""
    start, end = date(year, 1, 1), min(until, date(year, 12, 31))
    names = dict(zip(care_levels["code"], care_levels["label_fr"]))
    active = care_levels.filter((pl.col("valid_from") <= end)
                                & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= start)))
    groups = {}
    for level in care_levels["level_2021"].unique(maintain_order=True).to_list():
        codes = active.filter(pl.col("level_2021") == level).sort("valid_from", maintain_order=True)["code"].to_list()
        if codes in ([], [level]):
            groups[level] = names.get(level, level)
            continue
        shown = [T["level_code_2021"] if c == level else c for c in codes]
        groups[level] = T["level_group"].format(level=re.sub(r"\s*\(\d{4}\)$", "", names.get(level, level)),
                                                codes=", ".join(shown))
    return groups


def with_level_groups(distribution: pl.DataFrame, care_levels: pl.DataFrame, until: date) -> pl.DataFrame:
    """The distribution with each year's `level_label` saying what its 2021 level groups that year."""
    if distribution.is_empty():
        return distribution
    labels = pl.DataFrame(
        [{"year": y, "level_2021": level, "_group": text}
         for y in distribution["year"].unique().to_list() for level, text in level_groups(care_levels, y, until).items()],
        schema={"year": distribution.schema["year"], "level_2021": pl.String, "_group": pl.String})
    return (distribution.join(labels, on=["year", "level_2021"], how="left")
            .with_columns(level_label=pl.coalesce("_group", "level_label")).drop("_group")
            .select(distribution.columns))
