"""Park list page: staff import a newly published list and see what it would change; an
administrator publishes it; every version before stays readable."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from app_pages.batch_state import safe_file_name
from app_pages.common import lang, local_time, plain, require_role, t, workspace
from matcher.errors import UserFacingError
from matcher.i18n import Text
from matcher.park_lists import ParkListError, read_park_list
from matcher.views import park_row, table
from matcher.workspace.park_lists import ParkListVersion
from matcher.workspace.roles import Action, can

SAID = "park_list_said"  # what the last click did, shown after the rerun it asks for

staff = require_role(Action.IMPORT_PARK_LIST)
lists = workspace().acting_as(staff).park_lists
st.title(t("page_catalogue"))


def words(text: Text) -> str:
    return plain(text.in_(lang()))


def bullets(lines: list[Text]) -> str:
    return "\n".join(f"- {words(line)}" for line in lines)


said = st.session_state.pop(SAID, None)
if said:
    st.success(said)

current = lists.current()
st.subheader(t("park_list_in_use_heading"))
st.markdown(f"**{words(current.words())}** · {t('park_list_parks', parks=len(current.parks))}")

st.subheader(t("park_list_import_heading"))
st.caption(t("park_list_import_help"))
upload = st.file_uploader(t("park_list_upload"), type=["csv", "xlsx"], key="park_list_file")
if upload is not None and st.button(t("park_list_import"), key="park_list_import"):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / safe_file_name(upload.name)
        path.write_bytes(upload.getvalue())
        try:
            park_list = read_park_list(path, lists.curated.catalogue)
        except ParkListError as error:
            st.error(t("park_list_cannot") + "\n\n" + bullets(error.problems))
        except UserFacingError as error:  # not a table at all: empty, unreadable, no header
            st.error(t("park_list_cannot") + "\n\n" + bullets([error.message]))
        else:
            lists.import_list(park_list, by=staff)
            st.session_state[SAID] = t("park_list_imported_page", file=plain(upload.name))
            st.rerun()

draft = lists.draft()
if draft is not None and draft.imported_at is not None:
    st.subheader(t("park_list_waiting"))
    st.caption(
        t(
            "park_list_draft_line",
            file=plain(draft.file_name),
            parks=len(draft.parks),
            who=draft.imported_by,
            time=local_time(draft.imported_at),
        )
    )
    changes = lists.diff().lines()
    st.markdown(bullets(changes) if changes else t("diff_none"))
    may_publish = can(staff, Action.PUBLISH_PARK_LIST)
    a, b = st.columns(2)
    if a.button(
        t("park_list_publish"), key="park_list_publish", type="primary", disabled=not may_publish
    ):
        try:  # the library decides, whatever this page drew (a colleague may have published)
            version = lists.publish(by=staff)
        except UserFacingError as error:
            st.error(words(error.message))
        else:
            assert version.published_at is not None
            st.session_state[SAID] = t(
                "park_list_published",
                words=version.words().in_(lang()),
                parks=len(version.parks),
                who=version.published_by,
                time=local_time(version.published_at),
            )
            st.rerun()
    if b.button(t("park_list_discard"), key="park_list_discard"):
        lists.discard(by=staff)
        st.session_state[SAID] = t("park_list_discarded")
        st.rerun()
    if not may_publish:
        st.caption(t("park_list_publish_admin_only"))

st.subheader(t("park_list_history"))
versions = lists.history()


def version_row(version: ParkListVersion) -> dict[str, object]:
    return {
        t("park_list_col_version"): version.words().in_(lang()),
        t("park_list_col_parks"): len(version.parks),
        t("park_list_col_by"): version.published_by or t("park_list_shipped"),
        t("park_list_col_at"): local_time(version.published_at) if version.published_at else "",
    }


st.dataframe([version_row(v) for v in versions], hide_index=True)
# Labels made in this run, in its language; the time too, as two lists may share a day.
labels = [
    v.words().in_(lang()) + (f" · {local_time(v.published_at)}" if v.published_at else "")
    for v in versions
]
picked = st.selectbox(
    t("park_list_pick"),
    options=range(len(versions)),
    format_func=labels.__getitem__,
    key="park_list_picked",
)
cat = lists.curated.catalogue  # sectors are the same in every version: only parks change
fields = ("park_id", "park_name_zh", "town", "total_area", "above_ground_area", "sectors")
st.dataframe(
    table([park_row(p, cat, lang()) for p in versions[picked or 0].parks], fields, lang()),
    hide_index=True,
    placeholder=t("unknown"),
)
