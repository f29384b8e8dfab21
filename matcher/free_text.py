"""Free text people type that the workspace keeps: one check of its length and characters
(`checked`), and one way to print any stored text in a terminal (`shown`).

Every stored free-text field goes through `checked` before it is written, on SQLite and
PostgreSQL alike, so a database never holds what the other would refuse (a 300-character
company name) nor text that rewrites a terminal or a table when shown.

Refused, not stripped: control characters (NUL, ESC and the terminal sequences it starts,
carriage returns, C1 controls), line and paragraph separators, and invisible formatting
characters, right-to-left overrides included ("abc\u202egnp.exe" reads as "abcexe.png").
Removing them quietly would store something other than what the person typed, and hide
that someone tried; the person typing is there to correct it. The exceptions are what text
needs: a line break (and a tab) in a field of several lines, where a Windows "\r\n" is read
as "\n" (the same text), and the zero-width joiner and non-joiner that emoji and several
scripts need to be written at all.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from matcher.errors import UsageError
from matcher.i18n import Text, say


@dataclass(frozen=True)
class FieldRule:
    limit: int  # characters, after surrounding spaces are removed
    multiline: bool = False


# The limits people meet (README, "Limits"). Contact fields fit the cases table's columns;
# a sector sentence gets what a lead list's cell gets (matcher.batch.MAX_TEXT_CHARS); notes
# get what the case page's fields allow.
FIELDS: dict[str, FieldRule] = {
    "company": FieldRule(200),
    "contact_person": FieldRule(200),
    "contact": FieldRule(200),
    "sector_text": FieldRule(2_000),
    "preferred_location": FieldRule(200),
    "request_id": FieldRule(100),
    "park_note": FieldRule(1_000),
    "park_investor_note": FieldRule(1_000),
    "shortlist_note": FieldRule(4_000, multiline=True),
    "investor_note": FieldRule(4_000, multiline=True),
    "actor": FieldRule(100),
}

# Needed to write emoji sequences and Persian or Indic words: formatting, but not hiding.
_JOINERS = {"\u200c", "\u200d"}
_LINE_BREAKS = {"\n", "\t"}


class FreeTextError(UsageError):
    """A field too long or holding a character that must not be kept; `field` names it."""

    def __init__(self, field: str, message: Text) -> None:
        self.field = field
        super().__init__(message)


def hidden(char: str, multiline: bool = False) -> bool:
    """True for a character no stored text may hold (see the module's docstring)."""
    if multiline and char in _LINE_BREAKS:
        return False
    if char in _JOINERS:
        return False
    # Cc controls, Cf formatting (bidi overrides, zero-width spaces), Cs lone surrogates
    # (undecodable bytes on the command line), Zl / Zp line and paragraph separators.
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def checked(field: str, text: str) -> str:
    """`text` as it is kept (surrounding spaces removed), or FreeTextError saying why not."""
    rule = FIELDS[field]
    kept = text.replace("\r\n", "\n").strip() if rule.multiline else text.strip()
    bad = [c for c in kept if hidden(c, rule.multiline)]
    if bad:
        raise FreeTextError(
            field,
            say(
                "text_hidden_character",
                field=say(f"text_field_{field}"),
                shown=escaped("".join(dict.fromkeys(bad)))[:60],
            ),
        )
    if len(kept) > rule.limit:
        raise FreeTextError(
            field,
            say(
                "text_too_long",
                field=say(f"text_field_{field}"),
                limit=rule.limit,
                length=len(kept),
            ),
        )
    return kept


def escaped(text: str) -> str:
    """Every hidden character written as its escape (\\x1b, \\u202e, \\n); the rest as it is."""
    return "".join(c.encode("unicode_escape").decode("ascii") if hidden(c) else c for c in text)


def shown(text: object) -> str:
    """Stored text for a terminal: escapes instead of control and direction characters, so
    text stored before these checks (or written to the database by hand) can neither colour,
    retitle or clear the terminal nor forge a row. Long runs are not cut here."""
    return escaped("" if text is None else str(text))


def json_safe(dumped: str) -> str:
    """JSON text with every hidden character inside its strings as a \\uXXXX escape: the
    same data to a JSON reader, nothing a terminal acts on. (json.dumps escapes only the
    C0 controls, so any left below U+0020 are the layout's own line breaks and indents; DEL,
    C1 controls and bidi overrides pass through with ensure_ascii=False.)"""
    return "".join(_json_escape(c) if ord(c) >= 0x20 and hidden(c) else c for c in dumped)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # a tag character (U+E0001 …): JSON writes it as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"
