"""An investor's enquiry from the public form: contact details checked, submissions limited.

The app's investor page calls these; the rules live here so they are tested without a page.
Problems are label keys (matcher/i18n.py), so the page says them in its language.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from matcher.models import Requirement
from matcher.text import normalize

MAX_FIELD = 200  # the cases table's column width
# Enquiries that reach the team, counted in the database (Cases.create_enquiry), so neither a
# reload nor another browser nor another app process starts the count again: at most this
# many per address, and per phone or e-mail, in each window.
SUBMISSIONS_PER_WINDOW = 5
# Visitors Streamlit gives no address (a connection from this machine: a reverse proxy on
# this host) cannot be told apart: together they share this allowance, which bounds a flood
# without letting one visitor stop all others at five.
UNADDRESSED_SUBMISSIONS_PER_WINDOW = 60
WINDOW = timedelta(minutes=10)
# The same requirement from the same contact within this time is the enquiry already sent:
# an investor pressing submit again (or reloading and sending once more) is not a new lead.
SAME_ENQUIRY_WITHIN = timedelta(hours=24)

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


def reaches_team(contact: str, consent: bool) -> bool:
    """True if a submission goes to the investment-promotion team as a case: only with a
    phone number or e-mail address to answer and the consent to use it. Anything else is a
    ranking for the visitor alone, and nobody is told to follow it up."""
    return bool(contact.strip()) and consent


def normalised_contact(contact: str) -> str:
    """One spelling per phone number or e-mail address: "+86 138-0013-8000" and
    "13800138000" are one phone, "Wang@Example.CN " and "wang@example.cn" one address."""
    text = unicodedata.normalize("NFKC", contact).strip()
    if "@" in text:
        return text.casefold()
    digits = re.sub(r"\D", "", text)
    # China's country code, written or not, is the same number.
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def enquiry_key(requirement: Requirement) -> str:
    """What makes two requirements the same enquiry: the requirement with its typed texts
    normalised (width, case, spaces) and its picked ids in a fixed order."""
    same = requirement.model_copy(
        update={
            "request_id": None,
            "sector_text": normalize(requirement.sector_text),
            "preferred_location": normalize(requirement.preferred_location),
            "sector_ids": tuple(sorted(requirement.sector_ids)),
            "place_ids": tuple(sorted(requirement.place_ids)),
        }
    )
    return same.model_dump_json()
