"""The case a staff member has open, kept as the page loaded it.

Every edit passes that view back to the workspace, which refuses it (StaleCaseError) if
someone saved the case in between: two people never overwrite each other silently. The
open case's id also lives in the URL (?case=12), so reload, back and a shared link return
to it, and in the session, so Compare → Case finds it again.

Not a page: st.navigation lists the pages explicitly.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app_pages.common import lang, plain, t, workspace
from matcher.i18n import Text
from matcher.workspace import CaseView, StaleCaseError, Workspace

OPEN_CASE = "open_case"
VIEWS = "case_views"


def case_id_from_url() -> int | None:
    """The case named in the URL; else the one last open (and the URL says it again)."""
    raw = st.query_params.get("case")
    if raw is not None:
        try:
            case_id = int(raw)
        except ValueError:
            return None
        st.session_state[OPEN_CASE] = case_id
        return case_id
    kept = st.session_state.get(OPEN_CASE)
    if isinstance(kept, int):
        st.query_params["case"] = str(kept)
        return kept
    return None


def open_case_id() -> int | None:
    kept = st.session_state.get(OPEN_CASE)
    return kept if isinstance(kept, int) else None


def loaded_view(case_id: int, fresh: bool = False) -> CaseView:
    """The view this session loaded (read again when `fresh`)."""
    views: dict[int, CaseView] = st.session_state.setdefault(VIEWS, {})
    if fresh or case_id not in views:
        views[case_id] = workspace().cases.get(case_id)
    return views[case_id]


def save(edit: Callable[[CaseView], CaseView], base: CaseView) -> CaseView | None:
    """Run one edit on `base`; keep the saved view, or say why nothing was saved."""
    try:
        saved = edit(base)
    except StaleCaseError as error:
        st.session_state["stale_message"] = error.message
        st.rerun()  # the page shows the message at its top, with a reload button
    st.session_state.setdefault(VIEWS, {})[saved.id] = saved
    st.session_state.pop("stale_message", None)
    return saved


def show_stale(case_id: int) -> None:
    """Someone else saved first: their change, nothing of ours saved, a reload button."""
    message = st.session_state.get("stale_message")
    if not isinstance(message, Text):
        return
    st.error(t("field_value", field=t("stale_case"), value=plain(message.in_(lang()))))
    if st.button(t("reload_case"), key="reload_case", type="primary"):
        st.session_state.pop("stale_message", None)
        loaded_view(case_id, fresh=True)
        st.rerun()


def export_file(ws: Workspace, case_id: int, fmt: str, language: str, actor: str) -> bytes:
    """The export's bytes, recorded when the file is made (on the click, not on a rerun)."""
    data, _record = ws.shortlists.export(
        case_id,
        "xlsx" if fmt == "xlsx" else "pdf" if fmt == "pdf" else "csv",
        "en" if language == "en" else "zh",
        actor=actor,
    )
    return data
