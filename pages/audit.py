"""Journal d'accès (coordinators only): the audit log of a period — logins, imports, undos, restores,
downloads with their file, view and filters — and its CSV export."""

from datetime import date, timedelta

import streamlit as st

from psynam import access, audit, formatting as fmt, labels
from psynam.labels.roles import COLUMNS, EVENTS, TEXT

access.require("audit")
st.title(labels.PAGES["audit"])
st.caption(TEXT["audit_intro"])
today = date.today()
left, right = st.columns([1, 2])
period = left.date_input(TEXT["audit_period"], value=(today - timedelta(days=30), today), format="DD/MM/YYYY",
                         key="audit_period")
kinds = right.multiselect(TEXT["audit_events"], list(EVENTS), format_func=EVENTS.get, key="audit_events",
                          placeholder=TEXT["audit_all"])
start, end = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else (period, period)
log = audit.events(start, end, kinds)
st.caption(TEXT["audit_count"].format(n=log.height))
if log.is_empty():
    st.info(TEXT["audit_empty"])
    st.stop()
shown = log.drop("seq").with_columns(log["event"].replace_strict(EVENTS, default=log["event"]))
st.dataframe(shown, hide_index=True, key="audit_table", placeholder=fmt.MISSING,
             column_config={c: st.column_config.TextColumn(h) for c, h in COLUMNS.items() if c != "happened_at"}
             | {"happened_at": st.column_config.DatetimeColumn(COLUMNS["happened_at"], format="DD/MM/YYYY HH:mm:ss")})
name = f"psynam_journal_{start.isoformat()}_{end.isoformat()}.csv"
st.download_button(TEXT["audit_download"], audit.tracked(lambda: audit.to_csv(log), file_name=name, view="audit"),
                   name, "text/csv", key="audit_csv", icon=":material/download:", on_click="ignore")
