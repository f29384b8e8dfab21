"""The app's entry point: language, who is signed in, and the pages they may see.

Anonymous visitors get the investor page, the parks catalogue and the sign-in page; a staff
page's address opened while signed out leads to sign-in and then on to it
(app_pages/navigation.py); staff pages themselves exist only for a signed-in session (and
each checks again).
"""

import streamlit as st

from app_pages.case_state import open_case_id
from app_pages.common import (
    LANG_KEPT,
    LANGS,
    PAGE_STYLE,
    TOKEN_KEY,
    catalogue,
    lang,
    language_switch,
    plain,
    signed_in_staff,
    start_language,
    t,
    workspace,
)
from app_pages.gate import SESSION_ROUTE, ticket_for
from app_pages.navigation import (
    STAFF_PATHS,
    destination_after_sign_in,
    nav_links,
    pages_for,
    sign_in_first,
)
from matcher.park_lists import catalogue_words

# The language chosen (kept across page switches and sign-in), else the browser's.
start_language()
st.set_page_config(page_title=t("app_title"), layout="wide")
st.html(PAGE_STYLE)
language_switch()  # at the top of every page: a phone's sidebar starts collapsed
with st.sidebar:
    # Said in both languages, and each language in its own: findable by either reader.
    st.radio(
        t("language_switch"),
        options=list(LANGS),
        format_func=lambda code: t(f"language_{code}"),
        key="lang",
        horizontal=True,
    )
st.session_state[LANG_KEPT] = st.session_state["lang"]

staff = signed_in_staff()
investor = st.Page(
    "app_pages/investor.py", title=t("page_investor"), url_path="investor", default=True
)
parks = st.Page("app_pages/parks.py", title=t("page_parks"), url_path="parks")
if staff is None:
    signin = st.Page("app_pages/signin.py", title=t("page_signin"), url_path="signin")
    # A staff address opened while signed out (a shared case link): sign in first, then on
    # to it. These pages only pass the address on; they hold no staff data.
    gates = [
        st.Page(
            sign_in_first(signin, path),
            title=t("page_signin"),
            url_path=path,
            visibility="hidden",
        )
        for path in STAFF_PATHS
    ]
    pages = [investor, parks, signin, *gates]
else:
    # Only the pages the account's role opens: a park operator gets no case page at all.
    staff_pages = {
        path: st.Page(f"app_pages/{path}.py", title=t(f"page_{path}"), url_path=path)
        for path in pages_for(staff)
    }
    pages = [investor, *staff_pages.values(), parks]
page = st.navigation(pages, position="hidden")
if staff is not None and st.session_state.pop("just_signed_in", False):
    st.session_state["set_cookie"] = True
    path, params = destination_after_sign_in(list(staff_pages))
    st.switch_page(staff_pages.get(path, parks), query_params=params)

# Which page ran last: a page can tell a fresh arrival from a rerun of itself.
st.session_state["page_entered"] = st.session_state.get("page_now") != page.url_path
st.session_state["page_now"] = page.url_path

with st.sidebar:
    nav_links([p for p in pages if p.visibility == "visible"], open_case_id())
    if staff is not None:
        role = t(f"role_{staff.role.value}") + (f" {staff.park_id}" if staff.park_id else "")
        st.caption(f"{t('signed_in_as')}: {plain(staff.username)} ({role})")
        if st.button(t("sign_out"), key="sign_out"):
            workspace().staff.end_session(st.session_state.pop(TOKEN_KEY, ""))
            st.session_state["clear_cookie"] = True
            st.rerun()
    # The session token also lives in a cookie, so a reload keeps the staff member signed in
    # (the token is checked against the database on every run; only its hash is stored). The
    # server sets it, HttpOnly, for a one-time ticket (app_pages/gate.py): the page never
    # carries the token itself, and no script can read the cookie.
    if staff is not None and st.session_state.pop("set_cookie", False):
        ticket = ticket_for(st.session_state[TOKEN_KEY])
        st.html(
            f"<script>fetch('{SESSION_ROUTE}', {{method: 'POST', body: '{ticket}', "
            "credentials: 'same-origin'});</script>",
            unsafe_allow_javascript=True,
        )
    if st.session_state.pop("clear_cookie", False):
        st.html(
            f"<script>fetch('{SESSION_ROUTE}', {{method: 'DELETE', "
            "credentials: 'same-origin'});</script>",
            unsafe_allow_javascript=True,
        )
    shown = catalogue()
    taught = t("lexicon_taught_count", n=shown.taught_terms) if shown.taught_terms else ""
    parks_words = catalogue_words(shown).in_(lang())
    st.caption(parks_words + (f" · {taught}" if taught else ""))
page.run()
