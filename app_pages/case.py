"""Case page (staff): one investor's enquiry, its id in the URL (?case=12), read top-down:
who asked, what they asked, the status and the next step, the shortlist with its notes and
exports; then the full ranking (ticks belong to that snapshot) and the requirement's edit
in tabs. Every message appears beside the control used, and as a toast."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.brief_preview import show_brief_preview
from app_pages.case_state import (
    case_id_from_url,
    drop_draft,
    generation,
    keep_draft,
    keep_requirement_draft,
    loaded_view,
    prepared_export,
    record_download,
    requirement_draft,
    save,
    say_at,
    show_said,
    theirs,
    typed,
    use_theirs,
)
from app_pages.common import (
    catalogue,
    lang,
    local_time,
    park_label,
    plain,
    ranker,
    require_staff,
    staff_workspace,
    t,
    workspace,
)
from app_pages.ranking import show_ranking
from app_pages.requirement_form import read_requirement, requirement_fields
from matcher.display import shown_score
from matcher.lexicon import best_fit_if_missed
from matcher.views import header, match_fit_words, requirement_lines
from matcher.workspace import CaseNotFoundError, CaseOutcome, CaseStatus, CaseView

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = (("csv", "text/csv"), ("xlsx", XLSX_MIME))


def show_header(view: CaseView) -> None:
    st.title(t("case_title", case=view.id))
    # The investor's own words: st.text shows them as typed, never as markdown.
    st.text(" · ".join(x for x in (view.company, view.contact_person) if x) or "—")
    if view.contact:
        st.text(t("field_value", field=t("case_contact"), value=view.contact))
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


def show_asked(view: CaseView) -> None:
    """What the investor asked, in words, always in sight (its edit is in a tab below)."""
    st.subheader(t("case_asked"))
    requirement = view.snapshot.requirement if view.snapshot else view.requirement
    lines = requirement_lines(requirement, catalogue(), ranker().default_weights)
    if not lines:
        st.caption(t("case_asked_nothing"))
    # The investor's own words are among these: plain text, never markdown.
    st.text("\n".join(f"{field.in_(lang())}: {words.in_(lang())}" for field, words in lines))
    if view.snapshot_count > 1:
        st.caption(t("snapshots_kept", count=view.snapshot_count - 1))


def show_pipeline(view: CaseView, actor: str) -> None:
    """The case's owner (changeable), its deadlines and whether it is late, and how a
    closed case ended."""
    facts = []
    if view.outcome is not None:
        ended = t("outcome_" + view.outcome.value)
        if view.outcome_park_id:
            ended += f" · {park_label(view.outcome_park_id)}"
        facts.append(t("field_value", field=t("case_outcome"), value=ended))
    late_first, late_list = staff_workspace().cases.overdue(view.id)
    for due, late, name in (
        (view.first_response_due, late_first, "case_first_response_due"),
        (view.shortlist_due, late_list, "case_shortlist_due"),
    ):
        if due is not None:
            when = local_time(due) + (f" · {t('case_overdue')}" if late else "")
            facts.append(t("field_value", field=t(name), value=when))
    if facts:
        st.caption(plain(" · ".join(facts)))
    # Who may own a case is read, not managed: any signed-in colleague may see the names.
    accounts = [s for s in workspace().staff.all() if s.active or s.id == view.assigned_staff_id]
    names = {s.id: s.username for s in accounts}
    row = st.container(horizontal=True, vertical_alignment="bottom")
    owner = row.selectbox(
        t("case_owner"),
        options=list(names),
        format_func=lambda i: plain(names[i]),
        index=list(names).index(view.assigned_staff_id)
        if view.assigned_staff_id in names
        else None,
        placeholder=t("case_no_owner"),
        key=f"case_{view.id}_v{view.version}_owner",
        width=240,
    )
    if (
        row.button(t("case_set_owner"), key=f"case_{view.id}_owner_button")
        and owner is not None
        and owner != view.assigned_staff_id
        and save(
            lambda base: staff_workspace().cases.update(base, actor=actor, assigned_staff_id=owner),
            view,
            "status",
        )
    ):
        say_at("status", "success", t("case_owner_set", owner=names[owner]))
        st.rerun()


def show_status(view: CaseView, actor: str) -> None:
    st.markdown(
        t("field_value", field=f"**{t('status')}**", value=t("status_" + view.status.value))
        + " · "
        + t("next_step_" + view.status.value)
    )
    show_pipeline(view, actor)
    row = st.container(horizontal=True, vertical_alignment="bottom")
    options = [s.value for s in view.next_statuses]
    target = row.selectbox(
        t("status_next"),
        options=options,
        format_func=lambda s: t("status_" + s),
        key=f"case_{view.id}_v{view.version}_status",
        width=240,
    )
    outcome, park = None, None
    if target == CaseStatus.CLOSED.value:
        # Closing asks how the case ended, and where a landed case landed.
        outcome = row.selectbox(
            t("case_outcome"),
            options=[o.value for o in CaseOutcome],
            format_func=lambda o: t("outcome_" + o),
            index=None,
            placeholder=t("choose"),
            key=f"case_{view.id}_v{view.version}_outcome",
            width=240,
        )
        if outcome == CaseOutcome.LANDED.value:
            listed = [e.park_id for e in view.shortlist]
            others = [p.park_id for p in catalogue().parks if p.park_id not in listed]
            park = row.selectbox(
                t("case_outcome_park"),
                options=listed + others,
                format_func=park_label,
                index=None,
                placeholder=t("choose"),
                key=f"case_{view.id}_v{view.version}_outcome_park",
                width=300,
            )
    if (
        row.button(t("change_status"), key=f"case_{view.id}_status_button")
        and target
        and save(
            lambda base: staff_workspace().cases.set_status(
                base, target, actor=actor, outcome=outcome, outcome_park_id=park
            ),
            view,
            "status",
        )
    ):
        say_at("status", "success", t("status_changed", status=t("status_" + target)))
        st.rerun()
    show_said("status")


def note_field(
    view: CaseView, field: str, label: str, stored: str, area: bool = False
) -> tuple[str, str]:
    """A note that keeps what was typed through reorders, reruns and a refusal; the other
    person's version beside it when they changed it meanwhile. Returns (typed, stored)."""
    widget = f"case_{view.id}_v{view.version}_{field}" + generation(view.id, field)
    args = (view.id, field, widget, stored)
    # One line for a park's note, several for the shortlist's (the library's limits).
    field_widget = st.text_area if area else st.text_input
    text = field_widget(
        label,
        value=typed(view.id, field, stored),
        key=widget,
        max_chars=4000 if area else 1000,
        on_change=keep_draft,
        args=args,
    )
    other = theirs(view.id, field, stored)
    if other is not None:
        with st.container(border=True):
            st.caption(t("their_version"))
            st.text(other or t("empty_value"))
            st.button(
                t("use_their_version"),
                key=f"{widget}_theirs",
                on_click=use_theirs,
                args=(view.id, field),
            )
    return text, stored


