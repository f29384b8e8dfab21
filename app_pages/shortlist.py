"""Shortlist & export page: order, note and download the parks picked for an investor."""

from __future__ import annotations

import streamlit as st

from app_pages.common import add_to_shortlist, catalogue, lang, park_label, shortlist_ids, t
from matcher.shortlist import (
    Shortlist,
    ShortlistItem,
    matches_by_id,
    shortlist_csv,
    shortlist_frame,
    shortlist_pdf,
    shortlist_xlsx,
)


def move(index: int, step: int) -> None:
    ids = shortlist_ids()
    target = index + step
    if 0 <= target < len(ids):
        ids[index], ids[target] = ids[target], ids[index]


def remove(index: int) -> None:
    shortlist_ids().pop(index)


st.title(t("page_shortlist"))
cat = catalogue()
ids = shortlist_ids()
extra = st.multiselect(
    t("shortlist_add"),
    options=[p.park_id for p in cat.parks if p.park_id not in ids],
    format_func=park_label,
    key="shortlist_extra",
    placeholder=t("choose"),
)
if st.button(t("shortlist_add"), disabled=not extra, key="shortlist_add_button"):
    add_to_shortlist(extra)
    st.rerun()

if not ids:
    st.info(t("shortlist_empty"))
else:
    notes: dict[str, str] = st.session_state.setdefault("shortlist_notes", {})
    for index, park_id in enumerate(list(ids)):
        cols = st.columns([0.5, 4, 3, 0.8, 0.8, 0.9])
        cols[0].write(f"{index + 1}.")
        cols[1].write(park_label(park_id))
        notes[park_id] = cols[2].text_input(
            t("note"),
            value=notes.get(park_id, ""),
            key=f"note_{park_id}",
            label_visibility="collapsed",
        )
        cols[3].button(t("move_up"), key=f"up_{park_id}", on_click=move, args=(index, -1))
        cols[4].button(t("move_down"), key=f"down_{park_id}", on_click=move, args=(index, 1))
        cols[5].button(t("remove"), key=f"remove_{park_id}", on_click=remove, args=(index,))
    overall = st.text_area(t("shortlist_note"), key="shortlist_note")
    matches = matches_by_id(st.session_state.get("matches", []))
    shortlist = Shortlist(
        items=tuple(ShortlistItem(park_id=pid, note=notes.get(pid, "")) for pid in ids),
        note=overall,
        requirement=st.session_state.get("current_requirement"),
        data_version=cat.version,
    )
    frame = shortlist_frame(shortlist, cat, matches, lang())
    frame.columns = [t(c) for c in frame.columns]
    st.dataframe(frame, hide_index=True)
    stamp = shortlist.created_at.strftime("%Y%m%d-%H%M")
    exports = (
        ("csv", shortlist_csv, "text/csv"),
        (
            "xlsx",
            shortlist_xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("pdf", shortlist_pdf, "application/pdf"),
    )
    for column, (kind, render, mime) in zip(st.columns(len(exports)), exports, strict=True):
        column.download_button(
            t(f"download_{kind}"),
            data=render(shortlist, cat, matches, lang()),
            file_name=f"shortlist-{stamp}.{kind}",
            mime=mime,
            key=f"download_{kind}",
        )
