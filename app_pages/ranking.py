"""How a ranking is shown: a compact grid (all parks, ticks that belong to this ranking),
reason cards that read at any width, and charts that keep one colour per component."""

from __future__ import annotations

import hashlib

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app_pages.common import area_facts, availability_facts, catalogue, lang, plain, ranker, t
from app_pages.gate import PUBLIC_RANKING
from matcher.display import how_to_read, shown_breakdown, shown_score
from matcher.exports import csv_bytes
from matcher.hints import ranking_hints
from matcher.i18n import joined
from matcher.models import Match, Requirement
from matcher.views import (
    GRID_COLUMNS,
    header,
    match_fit_words,
    park_row,
    published_entry,
    ranked_rows,
    ranking_frame,
    source_words,
    table,
    term_in_words,
    town_name,
)

# One colour per step, the same in both languages.
COLOURS = {
    "fit_tier": "#9e9e9e",
    "sector": "#1f77b4",
    "area": "#2ca02c",
    "location": "#ff7f0e",
    "total": "#424242",
}
ROW_HEIGHT = 35
# Wide enough for the longest park name (21 characters): no name is cut at 1280 px.
NAME_WIDTH = 300
GRID_KEY = "ranking_grid_"
TICKS_KEY = "ranking_ticks_"
# Streamlit lays out in Python, so narrow screens are CSS: below 640 px a read-only ranking
# is its reason cards; the wide grid (a container keyed GRID_KEY...) is left out.
NARROW_SCREEN = f"""<style>
@media (max-width: 640px) {{ [class*="st-key-{GRID_KEY}"] {{ display: none; }} }}
</style>"""


def ranking_key(requirement: Requirement) -> str:
    """A key for widgets that belong to one ranking: a new search gets new ticks."""
    text = requirement.model_dump_json() + catalogue().version
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def col(column: str) -> str:
    """A column's header on this page: the same words as in every download."""
    return header(column, lang())


def score_of(match: Match) -> float:
    return shown_score(match, catalogue().tuning.shown)


def results_frame(matches: list[Match]) -> pd.DataFrame:
    """The grid: the ranking's rows (matcher/views.py), the columns that fit a screen. An
    unpublished area is an empty cell, never "None" or 0."""
    frame = table(ranked_rows(matches, catalogue(), lang()), GRID_COLUMNS, lang())
    return frame.fillna(np.nan).infer_objects()


def results_grid(matches: list[Match], key: str, selectable: bool = True) -> list[str]:
    """All parks without an inner scrollbar; returns the park ids ticked in this ranking.

    `key` must name the ranking (a case's snapshot id): ticks belong to it and never carry
    over to another one."""
    frame = results_frame(matches)
    selection = st.dataframe(
        frame,
        placeholder=t("unknown"),  # an unpublished area, as every page says it
        hide_index=True,
        on_select="rerun" if selectable else "ignore",
        selection_mode="multi-row",
        key=key,
        height=ROW_HEIGHT * (len(frame) + 1) + 3,
        column_config={
            # Widths in pixels: at 1280 px every column shows, the longest name uncut. No
            # rank column: rows come in ranking order, the score sorts the same way, and the
            # cards, the chart and the CSV carry the rank.
            col("park_id"): st.column_config.TextColumn(width=60),
            col("town"): st.column_config.TextColumn(width=128 if lang() == "en" else None),
            col("park_name_zh"): st.column_config.TextColumn(width=NAME_WIDTH),
            col("score"): st.column_config.ProgressColumn(
                min_value=0, max_value=100, format="%.1f", width=74
            ),
            col("above_ground_area"): st.column_config.NumberColumn(
                col("above_ground_area_short"), help=col("above_ground_area"), format="localized"
            ),
            col("total_area"): st.column_config.NumberColumn(
                col("total_area_short"), help=col("total_area"), format="localized"
            ),
        },
    )
    if not selectable:
        return []
    rows = list(selection.selection.rows) if selection else []
    return [matches[i].park_id for i in rows if i < len(matches)]


def reason_cards(matches: list[Match]) -> None:
    """Each park's reasons as a card: readable without scrolling, at 1280 px and at 390 px."""
    cat = catalogue()
    for m in matches:
        park = cat.park(m.park_id)
        with st.container(border=True):
            st.markdown(f"**{m.rank}. {m.park_id} {park.name_zh}**")
            st.caption(f"{park.name_en} · {town_name(park, lang())}")
            st.markdown(f"**{score_of(m):.1f}** · {match_fit_words(m).in_(lang())}")
            # Reasons quote the user's own words: plain text, never markdown.
            st.text("\n".join(f"• {r}" for r in m.reasons_in(lang())))


def _step_name(step: str) -> str:
    return t(step)


def points_chart(matches: list[Match]) -> None:
    """Stacked bars of the shown score of the first ten, in ranking order."""
    rows = []
    for m in matches[:10]:
        for step, value in shown_breakdown(m, catalogue().tuning.shown):
            rows.append({"park": f"{m.rank:02d} {m.park_id}", "step": step, "points": value})
    frame = pd.DataFrame(rows)
    frame["name"] = frame["step"].map(_step_name)
    steps = [s for s in COLOURS if s != "total"]
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("park:N", title=t("park"), sort=None),
            y=alt.Y("sum(points):Q", title=col("score"), scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "name:N",
                title=t("breakdown"),
                scale=alt.Scale(
                    domain=[_step_name(s) for s in steps], range=[COLOURS[s] for s in steps]
                ),
            ),
            order=alt.Order("order:Q"),
        )
        .transform_calculate(order=f"indexof({steps!r}, datum.step)")
        .properties(height=260)
    )
    st.altair_chart(chart, width="stretch")


