"""Inbox (staff): every case, newest change first, filtered by status and a search; new
cases marked; each opens its case page (the case id in the URL)."""

from __future__ import annotations

import streamlit as st

from app_pages.common import lang, local_time, plain, require_staff, staff_workspace, t
from app_pages.requirement_form import (
    asks_something,
    contact_fields,
    read_contact,
    read_requirement,
    requirement_fields,
)
from matcher.workspace import CaseSource, CaseStatus

PAGE_SIZE = 50
CASE_PAGE = "app_pages/case.py"

staff = require_staff()
ws = staff_workspace()
st.title(t("page_inbox"))

with st.expander(t("new_case")):
    with st.form("new_case_form"):
        cells = requirement_fields(prefix="new_")
        contact = contact_fields(prefix="new_")
        create = st.form_submit_button(t("create_case"))
    if create:
        requirement = read_requirement(cells)
        if requirement is not None and read_contact(contact):
            if not asks_something(requirement):
                st.info(t("empty_requirement"))
            else:
                case = ws.cases.create(
                    requirement,
                    actor=staff.username,
                    source=CaseSource.STAFF,
                    company=contact.company,
                    contact_person=contact.contact_person,
                    contact=contact.contact,
                    consent=contact.consent,
                    assigned_staff_id=staff.id,
                )
                st.switch_page(CASE_PAGE, query_params={"case": str(case.id)})

notices = ws.inbox.notices()
if notices:
    st.subheader(t("notices_heading"))
    for notice in notices:
        with st.container(border=True):
            a, b = st.columns([4, 1])
            a.page_link(
                CASE_PAGE,
                label=plain(f"#{notice.case_id} {notice.company or '—'}"),
                query_params={"case": str(notice.case_id)},
            )
            a.text(ws.inbox.notice_words(notice).in_(lang()))
            a.caption(local_time(notice.created_at))
            if b.button(t("notice_done"), key=f"notice_done_{notice.id}"):
                ws.inbox.mark_read(notice.id, actor=staff.username)
                st.rerun()

left, right = st.columns([2, 3])
statuses = left.multiselect(
    t("status"),
    options=[s.value for s in CaseStatus],
    format_func=lambda s: t("status_" + s),
    key="inbox_status",
    placeholder=t("choose"),
)
search = right.text_input(t("inbox_search"), key="inbox_search", max_chars=200)
late_only = st.toggle(t("inbox_overdue_only"), key="inbox_overdue_only")
found = ws.inbox.page(
    status=statuses or None, search=search, limit=PAGE_SIZE, overdue_only=late_only
)
st.caption(t("inbox_total", total=found.total, shown=len(found.rows)))
if not found.rows:
    st.info(t("inbox_empty"))
for row in found.rows:
    marker = "● " if row.status == CaseStatus.NEW else ""
    with st.container(border=True):
        a, b = st.columns([3, 2])
        # Company, contact and sector are the investor's own words: escaped before the
        # link's label renders them as markdown.
        a.page_link(
            CASE_PAGE,
            label=plain(f"{marker}#{row.id} {row.company or '—'} · {row.contact_person or '—'}"),
            query_params={"case": str(row.id)},
            help=t("inbox_new_mark") if marker else None,
        )
        a.text(row.sector_text)
        if row.overdue:
            late = [
                t(name)
                for name, flag in (
                    ("inbox_late_first_response", row.first_response_overdue),
                    ("inbox_late_shortlist", row.shortlist_overdue),
                )
                if flag
            ]
            a.markdown(f":red-badge[:material/schedule: {' · '.join(late)}]")
        b.caption(
            " · ".join(
                (
                    t("status_" + row.status.value),
                    t("source_" + row.source.value),
                    t("field_value", field=t("updated_at"), value=local_time(row.updated_at)),
                    t("field_value", field=t("case_shortlist"), value=row.shortlist_size),
                )
            )
        )
