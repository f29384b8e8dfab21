"""Shared state for the app's pages: the cached ranker, the language, the shortlist."""

from __future__ import annotations

import re
import string

import streamlit as st

from matcher.catalogue import Catalogue
from matcher.i18n import Lang, label
from matcher.models import Park
from matcher.scoring import Ranker, ranker_for


@st.cache_resource
def ranker() -> Ranker:
    """Catalogue and indexes are built once per server process."""
    return ranker_for()


def catalogue() -> Catalogue:
    return ranker().catalogue


def lang() -> Lang:
    chosen = st.session_state.get("lang", "zh")
    return "en" if chosen == "en" else "zh"


def t(key: str) -> str:
    """The label for `key` in the current language."""
    return label(key, lang())


# CommonMark lets any ASCII punctuation be backslash-escaped; escaping all of it also covers
# Streamlit's extras ($math$, :color[directives]).
_MARKDOWN_ESCAPES = str.maketrans({c: "\\" + c for c in string.punctuation})
# GFM turns bare "http://", "www." and "a@b.c" into links by searching the text *after*
# escapes are resolved, so a backslash cannot stop it: an invisible word joiner can.
_AUTOLINK_SPOTS = re.compile(r"(?=[:@])|(?<=www)(?=\.)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """`text` escaped so Streamlit's markdown shows it literally: no bold, links or images."""
    return _AUTOLINK_SPOTS.sub(WORD_JOINER, str(text)).translate(_MARKDOWN_ESCAPES)


def shortlist_ids() -> list[str]:
    ids: list[str] = st.session_state.setdefault("shortlist", [])
    return ids


def add_to_shortlist(park_ids: list[str]) -> None:
    ids = shortlist_ids()
    for park_id in park_ids:
        if park_id not in ids:
            ids.append(park_id)


def park_label(park_id: str) -> str:
    park = catalogue().park(park_id)
    return f"{park.park_id} {park.name_zh}" + ("" if lang() == "zh" else f" ({park.name_en})")


def area_facts(park: Park) -> dict[str, str]:
    """Floor areas as shown to users: an unpublished figure reads "unknown", never 0."""
    return {
        t("total_area"): f"{park.total_area_m2:,.0f}",
        t("above_ground_area"): t("unknown")
        if park.above_ground_area_m2 is None
        else f"{park.above_ground_area_m2:,.0f}",
        t("expansion_area"): ""
        if park.expansion_area_m2 is None
        else f"{park.expansion_area_m2:,.0f}",
    }
