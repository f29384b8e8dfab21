"""Free text the workspace keeps (matcher/free_text.py): one check of length and characters
for every stored field, and stored text printed in a terminal as escapes, never raw."""

from __future__ import annotations

import json

import pytest

from matcher.free_text import FIELDS, FreeTextError, checked, json_safe, shown

ATTACKS = {
    "terminal escape": "Evil\x1b[31mCo",
    "window title": "x\x1b]0;owned\x07",
    "NUL": "a\x00b",
    "C1 control (CSI)": "a\x9b2J",
    "right-to-left override": "abc\u202egnp.exe",
    "zero-width space": "ab\u200bc",
    "line separator": "a\u2028b",
    "lone surrogate": "a\udcffb",
}


@pytest.mark.parametrize("text", ATTACKS.values(), ids=ATTACKS.keys())
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_every_field_refuses_hidden_characters(field: str, text: str) -> None:
    with pytest.raises(FreeTextError) as refused:
        checked(field, text)
    assert refused.value.field == field and "\\" in refused.value.message.en


def test_newlines_only_where_a_field_has_lines() -> None:
    with pytest.raises(FreeTextError):
        checked("company", "line one\nforged line")
    assert checked("shortlist_note", " a\r\nb\tc ") == "a\nb\tc"


def test_what_text_needs_is_kept() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # emoji joined by ZWJ
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ inside the word
    for text in (family, persian, "Ω Technologies 芯片科技 (北京)", "  spaced  "):
        assert checked("company", text) == text.strip()


def test_lengths_are_counted_in_characters_after_spaces() -> None:
    assert checked("company", "芯" * 200) == "芯" * 200
    with pytest.raises(FreeTextError, match=r"at most 200 characters \(300 given\)"):
        checked("company", "芯" * 300)
    with pytest.raises(FreeTextError, match="最多 2,000 个字符"):
        checked("sector_text", "a" * 8_000_000)


def test_shown_escapes_what_a_terminal_would_act_on() -> None:
    assert shown("Evil\x1b[31mCo\x00\u202e\n") == "Evil\\x1b[31mCo\\x00\\u202e\\n"
    assert shown("芯片 (北京)") == "芯片 (北京)" and shown(None) == ""


def test_json_keeps_the_data_and_escapes_it() -> None:
    value = {"company": "a\x9b\u202eb\x1b", "lines": ["x"]}
    dumped = json_safe(json.dumps(value, ensure_ascii=False, indent=2))
    assert "\x9b" not in dumped and "\u202e" not in dumped and "\x1b" not in dumped
    assert json.loads(dumped) == value
