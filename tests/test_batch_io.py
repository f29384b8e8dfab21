"""Reading lead lists: encodings, delimiters and header variants are recognised."""

from __future__ import annotations

import pytest

from matcher.batch_io import (
    BatchError,
    detect_encoding,
    load_column_aliases,
    map_headers,
    sniff_delimiter,
)


def test_encoding_detection_order() -> None:
    assert detect_encoding("编号,行业\n".encode("utf-8-sig")) == "utf-8-sig"
    assert detect_encoding("编号,行业\n".encode()) == "utf-8"
    assert detect_encoding("编号,行业\n".encode("gbk")) == "gb18030"
    assert detect_encoding("编号,行业\n".encode("utf-16")) == "utf-16"
    assert detect_encoding("编号,行业\n".encode("utf-16-le")) == "utf-16-le"


def test_binary_content_is_refused() -> None:
    with pytest.raises(BatchError, match="binary"):
        detect_encoding(b"PK\x03\x04\x00\x00\x08\x00\xff\xd8\x00\x10")


@pytest.mark.parametrize(
    ("text", "delimiter"), [("a,b\n1,2", ","), ("a\tb\n1\t2", "\t"), ("a;b\n1;2", ";")]
)
def test_delimiters_are_sniffed(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


def test_header_variants_map_to_the_contract_columns() -> None:
    aliases = load_column_aliases()
    mapping = map_headers(
        [
            "需求编号",
            "企业名称",
            "产业领域",
            "面积需求（平方米）",
            "最大面积",
            "意向区域",
            "联系人",
        ],
        aliases,
    )
    assert mapping == {
        "需求编号": "request_id",
        "企业名称": "company",
        "产业领域": "sector",
        "面积需求（平方米）": "min_area_m2",
        "最大面积": "max_area_m2",
        "意向区域": "preferred_location",
    }
    assert map_headers(["Request ID", "Industry", "Min Area"], aliases) == {
        "Request ID": "request_id",
        "Industry": "sector",
        "Min Area": "min_area_m2",
    }
