"""Batch page: upload a lead list, watch it match, see row errors, download the results."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from app_pages.common import t
from matcher.batch import run_batch
from matcher.batch_io import BatchError
from matcher.exports import csv_bytes, xlsx_bytes

st.title(t("page_batch"))
upload = st.file_uploader(t("batch_upload"), type=["csv", "tsv", "txt", "xlsx"], key="batch_file")
left, middle, right = st.columns(3)
top_k = left.number_input(t("batch_top"), min_value=1, max_value=18, value=5, key="batch_top")
encoding = middle.text_input(t("batch_encoding"), key="batch_encoding").strip() or None
sheet = right.text_input(t("batch_sheet"), key="batch_sheet").strip() or None

if upload is not None and st.button(t("batch_run"), type="primary", key="batch_run"):
    progress = st.progress(0.0)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / Path(upload.name).name
        source.write_bytes(upload.getvalue())
        try:
            summary, result = run_batch(
                source,
                None,
                top_k=int(top_k),
                encoding=encoding,
                sheet=sheet,
                progress=lambda done, total: progress.progress(
                    min(done / total, 1.0) if total else 0.5, text=f"{done}"
                ),
            )
        except (BatchError, LookupError) as error:
            st.error(f"{t('batch_failed')}: {error}")
            st.stop()
    progress.progress(1.0)
    st.session_state["batch_result"] = (summary, result)

if "batch_result" in st.session_state:
    summary, result = st.session_state["batch_result"]
    assert result is not None
    st.success(
        t("batch_summary").format(
            read=summary.rows_read, ok=summary.rows_matched, bad=summary.rows_with_errors
        )
    )
    errors = result[result["status"] == "error"][["request_id", "error"]]
    if len(errors):
        st.subheader(t("batch_errors"))
        st.dataframe(errors, hide_index=True)
    st.dataframe(result.head(500), hide_index=True)
    a, b = st.columns(2)
    a.download_button(
        t("batch_download"), csv_bytes(result), "matches.csv", "text/csv", key="batch_csv"
    )
    b.download_button(
        t("batch_download_xlsx"),
        xlsx_bytes({"matches": result}),
        "matches.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="batch_xlsx",
    )
