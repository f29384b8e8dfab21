"""Compare page: two to four parks side by side, rows that differ highlighted."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import area_facts, catalogue, lang, park_label, shortlist_ids, t
from matcher.models import Match, Park


def facts(park: Park, match: Match | None) -> dict[str, object]:
    cat = catalogue()
    sectors = [cat.sector(tag.sector_id) for tag in park.sectors]
    return {
        t("name"): park.name_zh,
        t("name_en"): park.name_en,
        t("score"): "" if match is None else f"{match.score:.1f} ({t('fit_' + match.fit.value)})",
        t("town"): park.town or t("unknown"),
        t("zone"): t("zone_" + park.zone.value),
        t("location_zh"): park.location_zh,
        **area_facts(park),
        t("sectors"): "、".join(s.name_zh if lang() == "zh" else s.name_en for s in sectors),
        t("positioning_zh"): park.positioning_zh,
        t("positioning_en"): park.positioning_en,
        t("reasons"): "" if match is None else match.reason(lang()),
    }


st.title(t("page_compare"))
cat = catalogue()
matches = {m.park_id: m for m in st.session_state.get("matches", [])}
default = (shortlist_ids() or [m for m in matches][:3] or ["P01", "P02"])[:4]
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
    table.index.name = t("field")
    differs = table.nunique(axis=1) > 1
    st.caption(t("compare_differs"))
    st.dataframe(
        table.style.apply(
            lambda row: ["background-color: #fff3cd" if differs[row.name] else "" for _ in row],
            axis=1,
        ),
        height=38 * (len(table) + 1),
    )
