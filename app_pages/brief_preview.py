"""The PDF brief, previewed before it is downloaded (for the case page).

`show_brief_preview(view, actor)` says what the brief prints (the notes for the investor,
never the internal ones) and offers "Preview the brief": a dialog with the pages as images,
rendered from the very file the download gives, and the download inside it. Previewing
records nothing; the export is recorded when the file is downloaded, as every export on the
case page is (app_pages/case_state.py).

Not a page: st.navigation lists the pages explicitly.
"""

from __future__ import annotations

import streamlit as st

from app_pages.case_state import (
    prepared_export,
    record_download,
    show_said,
)
from app_pages.common import lang, t
from matcher.brief import preview_pages
from matcher.workspace import CaseView

# Wide enough to read on the dialog's large width; a page is about 200 kB as PNG.
PREVIEW_WIDTH_PX = 900


def show_brief_preview(view: CaseView, actor: str) -> None:
    """The preview button (nothing without a shortlist)."""
    if not view.shortlist:
        return
    if st.button(t("brief_preview"), key=f"case_{view.id}_brief_preview", type="primary"):
        # Opened on the click only: a rerun of the page does not render the brief again.
        # Closing it runs the page again, so the export list below shows a download made here.
        dialog = st.dialog(t("brief_preview_title"), width="large", on_dismiss="rerun")
        dialog(_preview)(view, actor)


def _preview(view: CaseView, actor: str) -> None:
    prepared = prepared_export(view, "pdf", lang())
    pages = preview_pages(prepared.data, width_px=PREVIEW_WIDTH_PX)
    # The download first, so it is in reach without scrolling through the pages.
    st.download_button(
        t("brief_preview_download"),
        data=prepared.data,
        file_name=prepared.file_name,
        mime="application/pdf",
        key=f"case_{view.id}_brief_preview_download",
        on_click=record_download,
        args=(prepared, actor),
        type="primary",
    )
    # A dialog is a fragment: the download runs only the dialog again, so it says so here.
    show_said("exports")
    for number, image in enumerate(pages, start=1):
        st.image(image, caption=t("brief_page", n=number, total=len(pages)))
