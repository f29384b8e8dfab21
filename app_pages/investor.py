"""Investor page (public): the requirement form with contact details. On submit the investor
sees their explained ranking; only a submission with a phone or e-mail and consent goes to
the staff as a case, and the same one sent again is the case already made."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from app_pages.common import catalogue, client_address, lang, plain, ranker, t, workspace
from app_pages.ranking import ranking_key, show_ranking
from app_pages.requirement_form import (
    asks_something,
    contact_fields,
    read_contact,
    read_requirement,
    requirement_fields,
)
from matcher.enquiry import reaches_team
from matcher.errors import UserFacingError
from matcher.reasons import sector_examples
from matcher.workspace import DatabaseError

RESULT = "investor_result"
# What became of the last submission, each said in one message above its ranking.
CREATED, ALREADY_SENT, NOT_SENT, NOT_SAVED = "created", "already_sent", "not_sent", "not_saved"

st.title(t("app_title"))
st.caption(t("investor_intro"))
with st.form("requirement_form"):
    st.subheader(t("form_title"))
    cells = requirement_fields()
    contact = contact_fields()
    submitted = st.form_submit_button(t("submit"), type="primary")
    # Right under the button: what a submit that asked nothing lacks.
    beside_submit = st.empty()

if submitted:
    requirement = read_requirement(cells)
    if requirement is None or not read_contact(contact, consent_optional=True):
        st.session_state.pop(RESULT, None)
        st.stop()  # one message per mistake: no results or hint beneath it
    if not asks_something(requirement):
        st.session_state.pop(RESULT, None)
        empty = t(
            "enquiry_empty_submit",
            examples=sector_examples(catalogue().parks, ranker().taxonomy.sectors).in_(lang()),
            submit=t("submit"),
        )
        beside_submit.warning(empty)
        st.toast(empty)
        st.stop()
    if not reaches_team(contact.contact, contact.consent):
        # Nothing is stored and nobody is told to follow it up: the ranking is the
        # visitor's alone, and the page says how to be contacted.
        st.session_state[RESULT] = (NOT_SENT, None, requirement, ranker().rank(requirement))
    else:
        # The library counts what reaches the team, sent anew or sent again, per address and
        # per contact in the database (a reload does not reset it), and checks every text.
        try:
            case, created = workspace().cases.create_enquiry(
                requirement,
                company=contact.company,
                contact_person=contact.contact_person,
                contact=contact.contact,
                consent=contact.consent,
                client=client_address(),
            )
        except (DatabaseError, SQLAlchemyError):
            # Said plainly: nothing reached the team (a full disk, a database away). The
            # ranking is still theirs to read, computed without the database.
            st.session_state[RESULT] = (NOT_SAVED, None, requirement, ranker().rank(requirement))
        except UserFacingError as error:  # a limit reached, a text too long or hidden marks
            st.session_state.pop(RESULT, None)  # no earlier "submitted" beneath the refusal
            st.error(plain(error.message.in_(lang())))
            st.stop()
        else:
            assert case.snapshot is not None  # every case is created with its ranking
            # Only this visitor's own case, in this browser session: nothing else is read.
            st.session_state[RESULT] = (
                CREATED if created else ALREADY_SENT,
                case.id,
                requirement,
                list(case.snapshot.matches),
            )

result = st.session_state.get(RESULT)
if result is None:
    st.info(t("empty_requirement"))
else:
    outcome, case_id, requirement, matches = result
    if outcome == CREATED:
        st.success(t("enquiry_saved", case=case_id))
    elif outcome == NOT_SAVED:
        st.error(t("enquiry_not_saved"))
    elif outcome == ALREADY_SENT:
        st.info(t("enquiry_already_sent", case=case_id))
    else:
        st.warning(t("enquiry_not_sent"))
    show_ranking(requirement, matches, key=f"investor_{ranking_key(requirement)}")
