"""Every user-facing label exists in Chinese and English (matcher/i18n.py), and every label the
app's pages ask for exists: a page using a missing key fails here, not in front of a user."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from matcher.i18n import LABELS, bilingual, label
from matcher.models import Fit, Zone
from matcher.shortlist import COLUMNS
from matcher.views import PARK_FIELDS
from matcher.workspace import CaseSource, CaseStatus

ROOT = Path(__file__).resolve().parent.parent
APP_SOURCES = [*sorted((ROOT / "app_pages").glob("*.py")), ROOT / "streamlit_app.py"]
CJK = re.compile(r"[\u4e00-\u9fff]")

# Labels whose English text shows Chinese on purpose: examples of what a user may type.
ENGLISH_WITH_CHINESE = {"area_help", "filter_text_help"}


# --- the table ---


@pytest.mark.parametrize("key", sorted(LABELS))
def test_every_label_has_a_chinese_and_an_english_text(key: str) -> None:
    zh, en = LABELS[key]
    assert zh.strip() and en.strip()
    assert CJK.search(zh), f"{key}: the Chinese label has no Chinese"
    if key not in ENGLISH_WITH_CHINESE:
        assert not CJK.search(en), f"{key}: the English label has Chinese"


@pytest.mark.parametrize("key", sorted(LABELS))
def test_both_languages_fill_in_the_same_placeholders(key: str) -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}

    zh, en = LABELS[key]
    assert fields(zh) == fields(en)


def test_label_picks_the_language() -> None:
    assert label("park_id", "zh") == "园区编号"
    assert label("park_id", "en") == "Park ID"


def test_bilingual_puts_chinese_first_then_english() -> None:
    assert bilingual("park_id") == "园区编号 / Park ID"


def test_an_unknown_key_fails_loudly_rather_than_showing_the_key() -> None:
    with pytest.raises(KeyError):
        label("no_such_label", "zh")
    with pytest.raises(KeyError):
        label("no_such_label", "en")
    with pytest.raises(KeyError):
        bilingual("no_such_label")


@pytest.mark.parametrize("fit", list(Fit))
def test_every_fit_verdict_has_a_label(fit: Fit) -> None:
    assert f"fit_{fit.value}" in LABELS


@pytest.mark.parametrize("zone", list(Zone))
def test_every_zone_has_a_label(zone: Zone) -> None:
    assert f"zone_{zone.value}" in LABELS


def test_every_shortlist_column_has_a_label() -> None:
    assert [c for c in COLUMNS if c not in LABELS] == []


# --- the keys the app's pages use ---

CALL = re.compile(r"\b(?:t|label|bilingual)\(\s*(?P<arg>[^,)]*)")
LITERAL = re.compile(r"""^(["'])(?P<key>[A-Za-z0-9_]+)\1$""")
# t(f"fit_{match.fit.value}") and t("zone_" + park.zone.value): a fixed prefix, a varying end.
F_STRING = re.compile(r"""^f(["'])(?P<prefix>[A-Za-z0-9_]*)\{[^}]*\}\1$""")
CONCAT = re.compile(r"""^(["'])(?P<prefix>[A-Za-z0-9_]+)\1\s*\+""")

# Every value the varying end can take, by prefix.
DYNAMIC = {
    "fit_": [fit.value for fit in Fit],
    "zone_": [zone.value for zone in Zone],
    "download_": ["csv", "xlsx", "pdf"],  # the case page's export kinds
    "status_": [status.value for status in CaseStatus],
    "source_": [source.value for source in CaseSource],
}
# Label keys the pages take from the library's field lists rather than from literals.
FIELD_LISTS = [*PARK_FIELDS, "fit", "score", "reasons"]
# Calls whose argument is a variable, and the keys that variable can hold.
VARIABLE = {
    "field": FIELD_LISTS,  # compare page: rows named by the library's park fields
    "step": ["sector", "area", "location"],  # ranking.py: the steps of a breakdown
    "key": [],  # inside `t(key)` itself, in app_pages/common.py
    "problem": ["enquiry_too_long", "enquiry_bad_contact", "enquiry_need_consent"],  # enquiry
    "label_key": ["lexicon_sector", "lexicon_secondary", "lexicon_segment"],  # lexicon choices
}


def keys_used_by_the_app(sources: list[Path] = APP_SOURCES) -> dict[str, set[str]]:
    """Each label key the app's source can ask for, with the places that ask for it."""
    used: dict[str, set[str]] = {}
    unknown_calls: list[str] = []
    for path in sources:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.lstrip().startswith("def "):
                continue
            where = f"{path.name}:{number}"
            for call in CALL.finditer(line):
                arg = call.group("arg").strip()
                if m := LITERAL.match(arg):
                    keys = [m.group("key")]
                elif m := F_STRING.match(arg) or CONCAT.match(arg):
                    prefix = m.group("prefix")
                    if prefix not in DYNAMIC:
                        unknown_calls.append(f"{where}: {arg}")
                        continue
                    keys = [prefix + end for end in DYNAMIC[prefix]]
                elif arg in VARIABLE:
                    keys = VARIABLE[arg]
                else:
                    unknown_calls.append(f"{where}: {arg}")
                    continue
                for key in keys:
                    used.setdefault(key, set()).add(where)
    assert unknown_calls == [], "label calls this test cannot enumerate: list their keys here"
    return used


def test_the_scan_finds_the_pages_labels() -> None:
    used = keys_used_by_the_app()
    # One literal, one f-string, one concatenation, one variable: the scan sees every kind.
    assert {"page_investor", "fit_strong", "zone_north", "positioning_en"} <= set(used)
    assert len(used) > 80


def missing_keys(sources: list[Path] = APP_SOURCES) -> dict[str, list[str]]:
    used = keys_used_by_the_app(sources)
    return {key: sorted(where) for key, where in used.items() if key not in LABELS}


def test_every_label_key_the_app_uses_exists() -> None:
    assert missing_keys() == {}


def test_a_page_using_a_missing_key_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text('st.title(t("page_investor"))\nst.button(t("no_such_label"))\n', "utf-8")
    assert missing_keys([page]) == {"no_such_label": ["page.py:2"]}


def test_a_dynamic_key_this_test_cannot_enumerate_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text('st.write(t(f"unlisted_{row.kind}"))\n', "utf-8")
    with pytest.raises(AssertionError, match="cannot enumerate"):
        keys_used_by_the_app([page])


def test_every_field_the_library_lists_for_tables_has_a_label() -> None:
    assert [field for field in FIELD_LISTS if field not in LABELS] == []
