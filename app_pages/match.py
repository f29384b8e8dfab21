"""Match page: the requirement form, the explained ranking, and one park's details."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import (
    add_to_shortlist,
    area_facts,
    catalogue,
    lang,
    park_label,
    plain,
    ranker,
    t,
)
from app_pages.ranking import breakdown_chart, points_chart, ranking_key, reason_cards, results_grid
from matcher.areas import AreaError
from matcher.brief import source_words
from matcher.display import how_to_read, shown_score
from matcher.exports import csv_bytes
from matcher.hints import ranking_hints
from matcher.models import Match, Requirement, Weights
from matcher.views import park_row, published_entry, ranking_frame, sector_name, term_in_words


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
    key = "results_" + ranking_key(requirement)
    st.session_state["results_key"] = key
    picked = results_grid(shown, key)
    st.download_button(
        t("download_ranking"),
        data=csv_bytes(
            ranking_frame(shown, catalogue(), lang()).assign(
                **{t("data_version"): catalogue().version}
            )
        ),
        file_name="ranking.csv",
        mime="text/csv",
        key="download_ranking",
    )
    st.caption(t("select_rows_help"))
    if st.button(t("add_to_shortlist"), disabled=not picked, key="add_shortlist"):
        add_to_shortlist(picked)
        st.success(t("added") + ": " + "、".join(park_label(pid) for pid in picked))
    with st.expander(t("why_each_park"), expanded=True):
        reason_cards(shown[:5])
        if len(shown) > 5 and st.toggle(t("show_all"), key="all_cards"):
            reason_cards(shown[5:])
    points_chart(shown)
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
    breakdown_chart(match)
    entry = published_entry(park.park_id, catalogue())
    with st.expander(f"{t('source')}: {source_words(lang())}"):
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
    st.text("\n".join(f"• {r}" for r in (match.reasons_zh if lang() == "zh" else match.reasons_en)))


st.title(t("app_title"))
requirement = read_form()
if requirement is None or not (
    requirement.asks_sector or requirement.asks_area or requirement.preferred_location.strip()
):
    st.info(t("empty_requirement"))
else:
    show_results(requirement)
