"""An investor's enquiry from the public form: contact details checked, submissions limited.

The app's investor page calls these; the rules live here so they are tested without a page.
Problems are label keys (matcher/i18n.py), so the page says them in its language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

MAX_FIELD = 200  # the cases table's column width
SUBMISSIONS_PER_WINDOW = 5
WINDOW = timedelta(minutes=10)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s()\-]{7,25}$")


def enquiry_problems(company: str, contact_person: str, contact: str, consent: bool) -> list[str]:
    """What stops the enquiry being saved, as label keys; [] when it may be saved.

    Contact details are optional; given, they need the investor's consent to be contacted,
    and a phone number or e-mail address that can be used."""
    problems = []
    if any(len(text.strip()) > MAX_FIELD for text in (company, contact_person, contact)):
        problems.append("enquiry_too_long")
    contact = contact.strip()
    if contact and not (_EMAIL.match(contact) or _PHONE.match(contact)):
        problems.append("enquiry_bad_contact")
    if (contact_person.strip() or contact) and not consent:
        problems.append("enquiry_need_consent")
    return problems


def recent_submissions(times: Sequence[datetime], now: datetime) -> list[datetime]:
    """The submissions that still count against the limit at `now`."""
    return [t for t in times if now - t < WINDOW]


def next_submission_at(times: Sequence[datetime], now: datetime) -> datetime | None:
    """None if one more submission is allowed now, else when the next one will be."""
    recent = sorted(recent_submissions(times, now))
    if len(recent) < SUBMISSIONS_PER_WINDOW:
        return None
    return recent[len(recent) - SUBMISSIONS_PER_WINDOW] + WINDOW