def show_shortlist(view: CaseView, actor: str) -> None:
    ws = staff_workspace()
    st.subheader(t("case_shortlist"))
    show_said("shortlist")
    if not view.shortlist:
        st.info(t("shortlist_empty"))
    order = [e.park_id for e in view.shortlist]
    notes: dict[str, tuple[str, str]] = {}
    stem = f"case_{view.id}_v{view.version}"
    scale = ranker().catalogue.tuning.shown
    for index, entry in enumerate(view.shortlist):
        with st.container(border=True):
            st.markdown(f"**{index + 1}. {plain(park_label(entry.park_id))}**")
            stored = entry.stored
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
                lambda base, ids=moved: ws.shortlists.reorder(base, ids, actor=actor),
                view,
                "shortlist",
            ):
                st.rerun()
            if buttons.button(t("remove"), key=f"{stem}_remove_{entry.park_id}") and save(
                lambda base, pid=entry.park_id: ws.shortlists.remove(base, pid, actor=actor),
                view,
                "shortlist",
            ):
                for kind in ("investor", "internal"):  # gone with the park, not kept for later
                    drop_draft(view.id, note_field_name(kind, entry.park_id))
                say_at("shortlist", "success", t("removed", park=park_label(entry.park_id)))
                st.rerun()
            # Two kinds of note: for the investor (printed in the brief and exports) and
            # internal (never leaves the workspace).
            notes[("investor", entry.park_id)] = note_field(
                view,
                f"investor_note_{entry.park_id}",
                t("investor_note_for", park=entry.park_id),
                entry.investor_note,
            )
            notes[("internal", entry.park_id)] = note_field(
                view, f"note_{entry.park_id}", t("note_for", park=entry.park_id), entry.note
            )
    if view.shortlist:
        notes[("investor", "")] = note_field(
            view, "investor_overall", t("investor_note_overall"), view.investor_note, area=True
        )
    notes[("internal", "")] = note_field(
        view, "overall", t("shortlist_note"), view.shortlist_note, area=True
    )
    if st.button(t("save_notes"), key=f"{stem}_save_notes", type="primary"):
        save_notes(view, notes, actor)
    show_said("notes")


Note = tuple[str, str]  # (for whom: "investor" or "internal", park id or "" for the case)


def save_notes(view: CaseView, notes: dict[Note, tuple[str, str]], actor: str) -> None:
    """Save every note that differs from what is stored, in one edit: all or none."""
    changed = {
        (park_id, kind == "investor"): text
        for (kind, park_id), (text, stored) in notes.items()
        if text.strip() != stored.strip()
    }
    if changed:
        save(
            lambda base: staff_workspace().shortlists.set_notes(base, changed, actor=actor),
            view,
            "notes",
        )
    for kind, park_id in notes:
        drop_draft(view.id, note_field_name(kind, park_id))
    count = len(changed)
    say_at("notes", "success", t("notes_saved", count=count) if count else t("notes_unchanged"))
    st.rerun()


