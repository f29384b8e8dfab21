"""Parks page: the whole curated catalogue, filterable, with its sources."""

from __future__ import annotations

import streamlit as st

from app_pages.availability import keep_current
from app_pages.common import availability_now, catalogue, lang, ranker, signed_in_staff, t
from app_pages.ranking import NAME_WIDTH, ROW_HEIGHT
from matcher.models import Requirement
from matcher.reasons import sector_name
from matcher.views import (
    AVAILABILITY_COLUMNS,
    availability_row,
    find_parks,
    header,
    park_row,
    source_words,
    table,
)

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
    format_func=lambda sid: sector_name(cat.sector(sid)).in_(lang()),
    key="park_sectors",
    placeholder=t("choose"),
)
text = c.text_input(t("filter_text"), key="park_text", help=t("filter_text_help")).strip()
min_area = d.number_input(t("filter_min_area"), min_value=0, value=0, step=10_000, key="park_area")

seen = ranker().understand(Requirement(sector_text=text, preferred_location=text)) if text else None
found = find_parks(
    text,
    cat,
    {h.sector_id for h in seen.sector_hits} if seen else set(),
    {h.place.place_id for h in seen.place_hits} if seen else set(),
)
space = availability_now()
shown_fields = (
    "park_id",
    "park_name_zh",
    "town",
    "total_area",
    "above_ground_area",
    *AVAILABILITY_COLUMNS,
    "sectors",
)
positioning = "positioning_zh" if lang() == "zh" else "positioning_en"  # one the reader reads
more_fields = ("park_name_en", "zone", "expansion_area", "address", positioning, "notes")
rows = [
    park_row(park, cat, lang()) | availability_row(park, space, lang())
    for park in found
    if (not zones or park.zone.value in zones)
    and (not sectors or set(sectors) & set(park.sector_ids()))
    and park.total_area_m2 >= min_area
]
area = st.column_config.NumberColumn(format="localized")
st.dataframe(
    table(rows, shown_fields + more_fields, lang()),
    placeholder=t("unknown"),  # an unpublished area, as every page says it
    hide_index=True,
    height=ROW_HEIGHT * (len(rows) + 1) + 3,
    column_config={
        header("park_name_zh", lang()): st.column_config.TextColumn(width=NAME_WIDTH),
        header("total_area", lang()): area,
        header("above_ground_area", lang()): area,
        header("expansion_area", lang()): area,
        header("sectors", lang()): st.column_config.TextColumn(width="medium"),
    },
)
st.caption(t("parks_shown", shown=len(rows), total=len(cat.parks), source=source_words(cat)))

staff = signed_in_staff()
if staff is not None:
    keep_current(staff)
