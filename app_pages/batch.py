"""Batch page: upload a lead list, match it once, see row errors, download the results."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages.batch_download import result_url
from app_pages.batch_state import (
    HELD_KEY,
    BatchRun,
    HeldResult,
    failure_message,
    release_memory,
    run_key,
    safe_file_name,
)
from app_pages.common import catalogue, lang, local_time, plain, require_staff, staff_workspace, t
from matcher.batch import for_reader, run_batch
from matcher.errors import UserFacingError
from matcher.i18n import say
from matcher.templates import expected_columns, template_csv, template_xlsx
from matcher.views import header
from matcher.workspace import BatchRun as StoredRun

# Named, not __name__: Streamlit runs a page as "__main__".
LOG = logging.getLogger("app_pages.batch")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def show_expected_columns() -> None:
    with st.expander(t("batch_columns")):
        st.caption(t("batch_columns_help"))
        table = expected_columns(lang()).rename(
            columns={
                "column": t("template_column_name"),
                "chinese_headers": t("template_column_variants"),
                "example": t("template_column_example"),
            }
        )
        st.dataframe(table, hide_index=True)
        a, b = st.columns(2)
        language = lang()
        # Deferred (callable) data: the file is built when clicked, not on every rerun.
        a.download_button(
            t("template_csv"),
            data=lambda: template_csv(language),
            file_name="lead-template.csv",
            mime="text/csv",
            key="template_csv",
            on_click="ignore",
        )
        b.download_button(
            t("template_xlsx"),
            data=lambda: template_xlsx(language),
            file_name="lead-template.xlsx",
            mime=XLSX_MIME,
            key="template_xlsx",
            on_click="ignore",
        )


def compute(
    content: bytes, name: str, key: str, top_k: int, encoding: str | None, sheet: str | None
) -> BatchRun | None:
    """Run the batch on an upload; on failure show one message and return None."""
    progress = st.progress(0.0, text=t("batch_running"))
    try:
        with tempfile.TemporaryDirectory() as folder:
            # Written to disk chunk by chunk (Parquet, for any reader): memory holds one
            # chunk of results, never the whole frame, whatever the upload's size.
            (Path(folder) / "upload").mkdir()
            source = Path(folder) / "upload" / safe_file_name(name)
            source.write_bytes(content)
            result = Path(folder) / "result.parquet"
            summary, _ = run_batch(
                source,
                result,
                top_k=top_k,
                catalogue=catalogue(),
                encoding=encoding,
                sheet=sheet,
                for_any_reader=True,
                progress=lambda done, total: progress.progress(
                    min(done / total, 1.0) if total else 0.5, text=f"{done}"
                ),
            )
            stored = result.read_bytes()
    except Exception as error:  # the page must never show a traceback
        message = failure_message(error)
        if message is None:
            LOG.exception("batch run failed on %r", name)
            message = t("batch_unexpected")
        progress.empty()
        release_memory()
        st.error(message)
        return None
    progress.empty()
    run = BatchRun(key, name, summary, stored)
    release_memory()
    return run


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Result rows as the reader's language says them (matcher.batch.for_reader): the same
    rows the downloads hold."""
    return for_reader(frame, lang(), catalogue().tuning.shown)


def show_run(run: BatchRun) -> None:
    # The file name is the user's text: st.text shows it as is, never as markdown.
    st.text(t("field_value", field=t("batch_result_for"), value=run.file_name))
    # What the command line says of a run, in the page's language (ids are the user's own).
    st.success(plain(run.summary.words().in_(lang())))
    if run.error_count:
        st.subheader(t("batch_errors"))
        if run.error_count > len(run.error_preview):
            st.caption(
                t("batch_errors_preview", total=run.error_count, shown=len(run.error_preview))
            )
        st.dataframe(shown(run.error_preview), hide_index=True)
    st.caption(t("batch_preview", shown=len(run.preview), total=run.rows))
    st.dataframe(
        shown(run.preview),
        hide_index=True,
        column_config={header("score", lang()): st.column_config.NumberColumn(format="%.1f")},
    )
    a, b = st.columns(2)
    language, scale = lang(), catalogue().tuning.shown
    if run.stored_id is not None:
        # Recorded: a link the server streams from the workspace, holding none of the file.
        a.link_button(t("batch_download"), result_url(run.stored_id, language))
    else:
        # Deferred downloads that do not rerun the page: a click builds the file once.
        a.download_button(
            t("batch_download"),
            data=lambda: run.csv(language, scale),
            file_name="matches.csv",
            mime="text/csv",
            key="batch_csv",
            on_click="ignore",
        )
    b.download_button(
        t("batch_download_xlsx"),
        data=lambda: run.xlsx(language, scale),
        file_name="matches.xlsx",
        mime=XLSX_MIME,
        key="batch_xlsx",
        on_click="ignore",
    )


