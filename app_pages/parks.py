"""Parks page: the whole curated catalogue, filterable, with its sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import catalogue, lang, t

st.title(t("page_parks"))
cat = catalogue()
a, b, c, d = st.columns(4)
zones = a.multiselect(
    t("filter_zone"),
    options=["north", "south"],
    format_func=lambda z: t("zone_" + z),
    key="park_zone",
    placeholder=t("choose"),
)
sectors = b.multiselect(
    t("filter_sector"),
    options=[s.sector_id for s in cat.sectors],
    format_func=lambda sid: cat.sector(sid).name_zh if lang() == "zh" else cat.sector(sid).name_en,
    key="park_sectors",
    placeholder=t("choose"),
)
text = c.text_input(t("filter_text"), key="park_text").strip().lower()
min_area = d.number_input(t("filter_min_area"), min_value=0, value=0, step=10_000, key="park_area")

rows = []
for park in cat.parks:
    if zones and park.zone.value not in zones:
        continue
    if sectors and not set(sectors) & set(park.sector_ids()):
        continue
    haystack = " ".join([park.name_zh, park.name_en, park.location_zh, park.positioning_zh]).lower()
    if text and text not in haystack:
        continue
    if park.total_area_m2 < min_area:
        continue
    rows.append(
        {
            t("park_id"): park.park_id,
            t("name"): park.name_zh,
            t("name_en"): park.name_en,
            t("town"): park.town or t("unknown"),
            t("zone"): t("zone_" + park.zone.value),
            t("total_area"): park.total_area_m2,
            t("above_ground_area"): park.above_ground_area_m2,
            t("expansion_area"): park.expansion_area_m2,
            t("sectors"): ", ".join(
                cat.sector(s).name_zh if lang() == "zh" else cat.sector(s).name_en
                for s in park.sector_ids()
            ),
            t("positioning_zh"): park.positioning_zh,
            t("positioning_en"): park.positioning_en,
            t("location_zh"): park.location_zh,
            t("source"): park.source,
            t("notes"): park.notes,
        }
    )
st.dataframe(pd.DataFrame(rows), hide_index=True, height=36 * (len(rows) + 1) + 4)
st.caption(f"{len(rows)} / {len(cat.parks)} · {t('data_version')}: {cat.version}")
