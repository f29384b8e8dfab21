"""Mistakes a user can make and fix: each carries one message, in Chinese and English."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matcher.i18n import Text, same, say


class UserFacingError(ValueError):
    """A mistake in what the user gave; the message names where it is and what is wrong.

    `message` holds it in both languages: a page shows `message.in_(lang)`; `str(error)` is
    the command line's form, 'english (中文)'."""

    exit_code = 1  # a data error

    def __init__(self, message: Text) -> None:
        self.message = message
        super().__init__(self.message.mixed)


def on_file(name: str | Text, problem: Text) -> Text:
    """'leads.csv: the file is empty': a problem led by the file (or the place in it) it is in."""
    return say("file_named", file=name, problem=problem)


def in_data(
    file: str,
    problem: Text,
    *,
    line: int | None = None,
    row: str | None = None,
    field: str | None = None,
) -> Text:
    """'parks.csv line 3 (P02), field total_area_m2: …': a problem in a curated table led by
    where it is, as far as that is known: the file, the line, the row's id and the field."""
    where = same(file)
    if line is not None and row is not None:
        where = say("data_at_row", file=file, line=line, row=row)
    elif line is not None:
        where = say("data_at_line", file=file, line=line)
    if field is not None:
        where = say("data_at_field", where=where, field=field)
    return on_file(where, problem)


# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) that a
# curated table or scoring.toml can meet, by message; ctx key of the limit each names.
_BOUNDS = {
    "greater_than": ("data_invalid_gt", "gt"),
    "greater_than_equal": ("data_invalid_ge", "ge"),
    "less_than": ("data_invalid_lt", "lt"),
    "less_than_equal": ("data_invalid_le", "le"),
}
_PLAIN = {
    "missing": "data_invalid_missing",
    "extra_forbidden": "data_invalid_extra",
    "float_parsing": "data_invalid_number",
    "int_parsing": "data_invalid_integer",
    # TOML reads inf and nan as numbers; a weight or level of either breaks every score.
    "finite_number": "data_invalid_not_finite",
}


def validation_problem(error: Mapping[str, Any]) -> Text:
    """What one of pydantic's `ValidationError.errors()` says, in both languages: a validator's
    own `UserFacingError` keeps its message; pydantic's commonest checks have theirs in the
    catalogue; any other keeps pydantic's English words."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if isinstance(ctx.get("error"), UserFacingError):
        message: Text = ctx["error"].message
        return message
    if kind in _BOUNDS:
        key, name = _BOUNDS[kind]
        limit = ctx[name]
        return say(key, limit=f"{limit:g}" if isinstance(limit, float) else limit)
    if kind in _PLAIN:
        return say(_PLAIN[kind])
    if kind in ("string_too_short", "too_short") and ctx.get("min_length") == 1:
        return say("data_invalid_empty")
    if kind == "string_pattern_mismatch":
        return say("data_invalid_pattern", pattern=ctx["pattern"])
    if kind in ("enum", "literal_error"):
        return say("data_invalid_choice", choices=str(ctx["expected"]).replace(" or ", ", "))
    return say("data_invalid_other", detail=error["msg"])


def located_problems(errors: Sequence[Mapping[str, Any]]) -> list[Text]:
    """Each of pydantic's `ValidationError.errors()` led by where it is ("weights.sector: …")."""
    return [
        say(
            "field_value",
            field=".".join(str(p) for p in e["loc"]) or "file",
            value=validation_problem(e),
        )
        for e in errors
    ]


class UsageError(UserFacingError):
    """The command asked for something it cannot do (an unknown encoding, output = input)."""

    exit_code = 2


class OutputError(UserFacingError):
    """The result cannot be written where the user asked (a folder, no space, no permission)."""
