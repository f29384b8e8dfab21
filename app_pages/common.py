"""Shared state for the app's pages: the cached ranker and workspace, the language, who is
signed in."""

from __future__ import annotations

import logging
import os
import re
import string
from datetime import datetime, timedelta, timezone

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from app_pages.gate import COOKIE
from matcher.availability import Availability
from matcher.catalogue import Catalogue
from matcher.client_address import Network, trusted_proxies, visitor_address
from matcher.errors import UserFacingError
from matcher.i18n import Lang, in_beijing, label, time_words
from matcher.models import Park
from matcher.scoring import Ranker, ranker_for
from matcher.views import AVAILABILITY_COLUMNS, availability_row, header
from matcher.workspace import DatabaseError, Staff, Workspace, database_url, utcnow
from matcher.workspace.roles import Action, NotAllowedError, require
from matcher.workspace.store import Acting

BOOTSTRAP_VAR = "MATCHER_BOOTSTRAP_STAFF"
TOKEN_KEY = "staff_token"
LANG_KEPT = "lang_kept"  # the language, beyond the toggle's own key "lang" (streamlit_app.py)
LANG_TOP = "lang_top"  # the switch at the top of every page, kept in step with "lang"
LANGS: tuple[Lang, ...] = ("zh", "en")
BEIJING = timezone(timedelta(hours=8))
# Every page: on a phone (below 640 px) a title in a size that wraps less; wider, side
# margins of 4rem rather than 5rem, so a ranking grid shows all its columns at 1280 px.
PAGE_STYLE = """<style>
@media (max-width: 640px) {
  [data-testid="stMain"] [data-testid="stHeading"] h1 { font-size: 2rem; }
}
@media (min-width: 641px) {
  [data-testid="stMainBlockContainer"] { padding-left: 4rem; padding-right: 4rem; }
}
</style>"""


@st.cache_resource
def _curated_ranker() -> Ranker:
    """The curated data's catalogue and indexes, built once per server process."""
    return ranker_for()


def ranker() -> Ranker:
    """The curated data plus the terms staff taught (the Lexicon page), as the workspace
    keeps it: rebuilt only when a term is taught or retired. Without a readable database,
    the curated data alone: the public pages work without the workspace."""
    ws = workspace_or_none()
    if ws is None:
        return _curated_ranker()
    try:
        return ws.lexicon.ranker
    except DatabaseError as error:
        LOG.warning("taught terms unreadable, curated data only: %s", error.message.in_("en"))
        return _curated_ranker()


@st.cache_resource(show_spinner=False)
def _workspace(url: str, bootstrap: str) -> Workspace:
    ws = Workspace.open(url, ranker=_curated_ranker())
    if bootstrap:
        try:
            ws.staff.bootstrap(bootstrap)
        except UserFacingError as error:
            # An operator's mistake in the environment: said on the sign-in page and in the
            # log; every page still works (the account is simply not created).
            _BOOTSTRAP_PROBLEM.append(error)
            LOG.error("%s: %s", BOOTSTRAP_VAR, error.message.in_("en"))
    return ws


_BOOTSTRAP_PROBLEM: list[UserFacingError] = []
LOG = logging.getLogger("matcher.app")


def workspace() -> Workspace:
    """One workspace per database URL and server process ($MATCHER_DB_URL, else var/).
    Raises DatabaseError when the database cannot be opened (tried again on the next call)."""
    return _workspace(database_url(), os.environ.get(BOOTSTRAP_VAR, ""))


def workspace_or_none() -> Workspace | None:
    """The workspace, or None (logged) when its database cannot be opened: for what a page
    can do without it."""
    try:
        return workspace()
    except DatabaseError as error:
        LOG.error("database unavailable: %s", error.message.in_("en"))
        return None
    except SQLAlchemyError:  # a fault while migrating (a full disk, a read-only file)
        LOG.exception("database unavailable")
        return None


def bootstrap_problem() -> UserFacingError | None:
    """Why MATCHER_BOOTSTRAP_STAFF's account could not be made, if it could not."""
    return _BOOTSTRAP_PROBLEM[0] if _BOOTSTRAP_PROBLEM else None


def signed_in_staff() -> Staff | None:
    """The staff member this browser session belongs to, checked against the database on
    every run (so a session ends after 8 hours, or when signed out elsewhere); None while
    the database cannot say."""
    token = st.session_state.get(TOKEN_KEY) or _cookie_token()
    if not isinstance(token, str) or not token:
        return None
    ws = workspace_or_none()
    if ws is None:
        return None
    try:
        staff = ws.staff.signed_in(token, utcnow())
    except DatabaseError as error:
        LOG.error("session unreadable: %s", error.message.in_("en"))
        return None
    if staff is None:
        st.session_state.pop(TOKEN_KEY, None)
        return None
    st.session_state[TOKEN_KEY] = token
    return staff


def _cookie_token() -> str:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no browser behind this session (AppTest)
        return ""
    return value if isinstance(value, str) else ""


@st.cache_resource
def _proxies() -> tuple[Network, ...]:
    return trusted_proxies()


def say_page_failed(error: Exception) -> bool:
    """serve.py's on_script_error: a fault no page caught is one message in the page's
    language (its traceback stays in the server log); True: Streamlit shows nothing more."""
    database = isinstance(error, DatabaseError | SQLAlchemyError)
    st.error(t("database_unavailable" if database else "page_failed"))
    return True


