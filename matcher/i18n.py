"""Every word a person reads, in Chinese and English: the message catalogue and how to fill it.

The words live in one data file, `matcher/messages.toml`, one line per message with both
languages side by side, keyed by an id the code names (`say("reason_area_enough", …)`).
`say` fills a message in both languages at once and returns a `Text`; a page, an export or
the command line then picks the reader's language (`text.in_(lang)`). A value given to `say`
may itself be a `Text` (a sector's name, another message), so each language is filled with
its own words, never the other's.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from matcher.models import Zone

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
CATALOGUE_FILE = "messages.toml"
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")  # China keeps no daylight saving time


@dataclass(frozen=True, slots=True)
class Text:
    """One thing said, in Chinese and in English."""

    zh: str
    en: str

    def in_(self, lang: Lang) -> str:
        """The text in the reader's language."""
        return self.zh if lang == "zh" else self.en

    @property
    def mixed(self) -> str:
        """'english (中文)': both at once, for outputs read without a chosen language (the
        command line's messages, a batch run without --lang)."""
        return self.en if self.zh == self.en else f"{self.en} ({self.zh})"


@cache
def catalogue() -> Mapping[str, Text]:
    """Every message by id, read once from matcher/messages.toml."""
    raw = tomllib.loads(files("matcher").joinpath(CATALOGUE_FILE).read_text(encoding="utf-8"))
    return {key: Text(entry["zh"], entry["en"]) for key, entry in raw.items()}


def say(key: str, /, **values: object) -> Text:
    """Message `key` with `values` filled in, in both languages; a KeyError for an unknown key.

    A `Text` value is filled in each language with its own words; anything else is formatted
    as it is (a format spec such as `{count:,}` applies)."""
    message = catalogue()[key]
    if not values:
        return message
    zh = {k: v.zh if isinstance(v, Text) else v for k, v in values.items()}
    en = {k: v.en if isinstance(v, Text) else v for k, v in values.items()}
    return Text(message.zh.format_map(zh), message.en.format_map(en))


def label(key: str, lang: Lang, /, **values: object) -> str:
    """Message `key` in one language."""
    return say(key, **values).in_(lang)


def same(text: str) -> Text:
    """Words that read the same in both languages: a user's own text, a park id, a number."""
    return Text(text, text)


def both(zh: str, en: str) -> Text:
    """A curated pair of names (a sector, a place, a park), for filling in messages."""
    return Text(zh, en)


def joined(parts: Iterable[Text], separator: str = "list_separator") -> Text:
    """Texts joined in each language with that language's separator (、 / , by default)."""
    sep = catalogue()[separator]
    items = list(parts)
    return Text(sep.zh.join(p.zh for p in items), sep.en.join(p.en for p in items))


def bilingual(key: str) -> str:
    """'中文 / English', for export headers that both audiences read."""
    message = catalogue()[key]
    return f"{message.zh} / {message.en}"


def in_beijing(moment: datetime) -> datetime:
    """A stored moment (UTC, or naive meaning UTC) in Beijing time."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(BEIJING)


def date_words(moment: datetime) -> Text:
    """2026年11月22日 / 22 November 2026: the day in Beijing."""
    day = in_beijing(moment)
    return say("date", year=day.year, month=say(f"month_{day.month}"), day=day.day)


def time_words(moment: datetime) -> Text:
    """2026年11月22日 09:05（北京时间） / 22 November 2026, 09:05 (Beijing time)."""
    at = in_beijing(moment)
    return say("date_time", date=date_words(moment), time=at.strftime("%H:%M"))


def zone_name(zone: Zone, lang: Lang) -> str:
    """北区 / north zone: the one name of each half of the district, in either language."""
    return label(f"zone_{zone.value}", lang)
