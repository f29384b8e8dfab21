"""The case a staff member has open, kept as the page loaded it, and what they typed into it.

Every edit passes that view back to the workspace, which refuses it (StaleCaseError) if
someone saved the case in between: two people never overwrite each other silently. A refusal
loads the other person's version at once, and what this person typed stays where it was
(drafts are kept apart from widgets, which a rerun, a reorder or another's save would
reset), with the other version beside it. Drafts belong to the browser session: a reload
starts a new one (and shows what is stored). The open case's id also lives in the URL (?case=12), so
reload, back and a shared link return to it.

Not a page: st.navigation lists the pages explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import streamlit as st

from app_pages.common import lang, plain, signed_in_staff, staff_workspace, t
from matcher.errors import UserFacingError
from matcher.i18n import say
from matcher.models import Requirement
from matcher.workspace import CaseView, PreparedExport, StaleCaseError

OPEN_CASE = "open_case"
VIEWS = "case_views"
DRAFTS = "case_drafts"
SAID = "case_said"
PREPARED = "case_prepared_exports"
Kind = Literal["success", "error", "warning", "info"]
ICONS: dict[Kind, str] = {
    "success": ":material/check_circle:",
    "error": ":material/error:",
    "warning": ":material/warning:",
    "info": ":material/info:",
}


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
        views[case_id] = staff_workspace().cases.get(case_id)
    return views[case_id]


# ------------------------------------------------------------------ messages where one looks


def say_at(place: str, kind: Kind, text: str) -> None:
    """Keep a message for the next run, to be shown at `place` (beside the control used)."""
    st.session_state[SAID] = (place, kind, text)


def show_said(place: str) -> None:
    """The message kept for `place`, shown here and as a toast (seen wherever one scrolled)."""
    said = st.session_state.get(SAID)
    if not isinstance(said, tuple) or said[0] != place:
        return
    st.session_state.pop(SAID)
    _, kind, text = said
    with st.container(key=f"said_{place}"):
        getattr(st, kind)(plain(text), icon=ICONS[kind])
    st.toast(plain(text), icon=ICONS[kind])
    # What the run added above (the other person's version beside a field) may have pushed
    # the message off the screen: bring it back into view, as little as needed.
    st.html(
        f"<script>setTimeout(() => document.querySelector('.st-key-said_{place}')"
        "?.scrollIntoView({block: 'nearest'}), 100);</script>",
        unsafe_allow_javascript=True,
    )


def save(edit: Callable[[CaseView], CaseView], base: CaseView, place: str) -> CaseView:
    """Run one edit on `base` and keep the saved view. If someone else saved first, load
    their version and say so at `place`; the page's drafts keep what this person typed."""
    try:
        saved = edit(base)
    except StaleCaseError as error:
        loaded_view(base.id, fresh=True)
        say_at(place, "error", say("stale_case_kept", what=error.what).in_(lang()))
        st.rerun()
    except UserFacingError as error:  # a status not allowed, a park gone: one message
        say_at(place, "error", error.message.in_(lang()))
        st.rerun()
    st.session_state.setdefault(VIEWS, {})[saved.id] = saved
    return saved


# ----------------------------------------------------------------------------------- drafts


@dataclass(frozen=True)
class Draft:
    """Text typed into a field, and the stored value it was typed over."""

    text: str
    base: str


def _drafts() -> dict[tuple[int, str], Draft]:
    drafts: dict[tuple[int, str], Draft] = st.session_state.setdefault(DRAFTS, {})
    return drafts


def typed(case_id: int, field: str, stored: str) -> str:
    """What the field shows: the person's draft if they typed one, else the stored value."""
    draft = _drafts().get((case_id, field))
    return stored if draft is None else draft.text


def keep_draft(case_id: int, field: str, widget: str, stored: str) -> None:
    """A text field's on_change: keep what was typed, and what it was typed over."""
    text = st.session_state.get(widget, "")
    drafts = _drafts()
    before = drafts.get((case_id, field))
    base = stored if before is None else before.base
    if text == base:
        drafts.pop((case_id, field), None)
    else:
        drafts[(case_id, field)] = Draft(text=text, base=base)


def drop_draft(case_id: int, field: str) -> None:
    _drafts().pop((case_id, field), None)


def theirs(case_id: int, field: str, stored: str) -> str | None:
    """The other person's value, when they changed the field after this person began typing
    (and it differs from what was typed); else None."""
    draft = _drafts().get((case_id, field))
    if draft is None or draft.base == stored or draft.text == stored:
        return None
    return stored


def use_theirs(case_id: int, field: str) -> None:
    """A button's on_click: drop the draft; the field, under a new key, shows the stored
    value (a browser keeps what a field under the same key holds, whatever the server says)."""
    drop_draft(case_id, field)
    generations: dict[tuple[int, str], int] = st.session_state.setdefault(DRAFTS + "_gen", {})
    generations[(case_id, field)] = generations.get((case_id, field), 0) + 1


def generation(case_id: int, field: str) -> str:
    """A suffix for a field's widget key that changes when the person takes their version."""
    count = st.session_state.get(DRAFTS + "_gen", {}).get((case_id, field), 0)
    return f"_g{count}" if count else ""


def requirement_draft(case_id: int) -> Requirement | None:
    """A requirement this person saved while someone else changed the case: kept to edit."""
    kept = st.session_state.get(DRAFTS + "_requirement", {}).get(case_id)
    return kept if isinstance(kept, Requirement) else None


def keep_requirement_draft(case_id: int, requirement: Requirement | None) -> None:
    kept: dict[int, Requirement] = st.session_state.setdefault(DRAFTS + "_requirement", {})
    if requirement is None:
        kept.pop(case_id, None)
    else:
        kept[case_id] = requirement


# ---------------------------------------------------------------------------------- exports


def prepared_export(view: CaseView, fmt: str, language: str) -> PreparedExport:
    """The export's file for this version of the case, made once per version and language
    (a PDF takes most of a second): recorded only when downloaded."""
    key = (view.id, view.version, fmt, language)
    made: dict[tuple[int, int, str, str], PreparedExport] = st.session_state.setdefault(
        PREPARED, {}
    )
    if key not in made:
        for old in [k for k in made if k[0] == view.id and k[1] != view.version]:
            del made[old]
        made[key] = staff_workspace().shortlists.prepare_export(
            view.id,
            "xlsx" if fmt == "xlsx" else "pdf" if fmt == "pdf" else "csv",
            "en" if language == "en" else "zh",
        )
    return made[key]


def record_download(prepared: PreparedExport, actor: str) -> None:
    """A download button's on_click: the export is recorded when the person takes the file,
    and the run that follows lists it; nothing is recorded once the session has ended."""
    if signed_in_staff() is None:
        return
    staff_workspace().shortlists.record_prepared(prepared, actor=actor)
    say_at("exports", "success", t("export_recorded", file=t(f"format_{prepared.format}")))
