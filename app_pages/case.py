"""Case page (staff): one investor's enquiry, its id in the URL (?case=12). The contact and
status, the requirement (editing it ranks again: a new snapshot, older ones kept), the latest
ranking (ticks belong to that snapshot), the case's shortlist with notes, order and what
changed since each park was added, and exports that are recorded."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.case_state import case_id_from_url, export_file, loaded_view, save, show_stale
from app_pages.common import (
    lang,
    local_time,
    park_label,
    plain,
    ranker,
    require_staff,
    t,
    workspace,
)
from app_pages.ranking import show_ranking
from app_pages.requirement_form import read_requirement, requirement_fields
from matcher.display import shown_score
from matcher.errors import UserFacingError
from matcher.lexicon import best_fit_if_missed
from matcher.views import header, match_fit_words
from matcher.workspace import CaseNotFoundError, CaseView

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = (("csv", "text/csv"), ("xlsx", XLSX_MIME), ("pdf", "application/pdf"))


def show_header(view: CaseView) -> None:
    st.title(t("case_title", case=view.id))
    # The investor's own words: st.text shows them as typed, never as markdown.
    st.text(" · ".join(x for x in (view.company, view.contact_person) if x) or "—")
    facts = [
        t("field_value", field=t("case_source"), value=t("source_" + view.source.value)),
        t(
            "field_value",
            field=t("case_updated"),
            value=t("by_whom", what=local_time(view.updated_at), who=view.updated_by),
        ),
    ]
    if view.consent_at is not None:
        facts.append(
            t("field_value", field=t("case_consent_at"), value=local_time(view.consent_at))
        )
    else:
        facts.append(t("case_no_consent"))
    st.caption(plain(" · ".join(facts)))
    if view.contact:
        st.text(t("field_value", field=t("case_contact"), value=view.contact))


def show_status(view: CaseView, actor: str) -> None:
    left, right = st.columns([2, 3])
    left.markdown(
        t("field_value", field=f"**{t('status')}**", value=t("status_" + view.status.value))
    )
    options = [s.value for s in view.next_statuses]
    target = right.selectbox(
        t("status_next"),
        options=options,
        format_func=lambda s: t("status_" + s),
        key=f"case_{view.id}_v{view.version}_status",
    )
    if (
        right.button(t("change_status"), key=f"case_{view.id}_status_button")
        and target
        and save(lambda base: workspace().cases.set_status(base, target, actor=actor), view)
    ):
        st.rerun()


def show_requirement(view: CaseView, actor: str) -> None:
    snapshot = view.snapshot
    snap = snapshot.id if snapshot else 0
    with st.expander(t("edit_requirement")):
        with st.form(f"case_{view.id}_requirement"):
            # Keys name the snapshot: after a save the form shows the stored requirement.
            cells = requirement_fields(prefix=f"case{view.id}_s{snap}_", initial=view.requirement)
            submitted = st.form_submit_button(t("save_requirement"), type="primary")
        if submitted:
            requirement = read_requirement(cells)
            if requirement is not None and save(
                lambda base: workspace().cases.set_requirement(base, requirement, actor=actor), view
            ):
                st.rerun()
    if view.snapshot_count > 1:
        st.caption(t("snapshots_kept", count=view.snapshot_count - 1))


def show_shortlist(view: CaseView, actor: str) -> None:
    ws = workspace()
    st.subheader(t("case_shortlist"))
    if not view.shortlist:
        st.info(t("shortlist_empty"))
    order = [e.park_id for e in view.shortlist]
    notes: dict[str, str] = {}
    # Widget keys carry the case's version: after any save they show what was stored.
    stem = f"case_{view.id}_v{view.version}"
    for index, entry in enumerate(view.shortlist):
        with st.container(border=True):
            st.markdown(f"**{index + 1}. {plain(park_label(entry.park_id))}**")
            # One row of buttons at any width (columns would stack them on a phone).
            buttons = st.container(horizontal=True)
            moved = list(order)
            if buttons.button(t("move_up"), key=f"{stem}_up_{entry.park_id}", disabled=index == 0):
                moved[index - 1], moved[index] = moved[index], moved[index - 1]
            if buttons.button(
                t("move_down"), key=f"{stem}_down_{entry.park_id}", disabled=index == len(order) - 1
            ):
                moved[index + 1], moved[index] = moved[index], moved[index + 1]
            if moved != order and save(
                lambda base, ids=moved: ws.shortlists.reorder(base, ids, actor=actor), view
            ):
                st.rerun()
            if buttons.button(t("remove"), key=f"{stem}_remove_{entry.park_id}") and save(
                lambda base, pid=entry.park_id: ws.shortlists.remove(base, pid, actor=actor),
                view,
            ):
                st.rerun()
            stored = entry.stored
            scale = ranker().catalogue.tuning.shown
            st.caption(
                plain(
                    " · ".join(
                        [
                            f"{header('score', lang())} {shown_score(stored, scale):.1f}",
                            match_fit_words(stored).in_(lang()),
                            t("by_whom", what=local_time(entry.added_at), who=entry.added_by),
                        ]
                    )
                )
            )
            change = entry.change_text(lang(), scale)
            if change:
                st.warning(plain(change))
            notes[entry.park_id] = st.text_input(
                t("note_for", park=entry.park_id),
                value=entry.note,
                key=f"{stem}_note_{entry.park_id}",
                max_chars=1000,
            )
    overall = st.text_area(
        t("shortlist_note"), value=view.shortlist_note, key=f"{stem}_overall", max_chars=4000
    )
    if st.button(t("save_notes"), key=f"{stem}_save_notes"):
        current = view
        for park_id, note in notes.items():
            stored_note = next(e.note for e in current.shortlist if e.park_id == park_id)
            if note != stored_note:
                saved = save(
                    lambda base, p=park_id, n=note: ws.shortlists.set_note(base, p, n, actor=actor),
                    current,
                )
                if saved is None:
                    return
                current = saved
        if overall.strip() != current.shortlist_note and (
            save(lambda base: ws.cases.update(base, actor=actor, shortlist_note=overall), current)
            is None
        ):
            return
        st.session_state["case_flash"] = t("saved")
        st.rerun()


def show_exports(view: CaseView, actor: str) -> None:
    ws = workspace()
    if view.shortlist:
        language = lang()
        downloads = st.container(horizontal=True)
        for fmt, mime in EXPORTS:
            # Deferred: the file is made, and its export recorded, when the button is clicked.
            downloads.download_button(
                t(f"download_{fmt}"),
                data=lambda fmt=fmt: export_file(ws, view.id, fmt, language, actor),
                file_name=f"case-{view.id}-shortlist.{fmt}",
                mime=mime,
                key=f"case_{view.id}_download_{fmt}",
                on_click="ignore",
            )
    st.subheader(t("exports"))
    # Export records are only ever added: read them as they are now.
    records = ws.cases.get(view.id).exports
    if not records:
        st.caption(t("exports_none"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("exported_at"): [local_time(r.created_at) for r in records],
                t("export_format"): [t(f"format_{r.format}") for r in records],
                header("park_id", lang()): [", ".join(r.park_ids) for r in records],
                t("export_by"): [r.created_by for r in records],
            }
        ),
        hide_index=True,
    )


staff = require_staff()
case_id = case_id_from_url()
if case_id is None:
    st.title(t("page_case"))
    st.info(t("case_missing"))
    st.stop()
try:
    # Arriving from another page reads the case again; reruns of this page keep the view
    # the staff member is working on, so a save made by someone else is noticed.
    view = loaded_view(case_id, fresh=bool(st.session_state.get("page_entered")))
except CaseNotFoundError:
    st.title(t("page_case"))
    st.error(t("field_value", field=t("case_not_found"), value=case_id))
    st.stop()

show_header(view)
show_stale(view.id)
flash = st.session_state.pop("case_flash", None)
if flash:
    st.success(flash)
try:
    show_status(view, staff.username)
    show_requirement(view, staff.username)
    snapshot = view.snapshot
    if snapshot is not None:
        if view.ranking_outdated:
            st.warning(t("ranking_outdated"))
            if st.button(t("rank_again"), key=f"case_{view.id}_refresh") and save(
                lambda base: workspace().cases.refresh_ranking(base, actor=staff.username), view
            ):
                st.rerun()
        words = snapshot.requirement.sector_text
        if words and best_fit_if_missed(ranker(), words) is not None:
            # Above the ranking: the first thing to fix when no park fits for want of words.
            st.page_link(
                "app_pages/lexicon.py",
                label=t("lexicon_teach_this"),
                icon=":material/school:",
                query_params={"term": words[:40]},
            )
        # The grid's key names this snapshot: ticks never carry over to another ranking.
        picked = show_ranking(
            snapshot.requirement,
            list(snapshot.matches),
            key=f"case_{view.id}_snapshot_{snapshot.id}",
            selectable=True,
        )
        st.caption(t("select_rows_help"))
        if st.button(
            t("add_to_shortlist"), disabled=not picked, key=f"case_{view.id}_add_shortlist"
        ) and save(
            lambda base: workspace().shortlists.add(base, picked, actor=staff.username), view
        ):
            st.session_state["case_flash"] = t("added") + ": " + "、".join(picked)
            st.rerun()
    show_shortlist(view, staff.username)
    show_exports(view, staff.username)
except UserFacingError as error:  # a status not allowed, a park gone: one message
    st.error(plain(error.message.in_(lang())))
