"""Lexicon page: staff teach the matcher an investor's word, after seeing what it changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

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
)
from matcher.display import shown_score
from matcher.evaluation import gold_dir, gold_files
from matcher.i18n import Text
from matcher.lexicon import (
    ReadAgain,
    TaughtEntry,
    TaughtTerm,
    TaughtTermError,
    TermPreview,
    Unmatched,
    lexicon_csv,
    preview_term,
    read_term,
    taught_version,
    texts_to_teach,
)
from matcher.models import Match
from matcher.reasons import sector_name
from matcher.views import header

PREVIEW = "lexicon_preview_result"
MISSED = "lexicon_missed_words"
TERM_ZH, TERM_EN, NOTE = "lexicon_term_zh", "lexicon_term_en", "lexicon_note"
# The picked sector, secondary sector and segment, kept under keys no widget owns: a
# selectbox whose option labels change with the language starts afresh in Streamlit.
SECTOR, SECONDARY, SEGMENT = "lexicon_sector", "lexicon_secondary", "lexicon_segment"
RECENT_CASES = 300  # requirements scanned for words the matcher missed
READ_AGAIN_SHOWN = 12


def said(reason: Text) -> str:
    return plain(reason.in_(lang()))


def problems_box(problems: Sequence[Text]) -> None:
    st.error(t("lexicon_cannot") + "\n\n" + "\n\n".join("- " + said(p) for p in problems))


def sector_label(sector_id: str) -> str:
    return (
        t("lexicon_none")
        if not sector_id
        else sector_name(catalogue().sector(sector_id)).in_(lang())
    )


def sector_list(sector_ids: Sequence[str]) -> str:
    return "、".join(sector_label(s) for s in sector_ids) if sector_ids else "—"


def segment_label(segment_id: str) -> str:
    segment = next(s for s in catalogue().segments if s.segment_id == segment_id)
    return segment.name_zh if lang() == "zh" else segment.name_en


def clear_form() -> None:
    for key in (TERM_ZH, TERM_EN, NOTE, SECTOR, SECONDARY, SEGMENT, PREVIEW):
        st.session_state.pop(key, None)


def recent_texts() -> list[str]:
    return [c.sector_text for c in staff_workspace().inbox.page(limit=RECENT_CASES).rows]


def missed_words(texts: list[str]) -> list[Unmatched]:
    """texts_to_teach, computed again only when the cases or the data change: the page reruns
    on every edit of the form, and reading 300 texts takes most of a second."""
    key = (catalogue().version, hash(tuple(texts)))
    kept = st.session_state.get(MISSED)
    if kept is None or kept[0] != key:
        kept = st.session_state[MISSED] = (key, texts_to_teach(ranker(), texts))
    return list(kept[1])


def suggestions() -> None:
    """Words from recent cases the matcher did not understand; one can start the form."""
    st.subheader(t("lexicon_suggestions"))
    st.caption(t("lexicon_suggestions_help"))
    missed = missed_words(recent_texts())
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
        clear_form()  # a new term: nothing of the previous one carries over
        st.session_state[TERM_ZH] = chosen[:40]


def choice(
    label_key: str,
    options: list[str],
    state_key: str,
    shown: Callable[[str], str],
    default: str | None = None,
) -> str | None:
    """A selectbox whose choice survives a change of language (see SECTOR)."""
    stored = st.session_state.get(state_key, default)
    value = st.selectbox(
        t(label_key),
        options,
        index=options.index(stored) if stored in options else None,
        format_func=shown,
        placeholder=t("lexicon_choose"),
        key=f"{state_key}_{lang()}",
    )
    st.session_state[state_key] = value
    return value


def teach_form() -> tuple[TaughtTerm | None, tuple[Text, ...], bool]:
    """The form: the term it describes now (or why it cannot), and whether "preview" was
    pressed. Plain widgets, not st.form: the page must see an edit made after a preview."""
    st.subheader(t("lexicon_teach"))
    cat = catalogue()
    sector_ids = [s.sector_id for s in cat.sectors]
    with st.container(border=True):
        left, right = st.columns(2)
        term_zh = left.text_input(t("lexicon_term_zh"), key=TERM_ZH, max_chars=40)
        term_en = right.text_input(
            t("lexicon_term_en"), help=t("lexicon_term_en_help"), max_chars=400, key=TERM_EN
        )
        left, middle, right = st.columns(3)
        with left:
            sector = choice("lexicon_sector", sector_ids, SECTOR, sector_label)
        with middle:
            secondary = choice(
                "lexicon_secondary", ["", *sector_ids], SECONDARY, sector_label, default=""
            )
        with right:
            segment = choice(
                "lexicon_segment", [s.segment_id for s in cat.segments], SEGMENT, segment_label
            )
        note = st.text_input(t("lexicon_note"), max_chars=600, key=NOTE)
        pressed = st.button(t("lexicon_preview"), key="lexicon_preview")
    try:
        term = read_term(
            term_zh=term_zh,
            term_en=term_en,
            sector_id=sector,
            secondary_sector_id=secondary,
            segment=segment,
            note=note,
        )
    except TaughtTermError as error:
        return None, error.problems, pressed
    return term, (), pressed


def top_table(matches: tuple[Match, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            header("fit", lang()): [t("fit_" + m.fit.value) for m in matches],
            header("score", lang()): [
                f"{shown_score(m, catalogue().tuning.shown):.1f}" for m in matches
            ],
            t("park"): [park_label(m.park_id) for m in matches],
        }
    )


def read_again_table(changed: Sequence[ReadAgain]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("lexicon_text"): [r.text for r in changed],
            t("lexicon_read_before"): [sector_list(r.sectors_before) for r in changed],
            t("lexicon_read_after"): [sector_list(r.sectors_after) for r in changed],
        }
    )


def term_in_words(term: TaughtTerm) -> str:
    also = (
        f" · {t('lexicon_secondary')}: {sector_label(term.secondary_sector_id)}"
        if term.secondary_sector_id
        else ""
    )
    note = f" — {term.note}" if term.note else ""
    return (
        f"{term.term_zh} ({', '.join(term.term_en)}) → {sector_label(term.sector_id)} · "
        f"{segment_label(term.segment)}{also}{note}"
    )


def figures_table(preview: TermPreview) -> pd.DataFrame:
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
    return pd.DataFrame(rows)


def show_preview(preview: TermPreview) -> bool:
    """The preview; True when the term may be saved (no problems; figures held and the term
    narrow, or "save anyway" ticked for this very preview)."""
    if preview.problems:
        problems_box(preview.problems)
        return False
    st.markdown(f"**{t('lexicon_about_to_teach')}** {plain(term_in_words(preview.term))}")
    st.markdown(f"**{t('lexicon_effect')}**")
    now, after = st.columns(2)
    now.caption(t("lexicon_now"))
    now.dataframe(top_table(preview.top_before), hide_index=True, width="stretch")
    after.caption(t("lexicon_after"))
    after.dataframe(top_table(preview.top_after), hide_index=True, width="stretch")
    if preview.top_after:
        st.caption(plain(preview.top_after[0].reason(lang())))
    st.markdown(f"**{t('lexicon_read_again')}**")
    st.caption(
        t("lexicon_read_again_count", n=len(preview.read_again), total=preview.texts_scanned)
    )
    if preview.read_again:
        st.dataframe(
            read_again_table(preview.read_again[:READ_AGAIN_SHOWN]),
            hide_index=True,
            width="stretch",
        )
    st.markdown(f"**{t('lexicon_figures')}**")
    for name, why in preview.unreadable:
        st.warning(t("lexicon_gold_unreadable", name=plain(name), why=plain(why)))
    if preview.sets:
        st.dataframe(figures_table(preview), hide_index=True, width="stretch")
    elif not preview.unreadable:
        st.info(t("lexicon_no_gold", folder=plain(gold_dir())))
    if preview.worse:
        st.warning(t("lexicon_worse", sets=plain(", ".join(preview.worse))))
    if preview.rerouted:
        st.warning(t("lexicon_rerouted", n=len(preview.rerouted)))
    if preview.too_common:
        st.warning(t("lexicon_too_common"))
    if not preview.needs_care:
        return True
    # Keyed by the term: each preview asks for its own acknowledgement.
    anyway = f"lexicon_anyway_{taught_version('', [preview.term])}"
    return st.checkbox(t("lexicon_save_anyway"), key=anyway)


def entry_in_words(entry: TaughtEntry) -> str:
    return (
        f"{entry.term.term_zh} ({', '.join(entry.term.term_en)}) → "
        f"{sector_label(entry.term.sector_id)} · {entry.taught_by} "
        f"{local_time(entry.taught_at)}"
    )


def taught_table(entries: list[TaughtEntry]) -> pd.DataFrame:
    def state(entry: TaughtEntry) -> str:
        if entry.retired_at is None:
            return t("lexicon_active")
        return t("lexicon_retired", who=entry.retired_by, when=local_time(entry.retired_at))

    return pd.DataFrame(
        {
            t("lexicon_state"): [state(e) for e in entries],
            t("lexicon_term_zh"): [e.term.term_zh for e in entries],
            t("lexicon_term_en"): [", ".join(e.term.term_en) for e in entries],
            t("lexicon_sector"): [sector_label(e.term.sector_id) for e in entries],
            t("lexicon_segment"): [segment_label(e.term.segment) for e in entries],
            t("lexicon_taught_by"): [e.taught_by for e in entries],
            t("lexicon_taught_at"): [local_time(e.taught_at) for e in entries],
            t("lexicon_secondary"): [
                sector_label(e.term.secondary_sector_id or "") for e in entries
            ],
            t("lexicon_note"): [e.term.note for e in entries],
        }
    )


def taught_terms(actor: str) -> None:
    st.subheader(t("lexicon_taught"))
    entries = staff_workspace().lexicon.terms()
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
        index=None,  # choosing the term is the confirmation: nothing is picked for you
        placeholder=t("lexicon_choose"),
        format_func=lambda entry_id: entry_in_words(active[entry_id]),
        key=f"lexicon_retire_pick_{lang()}",
    )
    if go.button(t("lexicon_retire"), key="lexicon_retire", disabled=chosen is None):
        assert chosen is not None
        try:
            staff_workspace().lexicon.retire(chosen, actor=actor)
        except TaughtTermError as error:
            problems_box(error.problems)
            return
        st.session_state["lexicon_flash"] = t(
            "lexicon_retired_now", term=active[chosen].term.term_zh
        )
        st.rerun()


staff = require_staff()
# Arriving from a case ("teach the matcher these words"): its words start the form.
arrived_with = st.query_params.get("term")
if arrived_with and st.session_state.get("page_entered", True):
    clear_form()
    st.session_state[TERM_ZH] = arrived_with[:40]
if st.session_state.pop("lexicon_saved", False):
    clear_form()
st.title(t("page_lexicon"))
st.caption(t("lexicon_intro"))
flash = st.session_state.pop("lexicon_flash", None)
if flash:
    st.success(plain(flash))
suggestions()
term, problems, pressed = teach_form()
if pressed:
    st.session_state.pop(PREVIEW, None)
    if problems:
        problems_box(problems)
    elif term is not None:
        with st.spinner():
            st.session_state[PREVIEW] = preview_term(ranker(), term, gold_files(), recent_texts())
preview = st.session_state.get(PREVIEW)
if isinstance(preview, TermPreview):
    if preview.term != term:  # edited since: what would be saved is not what is shown
        st.info(t("lexicon_form_changed"))
    elif show_preview(preview) and st.button(t("lexicon_save"), type="primary", key="lexicon_save"):
        try:
            staff_workspace().lexicon.teach(preview.term, actor=staff.username)
        except TaughtTermError as error:  # taught by someone else since the preview
            problems_box(error.problems)
        else:
            st.session_state["lexicon_saved"] = True
            st.session_state["lexicon_flash"] = t("lexicon_saved", term=preview.term.term_zh)
            st.rerun()
taught_terms(staff.username)
