"""The baseline the bench compares against: the Overview's session figures computed the way many
Streamlit dashboards do it — load the tables into pandas once, then filter and aggregate in memory on
every rerun. Same definitions as queries/overview/activity_kpis.sql and sessions_by_month.sql.

Kind to pandas on purpose: it loads only the columns it needs, from the already-joined stg_sessions
view (a typical dashboard would read `select *` from the raw tables and join in pandas).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from psynam import db

SESSIONS_SQL = ("select session_id, session_date, month, network, format, participants, setting, care_level, commune,"
                " arrondissement, is_in_province, is_south, is_early_childhood, patient_id, patient_age,"
                " psychologist_id from stg_sessions")
CLAIRVISIONS_SQL = "select clairvision_date, network, commune, arrondissement, psychologist_id from stg_clairvisions"


def load(db_path) -> dict[str, pd.DataFrame]:
    """The one-off load a pandas dashboard does at start (then keeps in st.cache_data / session)."""
    con = db.connect(db_path, read_only=True)
    try:
        sessions = con.sql(SESSIONS_SQL).df()
        clairvisions = con.sql(CLAIRVISIONS_SQL).df()
    finally:
        con.close()
    for frame, column in ((sessions, "session_date"), (clairvisions, "clairvision_date")):
        frame[column] = pd.to_datetime(frame[column])
    return {"sessions": sessions, "clairvisions": clairvisions}


def _mask(frame: pd.DataFrame, column: str, date_from: date, date_to: date, **lists) -> pd.Series:
    mask = frame[column].between(pd.Timestamp(date_from), pd.Timestamp(date_to))
    for name, values in lists.items():
        if values:
            mask &= frame[name].isin(values)
    return mask


def activity(tables: dict[str, pd.DataFrame], date_from: date, date_to: date, networks=None) -> dict:
    """The headline activity figures (a subset of activity_kpis.sql: everything but the population)."""
    s = tables["sessions"]
    s = s[_mask(s, "session_date", date_from, date_to, network=networks)]
    c = tables["clairvisions"]
    c = c[_mask(c, "clairvision_date", date_from, date_to, network=networks)]
    individual = s[s["format"] == "individuel"]
    first = (individual.sort_values(["patient_id", "session_date", "session_id"])
             .drop_duplicates("patient_id", keep="first"))
    first = first[first["patient_id"].notna()]
    province = s["is_in_province"].fillna(False)
    return {
        "sessions": len(s),
        "individual_sessions": len(individual),
        "group_sessions": int((s["format"] == "groupe").sum()),
        "group_participations": int(s.loc[s["format"] == "groupe", "participants"].fillna(0).sum()),
        "patients": len(first),
        "active_psychologists": len(set(s["psychologist_id"].dropna()) | set(c["psychologist_id"].dropna())),
        "clairvisions": len(c),
        "province_sessions": int(province.sum()),
        "south_sessions": int((province & s["is_south"].fillna(False)).sum()),
        "elderly_patients": int((first["patient_age"] >= 65).sum()),
        "early_childhood_sessions": int(s["is_early_childhood"].fillna(False).sum()),
    }


def sessions_by_month(tables: dict[str, pd.DataFrame], date_from: date, date_to: date, networks=None) -> pd.DataFrame:
    s = tables["sessions"]
    s = s[_mask(s, "session_date", date_from, date_to, network=networks)]
    return (s.assign(sessions=1, individual_sessions=(s["format"] == "individuel").astype(int),
                     group_sessions=(s["format"] == "groupe").astype(int))
            .groupby(["month", "network"], as_index=False)[["sessions", "individual_sessions", "group_sessions"]]
            .sum())


def overview(tables, filters) -> tuple[dict, dict, pd.DataFrame]:
    """What the Overview shows from sessions: this period, the previous one, and the monthly chart."""
    before = filters.previous()
    return (activity(tables, filters.date_from, filters.date_to, list(filters.networks)),
            activity(tables, before.date_from, before.date_to, list(before.networks)),
            sessions_by_month(tables, filters.date_from, filters.date_to, list(filters.networks)))
