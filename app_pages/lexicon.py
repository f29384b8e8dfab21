"""Lexicon page: staff teach the matcher an investor's word, after seeing what it changes."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from app_pages.common import (
    catalogue,
    lang,
    local_time,
    park_label,
    plain,
    ranker,
    require_staff,
    t,
    workspace,
)
from matcher.display import shown_score
from matcher.evaluation import gold_dir, gold_files
from matcher.lexicon import (
    TaughtEntry,
    TaughtTerm,
    TermPreview,
    lexicon_csv,
    preview_term,
    texts_to_teach,
)
from matcher.messages import Reason
from matcher.models import Match
from matcher.views import sector_name
from matcher.workspace import TaughtTermError

PREVIEW = "lexicon_preview_result"
TERM_ZH = "lexicon_term_zh"
RECENT_CASES = 300  # requirements scanned for words the matcher missed


def said(reason: Reason) -> str:
    return plain(reason.zh if lang() == "zh" else reason.en)


def sector_label(sector_id: str) -> str:
    return (
        t("lexicon_none") if not sector_id else sector_name(catalogue().sector(sector_id), lang())
    )


def segment_label(segment_id: str) -> str:
    segment = next(s for s in catalogue().segments if s.segment_id == segment_id)
    return segment.name_zh if lang() == "zh" else segment.name_en


def suggestions() -> None:
    """Words from recent cases the matcher did not understand; one can start the form."""
    st.subheader(t("lexicon_suggestions"))
    st.caption(t("lexicon_suggestions_help"))
    cases = workspace().inbox(limit=RECENT_CASES).rows
    missed = texts_to_teach(ranker(), (c.sector_text for c in cases))
    if not missed:
        st.caption(t("lexicon_no_suggestions"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("lexicon_text"): [m.text for m in missed],
                t("lexicon_best_fit"): [t("fit_" + m.best_fit.value) for m in missed],
                t("lexicon_times"): [m.times for m in missed],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    pick, go = st.columns([4, 1], vertical_alignment="bottom")
    chosen = pick.selectbox(t("lexicon_start_from"), [m.text for m in missed], key="lexicon_pick")
    if go.button(t("lexicon_use"), key="lexicon_use") and chosen:
        st.session_state[TERM_ZH] = chosen[:40]
        st.session_state.pop(PREVIEW, None)


def teach_form() -> TaughtTerm | None:
    """The form; the term it describes when "preview" was pressed with both words given."""
    st.subheader(t("lexicon_teach"))
    cat = catalogue()
    sector_ids = [s.sector_id for s in cat.sectors]
    with st.form("lexicon_form"):
        left, right = st.columns(2)
        term_zh = left.text_input(t("lexicon_term_zh"), key=TERM_ZH, max_chars=40)
        term_en = right.text_input(
            t("lexicon_term_en"),
            help=t("lexicon_term_en_help"),
            max_chars=200,
            key="lexicon_term_en",
        )
        left, middle, right = st.columns(3)
        sector = left.selectbox(
            t("lexicon_sector"),
            sector_ids,
            format_func=sector_label,
            index=None,  # no default: a mapping is a decision, never an accident
            placeholder=t("lexicon_choose"),
            key="lexicon_sector",
        )
        secondary = middle.selectbox(
            t("lexicon_secondary"),
            ["", *sector_ids],
            format_func=sector_label,
            key="lexicon_secondary",
        )
        segment = right.selectbox(
            t("lexicon_segment"),
            [s.segment_id for s in cat.segments],
            format_func=segment_label,
            index=None,
            placeholder=t("lexicon_choose"),
            key="lexicon_segment",
        )
        note = st.text_input(t("lexicon_note"), max_chars=500, key="lexicon_note")
        pressed = st.form_submit_button(t("lexicon_preview"), key="lexicon_preview")
    if not pressed:
        return None
    try:
        return TaughtTerm(
            term_zh=term_zh,
            term_en=term_en,
            sector_id=sector,
            secondary_sector_id=secondary,
            segment=segment,
            note=note,
        )
    except ValidationError:
        st.error(t("lexicon_need_words"))
        return None


def top_table(matches: tuple[Match, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("fit"): [t("fit_" + m.fit.value) for m in matches],
            t("score"): [f"{shown_score(m):.1f}" for m in matches],
            t("park"): [park_label(m.park_id) for m in matches],
        }
    )


def show_preview(preview: TermPreview) -> bool:
    """The preview; True when the term may be saved (no problems, figures held or accepted)."""
    if preview.problems:
        st.error(
            t("lexicon_cannot") + "\n\n" + "\n\n".join("- " + said(p) for p in preview.problems)
        )
        return False
    st.markdown(f"**{t('lexicon_effect')}** · {plain(preview.term.term_zh)}")
    now, after = st.columns(2)
    now.caption(t("lexicon_now"))
    now.dataframe(top_table(preview.top_before), hide_index=True, width="stretch")
    after.caption(t("lexicon_after"))
    after.dataframe(top_table(preview.top_after), hide_index=True, width="stretch")
    if preview.top_after:
        first = preview.top_after[0]
        st.caption(plain(first.reason(lang())))
    st.markdown(f"**{t('lexicon_figures')}**")
    if not preview.sets:
        st.info(t("lexicon_no_gold").format(folder=plain(gold_dir())))
        return True
    rows = []
    for before, later in preview.sets:
        rows.append(
            {
                t("lexicon_set"): before.name,
                "nDCG@5": f"{before.ndcg5:.3f} → {later.ndcg5:.3f}",
                "Hit@1": f"{before.hit1:.3f} → {later.hit1:.3f}",
                t("lexicon_no_fit"): f"{before.no_fit_flagged}/{before.no_fit_rows} → "
                f"{later.no_fit_flagged}/{later.no_fit_rows}",
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if preview.worse:
        st.warning(t("lexicon_worse").format(sets=plain(", ".join(preview.worse))))
        return st.checkbox(t("lexicon_save_anyway"), key="lexicon_save_anyway")
    return True


def taught_table(entries: list[TaughtEntry]) -> pd.DataFrame:
    def state(entry: TaughtEntry) -> str:
        if entry.retired_at is None:
            return t("lexicon_active")
        return t("lexicon_retired").format(
            who=entry.retired_by, when=local_time(entry.retired_at, True)
        )

    return pd.DataFrame(
        {
            t("lexicon_term_zh"): [e.term.term_zh for e in entries],
            t("lexicon_term_en"): [", ".join(e.term.term_en) for e in entries],
            t("lexicon_sector"): [sector_label(e.term.sector_id) for e in entries],
            t("lexicon_secondary"): [
                sector_label(e.term.secondary_sector_id or "") for e in entries
            ],
            t("lexicon_segment"): [segment_label(e.term.segment) for e in entries],
            t("lexicon_note"): [e.term.note for e in entries],
            t("lexicon_taught_by"): [e.taught_by for e in entries],
            t("lexicon_taught_at"): [local_time(e.taught_at, True) for e in entries],
            t("lexicon_state"): [state(e) for e in entries],
        }
    )


def taught_terms(actor: str) -> None:
    st.subheader(t("lexicon_taught"))
    entries = workspace().taught_terms()
    if not entries:
        st.caption(t("lexicon_taught_none"))
        return
    st.dataframe(taught_table(entries), hide_index=True, width="stretch")
    st.download_button(
        t("lexicon_export"),
        data=lexicon_csv(entries),
        file_name="taught-terms.csv",
        mime="text/csv",
        key="lexicon_export",
        on_click="ignore",
    )
    active = {e.id: e for e in entries if e.active}
    if not active:
        return
    pick, go = st.columns([4, 1], vertical_alignment="bottom")
    chosen = pick.selectbox(
        t("lexicon_retire_pick"),
        list(active),
        format_func=lambda entry_id: active[entry_id].term.term_zh,
        key="lexicon_retire_pick",
    )
    if go.button(t("lexicon_retire"), key="lexicon_retire") and chosen is not None:
        workspace().retire_term(chosen, actor=actor)
        st.session_state["lexicon_flash"] = t("lexicon_retired_now").format(
            term=active[chosen].term.term_zh
        )
        st.rerun()


staff = require_staff()
# Arriving from a case ("teach the matcher these words"): its words start the form.
arrived_with = st.query_params.get("term")
if arrived_with and st.session_state.get("page_entered", True):
    st.session_state[TERM_ZH] = arrived_with[:40]
    st.session_state.pop(PREVIEW, None)
st.title(t("page_lexicon"))
st.caption(t("lexicon_intro"))
flash = st.session_state.pop("lexicon_flash", None)
if flash:
    st.success(plain(flash))
suggestions()
term = teach_form()
if term is not None:
    with st.spinner():
        st.session_state[PREVIEW] = preview_term(ranker(), term, gold_files())
preview = st.session_state.get(PREVIEW)
savable = isinstance(preview, TermPreview) and show_preview(preview)
if savable and st.button(t("lexicon_save"), type="primary", key="lexicon_save"):
    assert isinstance(preview, TermPreview)
    try:
        workspace().teach_term(preview.term, actor=staff.username)
    except TaughtTermError as error:  # taught by someone else since the preview
        st.error(t("lexicon_cannot") + "\n\n" + "\n\n".join("- " + said(p) for p in error.problems))
    else:
        st.session_state.pop(PREVIEW, None)
        st.session_state["lexicon_flash"] = t("lexicon_saved").format(term=preview.term.term_zh)
        st.rerun()
taught_terms(staff.username)
