"""The Streamlit app, driven page by page with AppTest: a thin face over the library."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "streamlit_app.py")


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def fill(at: AppTest, sector: str = "", min_area: str = "", location: str = "") -> AppTest:
    at.text_input(key="sector_text").input(sector)
    at.text_input(key="min_area").input(min_area)
    at.text_input(key="location").input(location)
    at.button[0].click()
    at.run()
    assert not at.exception
    return at


def test_the_match_page_asks_for_a_requirement_first(app: AppTest) -> None:
    assert "请至少填写" in app.info[0].value
    assert not app.dataframe


def test_filling_the_form_ranks_all_parks_with_reasons(app: AppTest) -> None:
    fill(app, "集成电路", "0.5万平方米", "温泉")
    table = app.dataframe[0].value
    assert len(table) == 18
    assert table["园区编号"].tolist()[:3] == ["P01", "P03", "P05"]
    assert "区位匹配" in table["理由"].iloc[0]
    assert table["得分"].tolist() == sorted(table["得分"].tolist(), reverse=True)


def test_parks_that_cannot_fit_are_marked_and_can_be_hidden(app: AppTest) -> None:
    fill(app, "集成电路", "5万平方米")
    table = app.dataframe[0].value.set_index("园区编号")
    assert "面积不足" in table.loc["P05", "匹配度"]
    app.checkbox(key="hide_unfit").check()
    app.button[0].click()
    app.run()
    assert "P05" not in app.dataframe[0].value["园区编号"].tolist()


def test_a_bad_area_gets_a_message_not_a_traceback(app: AppTest) -> None:
    fill(app, "AI", "20亩")
    assert not app.exception
    assert "land area" in app.error[0].value


def test_no_park_lists_the_sector_says_so(app: AppTest) -> None:
    fill(app, "服装批发")
    assert "没有园区" in app.warning[0].value


def test_switching_language_changes_labels_and_reasons(app: AppTest) -> None:
    fill(app, "quantum")
    app.sidebar.radio[0].set_value("en")
    app.run()
    table = app.dataframe[0].value
    assert "Park ID" in table.columns and table["Park ID"].iloc[0] == "P18"
    assert table["Reasons"].iloc[0].startswith("Sector match")
    assert app.title[0].value == "Haidian park matcher"


def test_the_detail_view_shows_the_published_text_and_breakdown(app: AppTest) -> None:
    fill(app, "卫星互联网")
    app.selectbox(key="detail_park").set_value("P16")
    app.run()
    texts = " ".join(t.value for t in app.text)
    assert "通用航空与卫星应用" in texts and "satellite applications" in texts
    assert any("得分构成" in m.value for m in app.markdown)


def test_a_hint_says_what_would_change_the_ranking(app: AppTest) -> None:
    fill(app, "集成电路", "4万平方米")
    assert any("P05" in c.value and "12%" in c.value for c in app.caption)


def test_selected_rows_go_to_the_shortlist_and_export(app: AppTest) -> None:
    fill(app, "集成电路", "5000", "温泉")
    app.session_state["results_table"] = {"selection": {"rows": [0, 1], "columns": [], "cells": []}}
    app.run()
    app.button(key="add_shortlist").click()
    app.run()
    assert app.session_state["shortlist"] == ["P01", "P03"]
    app.switch_page("app_pages/shortlist.py")
    app.run()
    assert not app.exception
    assert app.dataframe[0].value["园区编号"].tolist() == ["P01", "P03"]
    app.button(key="down_P01").click()
    app.run()
    assert app.session_state["shortlist"] == ["P03", "P01"]
    labels = [d.label for d in app.get("download_button")]
    assert labels == ["下载 CSV", "下载 Excel", "下载 PDF 简报"]


def test_compare_highlights_two_to_four_parks(app: AppTest) -> None:
    app.switch_page("app_pages/compare.py")
    app.run()
    app.multiselect(key="compare_parks").set_value(["P05", "P09"])
    app.run()
    table = app.dataframe[0].value
    assert list(table.columns) == ["P05", "P09"]
    app.multiselect(key="compare_parks").set_value(["P05"])
    app.run()
    assert "至少" in app.info[0].value


def test_the_parks_page_filters_the_catalogue(app: AppTest) -> None:
    app.switch_page("app_pages/parks.py")
    app.run()
    assert len(app.dataframe[0].value) == 18
    app.multiselect(key="park_sectors").set_value(["quantum"])
    app.run()
    assert app.dataframe[0].value["园区编号"].tolist() == ["P18"]


def test_the_batch_page_matches_an_upload_and_lists_row_errors(app: AppTest) -> None:
    app.switch_page("app_pages/batch.py")
    app.run()
    content = "编号,行业,面积需求\nA,集成电路,5000\nB,AI,20亩\n".encode("gbk")
    app.get("file_uploader")[0].upload("leads.csv", content, "text/csv")
    app.run()
    app.button(key="batch_run").click()
    app.run()
    assert not app.exception
    assert "读取 2 行，匹配 1 行，出错 1 行" in app.success[0].value
    errors = app.dataframe[0].value
    assert errors["request_id"].tolist() == ["B"] and "20亩" in errors["error"].iloc[0]
    assert [d.label for d in app.get("download_button")] == ["下载结果 CSV", "下载结果 Excel"]


def test_the_batch_page_reports_an_unreadable_file(app: AppTest) -> None:
    app.switch_page("app_pages/batch.py")
    app.run()
    app.get("file_uploader")[0].upload("leads.csv", b"\x00\x01\x02binary\x00", "text/csv")
    app.run()
    app.button(key="batch_run").click()
    app.run()
    assert not app.exception and "无法读取" in app.error[0].value


def test_export_bytes_have_the_expected_shape() -> None:
    # The bytes themselves are produced by the library; this checks what the app hands over.
    from matcher import Requirement, default_catalogue, rank
    from matcher.shortlist import (
        Shortlist,
        ShortlistItem,
        matches_by_id,
        shortlist_csv,
        shortlist_pdf,
        shortlist_xlsx,
    )

    cat = default_catalogue()
    requirement = Requirement(sector_text="集成电路")
    matches = matches_by_id(rank(requirement))
    shortlist = Shortlist(
        items=(ShortlistItem(park_id="P05", note="=HYPERLINK(1)"), ShortlistItem(park_id="P01")),
        requirement=requirement,
        data_version=cat.version,
    )
    raw = shortlist_csv(shortlist, cat, matches, "en")
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert frame["Park ID"].tolist() == ["P05", "P01"]
    assert frame["Note"].iloc[0] == "'=HYPERLINK(1)"
    assert (frame["Data version"] == cat.version).all()
    book = load_workbook(io.BytesIO(shortlist_xlsx(shortlist, cat, matches, "zh")))
    assert book.sheetnames == ["shortlist", "requirement"]
    assert book["shortlist"]["B1"].value == "园区编号 / Park ID"
    assert book["shortlist"]["B2"].value == "P05"
    assert isinstance(book["shortlist"]["E2"].value, int | float)  # numbers stay numbers
    about = {row[0].value: row[1].value for row in book["requirement"].iter_rows(min_row=2)}
    assert about["数据版本"] == cat.version and "P05, P01" in about["园区编号"]
    pdf = shortlist_pdf(shortlist, cat, matches, "zh")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 3
