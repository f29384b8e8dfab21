"""Sign-in page (public): staff sign in with username and password; throttled."""

from __future__ import annotations

import streamlit as st

from app_pages.common import (
    TOKEN_KEY,
    bootstrap_problem,
    client_address,
    lang,
    local_time,
    plain,
    t,
    workspace_or_none,
)
from matcher.workspace import utcnow

st.title(t("page_signin"))
st.caption(t("signin_help"))
ws = workspace_or_none()
if ws is None:
    st.error(t("database_unavailable"))
    st.stop()
problem = bootstrap_problem()
if problem is not None:
    st.warning(t("bootstrap_not_created", reason=plain(problem.message.in_(lang()))))
with st.form("signin_form"):
    username = st.text_input(t("username"), key="signin_username", max_chars=64)
    password = st.text_input(t("password"), type="password", key="signin_password")
    submitted = st.form_submit_button(t("sign_in"), type="primary")

if submitted:
    now = utcnow()
    # Failures count per address too, so a stranger's guesses lock out the stranger, not
    # the staff member.
    client = client_address()
    staff = (
        ws.staff.authenticate(username, password, now, client=client) if username.strip() else None
    )
    if staff is None:
        # Said alike whether the username exists or not: its counts are kept either way.
        until = ws.staff.locked_until(username, now, client=client) if username.strip() else None
        if until is not None:
            st.error(t("signin_throttled", time=local_time(until)))
        else:
            st.error(t("signin_failed"))
    else:
        st.session_state[TOKEN_KEY] = ws.staff.start_session(staff, now)
        st.session_state["just_signed_in"] = True  # streamlit_app.py: cookie, then the Inbox
        st.rerun()
