"""Reference data: the territory (communes), sectors and the programme's rules, read from data/reference/.

Loaded into the database as ref_* tables whenever the schema is initialised, and readable as Polars
frames by the importer and the sample generator. Facts and rules are files, never constants in code.
"""

from __future__ import annotations

from functools import lru_cache

import duckdb
import polars as pl

from psynam import REFERENCE_DIR

# table name -> (file, column types DuckDB must not guess). The table names are a fixed whitelist:
# they are the only identifiers ever placed into SQL text here.
REFERENCE_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "ref_communes": ("communes.csv", {"nis": "VARCHAR", "south": "BOOLEAN", "pop_total": "INTEGER",
                                       "pop_0_2": "INTEGER", "pop_65_plus": "INTEGER"}),
    "ref_belgian_communes": ("belgian_communes.csv", {"nis": "VARCHAR", "replaced_by": "VARCHAR",
                                                       "valid_from": "DATE", "valid_to": "DATE",
                                                       "name_de": "VARCHAR"}),
    "ref_sectors": ("sectors.csv", {"is_care": "BOOLEAN", "priority": "VARCHAR"}),
    "ref_care_levels": ("care_levels.csv", {"convention": "VARCHAR", "valid_from": "DATE", "valid_to": "DATE"}),
    "ref_ceilings": ("ceilings.csv", {"max_sessions": "INTEGER", "average_sessions": "INTEGER",
                                      "valid_from": "DATE", "valid_to": "DATE"}),
    "ref_tariffs": ("tariffs.csv", {"amount_eur": "DECIMAL(12,2)", "valid_from": "DATE", "valid_to": "DATE"}),
    "ref_budget_categories": ("budget_categories.csv", {"capped": "BOOLEAN", "valid_from": "DATE",
                                                        "valid_to": "DATE"}),
    "ref_networks": ("networks.csv", {"min_age": "INTEGER", "max_age": "INTEGER"}),
    "ref_settings": ("settings.csv", {"setting": "VARCHAR"}),
    "ref_formats": ("formats.csv", {"format": "VARCHAR"}),
    "ref_milestones": ("milestones.csv", {"date": "DATE"}),
    "ref_priorities": ("priorities.csv", {"min_age": "INTEGER", "max_age": "INTEGER", "tags": "VARCHAR"}),
    "ref_copayment_rules": ("copayment_rules.csv", {"format": "VARCHAR", "level_2021": "VARCHAR",
                                                    "first_first_line": "BOOLEAN", "preferential": "BOOLEAN",
                                                    "valid_from": "DATE", "valid_to": "DATE"}),
    "ref_age_bands": ("age_bands.csv", {"band": "VARCHAR", "min_age": "INTEGER", "max_age": "INTEGER"}),
    "ref_pathways": ("pathways.csv", {"parameter": "VARCHAR", "days": "INTEGER"}),
}


def load_into(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every ref_* table from its CSV file."""
    for table, (file, types) in REFERENCE_TABLES.items():
        con.execute(
            f"create or replace table {table} as "  # table name from the whitelist above
            "select * from read_csv($path, header = true, delim = ',', quote = '\"', types = $types)",
            {"path": str(REFERENCE_DIR / file), "types": types},
        )


@lru_cache(maxsize=None)
def frame(table: str) -> pl.DataFrame:
    """A reference table as a Polars frame (read from its CSV, typed as in the database)."""
    con = duckdb.connect()
    file, types = REFERENCE_TABLES[table]
    return con.sql(
        "select * from read_csv($path, header = true, delim = ',', quote = '\"', types = $types)",
        params={"path": str(REFERENCE_DIR / file), "types": types},
    ).pl()


def communes() -> pl.DataFrame:
    """The 38 communes of the province (NIS, name, arrondissement, south, population, centroid)."""
    return frame("ref_communes")


def belgian_communes() -> pl.DataFrame:
    """Every Belgian NIS code with its names (REFNIS, including codes ended by the 2024–2025 mergers)."""
    return frame("ref_belgian_communes")
