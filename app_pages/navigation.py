"""Where a person can go, and where they return to: the sidebar's links, and a staff
address opened while signed out, which leads to sign-in and then on to that address.

The links are drawn here (st.navigation's own menu is hidden) so the Case link can carry the
open case's id: arriving at a bare /case and then writing the id into the address would add a
second history entry, and the browser's back button would need two presses to leave.

Not a page: st.navigation lists the pages explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from matcher.workspace.roles import Account, Action, can

STAFF_PATHS = ("inbox", "case", "compare", "batch", "lexicon", "dashboard", "catalogue")
# What a signed-in account's role must allow for each staff page (matcher.workspace.roles).
PAGE_ACTIONS = {
    "inbox": Action.WORK_CASES,
    "case": Action.WORK_CASES,
    "compare": Action.WORK_CASES,
    "batch": Action.WORK_CASES,
    "lexicon": Action.WORK_CASES,
    "dashboard": Action.WORK_CASES,
    "catalogue": Action.IMPORT_PARK_LIST,
}
NEXT = "next"  # the query parameter that names where to go after signing in


def pages_for(account: Account) -> list[str]:
    """The staff pages `account`'s role opens, in menu order (a park operator: none)."""
    return [path for path in STAFF_PATHS if can(account, PAGE_ACTIONS[path])]


def sign_in_first(signin: StreamlitPage, path: str) -> Callable[[], None]:
    """A stand-in for staff page `path` while signed out: the sign-in page, told to come
    back here (with the address's own parameters, such as ?case=12)."""

    def gate() -> None:
        params = {k: v for k, v in st.query_params.items() if k != NEXT}
        st.switch_page(signin, query_params={NEXT: path, **params})

    gate.__name__ = f"sign_in_then_{path}"  # st.Page names a page by its function
    return gate


def destination_after_sign_in(allowed: Sequence[str]) -> tuple[str, dict[str, str]]:
    """Where a sign-in leads: the staff page it was asked for (with its parameters) if the
    role opens it, else the first page it opens (the Inbox for staff), else the Parks page
    (a park operator's, where their park's availability is kept)."""
    params = {k: v for k, v in st.query_params.items() if k != NEXT}
    wanted = st.query_params.get(NEXT, "")
    if wanted in allowed:
        return wanted, params
    return (allowed[0] if allowed else "parks"), {}


def nav_links(pages: Sequence[StreamlitPage], open_case: int | None) -> None:
    """The sidebar's menu: one link a page; the Case link names the open case."""
    with st.container(key="nav"):
        for page in pages:
            params = {"case": str(open_case)} if page.url_path == "case" and open_case else None
            st.page_link(page, label=page.title, query_params=params)
