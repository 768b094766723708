"""Budget and ceiling arithmetic that reads better in Python than in SQL: the year-to-date cumulative spend,
the projected year-end (linear and seasonal) with its flags, the ceiling-check summary, the sentences that
state the rules from the reference data, and the tables' columns, privacy specs and on-screen form.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import polars as pl

from psynam import formatting as fmt, privacy
from psynam.export import Column
from psynam.labels import budget as budget_labels

# Projection flags, docs/indicators.md (Budget): "flag below 85 % or above 100 % of envelope".
LOW_USAGE_PCT = 85.0
HIGH_USAGE_PCT = 100.0

TOTAL = "total_plafonne"  # the pseudo-category of a network's capped lines summed
T = budget_labels.TEXT


# ---- dates -------------------------------------------------------------------------------------------

def envelope_lines(lines: pl.DataFrame) -> pl.DataFrame:
    """budget_by_year rows as the page shows them: an uncapped line shows its spending only, and says so
    in words (a boolean would leave the app as True/False)."""
    capped = pl.col("capped").fill_null(False)
    return lines.with_columns(envelope_eur=pl.when(capped).then(pl.col("envelope_eur")),
                              capped_label=pl.when(capped).then(pl.lit(T["capped"])).otherwise(pl.lit(T["uncapped"])))


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
        "network", "category", "category_label", "capped", "envelope_eur", "spent_eur")
    total = (lines.filter(pl.col("capped").fill_null(False))
             .group_by("network").agg(pl.col("envelope_eur").sum(), pl.col("spent_eur").sum())
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


def projections(year_lines: pl.DataFrame, monthly: pl.DataFrame, day: date) -> pl.DataFrame:
    """Projected year-end per network and line (each category, and the capped total), from the year's
    lines to `day` (budget_by_year from 1 January to `day`) and the monthly spend of this year and the
    previous one (spent_by_month from 1 January of the previous year to `day`)."""
    columns = ["network", "category", "category_label", "capped", "envelope_eur", "spent_eur", "usage_pct",
               "linear_eur", "linear_pct", "linear_flag", "linear_flag_label", "seasonal_eur", "seasonal_pct",
               "seasonal_flag", "seasonal_flag_label"]
    if year_lines.is_empty():  # typed as the rows below: a caller filters `category` with a string
        text = {"network", "category", "category_label", "linear_flag", "linear_flag_label", "seasonal_flag",
                "seasonal_flag_label"}
        return pl.DataFrame(schema={c: pl.String if c in text else pl.Boolean if c == "capped" else pl.Float64
                                    for c in columns})
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
            "seasonal_flag_label": flag_label(flag(pct(seasonal))),
        })
    order = {c: i for i, c in enumerate(["individuel", "administratif", "outreaching", "groupe", "clairvision", TOTAL])}
    return (pl.DataFrame(rows, schema_overrides={"envelope_eur": pl.Float64, "seasonal_eur": pl.Float64,
                                                 "seasonal_pct": pl.Float64, "linear_pct": pl.Float64,
                                                 "usage_pct": pl.Float64, "linear_flag": pl.String,
                                                 "linear_flag_label": pl.String, "seasonal_flag": pl.String,
                                                 "seasonal_flag_label": pl.String})
            .with_columns(_o=pl.col("category").replace_strict(order, default=len(order)))
            .sort("network", "_o").drop("_o").select(columns))


def cumulative(year_lines: pl.DataFrame, monthly: pl.DataFrame, day: date) -> pl.DataFrame:
    """Capped spend of `day`'s year, per network and month from January to `day`'s month, cumulated;
    each point dated at the month's end (at `day` for its month), with the year's capped envelope."""
    columns = {"network": pl.String, "month": pl.Date, "point_date": pl.Date, "spent_eur": pl.Float64,
               "spent_cum_eur": pl.Float64, "envelope_eur": pl.Float64}
    lines = _float(year_lines, "envelope_eur")
    if lines.is_empty():
        return pl.DataFrame(schema=columns)
    capped = lines.filter(pl.col("capped").fill_null(False))
    months = pl.date_range(date(day.year, 1, 1), day.replace(day=1), "1mo", eager=True).alias("month")
    grid = pl.DataFrame({"network": lines["network"].unique().sort()}).join(months.to_frame(), how="cross")
    spent = (_float(monthly, "spent_eur")
             .join(capped.select("network", "category"), on=["network", "category"])
             .filter(pl.col("year") == day.year)
             .group_by("network", "month").agg(pl.col("spent_eur").sum()))
    envelopes = capped.group_by("network").agg(pl.col("envelope_eur").sum())
    return (grid.join(spent, on=["network", "month"], how="left").join(envelopes, on="network", how="left")
            .with_columns(pl.col("spent_eur").fill_null(0.0))
            .sort("network", "month")
            .with_columns(spent_cum_eur=pl.col("spent_eur").cum_sum().over("network"),
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


# ---- what each table holds: export columns, privacy, and the on-screen form -----------------------------

def _c(name: str, text_key: str, kind: str = "text") -> Column:
    return Column(name, T[text_key], kind)


# A year is a label, not a quantity: kind "text", so no thousands separator (`2 024`) on screen or in Excel.
ENVELOPE_COLUMNS = [_c("year", "year"), _c("network", "network"), _c("category_label", "category"),
                    _c("capped_label", "cap"), _c("envelope_eur", "envelope", "eur"), _c("spent_eur", "spent", "eur"),
                    _c("usage_pct", "usage", "pct")]
ENVELOPE_SPEC = privacy.Spec(dimensions=("year", "network", "category_label"))  # euros: no small counts

CUMULATIVE_COLUMNS = [_c("network", "network"), _c("month", "month", "month"), _c("point_date", "point_date", "date"),
                      _c("spent_eur", "spent_month", "eur"), _c("spent_cum_eur", "spent_cumulative", "eur"),
                      _c("envelope_eur", "envelope", "eur")]
CUMULATIVE_SPEC = privacy.Spec(dimensions=("network", "month"))

PROJECTION_COLUMNS = [_c("network", "network"), _c("category_label", "category"), _c("envelope_eur", "envelope", "eur"),
                      _c("spent_eur", "spent_to_date", "eur"), _c("usage_pct", "usage", "pct"),
                      _c("linear_eur", "linear", "eur"), _c("linear_pct", "linear_pct", "pct"),
                      _c("linear_flag_label", "linear_flag"), _c("seasonal_eur", "seasonal", "eur"),
                      _c("seasonal_pct", "seasonal_pct", "pct"), _c("seasonal_flag_label", "seasonal_flag")]
PROJECTION_SPEC = privacy.Spec(dimensions=("network", "category_label"))

ADMIN_COLUMNS = [c for c in ENVELOPE_COLUMNS if c.name != "category_label"]

COST_COLUMNS = [_c("network", "network"), _c("category_label", "category"), _c("spent_eur", "spent", "eur"),
                _c("sessions", "sessions", "int"), _c("patients", "patients", "int"),
                _c("cost_per_session_eur", "cost_per_session", "eur"), _c("cost_per_patient_eur", "cost_per_patient", "eur")]
COST_SPEC = privacy.Spec(dimensions=("network", "category_label"), counts=("sessions", "patients"),
                         rates={"cost_per_session_eur": ("sessions",), "cost_per_patient_eur": ("patients",)})

STATUS_COLUMNS = [_c("network", "network"), _c("level_label", "level"), _c("format_label", "format"),
                  _c("age_group_label", "age_group"), _c("max_sessions", "ceiling_max", "int"),
                  _c("average_sessions", "average_convention", "int"), _c("patients", "patients_checked", "int"),
                  _c("patients_at_ceiling", "at_ceiling", "int"), _c("patients_over_ceiling", "over_ceiling", "int"),
                  _c("mean_sessions", "mean_sessions", "decimal")]
STATUS_SPEC = privacy.Spec(dimensions=("network", "level_label", "format_label", "age_group_label"),
                           counts=("patients", "patients_at_ceiling", "patients_over_ceiling"),
                           rates={"mean_sessions": ("patients",)})

DISTRIBUTION_COLUMNS = [_c("network", "network"), _c("level_label", "level"), _c("format_label", "format"),
                        _c("age_group_label", "age_group"), _c("max_sessions", "ceiling_max", "int"),
                        _c("average_sessions", "average_convention", "int"),
                        _c("sessions", "sessions_per_patient", "int"), _c("patients", "patients", "int")]
DISTRIBUTION_SPEC = privacy.Spec(dimensions=("network", "level_label", "format_label", "age_group_label", "sessions"),
                                 counts=("patients",))

FORMATTERS = {"int": fmt.integer, "decimal": fmt.decimal, "pct": fmt.percent, "eur": lambda v: fmt.euros(v, 2),
              "date": fmt.day, "month": fmt.month}


def _cell(value, kind: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return T["yes"] if value else T["no"]
    if value is None:
        return ""
    return FORMATTERS.get(kind, str)(value)


def screen_table(data: pl.DataFrame, columns: list[Column], spec: privacy.Spec, public: bool) -> pl.DataFrame:
    """The table as text in Belgian formats under its French headers, for st.dataframe; in public mode
    the small counts are hidden as in the downloads."""
    shown = data.select([c.name for c in columns])
    if public:
        published = privacy.suppress(shown, spec)
        cells = {c.name: [published.cell(c.name, i) for i in range(shown.height)] for c in columns}
    else:
        cells = {c.name: shown[c.name].to_list() for c in columns}
    return pl.DataFrame({c.header: [_cell(v, c.kind) for v in cells[c.name]] for c in columns},
                        schema={c.header: pl.String for c in columns})