def note_field_name(kind: str, park_id: str) -> str:
    """The draft's name of a note (as note_field keys it)."""
    prefix = "investor_" if kind == "investor" else ""
    return prefix + (f"note_{park_id}" if park_id else "overall")


def show_exports(view: CaseView, actor: str) -> None:
    if not view.shortlist or view.snapshot is None:
        return
    st.subheader(t("exports"))
    st.caption(t("brief_prints_what") + " " + t("exports_help"))
    language = lang()
    downloads = st.container(horizontal=True)
    with downloads:
        # The brief is downloaded from its preview: seen before it leaves the office.
        show_brief_preview(view, actor)
    for fmt, mime in EXPORTS:
        # The file is made once per version of the case; downloading it records the export
        # (on the click) and the run that follows lists it below.
        prepared = prepared_export(view, fmt, language)
        downloads.download_button(
            t(f"download_{fmt}"),
            data=prepared.data,
            file_name=prepared.file_name,
            mime=mime,
            key=f"case_{view.id}_download_{fmt}",
            on_click=record_download,
            args=(prepared, actor),
        )
    show_said("exports")
    # Export records are only ever added: read them as they are now.
    records = staff_workspace().cases.get(view.id).exports
    lists = staff_workspace().park_lists
    if not records:
        st.caption(t("exports_none"))
        return
    # A plain table: a few rows that wrap at any width, newest first.
    st.table(
        pd.DataFrame(
            {
                t("exported_at"): [local_time(r.created_at) for r in records],
                t("export_format"): [t(f"format_{r.format}") for r in records],
                header("park_id", lang()): [", ".join(r.park_ids) for r in records],
                t("export_by"): [r.created_by for r in records],
                t("park_list_col_version"): [lists.words(r.park_list).in_(lang()) for r in records],
            }
        )[::-1],
        hide_index=True,
    )


def show_ranking_tab(view: CaseView, actor: str) -> None:
    snapshot = view.snapshot
    if snapshot is not None:
        ranked_on = staff_workspace().park_lists.words(snapshot.park_list)
        st.caption(t("ranked_on_park_list", list=ranked_on.in_(lang())))
    if view.ranking_outdated:
        st.warning(t("ranking_outdated"))
        if st.button(t("rank_again"), key=f"case_{view.id}_refresh") and save(
            lambda base: staff_workspace().cases.refresh_ranking(base, actor=actor), view, "ranking"
        ):
            st.rerun()
    show_said("ranking")
    if snapshot is None:
        return
    words = snapshot.requirement.sector_text
    if words and best_fit_if_missed(ranker(), words) is not None:
        # Above the ranking: the first thing to fix when no park fits for want of words.
        st.page_link(
            "app_pages/lexicon.py",
            label=t("lexicon_teach_this"),
            icon=":material/school:",
            query_params={"term": words[:40]},
        )
    # The add button sits above the grid, its message beside it: both in sight of the ticks.
    add = st.container(horizontal=True, vertical_alignment="center")
    said = st.container()
    # The grid's key names this snapshot: ticks never carry over to another ranking.
    picked = show_ranking(
        snapshot.requirement,
        list(snapshot.matches),
        key=f"case_{view.id}_snapshot_{snapshot.id}",
        selectable=True,
    )
    add.caption(t("select_rows_help"))
    if add.button(
        t("add_to_shortlist"),
        disabled=not picked,
        key=f"case_{view.id}_add_shortlist",
        type="primary",
    ) and save(
        lambda base: staff_workspace().shortlists.add(base, picked, actor=actor), view, "added"
    ):
        say_at("added", "success", t("added") + ": " + "、".join(picked))
        st.rerun()
    with said:
        show_said("added")


def show_requirement_edit(view: CaseView, actor: str) -> None:
    snapshot = view.snapshot
    snap = snapshot.id if snapshot else 0
    draft = requirement_draft(view.id)
    if draft is not None:
        st.caption(t("requirement_draft_kept"))
    with st.form(f"case_{view.id}_requirement"):
        # Keys name the snapshot: after a save the form shows the stored requirement, or the
        # person's own requirement when someone else's save refused theirs.
        cells = requirement_fields(
            prefix=f"case{view.id}_s{snap}_", initial=draft or view.requirement
        )
        submitted = st.form_submit_button(t("save_requirement"), type="primary")
    if submitted:
        requirement = read_requirement(cells)
        if requirement is not None:
            keep_requirement_draft(view.id, requirement)
            if save(
                lambda base: staff_workspace().cases.set_requirement(
                    base, requirement, actor=actor
                ),
                view,
                "requirement",
            ):
                keep_requirement_draft(view.id, None)
                say_at("requirement", "success", t("requirement_saved"))
                st.rerun()
    show_said("requirement")


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
show_asked(view)
show_status(view, staff.username)
show_shortlist(view, staff.username)
show_exports(view, staff.username)
ranking_tab, edit_tab = st.tabs([t("case_ranking_tab"), t("edit_requirement")])
with ranking_tab:
    show_ranking_tab(view, staff.username)
with edit_tab:
    show_requirement_edit(view, staff.username)
