"""Match page: the requirement form, the explained ranking, and one park's details."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import add_to_shortlist, area_facts, catalogue, lang, plain, ranker, t
from matcher.areas import AreaError
from matcher.display import how_to_read, shown_score
from matcher.exports import csv_bytes
from matcher.hints import ranking_hints
from matcher.models import Match, Requirement, Weights
from matcher.scoring import score_breakdown
from matcher.views import park_row, sector_name, sector_names, term_in_words, town_name


def read_form() -> Requirement | None:
    cat = catalogue()
    with st.form("requirement_form"):
        st.subheader(t("form_title"))
        left, middle, right = st.columns([2, 1, 1.5])
        sector_text = left.text_input(
            t("sector_text"), key="sector_text", help=t("sector_text_help")
        )
        sector_ids = left.multiselect(
            t("sector_pick"),
            options=[s.sector_id for s in cat.sectors],
            format_func=lambda sid: sector_name(cat.sector(sid), lang()),
            key="sector_ids",
            placeholder=t("choose"),
        )
        min_text = middle.text_input(t("min_area"), key="min_area", help=t("area_help"))
        max_text = middle.text_input(t("max_area"), key="max_area", help=t("area_help"))
        location_text = right.text_input(
            t("location_text"), key="location", help=t("location_help")
        )
        places = [p for p in cat.places if p.kind in ("zone", "town")]
        picked = right.multiselect(
            t("location_pick"),
            options=[p.place_id for p in places],
            format_func=lambda pid: next(
                p.name_zh if lang() == "zh" else p.name_en for p in places if p.place_id == pid
            ),
            key="places",
            placeholder=t("choose"),
        )
        with st.expander(t("advanced")):
            a, b, c = st.columns(3)
            default = ranker().default_weights  # from data/scoring.toml
            w_sector = a.slider(t("weight_sector"), 0.0, 1.0, default.sector, 0.05, key="w_sector")
            w_area = b.slider(t("weight_area"), 0.0, 1.0, default.area, 0.05, key="w_area")
            w_location = c.slider(
                t("weight_location"), 0.0, 1.0, default.location, 0.05, key="w_location"
            )
            hard_area = a.checkbox(t("hard_area"), key="hard_area")
            hard_location = b.checkbox(t("hard_location"), key="hard_location")
            c.checkbox(t("hide_unfit"), key="hide_unfit")
        submitted = st.form_submit_button(t("submit"), type="primary")
    if not submitted and "current_requirement" not in st.session_state:
        return None
    try:
        requirement = Requirement.from_cells(
            sector_text=sector_text,
            sector_ids=tuple(sector_ids),
            min_area=min_text,
            max_area=max_text,
            location=location_text,
            place_ids=tuple(picked),
            weights=_changed(Weights(sector=w_sector, area=w_area, location=w_location)),
            area_is_hard=hard_area,
            location_is_hard=hard_location,
            area_limit_m2=ranker().area_limit_m2,
        )
    except AreaError as error:
        # The message quotes what the user typed: escaped, so it is never read as markdown.
        st.error(f"{t('bad_area')}: {plain(error)}")
        st.stop()  # one message per mistake: no "fill in something" box beneath it
    st.session_state["current_requirement"] = requirement
    return requirement


def _changed(weights: Weights) -> Weights | None:
    """None when the sliders still show the defaults, so exports say "default weights"."""
    return None if weights == ranker().default_weights else weights


def fit_text(match: Match) -> str:
    text = t(f"fit_{match.fit.value}")
    if match.excluded:
        return f"{text} · {t('excluded')}"
    if not match.feasible:
        return f"{text} · {t('cannot_fit')}"
    return text


def results_frame(matches: list[Match]) -> pd.DataFrame:
    cat = catalogue()
    rows = []
    for m in matches:
        park = cat.park(m.park_id)
        rows.append(
            {
                t("rank"): m.rank,
                t("park_id"): m.park_id,
                t("name"): park.name_zh,
                t("score"): shown_score(m),
                t("fit"): fit_text(m),
                t("sector"): m.sector.score,
                t("area"): m.area.score,
                t("location"): m.location.score,
                t("town"): town_name(park, lang()),
                t("total_area"): park.total_area_m2,
                t("above_ground_area"): park.above_ground_area_m2,
                t("sectors"): sector_names(park, cat, lang()),
                t("reasons"): m.reason(lang()),
            }
        )
    return pd.DataFrame(rows)


def show_results(requirement: Requirement) -> None:
    matches = ranker().rank(requirement)
    st.session_state["matches"] = matches
    if requirement.asks_sector and all(not (m.sector.score or 0) for m in matches):
        st.warning(t("no_sector_fit"))
    hints = ranking_hints(ranker(), requirement, matches)
    if hints:
        st.caption(t("hints") + ": " + " · ".join(h.zh if lang() == "zh" else h.en for h in hints))
    shown = (
        [m for m in matches if m.feasible and not m.excluded]
        if st.session_state.get("hide_unfit")
        else matches
    )
    st.subheader(t("results"))
    st.caption(how_to_read(lang()))
    frame = results_frame(shown)
    component = st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.2f")
    selection = st.dataframe(
        frame,
        hide_index=True,
        on_select="rerun",
        selection_mode="multi-row",
        key="results_table",
        column_config={
            t("score"): st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.1f"),
            t("sector"): component,
            t("area"): component,
            t("location"): component,
            t("total_area"): st.column_config.NumberColumn(format="%d"),
            t("above_ground_area"): st.column_config.NumberColumn(format="%d"),
            t("reasons"): st.column_config.TextColumn(width="large"),
        },
    )
    st.download_button(
        t("download_ranking"),
        data=csv_bytes(frame.assign(**{t("data_version"): catalogue().version})),
        file_name="ranking.csv",
        mime="text/csv",
        key="download_ranking",
    )
    picked_rows = list(selection.selection.rows) if selection else []
    st.caption(t("select_rows_help"))
    if st.button(t("add_to_shortlist"), disabled=not picked_rows, key="add_shortlist"):
        add_to_shortlist([shown[i].park_id for i in picked_rows])
        st.success(t("added") + ": " + ", ".join(shown[i].park_id for i in picked_rows))
    points = pd.DataFrame(
        {
            # "01 P05": the rank first, so the chart keeps the ranking's order.
            "park": [f"{m.rank:02d} {m.park_id}" for m in shown[:10]],
            t("sector"): [m.sector.points for m in shown[:10]],
            t("area"): [m.area.points for m in shown[:10]],
            t("location"): [m.location.points for m in shown[:10]],
        }
    )
    st.bar_chart(
        points,
        x="park",
        y=[t("sector"), t("area"), t("location")],
        stack=True,
        height=260,
    )
    show_details(shown)


def show_details(matches: list[Match]) -> None:
    st.subheader(t("details"))
    chosen = st.selectbox(
        t("details"),
        options=[m.park_id for m in matches],
        format_func=lambda pid: f"{pid} {catalogue().park(pid).name_zh}",
        key="detail_park",
        label_visibility="collapsed",
    )
    match = next(m for m in matches if m.park_id == chosen)
    park = catalogue().park(chosen)
    st.markdown(f"**{park.name_zh}**  \n{park.name_en}")
    left, right = st.columns(2)
    left.markdown(f"**{t('positioning_zh')}**")
    left.text(park.positioning_zh)
    left.markdown(f"**{t('positioning_en')}**")
    left.text(park.positioning_en)
    row = park_row(park, catalogue(), lang())
    facts = {
        t("location_zh"): park.location_zh,
        t("location_en"): park.location_en,
        t("town"): f"{row['town']} ({row['zone']})",
        **area_facts(park),
        t("notes"): row["notes"],
    }
    right.table(
        pd.DataFrame({t("field"): list(facts), "": list(facts.values())}).set_index(t("field"))
    )
    st.markdown(f"**{t('breakdown')}** — {t('score')} {shown_score(match):.1f}")
    # What each component added; the band a park starts from is an ordering rule, not merit.
    steps = [(s, v) for s, v in score_breakdown(match) if s != "band"]
    names = {"band": t("band"), "sector": t("sector"), "area": t("area"), "location": t("location")}
    st.bar_chart(
        pd.DataFrame({"step": [names[s] for s, _ in steps], t("score"): [v for _, v in steps]}),
        x="step",
        y=t("score"),
        horizontal=True,
        height=200,
    )
    if match.matched_terms:
        st.markdown(f"**{t('matched_terms')}**")
        # The user's own words appear in these lines: plain text, never markdown.
        st.text("\n".join(term_in_words(term, catalogue(), lang()) for term in match.matched_terms))
    # Reasons quote the user's own words: shown as plain text, never as markdown or HTML.
    st.text("\n".join(f"• {r}" for r in (match.reasons_zh if lang() == "zh" else match.reasons_en)))


st.title(t("app_title"))
requirement = read_form()
if requirement is None or not (
    requirement.asks_sector or requirement.asks_area or requirement.preferred_location.strip()
):
    st.info(t("empty_requirement"))
else:
    show_results(requirement)
