"""Every word a person reads lives in the message catalogue (matcher/messages.toml), in Chinese
and English side by side; the code names messages by id and never phrases a sentence itself.

These tests read the catalogue and the source: a page or an export asking for a message that
does not exist, a message missing a language, or a sentence written in the code fails here,
not in front of a user.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from matcher.i18n import Text, bilingual, catalogue, joined, label, same, say

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    [
        *(ROOT / "matcher").rglob("*.py"),
        *(ROOT / "app_pages").glob("*.py"),
        ROOT / "streamlit_app.py",
    ]
)
CJK = re.compile(r"[\u3400-\u9fff]")

# Messages whose English shows Chinese on purpose: examples of what a user may type, or a
# Chinese unit named beside its English.
ENGLISH_WITH_CHINESE = {
    "area_help",
    "filter_text_help",
    "land_unit_mu",
    "language_switch",  # said in both languages, so either reader finds it
    "language_zh",
    "no_requirement_columns",  # names the Chinese headers a lead list may use
}
# Messages that are the same in both languages on purpose (punctuation-free formats).
SAME_IN_BOTH = {"park_named", "language_en"}


# --- the catalogue ---


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_message_has_a_chinese_and_an_english_text(key: str) -> None:
    message = catalogue()[key]
    assert message.zh.strip() and message.en.strip()
    words = re.sub(r"\{[^}]*\}", "", message.zh)
    if key in SAME_IN_BOTH or not re.search(r"[A-Za-z\u3400-\u9fff]", words):
        return  # a format or punctuation only ("{field}：{value}", "、")
    assert CJK.search(message.zh), f"{key}: the Chinese text has no Chinese"
    if key not in ENGLISH_WITH_CHINESE:
        assert not CJK.search(message.en), f"{key}: the English text has Chinese"


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_both_languages_fill_in_the_same_values(key: str) -> None:
    message = catalogue()[key]
    assert fields(message.zh) == fields(message.en)


def test_say_fills_each_language_with_its_own_words() -> None:
    text = say(
        "reason_sector_missing",
        query="AI芯片",
        sector=Text("集成电路", "Integrated circuits"),
    )
    assert text == Text(
        "产业不符：园区定位不含集成电路（“AI芯片”）",
        "No sector fit: the park does not list Integrated circuits (“AI芯片”)",
    )


def test_numbers_are_formatted_as_the_message_says() -> None:
    text = say("row_text_too_long", line=3, header="行业", length=12345, limit=2000)
    assert "12,345" in text.zh and "12,345" in text.en


def test_label_picks_the_language() -> None:
    assert label("column_park_id", "zh") == "园区编号"
    assert label("column_park_id", "en") == "Park ID"


def test_joined_uses_each_languages_separator() -> None:
    parts = [Text("甲", "a"), Text("乙", "b")]
    assert joined(parts) == Text("甲、乙", "a, b")
    assert joined(parts, "reason_separator") == Text("甲；乙", "a; b")


def test_bilingual_puts_chinese_first_then_english() -> None:
    assert bilingual("column_park_id") == "园区编号 / Park ID"


def test_an_unknown_id_fails_loudly_rather_than_showing_the_id() -> None:
    with pytest.raises(KeyError):
        label("no_such_message", "zh")
    with pytest.raises(KeyError):
        say("no_such_message")


def test_a_message_missing_a_value_fails_loudly() -> None:
    with pytest.raises(KeyError):
        say("reason_sector_missing", query="x")


def test_the_mixed_form_reads_english_then_chinese() -> None:
    assert Text("坏", "bad").mixed == "bad (坏)"
    assert same("P05").mixed == "P05"


# --- the ids the code asks for ---

ASKING = {"say", "label", "t", "bilingual"}


def _literal_prefix(node: ast.expr) -> str | None:
    """'fit_' of f"fit_{x}" or "fit_" + x: the fixed start of an id built at run time."""
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.left.value, str)
    ):
        return node.left.value
    return None


def ids_in_code(sources: list[Path] = SOURCES) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(ids named literally in calls, prefixes of ids built at run time), each with where."""
    named: dict[str, set[str]] = {}
    prefixes: dict[str, set[str]] = {}
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in ASKING:
                continue
            where = f"{path.name}:{node.lineno}"
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                named.setdefault(arg.value, set()).add(where)
            elif (prefix := _literal_prefix(arg)) is not None:
                prefixes.setdefault(prefix, set()).add(where)
    return named, prefixes


def strings_in_code(sources: list[Path] = SOURCES) -> set[str]:
    """Every string constant in the code: ids held in tables (PARK_FIELDS, FIELD_LABELS)."""
    found: set[str] = set()
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def test_every_id_the_code_names_exists() -> None:
    named, prefixes = ids_in_code()
    missing = {key: sorted(where) for key, where in named.items() if key not in catalogue()}
    assert missing == {}
    empty = {
        p: sorted(w) for p, w in prefixes.items() if not any(k.startswith(p) for k in catalogue())
    }
    assert empty == {}


def test_every_message_is_used_somewhere() -> None:
    named, prefixes = ids_in_code()
    held = strings_in_code()
    unused = [
        key
        for key in catalogue()
        if key not in named and key not in held and not any(key.startswith(p) for p in prefixes)
    ]
    assert unused == []


def test_a_page_naming_a_missing_id_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text('st.title(t("page_investor"))\nst.button(t("no_such_label"))\n', "utf-8")
    named, _ = ids_in_code([page])
    assert [key for key in named if key not in catalogue()] == ["no_such_label"]


# --- no sentence is written in the code ---

# Modules that read what people type and what the seeds publish: their Chinese is input to
# recognise (units, bound words, the announcement's headings), never shown as a message.
READS_CHINESE = {
    "areas.py",
    "batch_io.py",
    "location.py",
    "numerals.py",
    "provenance.py",
    "taxonomy.py",
    "text.py",
    "understanding.py",
    "xlsx_reader.py",
}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def chinese_in_code(sources: list[Path] = SOURCES) -> list[str]:
    """String constants holding Chinese outside the catalogue: a sentence someone wrote in
    the code instead of the catalogue (docstrings and input-reading modules aside)."""
    found = []
    for path in sources:
        if path.name in READS_CHINESE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
                and CJK.search(node.value)
            ):
                found.append(f"{path.name}:{node.lineno}: {node.value[:50]!r}")
    return found


def test_no_chinese_words_are_written_in_the_code() -> None:
    assert chinese_in_code() == []


def test_a_sentence_written_in_a_page_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text('st.error("面积无法识别")\n', "utf-8")
    assert len(chinese_in_code([page])) == 1


PAGES = [*sorted((ROOT / "app_pages").glob("*.py")), ROOT / "streamlit_app.py"]
SENTENCE = re.compile(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+")


def english_in_pages(sources: list[Path] = PAGES) -> list[str]:
    """String constants in the pages that read as English words (three or more), outside
    docstrings, the server log and markup: a sentence that should be in the catalogue."""
    found = []
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            logged = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("debug", "info", "warning", "error", "exception")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "LOG"
            )
            if logged:
                skip.update(id(arg) for arg in node.args)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
                and SENTENCE.search(node.value)
                and "<" not in node.value  # CSS and HTML the page styles itself with
            ):
                found.append(f"{path.name}:{node.lineno}: {node.value[:50]!r}")
    return found


def test_no_english_sentence_is_written_in_a_page() -> None:
    assert english_in_pages() == []


def test_an_english_sentence_in_a_page_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text('st.error("Area not understood here")\nLOG.exception("it failed on %r")\n')
    assert len(english_in_pages([page])) == 1