def record(run: BatchRun, content: bytes, options: dict[str, object], actor: str) -> None:
    """Keep the run and its result (Parquet) in the workspace, so it can be downloaded again."""
    summary = run.summary
    try:
        stored = staff_workspace().batch_runs.record(
            file_name=run.file_name,
            input_data=content,
            options=options,
            rows_read=summary.rows_read,
            rows_matched=summary.rows_matched,
            rows_error=summary.rows_with_errors,
            result=run.result,
            result_suffix=".parquet",
            actor=actor,
        )
    except Exception as error:  # the result is still shown and downloadable
        LOG.exception("recording the batch run of %r failed", run.file_name)
        st.warning(t("field_value", field=t("batch_record_failed"), value=plain(error)))
        return
    run.stored_id = stored.id


def fetch_result(past: StoredRun) -> HeldResult:
    """Where a past run's result downloads as a CSV in the page's language, or what to tell
    the person when it cannot be had (let go, deleted, changed): checked once, on the click
    that asks for it, part by part through a file (never the whole result in memory). The
    download itself streams from the database (app_pages.batch_download), on any replica."""
    language = lang()
    try:
        with tempfile.TemporaryDirectory() as folder, (Path(folder) / "result").open("wb") as out:
            staff_workspace().batch_runs.result_into(past.id, out)
    except UserFacingError as error:
        return HeldResult(past.id, language, None, plain(error.message.in_(language)))
    except Exception:  # a result that cannot be read back: said, never a traceback
        LOG.exception("reading back the result of batch run %s failed", past.id)
        problem = say("batch_result_changed", run=past.id).in_(language)
        return HeldResult(past.id, language, None, plain(problem))
    return HeldResult(past.id, language, result_url(past.id, language), None)


def show_history() -> None:
    st.subheader(t("batch_history"))
    ws = staff_workspace()
    runs = ws.batch_runs.recent(limit=20)
    if not runs:
        st.caption(t("batch_history_none"))
        return
    # One past result is held at a time, and only after a click asked for it: a deferred
    # download cannot say why it failed, and holding all twenty would hold them in memory.
    held: HeldResult | None = st.session_state.get(HELD_KEY)
    for past in runs:
        left, right = st.columns([4, 1])
        # The file name is the user's text: st.text, never markdown.
        left.text(
            t(
                "batch_history_line",
                run=past.id,
                file=past.file_name,
                time=local_time(past.created_at),
                who=past.created_by,
                rows=past.rows_read,
                ok=past.rows_matched,
                bad=past.rows_error,
            )
            + " · "
            + ws.park_lists.words(past.park_list).in_(lang())
        )
        if not past.result_kept:
            right.caption(t("batch_result_gone"))
            continue
        if right.button(t("batch_get_result", run=past.id), key=f"batch_get_{past.id}"):
            held = fetch_result(past)
            st.session_state[HELD_KEY] = held
        if held is None or held.run_id != past.id or held.lang != lang():
            continue
        if held.url is None:
            st.error(held.problem)
            continue
        # A link, not a download button: the server streams the file, and holds none of it.
        right.link_button(t("batch_redownload", run=past.id), held.url)


staff = require_staff()
st.title(t("page_batch"))
upload = st.file_uploader(t("batch_upload"), type=["csv", "tsv", "txt", "xlsx"], key="batch_file")
show_expected_columns()
left, middle, right = st.columns(3)
top_k = int(left.number_input(t("batch_top"), min_value=1, max_value=18, value=5, key="batch_top"))
encoding = middle.text_input(t("batch_encoding"), key="batch_encoding").strip() or None
sheet = right.text_input(t("batch_sheet"), key="batch_sheet").strip() or None

if upload is not None and st.button(t("batch_run"), type="primary", key="batch_run"):
    content = upload.getvalue()
    key = run_key(content, top_k, encoding, sheet, catalogue().version)
    kept = st.session_state.get("batch_result")
    if kept is None or kept.key != key:
        # Only the latest result is kept: one large lead list at a time per session.
        st.session_state.pop("batch_result", None)
        run = compute(content, upload.name, key, top_k, encoding, sheet)
        if run is not None:
            st.session_state["batch_result"] = run
            options: dict[str, object] = {"top_k": top_k, "encoding": encoding, "sheet": sheet}
            record(run, content, options, staff.username)

if st.session_state.get("batch_result") is not None:
    show_run(st.session_state["batch_result"])
show_history()
