"""Mistakes a user can make and fix: each carries one message, in English and Chinese."""

from __future__ import annotations


class UserFacingError(ValueError):
    """A mistake in what the user gave; the message names where it is and what is wrong."""

    exit_code = 1  # a data error


class UsageError(UserFacingError):
    """The command asked for something it cannot do (an unknown encoding, output = input)."""

    exit_code = 2


class OutputError(UserFacingError):
    """The result cannot be written where the user asked (a folder, no space, no permission)."""
