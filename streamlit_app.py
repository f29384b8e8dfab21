"""The app's entry point: language switch and Streamlit's multipage navigation."""

import streamlit as st

from app_pages.common import catalogue, t

st.set_page_config(page_title="海淀重点园区匹配 · Haidian park matcher", layout="wide")

with st.sidebar:
    st.radio(
        "语言 / Language",
        options=["zh", "en"],
        format_func=lambda code: "中文" if code == "zh" else "English",
        key="lang",
        horizontal=True,
    )

pages = [
    st.Page("app_pages/match.py", title=t("page_match"), url_path="match", default=True),
    st.Page("app_pages/compare.py", title=t("page_compare"), url_path="compare"),
    st.Page("app_pages/shortlist.py", title=t("page_shortlist"), url_path="shortlist"),
    st.Page("app_pages/batch.py", title=t("page_batch"), url_path="batch"),
    st.Page("app_pages/parks.py", title=t("page_parks"), url_path="parks"),
]
page = st.navigation(pages)
st.sidebar.caption(f"{t('data_version')}: {catalogue().version}")
page.run()
