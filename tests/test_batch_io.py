"""Reading lead lists: encodings, delimiters and header variants are recognised."""

from __future__ import annotations

import csv
import io
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import batch_io
from matcher.batch_io import (
    BatchError,
    CsvRows,
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


cell_text = st.text(alphabet='ab中 ,;\t"\x0c\n\r', max_size=8)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.lists(cell_text, min_size=3, max_size=3), min_size=1, max_size=12),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_records_are_what_the_csv_module_reads_with_their_first_line(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], ending: str, delimiter: str
) -> None:
    """Lines without a quote take a shortcut; every record must still be what csv.reader
    reads, at the line it starts on."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=ending).writerows(
        [["h1", "h2", "h3"], *rows]
    )
    text = buffer.getvalue()
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    path.write_bytes(text.encode("utf-8"))
    reader = CsvRows(path, "utf-8", delimiter)
    got = [(line, cells) for line, cells in reader._read_records()]
    expected_cells = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert [cells for _, cells in got] == expected_cells
    # Each record starts on the line after the previous record's lines.
    line = 1
    for (first, _), cells in zip(got, expected_cells, strict=True):
        assert first == line
        row_text = io.StringIO()
        csv.writer(row_text, delimiter=delimiter, lineterminator=ending).writerow(cells)
        line += len(row_text.getvalue().encode().splitlines()) if cells else 1


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.text(alphabet='ab中 ,;\t"', max_size=6), min_size=3, max_size=3),
        min_size=1,
        max_size=40,
    ),
    ragged=st.sampled_from([[], [["only"]], [["a", "b", "c", "d"]]]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    stray=st.sampled_from(["", 'x"y,"z', "   ", "a\rb,c,d", "\x0b,\u2028,"]),
    ending=st.sampled_from(["\r\n", "\n"]),
    read_bytes=st.sampled_from([16, 64, 1 << 18]),
)
def test_chunks_hold_the_rows_the_record_path_reads(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[list[str]],
    ragged: list[list[str]],
    delimiter: str,
    stray: str,
    ending: str,
    read_bytes: int,
) -> None:
    """Plain blocks go to Arrow's CSV reader as they stand, others record by record: either
    way a chunk holds each row's cells (padded or cut to the header) at the line it starts
    on, however the file falls into blocks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=ending)
    writer.writerows([["h1", "h2", "h3"], *rows, *ragged])
    text = buffer.getvalue() + (stray + "\n" if stray else "")
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    path.write_bytes(text.encode("utf-8"))
    with mock.patch.object(batch_io, "READ_BYTES", read_bytes):
        reader = CsvRows(path, "utf-8", delimiter)
        reader.headers()
        got = [(line, cells) for frame in reader.chunks(7) for line, cells in frame.iterrows()]
    expected = [
        (line, [*cells, "", "", ""][:3])
        for line, cells in CsvRows(path, "utf-8", delimiter)._read_records()
        if line > 1 and (len(cells) > 1 or any(c.strip() for c in cells) or line in reader.problems)
    ]
    assert [(line, list(cells)) for line, cells in got] == expected


def _block(text: str) -> list[tuple[int, str]]:
    lines = text.encode().splitlines(keepends=True)
    block = batch_io._decoded(lines, "utf-8", 5)
    assert block is not None
    return block


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_plain_block_goes_to_arrow_as_its_own_bytes(ending: str) -> None:
    text = ending.join(['R1,"a, b",中文', 'R2,"say ""hi""",x', "R3,,"]) + ending
    plain = batch_io._plain(_block(text), ",")
    assert plain is not None and plain.raw == text.encode()
    parsed = plain.table(3, ",")
    assert parsed is not None
    lines, table = parsed
    assert lines == [5, 6, 7]
    assert table.column(1).to_pylist() == ["a, b", 'say "hi"', ""]


@pytest.mark.parametrize(
    "text",
    [
        "R1,a,b\rR2,c,d\n",  # a lone carriage return ends a line of its own
        "R1,a,b\n\nR2,c,d\n",  # a blank line is no row
        "R1,a,b\nnothing here\n",  # a line without the delimiter
        'R1,a"b,c\n',  # a quote inside a cell: csv.reader and Arrow may differ
        "R1,a,b",  # no line ending: the line may go on in the next block
    ],
)
def test_a_block_with_a_line_to_look_at_is_not_taken_whole(text: str) -> None:
    plain = batch_io._plain(_block(text), ",")
    assert plain is None or plain.raw is None


def _rows(path: object, read_bytes: int, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    with mock.patch.object(batch_io, "READ_BYTES", read_bytes):
        reader = CsvRows(path, "utf-8", delimiter)  # type: ignore[arg-type]
        reader.headers()
        return [
            (int(line), list(cells))
            for frame in reader.chunks(7)
            for line, cells in zip(frame.index, frame.to_numpy().tolist(), strict=True)
        ]


@pytest.mark.parametrize("read_bytes", [6, 12, 1 << 18])
@pytest.mark.parametrize("before", ["", "x,y\n", "x,y\nz,w\n"])
def test_a_line_starting_with_a_byte_order_mark_keeps_it(
    tmp_path: object, before: str, read_bytes: int
) -> None:
    """Arrow drops a BOM at the start of what it is given; csv.reader keeps one that starts a
    line past the first (a file pasted after another, say), and so must the fast path."""
    path = tmp_path / "bom.csv"  # type: ignore[operator]
    path.write_bytes(f"h1,h2\n{before}\ufeffa,b\n".encode())
    rows = _rows(path, read_bytes)
    assert rows[-1] == (2 + before.count("\n"), ["\ufeffa", "b"])
    assert len(rows) == 1 + before.count("\n")


def test_a_line_after_a_too_long_line_ending_in_a_lone_carriage_return_is_read(
    tmp_path: object,
) -> None:
    """The \\r ending a line too long to read may be the last byte of a read: the next
    line is still its own line, at its own number."""
    for length in range(10, 30):
        path = tmp_path / f"long{length}.csv"  # type: ignore[operator]
        path.write_bytes(b"h1,h2\ra," + b"y" * length + b"\rb,c\rd,e\r")
        with mock.patch.object(batch_io, "MAX_LINE_BYTES", 10):
            reader = CsvRows(path, "utf-8", ",")
            with mock.patch.object(batch_io, "READ_BYTES", 8):
                reader.headers()
                rows = [
                    (int(line), list(cells))
                    for frame in reader.chunks(7)
                    for line, cells in zip(frame.index, frame.to_numpy().tolist(), strict=True)
                ]
        # Line 2 is read or, past the limit, reported (the limit is checked a read at a time).
        assert [line for line, _ in rows] == [2, 3, 4], length
        assert rows[1:] == [(3, ["b", "c"]), (4, ["d", "e"])], length
        assert rows[0][1] == (["", ""] if 2 in reader.problems else ["a", "y" * length])
        assert set(reader.problems) <= {2}


def test_an_undetectable_encoding_names_the_flag_that_sets_it() -> None:
    """`batch --encoding` is the output's encoding; the input's is --input-encoding."""
    sample = "编号,企业名称\nA1,芯片公司\n".encode() + b"A2,Caf\xe9 Ltd\nA3,x\n"
    with pytest.raises(BatchError, match="--input-encoding"):
        detect_encoding(sample)