def breakdown_chart(match: Match) -> None:
    """A waterfall in a fixed order: the fit tier, each component, and the total."""
    steps = shown_breakdown(match, catalogue().tuning.shown)
    rows = []
    start = 0.0
    for step, value in steps:
        rows.append({"step": step, "start": start, "end": start + value})
        start += value
    rows.append({"step": "total", "start": 0.0, "end": score_of(match)})
    frame = pd.DataFrame(rows)
    frame["name"] = [t("total") if s == "total" else _step_name(s) for s in frame["step"]]
    order = list(frame["name"])
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", title=None, sort=order),
            x=alt.X("start:Q", title=col("score"), scale=alt.Scale(domain=[0, 100])),
            x2="end:Q",
            color=alt.Color(
                "name:N",
                legend=None,
                scale=alt.Scale(domain=order, range=[COLOURS[s] for s in frame["step"]]),
            ),
        )
        .properties(height=40 * len(frame))
    )
    st.altair_chart(chart, width="stretch")


def show_ranking(
    requirement: Requirement, matches: list[Match], key: str, selectable: bool = False
) -> list[str]:
    """A ranking as everyone reads it: warnings, hints, the grid, a CSV, reason cards, the
    chart and one park's details. `key` names this ranking; returns the ticked park ids."""
    if requirement.asks_sector and all(not (m.sector.score or 0) for m in matches):
        seen = ranker().understand(requirement)
        advice = "" if seen.sector_hits else ranker().sector.unrecognised_reason(seen).in_(lang())
        # The advice quotes the user's words: escaped, never read as markdown.
        st.warning(t("no_sector_fit") + (f"  \n{plain(advice)}" if advice else ""))
    hints = ranking_hints(ranker(), requirement, matches)
    if hints:
        st.caption(t("field_value", field=t("hints"), value=joined(hints, "middle_dot")))
    st.subheader(t("results"))
    st.caption(how_to_read(lang(), catalogue().tuning.shown))
    hide = st.checkbox(t("hide_unfit"), key=f"{key}_hide_unfit")
    shown = [m for m in matches if m.feasible and not m.excluded] if hide else matches
    st.html(NARROW_SCREEN)
    # Staff tick parks in the grid: theirs shows at any width (keyed TICKS_KEY...).
    with st.container(key=(TICKS_KEY if selectable else GRID_KEY) + key):
        picked = results_grid(shown, key, selectable)
    st.download_button(
        t("download_ranking"),
        data=csv_bytes(ranking_frame(shown, catalogue(), lang())),
        # A staff page's ranking is a staff file: the gate serves it to staff only.
        file_name="case-ranking.csv" if selectable else PUBLIC_RANKING,
        mime="text/csv",
        key=f"{key}_download",
    )
    with st.expander(t("why_each_park"), expanded=True):
        reason_cards(shown[:5])
        if len(shown) > 5 and st.toggle(t("show_all"), key=f"{key}_all_cards"):
            reason_cards(shown[5:])
    points_chart(shown)
    if shown:
        show_details(shown, key)
    return picked


def show_details(matches: list[Match], key: str) -> None:
    st.subheader(t("details"))
    chosen = st.selectbox(
        t("details"),
        options=[m.park_id for m in matches],
        format_func=lambda pid: f"{pid} {catalogue().park(pid).name_zh}",
        key=f"{key}_detail",
        label_visibility="collapsed",
    )
    match = next(m for m in matches if m.park_id == chosen)
    park = catalogue().park(chosen)
    st.markdown(f"**{park.name_zh}**  \n{park.name_en}")
    left, right = st.columns(2)
    left.markdown(f"**{col('positioning_zh')}**")
    left.text(park.positioning_zh)
    left.markdown(f"**{col('positioning_en')}**")
    left.text(park.positioning_en)
    row = park_row(park, catalogue(), lang())
    facts = {
        col("location_zh"): park.location_zh,
        col("location_en"): park.location_en,
        col("town"): t("gloss", text=row["town"], gloss=row["zone"]),
        **area_facts(park),
        **availability_facts(park),
        col("notes"): row["notes"],
    }
    right.table(
        pd.DataFrame({col("field"): list(facts), "": list(facts.values())}).set_index(col("field"))
    )
    st.markdown(f"**{t('breakdown')}** — {col('score')} {score_of(match):.1f}")
    breakdown_chart(match)
    entry = published_entry(park.park_id, catalogue())
    with st.expander(t("field_value", field=col("source"), value=source_words(catalogue()))):
        if entry is not None:
            # The published text, exactly as the announcement gives it.
            st.text(
                "\n".join((entry.name_zh, entry.location_zh, entry.scale_zh, entry.positioning_zh))
            )
    if match.matched_terms:
        st.markdown(f"**{t('matched_terms')}**")
        # The user's own words appear in these lines: plain text, never markdown.
        st.text("\n".join(term_in_words(term, catalogue(), lang()) for term in match.matched_terms))
    # Reasons quote the user's own words: shown as plain text, never as markdown or HTML.
    st.text("\n".join(f"• {r}" for r in match.reasons_in(lang())))
