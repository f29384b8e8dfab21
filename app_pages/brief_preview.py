"""The PDF brief, previewed before it is downloaded (for the case page).

`show_brief_preview(view, actor)` says what the brief prints (the notes for the investor,
never the internal ones) and offers "Preview the brief": a dialog with the pages as images,
rendered from the very PDF the library makes, and the download inside it. Previewing records
nothing; the export is recorded only when the file is downloaded, as every export on the case
page is (the deferred `data=` callable of case_state.export_file).

Not a page: st.navigation lists the pages explicitly.
"""

from __future__ import annotations

import streamlit as st

from app_pages.case_state import export_file
from app_pages.common import lang, t, workspace
from matcher.brief import preview_pages
from matcher.workspace import CaseView

# Wide enough to read on the dialog's large width; a page is about 200 kB as PNG.
PREVIEW_WIDTH_PX = 900


def show_brief_preview(view: CaseView, actor: str) -> None:
    """The notice of what is printed and the preview button (nothing without a shortlist)."""
    if not view.shortlist:
        return
    st.caption(t("brief_prints_what"))
    if st.button(t("brief_preview"), key=f"case_{view.id}_brief_preview"):
        # Opened on the click only: a rerun of the page does not render the brief again.
        dialog = st.dialog(t("brief_preview_title"), width="large")
        dialog(_preview)(view, actor)


def _preview(view: CaseView, actor: str) -> None:
    ws = workspace()
    language = lang()
    # Made from the view the page loaded, as its download is; not recorded (not yet sent).
    pdf = ws.shortlists.file(view, "pdf", language)
    pages = preview_pages(pdf, width_px=PREVIEW_WIDTH_PX)
    # The download first, so it is in reach without scrolling through the pages.
    st.download_button(
        t("brief_preview_download"),
        data=lambda: export_file(ws, view.id, "pdf", language, actor),
        file_name=f"case-{view.id}-shortlist.pdf",
        mime="application/pdf",
        key=f"case_{view.id}_brief_preview_download",
        on_click="ignore",
        type="primary",
    )
    for number, image in enumerate(pages, start=1):
        st.image(image, caption=t("brief_page", n=number, total=len(pages)))