def client_address() -> str | None:
    """The visitor's address, which the workspace counts sign-ins and enquiries by: behind a
    trusted proxy ($MATCHER_TRUSTED_PROXIES) the one it forwarded (matcher.client_address).
    None for a connection from this machine with nothing forwarded (a developer) and without
    a browser (AppTest reports a stand-in object)."""
    try:
        address = st.context.ip_address
        headers = st.context.headers
        forwarded = list(headers.get_all("X-Forwarded-For"))
        real_ip = headers.get("X-Real-IP")
    except Exception:  # no runtime behind this session
        return None
    peer = address if isinstance(address, str) and address else None
    return visitor_address(peer, forwarded, real_ip, _proxies())


def require_role(action: Action) -> Staff:
    """For staff pages: stop here unless someone is signed in whose role allows `action`
    (navigation already hides such pages; this is the second lock, and the library the
    third: matcher.workspace.roles)."""
    staff = signed_in_staff()
    if staff is None and workspace_or_none() is None:
        st.error(t("database_unavailable"))
        st.stop()
    if staff is None:
        st.warning(t("staff_only"))
        st.stop()
    try:
        require(staff, action)
    except NotAllowedError as error:
        st.warning(error.message.in_(lang()))
        st.stop()
    return staff


def require_staff() -> Staff:
    """For the pages of cases (Inbox, Case, Compare, Batch, Lexicon): admin and staff."""
    return require_role(Action.WORK_CASES)


def staff_workspace() -> Acting:
    """The workspace as the signed-in account may use it: each part refuses a role that
    may not use it (a park operator reaching for cases), whatever the page does."""
    return workspace().acting_as(require_staff())


def local_time(moment: datetime) -> str:
    """A stored UTC time as people here read it: in words, Beijing time."""
    return time_words(moment).in_(lang())


def catalogue() -> Catalogue:
    return ranker().catalogue


def lang_of_locale(locale: str | None) -> Lang:
    """The page's language for a browser's (navigator.language, "en-US", "zh-CN"): Chinese
    for any Chinese and when the browser says nothing (the district's public is Chinese);
    English for every other language, the one such a visitor more likely reads."""
    if not locale or not locale.strip():
        return "zh"
    return "zh" if locale.strip().casefold().startswith("zh") else "en"


def _browser_locale() -> str | None:
    try:
        locale = st.context.locale
    except Exception:  # no browser behind this session (AppTest)
        return None
    return locale if isinstance(locale, str) else None


def start_language() -> None:
    """The session's language before anything is drawn: the one chosen on a switch, else the
    one kept under LANG_KEPT (Streamlit drops a widget's value when a run switches pages, as
    signing in does), else the browser's; given to both switches' keys."""
    chosen = st.session_state.get("lang") or st.session_state.get(LANG_KEPT)
    if chosen not in LANGS:
        chosen = lang_of_locale(_browser_locale())
    st.session_state["lang"] = chosen
    st.session_state[LANG_TOP] = chosen
    st.session_state[LANG_KEPT] = chosen


def _chose_at_top() -> None:
    st.session_state["lang"] = st.session_state[LANG_TOP]
    st.session_state[LANG_KEPT] = st.session_state[LANG_TOP]


def language_switch() -> None:
    """中文 | English at the top of the page's main area: on a phone the sidebar, and its
    radio, start collapsed, so the choice must be in sight. Each language is named in its
    own words, so either reader finds theirs."""
    with st.container(horizontal=True, horizontal_alignment="right", key="language_switch"):
        st.segmented_control(
            t("language_switch"),
            options=list(LANGS),
            format_func=lambda code: t(f"language_{code}"),
            key=LANG_TOP,
            on_change=_chose_at_top,
            required=True,
            label_visibility="collapsed",
        )


def lang() -> Lang:
    chosen = st.session_state.get("lang", "zh")
    return "en" if chosen == "en" else "zh"


def t(key: str, **values: object) -> str:
    """Message `key` in the page's language, with `values` filled in."""
    return label(key, lang(), **values)


# CommonMark lets any ASCII punctuation be backslash-escaped; escaping all of it also covers
# Streamlit's extras ($math$, :color[directives]).
_MARKDOWN_ESCAPES = str.maketrans({c: "\\" + c for c in string.punctuation})
# GFM turns bare "http://", "www." and "a@b.c" into links by searching the text *after*
# escapes are resolved, so a backslash cannot stop it: an invisible word joiner can.
_AUTOLINK_SPOTS = re.compile(r"(?=[:@])|(?<=www)(?=\.)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """`text` escaped so Streamlit's markdown shows it literally: no bold, links or images."""
    return _AUTOLINK_SPOTS.sub(WORD_JOINER, str(text)).translate(_MARKDOWN_ESCAPES)


def park_label(park_id: str) -> str:
    park = catalogue().park(park_id)
    return f"{park.park_id} {park.name_zh}" + ("" if lang() == "zh" else f" ({park.name_en})")


def area_facts(park: Park) -> dict[str, str]:
    """Floor areas as shown to users: an unpublished figure reads "unknown", never 0."""
    figures = {
        "total_area": park.total_area_m2,
        "above_ground_area": park.above_ground_area_m2,
        "expansion_area": park.expansion_area_m2,
    }
    return {
        header(column, lang()): t("unknown") if value is None else f"{value:,.0f}"
        for column, value in figures.items()
    }


def availability_now() -> Availability:
    """The space available per park as the office recorded it; none recorded while the
    database cannot be read (the public pages then show the published totals alone)."""
    ws = workspace_or_none()
    if ws is not None:
        try:
            return ws.availability.snapshot()
        except DatabaseError as error:
            LOG.error("availability unreadable: %s", error.message.in_("en"))
    return Availability(as_of=in_beijing(utcnow()).date())


def availability_facts(park: Park) -> dict[str, str]:
    """The park's space available as the office recorded it: the figure, its date, its source."""
    row = availability_row(park, availability_now(), lang())
    return {
        header(column, lang()): str(row[column]) for column in AVAILABILITY_COLUMNS if row[column]
    }
