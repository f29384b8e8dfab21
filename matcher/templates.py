"""The lead-list template: the input columns batch matching understands, and a file to fill in.

Column names and their Chinese variants come from data/column_aliases.csv, so the template
and the reader can never disagree.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from matcher.catalogue import default_data_dir
from matcher.exports import csv_bytes, xlsx_bytes
from matcher.i18n import Lang, label

# One plausible lead; areas are numbers so a spreadsheet shows them as numbers. Its words are
# the message catalogue's ("template_example_<column>"), in the reader's language.
EXAMPLE_ROW: dict[str, str | int] = {
    "request_id": "L001",
    "min_area_m2": 3000,
    "max_area_m2": 5000,
}
EXAMPLE_WORDS = ("company", "sector", "preferred_location")


def example_row(lang: Lang) -> dict[str, str | int]:
    """The example lead as a reader of `lang` would write it."""
    words = {c: label(f"template_example_{c}", lang) for c in EXAMPLE_WORDS}
    return {**EXAMPLE_ROW, **words}


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_chinese(text: str) -> bool:
    """True when the text holds at least one CJK ideograph."""
    return bool(_CJK.search(text))


def column_variants(data_dir: Path | None = None) -> dict[str, list[str]]:
    """Canonical column -> every header variant as written in column_aliases.csv, file order."""
    path = (data_dir or default_data_dir()) / "column_aliases.csv"
    variants: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            variants.setdefault(row["column"], []).append(row["alias"])
    return variants


def chinese_header(column: str, variants: list[str]) -> str:
    """The first Chinese variant of a column, or its canonical name when it has none."""
    return next((v for v in variants if is_chinese(v)), column)


def expected_columns(lang: Lang = "zh", data_dir: Path | None = None) -> pd.DataFrame:
    """One row per input column: canonical name, its Chinese headers and an example value."""
    rows = [
        {
            "column": column,
            "chinese_headers": "、".join(v for v in variants if is_chinese(v)),
            "example": str(example_row(lang).get(column, "")),
        }
        for column, variants in column_variants(data_dir).items()
    ]
    return pd.DataFrame(rows, columns=["column", "chinese_headers", "example"])


def template_frame(lang: Lang = "zh", data_dir: Path | None = None) -> pd.DataFrame:
    """One column per input column, headed as a reader of `lang` would head it (Chinese
    headers, or the English column names), and one example row in that language."""
    variants = column_variants(data_dir)
    example = example_row(lang)
    return pd.DataFrame(
        {
            (chinese_header(column, names) if lang == "zh" else column): [example.get(column, "")]
            for column, names in variants.items()
        }
    )


def template_csv(lang: Lang = "zh", data_dir: Path | None = None) -> bytes:
    """The template as UTF-8 CSV with a BOM, so Excel opens the Chinese headers correctly."""
    return csv_bytes(template_frame(lang, data_dir))


def template_xlsx(lang: Lang = "zh", data_dir: Path | None = None) -> bytes:
    """The template as an Excel workbook with one sheet."""
    return xlsx_bytes({label("sheet_leads", lang): template_frame(lang, data_dir)})


__all__ = [
    "EXAMPLE_ROW",
    "chinese_header",
    "column_variants",
    "expected_columns",
    "template_csv",
    "template_frame",
    "template_xlsx",
]
