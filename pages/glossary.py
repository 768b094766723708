"""Glossaire: every indicator's definition, from the one catalogue the pages and charts also use."""

import streamlit as st

from psynam import labels

st.title(labels.PAGES["glossary"])
st.write(labels.GLOSSARY_INTRO)
for key, (name, definition) in labels.INDICATORS.items():
    st.markdown(f"**{name}** — {definition}")
