"""The requirement form, one piece for every page that asks for a requirement (the investor
page, a new case, a case's edit): the same fields, the same reading through
`Requirement.from_cells`, the same single message for an area it cannot read.

Not a page: st.navigation lists the pages explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from app_pages.common import catalogue, lang, plain, ranker, t
from matcher.areas import AreaError
from matcher.availability import read_day
from matcher.enquiry import enquiry_problems
from matcher.errors import UserFacingError
from matcher.models import Requirement, Weights
from matcher.reasons import sector_name


@dataclass(frozen=True)
class Cells:
    """What the person typed, before it is read as a requirement."""

    sector_text: str
    sector_ids: tuple[str, ...]
    min_area: str
    max_area: str
    location: str
    place_ids: tuple[str, ...]
    weights: Weights
    area_is_hard: bool
    location_is_hard: bool
    needed_by: str = ""  # as typed: a month (2027-03) or a day, read by the library


@dataclass(frozen=True)
class Contact:
    company: str
    contact_person: str
    contact: str
    consent: bool


def _area_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _day_text(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def requirement_fields(prefix: str = "", initial: Requirement | None = None) -> Cells:
    """The form's requirement widgets (call inside st.form). `prefix` keeps two forms apart;
    `initial` fills them (a case's stored requirement)."""
    cat = catalogue()
    start = initial or Requirement()
    left, middle, right = st.columns([2, 1, 1.5])
    sector_text = left.text_input(
        t("sector_text"),
        value=start.sector_text,
        key=f"{prefix}sector_text",
        help=t("sector_text_help"),
    )
    sector_ids = left.multiselect(
        t("sector_pick"),
        options=[s.sector_id for s in cat.sectors],
        default=list(start.sector_ids),
        format_func=lambda sid: sector_name(cat.sector(sid)).in_(lang()),
        key=f"{prefix}sector_ids",
        placeholder=t("choose"),
    )
    min_text = middle.text_input(
        t("min_area"),
        value=_area_text(start.min_area_m2),
        key=f"{prefix}min_area",
        help=t("area_help"),
    )
    max_text = middle.text_input(
        t("max_area"),
        value=_area_text(start.max_area_m2),
        key=f"{prefix}max_area",
        help=t("area_help"),
    )
    needed_text = middle.text_input(
        t("needed_by"),
        value=_day_text(start.needed_by),
        key=f"{prefix}needed_by",
        help=t("needed_by_help"),
        placeholder=t("needed_by_placeholder"),
    )
    location_text = right.text_input(
        t("location_text"),
        value=start.preferred_location,
        key=f"{prefix}location",
        help=t("location_help"),
    )
    places = [p for p in cat.places if p.kind in ("zone", "town")]
    known = {p.place_id for p in places}
    picked = right.multiselect(
        t("location_pick"),
        options=[p.place_id for p in places],
        default=[p for p in start.place_ids if p in known],
        format_func=lambda pid: next(
            p.name_zh if lang() == "zh" else p.name_en for p in places if p.place_id == pid
        ),
        key=f"{prefix}places",
        placeholder=t("choose"),
    )
    with st.expander(t("advanced")):
        a, b, c = st.columns(3)
        weights = start.weights or ranker().default_weights  # from data/scoring.toml
        w_sector = a.slider(
            t("weight_sector"), 0.0, 1.0, weights.sector, 0.05, key=f"{prefix}w_sector"
        )
        w_area = b.slider(t("weight_area"), 0.0, 1.0, weights.area, 0.05, key=f"{prefix}w_area")
        w_location = c.slider(
            t("weight_location"), 0.0, 1.0, weights.location, 0.05, key=f"{prefix}w_location"
        )
        hard_area = a.checkbox(t("hard_area"), value=start.area_is_hard, key=f"{prefix}hard_area")
        hard_location = b.checkbox(
            t("hard_location"), value=start.location_is_hard, key=f"{prefix}hard_location"
        )
    return Cells(
        sector_text=sector_text,
        sector_ids=tuple(sector_ids),
        min_area=min_text,
        max_area=max_text,
        location=location_text,
        place_ids=tuple(picked),
        weights=Weights(sector=w_sector, area=w_area, location=w_location),
        area_is_hard=hard_area,
        location_is_hard=hard_location,
        needed_by=needed_text,
    )


def contact_fields(prefix: str = "") -> Contact:
    """Company, contact person, phone or e-mail and consent (call inside st.form)."""
    a, b, c = st.columns(3)
    return Contact(
        company=a.text_input(t("company"), key=f"{prefix}company", max_chars=200),
        contact_person=b.text_input(
            t("contact_person"), key=f"{prefix}contact_person", max_chars=200
        ),
        contact=c.text_input(t("contact"), key=f"{prefix}contact", max_chars=200),
        consent=st.checkbox(t("consent"), key=f"{prefix}consent"),
    )


def read_requirement(cells: Cells) -> Requirement | None:
    """The requirement, or None after one error message (the user's text shown literally)."""
    default = ranker().default_weights
    needed_by: date | None = None
    if cells.needed_by.strip():
        try:
            needed_by = read_day(cells.needed_by)
        except UserFacingError as error:
            # Named by the field's label; the message quotes the text, escaped for markdown.
            message = t("field_value", field=t("needed_by"), value=error.message.in_(lang()))
            st.error(plain(message))
            return None
    try:
        return Requirement.from_cells(
            sector_text=cells.sector_text,
            sector_ids=cells.sector_ids,
            min_area=cells.min_area,
            max_area=cells.max_area,
            location=cells.location,
            place_ids=cells.place_ids,
            # None while the sliders show the defaults, so exports say "default weights".
            weights=None if cells.weights == default else cells.weights,
            area_is_hard=cells.area_is_hard,
            location_is_hard=cells.location_is_hard,
            area_limit_m2=ranker().area_limit_m2,
            needed_by=needed_by,
        )
    except AreaError as error:
        # The message quotes what the user typed: escaped, so it is never read as markdown.
        st.error(plain(error.in_field().in_(lang())))
        return None


def asks_something(requirement: Requirement) -> bool:
    return bool(
        requirement.asks_sector or requirement.asks_area or requirement.preferred_location.strip()
    )


def read_contact(contact: Contact, consent_optional: bool = False) -> bool:
    """True if the contact details may be saved; otherwise each problem shown once.

    With `consent_optional` (the investor page) details without consent are no mistake: the
    submission is then the visitor's ranking alone, nothing saved, and the page says how to
    be contacted."""
    problems = enquiry_problems(
        contact.company, contact.contact_person, contact.contact, contact.consent
    )
    if consent_optional:
        problems = [p for p in problems if p != "enquiry_need_consent"]
    for problem in problems:
        st.error(t(problem))
    return not problems
