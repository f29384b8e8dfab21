"""Mistakes a user can make and fix: each carries one message, in Chinese and English."""

from __future__ import annotations

from matcher.i18n import Text, say, split_mixed


class UserFacingError(ValueError):
    """A mistake in what the user gave; the message names where it is and what is wrong.

    `message` holds it in both languages: a page shows `message.in_(lang)`; `str(error)` is
    the command line's form, 'english (中文)'."""

    exit_code = 1  # a data error

    def __init__(self, message: Text | str) -> None:
        self.message = message if isinstance(message, Text) else split_mixed(message)
        super().__init__(self.message.mixed)


def on_file(name: str, problem: Text) -> Text:
    """'leads.csv: the file is empty': a problem led by the file it is in."""
    return say("file_named", file=name, problem=problem)


class UsageError(UserFacingError):
    """The command asked for something it cannot do (an unknown encoding, output = input)."""

    exit_code = 2


class OutputError(UserFacingError):
    """The result cannot be written where the user asked (a folder, no space, no permission)."""
