"""The monthly report for the district's leadership: the dashboard's figures for one month
(matcher.workspace.insights, the same queries) as a PDF, set like the brief in the embedded
Noto Sans CJK font, or as an XLSX workbook with every table in full.

`matcher report --month 2026-11 --lang zh --output report.pdf` writes it (report.xlsx: the
workbook); the tables are matcher.insight_tables', as the dashboard page shows them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from matcher.brief import ACCENT, FONT_FACE, INK, MUTED, RULE, SHADE, _clean, font_path
from matcher.catalogue import Catalogue
from matcher.i18n import Lang, label, time_words
from matcher.insight_tables import for_reading, hours_words, tables

if TYPE_CHECKING:
    import pandas as pd

    from matcher.workspace.insights import Dashboard

PDF_ROWS = 12  # rows of each table in the PDF (most first); the workbook has them all
BAR_MM = 38  # the bar column beside a table's main figure
BAR, BAR_CELLS = "\u2588", 11  # a full block (1 em wide); the longest bar, in blocks


def report_xlsx(dashboard: Dashboard, catalogue: Catalogue, lang: Lang) -> bytes:
    """Every table of the month's dashboard, a sheet each."""
    from matcher.exports import xlsx_bytes

    found = tables(dashboard, catalogue, lang)
    return xlsx_bytes({t.title[:31]: t.frame for t in found})


def report_pdf(
    dashboard: Dashboard, catalogue: Catalogue, lang: Lang, month: str, made: datetime
) -> bytes:
    """The month's figures on A4: the headline numbers, then each table with a bar beside
    its main figure."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    title = label("report_title", lang, month=month)

    class Page(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("noto", size=7)
            self.set_text_color(*MUTED)
            self.cell(0, 4, label("brief_page", lang, n=self.page_no(), total="{nb}"), align="R")

    pdf = Page(format="A4")
    pdf.set_margins(16, 14, 16)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font("noto", "", font_path(), collection_font_number=FONT_FACE)
    pdf.set_title(title)
    pdf.set_lang("zh-CN" if lang == "zh" else "en")
    pdf.set_creator("Haidian park matcher")
    pdf.add_page()
    pdf.set_font("noto", size=17)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(0, 8, _clean(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("noto", size=9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        0,
        5,
        _clean(label("report_made", lang, time=time_words(made).in_(lang))),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    medians, overdue = dashboard.medians, dashboard.overdue
    funnel = dict((step, n) for step, n, _ in dashboard.funnel.rows)
    unmet = sum(row[3] for row in dashboard.unmet.rows)
    headline = [
        label("report_received", lang, count=dashboard.total),
        label("report_unmet", lang, count=unmet),
        label(
            "report_sent_landed", lang, sent=funnel.get("sent", 0), landed=funnel.get("landed", 0)
        ),
        label(
            "report_medians",
            lang,
            first=hours_words(medians.first_action_hours, lang),
            sent=hours_words(medians.sent_hours, lang),
        ),
        label("report_overdue", lang, count=overdue.cases),
    ]
    pdf.set_font("noto", size=10.5)
    pdf.set_text_color(*INK)
    for line in headline:
        pdf.multi_cell(0, 6, _clean("·  " + line), new_x="LMARGIN", new_y="NEXT")
    heading_style = FontFace(color=ACCENT, fill_color=SHADE)
    for table in tables(dashboard, catalogue, lang):
        if table.frame.empty:
            continue
        shown = table.frame.head(PDF_ROWS)
        if pdf.get_y() + 14 + 5.2 * (min(len(shown), 4) + 1) > pdf.h - 18:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font("noto", size=11.5)
        pdf.set_text_color(*ACCENT)
        pdf.multi_cell(0, 6, _clean(table.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("noto", size=8)
        pdf.set_text_color(*INK)
        pdf.set_draw_color(*RULE)
        _table(pdf, shown, for_reading(shown, lang), heading_style)
        if len(table.frame) > PDF_ROWS:
            pdf.set_font("noto", size=7.5)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(
                0,
                4,
                _clean(label("report_more_rows", lang, count=len(table.frame))),
                new_x="LMARGIN",
                new_y="NEXT",
            )
    return bytes(pdf.output())


def _table(pdf: object, shown: pd.DataFrame, words: pd.DataFrame, heading_style: object) -> None:
    """The rows as a table, the first count column also drawn as a bar in a last column
    (block characters: a bar is text, so it stays on its row however the cells wrap)."""
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    numbers = [c for c in shown.columns if shown[c].dtype.kind in "iu"]
    main = numbers[0] if numbers else None
    top = float(shown[main].max()) if main is not None and len(shown) else 0.0
    columns = [str(c) for c in shown.columns]
    widths = [max(14.0, min(60.0, 3.0 + 2.2 * max(len(c), 6))) for c in columns]
    scale = (pdf.epw - BAR_MM) / sum(widths)
    widths = [w * scale for w in widths] + [BAR_MM]
    with pdf.table(
        col_widths=widths,
        line_height=4.4,
        text_align="LEFT",
        headings_style=heading_style,
        borders_layout="HORIZONTAL_LINES",
        padding=0.8,
        width=pdf.epw,
    ) as grid:
        grid.row([*columns, ""])
        for at, (_, values) in enumerate(shown.iterrows()):
            row = grid.row()
            for value in words.iloc[at]:
                row.cell(_clean(str(value)))
            share = float(values[main]) / top if main is not None and top > 0 else 0.0
            row.cell(BAR * max(0, round(BAR_CELLS * share)))
