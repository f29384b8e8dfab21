"""Dashboard (staff): what investors ask for, what the parks cannot offer, how far cases get
and how fast staff answer. Every figure is the library's (ws.insights, one SQL query each),
worded by matcher.insight_tables: each chart has its table beside it and a download."""

from __future__ import annotations

from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.common import catalogue, lang, plain, require_staff, staff_workspace, t
from matcher.exports import csv_bytes
from matcher.i18n import in_beijing
from matcher.insight_tables import Table, for_reading, hours_words, tables
from matcher.workspace import Filters, Period, utcnow

LEXICON_PAGE = "app_pages/lexicon.py"
CHART_KEYS = 8  # keys drawn in a stacked chart; the rest are summed under "other"

require_staff()
ws = staff_workspace()
shown = catalogue()
now = utcnow()
today = in_beijing(now).date()
st.title(t("page_dashboard"))

left, middle, right = st.columns([2, 2, 1])
picked = left.date_input(
    t("dashboard_dates"),
    value=(today - timedelta(days=90), today),
    max_value=today,
    key="dashboard_dates",
)
start, end = (picked[0], picked[-1]) if isinstance(picked, tuple) and picked else (None, None)
sectors = {s.sector_id: s.name_zh if lang() == "zh" else s.name_en for s in shown.sectors}
sector = middle.selectbox(
    t("dashboard_sector"),
    options=[None, *sorted(sectors, key=lambda s: sectors[s])],
    format_func=lambda s: t("dashboard_every_sector") if s is None else sectors[s],
    key="dashboard_sector",
)
period = right.radio(
    t("dashboard_period"),
    options=[p.value for p in Period],
    format_func=lambda p: t(f"dashboard_period_{p}"),
    key="dashboard_period",
    horizontal=True,
)
filters = Filters(
    start=start if isinstance(start, date) else None,
    end=end if isinstance(end, date) else None,
    sector_id=sector,
)
dashboard = ws.insights.dashboard(filters, Period(period), now)
found = {table.key: table for table in tables(dashboard, shown, lang())}

unmet = sum(row[3] for row in dashboard.unmet.rows)
with st.container(key="dashboard_headline"):
    a, b, c = st.columns(3)
    a.metric(t("dashboard_received"), f"{dashboard.total:,}")
    b.metric(t("dashboard_unmet"), f"{unmet:,}")
    c.metric(t("dashboard_overdue"), f"{dashboard.overdue.cases:,}")
    d, e = st.columns(2)
    d.metric(
        t("dashboard_median_first_action"),
        hours_words(dashboard.medians.first_action_hours, lang()),
    )
    e.metric(t("dashboard_median_sent"), hours_words(dashboard.medians.sent_hours, lang()))


def download(table: Table) -> None:
    """The table as CSV, named by the figure and the dates."""
    dates = f"{filters.start or ''}_{filters.end or ''}".strip("_")
    st.download_button(
        t("dashboard_download"),
        data=csv_bytes(table.frame),
        file_name=f"{table.key}_{dates}.csv",
        mime="text/csv",
        key=f"download_{table.key}",
    )


def section(table: Table, chart: alt.Chart | None, wide_table: bool = False) -> None:
    """A figure: its title, the chart and its table side by side (stacked on a phone); a
    `wide_table` (long names, many columns) goes under its chart at full width."""
    st.subheader(table.title)
    if table.frame.empty:
        st.caption(t("dashboard_nothing"))
        return
    if chart is not None and wide_table:
        st.altair_chart(chart, width="stretch")
        chart = None
    if chart is None:
        st.dataframe(for_reading(table.frame, lang()), hide_index=True, width="stretch")
    else:
        left, right = st.columns(2)
        left.altair_chart(chart, width="stretch")
        right.dataframe(for_reading(table.frame, lang()), hide_index=True, width="stretch")
    download(table)


