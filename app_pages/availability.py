"""Keeping a park's space available current (staff, on the Parks page): record a new figure,
or confirm the current one is still accurate in one click; the park's history below.
The rules (what may be recorded, staleness, re-matching open cases) are the library's."""

from __future__ import annotations

import streamlit as st

from app_pages.common import catalogue, lang, local_time, park_label, t, workspace
from matcher.availability import (
    AvailabilitySource,
    AvailabilityStatus,
    figure_words,
    provenance_words,
)
from matcher.errors import UserFacingError
from matcher.workspace import Staff
from matcher.workspace.roles import Action, can

FORM_KEYS = ("availability_area", "availability_below", "availability_start", "availability_source")


def keep_current(staff: Staff) -> None:
    """The Parks page's part for staff: one park's figure, its history, "still accurate" and
    a form for a new figure."""
    ws = workspace()
    space = ws.availability.snapshot()
    st.subheader(t("availability_heading"))
    stale = sorted(space.stale)
    if stale:
        st.warning(t("availability_stale_parks", parks=", ".join(stale)))
    # An operator records only their own park (matcher.workspace.roles decides; the library
    # refuses the rest too).
    parks = [
        p.park_id
        for p in catalogue().parks
        if can(staff, Action.RECORD_AVAILABILITY, park_id=p.park_id)
    ]
    if not parks:
        return
    park_id = st.selectbox(
        t("availability_park"),
        options=parks,
        format_func=park_label,
        key="availability_park",
    )
    current = space.records.get(park_id)
    if current is None:
        st.info(t("availability_not_recorded"))
    else:
        line = t(
            "availability_current",
            figure=figure_words(current).in_(lang()),
            source=provenance_words(current).in_(lang()),
        )
        if park_id in space.stale:
            line = t("availability_stale", figure=line)
        st.text(line)
        if st.button(t("availability_still_accurate"), key="availability_confirm"):
            ws.availability.confirm(park_id, actor=staff)
            st.toast(t("availability_confirmed"))
            st.rerun()
    # Kept after a refused save (nothing typed is lost); emptied after a recorded one.
    with st.form("availability_form"):
        a, b, c = st.columns(3)
        area = a.number_input(
            t("availability_area"), min_value=0, step=500, value=None, key="availability_area"
        )
        below = b.number_input(
            t("availability_underground"),
            min_value=0,
            step=500,
            value=None,
            key="availability_below",
        )
        start = c.date_input(
            t("availability_from"), value=None, format="YYYY-MM-DD", key="availability_start"
        )
        d, e = st.columns(2)
        status = d.selectbox(
            t("availability_status"),
            options=[s.value for s in AvailabilityStatus],
            format_func=lambda s: t(f"availability_status_{s}"),
            key="availability_status",
        )
        source = e.selectbox(
            t("availability_source"),
            options=[s.value for s in AvailabilitySource],
            format_func=lambda s: t(f"availability_source_{s}"),
            index=None,  # never a guessed source
            placeholder=t("choose"),
            key="availability_source",
        )
        saved = st.form_submit_button(t("availability_save"), key="availability_save")
    if saved:
        if area is None:
            st.error(t("availability_give_area"))
        elif source is None:
            st.error(t("availability_give_source"))
        else:
            try:
                ws.availability.record(
                    park_id,
                    area_m2=float(area),
                    underground_m2=None if below is None else float(below),
                    available_from=start,
                    status=status,
                    source=source,
                    actor=staff,
                )
            except UserFacingError as error:
                st.error(error.message.in_(lang()))
            else:
                for key in FORM_KEYS:
                    st.session_state.pop(key, None)
                st.toast(t("availability_saved"))
                st.rerun()
    history = ws.availability.history(park_id)
    if history:
        with st.expander(t("availability_history")):
            st.text(
                "\n".join(
                    t(
                        "availability_history_check"
                        if entry.kind == "check"
                        else "availability_history_record",
                        when=local_time(entry.at),
                        who=entry.by,
                        figure=figure_words(entry.record).in_(lang()),
                        source=t(f"availability_source_{entry.record.source.value}"),
                    )
                    for entry in history
                )
            )
