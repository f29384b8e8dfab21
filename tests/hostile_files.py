"""A corpus of hostile lead lists, generated rather than stored: each function writes one
file that once broke a promise, and returns its path."""

from __future__ import annotations

import csv
import io
from pathlib import Path

HEADER = ["编号", "企业名称", "产业方向", "面积需求", "意向区域", "联系人"]
GOOD = [
    ["A1", "芯片公司", "集成电路", "5000", "温泉", "张三"],
    ["A2", "机器人公司", "机器人", "3000", "", "李四"],
    ["A3", "药企", "生物医药", "0.5万平方米", "", "王五"],
]


def _csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def good_leads(folder: Path, name: str = "leads.csv") -> Path:
    """A well-formed list with two columns the matcher does not use (企业名称, 联系人)."""
    path = folder / name
    path.write_text(_csv_text([HEADER, *GOOD]), encoding="utf-8")
    return path


def ragged_rows(folder: Path) -> Path:
    """Line 3 has one field too many, line 5 too few, line 6 opens a quote it never closes."""
    text = (
        "编号,企业名称,产业方向,面积需求,意向区域,联系人\r\n"
        "A1,芯片公司,集成电路,5000,温泉,张三\r\n"
        "A2,机器人公司,机器人,3000,,李四,多余\r\n"
        "A3,药企,生物医药,0.5万平方米,,王五\r\n"
        "A4,短行\r\n"
        'A5,"引号公司,人工智能,2000,,赵六\r\n'
        "A6,量子公司,量子,1000,,钱七\r\n"
        "A7,卫星公司,空天信息,8000,,孙八\r\n"
    )
    path = folder / "ragged.csv"
    path.write_text(text, encoding="utf-8")
    return path


def mixed_encodings(folder: Path) -> Path:
    """GBK lines with one UTF-8 line (line 3) pasted in from another export."""
    gbk = _csv_text([HEADER, GOOD[0]]).encode("gbk")
    utf8 = _csv_text([GOOD[1]]).encode("utf-8")
    path = folder / "mixed.csv"
    path.write_bytes(gbk + utf8 + _csv_text([GOOD[2]]).encode("gbk"))
    return path


def nul_after_sniffing(folder: Path, rows: int = 3000) -> Path:
    """A NUL byte in a sector cell well past the first 64 KB the reader samples."""
    body = [[f"R{i}", "公司", "集成电路", "5000", "", "联系人"] for i in range(rows)]
    body[-2][2] = "集成\x00电路"
    path = folder / "nul.csv"
    path.write_text(_csv_text([HEADER, *body]), encoding="utf-8")
    return path


def output_named_columns(folder: Path) -> Path:
    """Input headers that are also output columns' names."""
    header = ["request_id", "sector", "min_area_m2", "status", "score", "rank", "error", "fit"]
    header += ["park_id", "reason_zh", "park_1"]
    rows = [header, ["L1", "集成电路", "5000", "新", "9", "A", "无", "好", "X", "理由", "P99"]]
    path = folder / "collide.csv"
    path.write_text(_csv_text(rows), encoding="utf-8")
    return path


def colliding_ids(folder: Path) -> Path:
    """Line 3 has no id (generated: row-3) and line 5 uses 'row-3' itself; A1 repeats."""
    rows = [
        ["编号", "产业方向"],
        ["A1", "集成电路"],
        ["", "机器人"],
        ["A1", "人工智能"],
        ["row-3", "量子"],
        ["B2", "生物医药"],
    ]
    path = folder / "ids.csv"
    path.write_text(_csv_text(rows), encoding="utf-8")
    return path


def unreadable_areas(folder: Path) -> Path:
    """Areas a person would not read as the number a careless parser finds."""
    rows = [
        ["编号", "产业方向", "最小面积", "最大面积"],
        ["C1", "集成电路", "1,2,3", ""],
        ["C2", "集成电路", "", "0"],
        ["C3", "集成电路", "9" * 400, ""],
        ["C4", "集成电路", "3000-5000", "8000"],
        ["C5", "集成电路", "3,000", "5,000"],
        ["C6", "集成电路", "1亿平方米", ""],
    ]
    path = folder / "areas.csv"
    path.write_text(_csv_text(rows), encoding="utf-8")
    return path


def formula_cells(folder: Path) -> Path:
    """Formulas in a header and in cells, as an attacker would plant them."""
    rows = [
        ["编号", "产业方向", '=HYPERLINK("http://evil.example","x")', "+cmd"],
        ["F1", "集成电路", "=1+1", "@SUM(A1)"],
        ["F2", "-2+3", "\t=2", "-5"],
    ]
    path = folder / "formulas.csv"
    path.write_text(_csv_text(rows), encoding="utf-8")
    return path


def huge_cell(folder: Path) -> Path:
    """A sector cell of 300,000 characters between two ordinary rows."""
    rows = [["编号", "产业方向"], ["H1", "集成电路"], ["H2", "芯片" * 150_000], ["H3", "机器人"]]
    path = folder / "huge.csv"
    path.write_text(_csv_text(rows), encoding="utf-8")
    return path


def old_mac_line_endings(folder: Path) -> Path:
    """Rows ended by a lone CR, as classic Mac Excel saves them."""
    path = folder / "cr.csv"
    path.write_bytes("编号,产业方向\r1,集成电路\r2,机器人\r".encode())
    return path


def breaks_late(folder: Path, rows: int = 5000) -> Path:
    """UTF-16 text whose last bytes are not UTF-16: the run fails after writing has begun."""
    body = [[f"R{i}", "集成电路"] for i in range(rows)]
    path = folder / "late.csv"
    path.write_bytes(_csv_text([["编号", "产业方向"], *body]).encode("utf-16") + b"\x00\xd8")
    return path
