"""Compare page: two to four parks side by side, rows that differ highlighted."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.case_state import loaded_view, open_case_id
from app_pages.common import catalogue, lang, park_label, require_staff, t
from matcher.models import Match, Park
from matcher.views import header, park_row, ranked_row

# Rows a decision turns on; "only differences" highlights these where the parks differ.
DECISION_FIELDS = ("fit", "town", "zone", "total_area", "above_ground_area")


def facts(park: Park, match: Match | None) -> dict[str, object]:
    """The park's row, ranked where the case's ranking has it (matcher/views.py)."""
    if match is None:
        row = park_row(park, catalogue(), lang())
        row.update({"fit": "", "score": "", "reasons": ""})
    else:
        row = ranked_row(match, catalogue(), lang())
        row["score"] = f"{row['score']:.1f}"
    for field in ("total_area", "above_ground_area", "expansion_area"):
        value = row[field]
        row[field] = t("unknown") if value is None else f"{value:,.0f}"
    fields = (
        "park_name_zh",
        "park_name_en",
        "fit",
        "score",
        "town",
        "zone",
        "address",
        "total_area",
        "above_ground_area",
        "expansion_area",
        "sectors",
        "positioning_zh",
        "positioning_en",
        "reasons",
    )
    return {field: row[field] for field in fields}


require_staff()
st.title(t("page_compare"))
cat = catalogue()
# The case open in this session lends its latest ranking and its shortlist.
case_id = open_case_id()
case = loaded_view(case_id) if case_id is not None else None
if case is not None:
    st.caption(t("case_title", case=case.id))
ranking = list(case.snapshot.matches) if case is not None and case.snapshot else []
matches = {m.park_id: m for m in ranking}
shortlisted = [e.park_id for e in case.shortlist] if case is not None else []
default = (shortlisted or [m.park_id for m in ranking][:3] or ["P01", "P02"])[:4]
chosen = st.multiselect(
    t("compare_pick"),
    options=[p.park_id for p in cat.parks],
    default=default,
    format_func=park_label,
    max_selections=4,
    key="compare_parks",
    placeholder=t("choose"),
)
if len(chosen) < 2:
    st.info(t("compare_need_two"))
else:
    table = pd.DataFrame({pid: facts(cat.park(pid), matches.get(pid)) for pid in chosen})
    differs = [f for f in DECISION_FIELDS if table.loc[f].nunique() > 1]
    only = st.toggle(t("compare_only_differences"), key="compare_only")
    if only:
        table = table.loc[differs] if differs else table.iloc[:0]
    st.caption(t("compare_differs"))
    # A table of text that wraps: every column fits the page, nothing is cut to one line.
    highlight = {header(field, lang()) for field in differs}
    shown = table.rename(index=lambda field: header(field, lang())).rename(columns=park_label)
    st.table(
        shown.style.apply(
            lambda row: ["background-color: #fff3cd" if row.name in highlight else ""] * len(row),
            axis=1,
        )
    )
