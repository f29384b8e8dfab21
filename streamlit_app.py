"""Placeholder page until the app issue lands: ranks one requirement with the library."""

import streamlit as st

from matcher import Requirement, rank

st.set_page_config(page_title="Haidian park matcher", layout="wide")
st.title("海淀重点园区匹配 · Haidian park matcher")
sector = st.text_input("产业 / Sector", "集成电路")
if sector.strip():
    rows = [
        {
            "park": m.park_id,
            "name": m.park_name_zh,
            "score": m.score,
            "fit": m.fit.value,
            "reason": m.reason("zh"),
        }
        for m in rank(Requirement(sector_text=sector))
    ]
    st.dataframe(rows, hide_index=True)
