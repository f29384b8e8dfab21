"""Investor page (public): the requirement form with contact details; on submit the
investor sees their explained ranking and a case is saved for the staff."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from app_pages.common import local_time, t, workspace
from app_pages.ranking import show_ranking
from app_pages.requirement_form import (
    asks_something,
    contact_fields,
    read_contact,
    read_requirement,
    requirement_fields,
)
from matcher.enquiry import next_submission_at, recent_submissions
from matcher.workspace import CaseSource, utcnow

SUBMISSIONS = "investor_submissions"
RESULT = "investor_result"

st.title(t("app_title"))
st.caption(t("investor_intro"))
with st.form("requirement_form"):
    st.subheader(t("form_title"))
    cells = requirement_fields()
    contact = contact_fields()
    submitted = st.form_submit_button(t("submit"), type="primary")

if submitted:
    now = utcnow()
    times: list[datetime] = recent_submissions(st.session_state.get(SUBMISSIONS, []), now)
    st.session_state[SUBMISSIONS] = times
    wait = next_submission_at(times, now)
    if wait is not None:
        st.error(t("enquiry_rate_limited", time=local_time(wait)))
        st.stop()
    requirement = read_requirement(cells)
    if requirement is None or not read_contact(contact):
        st.session_state.pop(RESULT, None)
        st.stop()  # one message per mistake: no results or hint beneath it
    if not asks_something(requirement):
        st.session_state.pop(RESULT, None)
    else:
        case = workspace().cases.create(
            requirement,
            actor="investor",
            source=CaseSource.INVESTOR_FORM,
            company=contact.company,
            contact_person=contact.contact_person,
            contact=contact.contact,
            consent=contact.consent,
        )
        times.append(now)
        assert case.snapshot is not None  # every case is created with its ranking
        # Only this visitor's own case, in this browser session: nothing else is read.
        st.session_state[RESULT] = (case.id, requirement, list(case.snapshot.matches))

result = st.session_state.get(RESULT)
if result is None:
    st.info(t("empty_requirement"))
else:
    case_id, requirement, matches = result
    st.success(t("enquiry_saved", case=case_id))
    show_ranking(requirement, matches, key=f"investor_{case_id}")