def folded(frame: pd.DataFrame, key: str, count: str) -> pd.DataFrame:
    """The stacked chart's data: the CHART_KEYS most asked keys, the rest as one."""
    top = frame.groupby(key)[count].sum().nlargest(CHART_KEYS).index
    other = t("dashboard_other")
    out = frame.assign(**{key: frame[key].where(frame[key].isin(top), other)})
    return out.groupby([out.columns[0], key], as_index=False, sort=False)[count].sum()


def received_chart(table: Table) -> alt.Chart:
    frame = table.frame
    when, key, count = frame.columns[:3]
    data = folded(frame, key, count)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(f"{when}:O", title=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y(f"{count}:Q", title=count),
            color=alt.Color(f"{key}:N", title=key, legend=alt.Legend(orient="bottom", columns=1)),
            tooltip=[when, key, count],
        )
        .properties(height=340)
    )


def label_axis(column: str, sort: list[str] | None = None) -> alt.Y:
    """A bar chart's axis of names: in `sort`'s order (else the table's), labels kept whole
    up to 150 px and never dropped for overlapping."""
    return alt.Y(
        f"{column}:N",
        sort=sort,
        title=None,
        axis=alt.Axis(labelLimit=150, labelOverlap=False),
    )


def bars(table: Table, label_at: int, value_at: int, height: int = 34) -> alt.Chart:
    """Horizontal bars, one per row, in the table's order: long labels stay readable."""
    frame = table.frame
    name, value = frame.columns[label_at], frame.columns[value_at]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=label_axis(name),
            x=alt.X(f"{value}:Q", title=value),
            tooltip=list(frame.columns),
        )
        .properties(height=alt.Step(height))
    )


def unmet_chart(table: Table) -> alt.Chart:
    """Unmet requirements per sector, stacked by size band, the most unmet sector first."""
    frame = table.frame
    sector_col, size_col, _, unmet_col = frame.columns[:4]
    data = frame[frame[unmet_col] > 0]
    order = data.groupby(sector_col)[unmet_col].sum().sort_values(ascending=False).index
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=label_axis(sector_col, list(order)),
            x=alt.X(f"{unmet_col}:Q", title=unmet_col),
            color=alt.Color(
                f"{size_col}:N", title=size_col, legend=alt.Legend(orient="bottom", columns=1)
            ),
            tooltip=list(frame.columns),
        )
        .properties(height=alt.Step(24))  # a row's height, however many sectors
    )


def parks_chart(table: Table) -> alt.Chart:
    frame = table.frame
    park, measure, n = frame.columns[0], t("insights_column_measure"), t("insights_column_value")
    long = frame.melt(id_vars=[park], var_name=measure, value_name=n)
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=label_axis(park),
            x=alt.X(f"{n}:Q", title=None),
            color=alt.Color(f"{measure}:N", title=None, legend=alt.Legend(orient="bottom")),
            yOffset=f"{measure}:N",
            tooltip=[park, measure, n],
        )
        .properties(height=alt.Step(12))  # per bar: three bars a park
    )


st.header(t("dashboard_demand"))
for key in ("received_sector", "received_chain", "received_size", "received_zone"):
    section(found[key], received_chart(found[key]))

st.header(t("dashboard_unmet_demand"))
section(
    found["unmet"],
    unmet_chart(found["unmet"]) if not found["unmet"].frame.empty else None,
    wide_table=True,
)
section(found["unread_words"], None)
st.page_link(LEXICON_PAGE, label=t("dashboard_teach_words"), icon=":material/school:")
if not found["unread_words"].frame.empty:
    st.caption(plain(t("dashboard_words_hint")))

st.header(t("dashboard_pipeline"))
section(
    found["parks"],
    parks_chart(found["parks"]) if not found["parks"].frame.empty else None,
    wide_table=True,
)
section(found["funnel"], bars(found["funnel"], 0, 1))
section(found["statuses"], bars(found["statuses"], 0, 1))
section(found["outcomes"], bars(found["outcomes"], 0, 1))
section(found["timing"], None)
