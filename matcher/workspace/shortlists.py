"""A case's shortlist: the parks staff picked, each kept with the match the ranking gave it
when added (it never follows a later change), in order, with notes; and its exports, each
recorded with who, when, the parks, the data version and the file's SHA-256.

Edits go through CaseEditor.edit, as the case's own do: a shortlist change bumps the case's
version, and one made on a stale view raises StaleCaseError. Writing a file in a format is
the library's (matcher.shortlist); the workspace says which shortlist and records the export.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.errors import UsageError
from matcher.free_text import FreeTextError, checked
from matcher.i18n import Lang, Text, joined, say
from matcher.models import Requirement
from matcher.workspace.db import Database, utcnow
from matcher.workspace.editing import CaseEditor, export_view
from matcher.workspace.errors import CaseNotFoundError
from matcher.workspace.lexicon import Lexicon
from matcher.workspace.schema import CaseRow, ExportRow, ShortlistEntryRow, SnapshotRow
from matcher.workspace.views import CaseView, ExportRecord, PreparedExport

if TYPE_CHECKING:
    from matcher.shortlist import ExportFormat


class Shortlists:
    """Adding, ordering, annotating and removing a case's shortlisted parks; exporting them."""

    def __init__(self, db: Database, editor: CaseEditor, lexicon: Lexicon) -> None:
        self._db = db
        self._editor = editor
        self._lexicon = lexicon

    def add(
        self,
        case: CaseView | int,
        park_ids: Iterable[str],
        *,
        actor: str,
        note: str = "",
        investor_note: str = "",
        now: datetime | None = None,
    ) -> CaseView:
        """Add parks (in order, after those already listed) with the match the latest ranking
        gives them, stored as it is now. A park already on the list keeps its entry. `note` is
        internal; `investor_note` is printed in the brief and exported."""
        now = now or utcnow()
        note, investor_note = (
            checked("park_note", note),
            checked("park_investor_note", investor_note),
        )
        wanted = list(dict.fromkeys(p.strip().upper() for p in park_ids))
        ranker = self._lexicon.ranker  # before the transaction: see matcher.workspace.editing
        known = {p.park_id for p in ranker.catalogue.parks}
        unknown = [p for p in wanted if p not in known]
        if unknown:
            raise UsageError(
                say("unknown_park_ids", parks=", ".join(unknown)[:80], last=f"P{len(known):02d}")
            )

        def edit(session: Session, row: CaseRow) -> None:
            snapshot = session.scalar(
                select(SnapshotRow)
                .where(SnapshotRow.case_id == row.id)
                .order_by(SnapshotRow.id.desc())
                .limit(1)
            )
            if snapshot is None:  # pragma: no cover - every case is created with one
                snapshot = self._editor.add_snapshot(
                    session, row.id, Requirement.model_validate(row.requirement), actor, now, ranker
                )
            existing: dict[str, int] = {
                park: position
                for park, position in session.execute(
                    select(ShortlistEntryRow.park_id, ShortlistEntryRow.position).where(
                        ShortlistEntryRow.case_id == row.id
                    )
                )
            }
            position = max(existing.values(), default=0)
            matches = {m["park_id"]: m for m in snapshot.matches}
            for park_id in wanted:
                if park_id in existing:
                    continue
                position += 1
                match = matches[park_id]
                session.add(
                    ShortlistEntryRow(
                        case_id=row.id,
                        park_id=park_id,
                        position=position,
                        note=note,
                        investor_note=investor_note,
                        snapshot_id=snapshot.id,
                        match=match,
                        score=match["score"],
                        fit=match["fit"],
                        data_version=snapshot.data_version,
                        added_by=actor,
                        added_at=now,
                    )
                )

        return self._editor.edit(case, actor, now, edit)

    def remove(
        self, case: CaseView | int, park_id: str, *, actor: str, now: datetime | None = None
    ) -> CaseView:
        def edit(session: Session, row: CaseRow) -> None:
            entry = _entry(session, row.id, park_id)
            session.delete(entry)

        return self._editor.edit(case, actor, now or utcnow(), edit)

    def set_note(
        self,
        case: CaseView | int,
        park_id: str,
        note: str,
        *,
        actor: str,
        for_investor: bool = False,
        now: datetime | None = None,
    ) -> CaseView:
        """Set a shortlisted park's note: the internal one (the default; it stays in the
        workspace), or with `for_investor` the one the brief prints and every export carries."""
        note = checked("park_investor_note" if for_investor else "park_note", note)

        def edit(session: Session, row: CaseRow) -> None:
            entry = _entry(session, row.id, park_id)
            if for_investor:
                entry.investor_note = note
            else:
                entry.note = note

        return self._editor.edit(case, actor, now or utcnow(), edit)

    def set_notes(
        self,
        case: CaseView | int,
        notes: Mapping[NoteField, str],
        *,
        actor: str,
        now: datetime | None = None,
    ) -> CaseView:
        """Several notes in one edit, each checked first: all are saved or none. A note is
        named by (park id, or "" for the whole shortlist; True for the one for the investor)."""
        kept: dict[NoteField, str] = {}
        problems = []
        for note, text in notes.items():
            try:
                kept[note] = checked(_note_rule(*note), text)
            except FreeTextError as error:  # each named as its field is labelled
                problems.append(say("note_problem", note=_note_name(*note), problem=error.message))
        if problems:
            raise UsageError(joined(problems, "reason_separator"))

        def edit(session: Session, row: CaseRow) -> None:
            # No flush between the lookups: the case is written once, one edit one version.
            with session.no_autoflush:
                for (park_id, for_investor), text in kept.items():
                    if park_id:
                        entry = _entry(session, row.id, park_id)
                        setattr(entry, "investor_note" if for_investor else "note", text)
                    else:
                        setattr(row, "investor_note" if for_investor else "shortlist_note", text)

        return self._editor.edit(case, actor, now or utcnow(), edit)

    def reorder(
        self,
        case: CaseView | int,
        park_ids: Sequence[str],
        *,
        actor: str,
        now: datetime | None = None,
    ) -> CaseView:
        """Put the shortlist in the order given (it must name every listed park once)."""

        def edit(session: Session, row: CaseRow) -> None:
            entries = {
                e.park_id: e
                for e in session.scalars(
                    select(ShortlistEntryRow).where(ShortlistEntryRow.case_id == row.id)
                )
            }
            if sorted(park_ids) != sorted(entries):
                raise UsageError(say("reorder_must_list_all", parks=", ".join(sorted(entries))))
            for position, park_id in enumerate(park_ids, start=1):
                entries[park_id].position = position

        return self._editor.edit(case, actor, now or utcnow(), edit)

    # --------------------------------------------------------------------------------- exports

    def export(
        self,
        case_id: int,
        fmt: ExportFormat,
        lang: Lang,
        *,
        actor: str,
        now: datetime | None = None,
    ) -> tuple[bytes, ExportRecord]:
        """The case's shortlist as CSV, XLSX or a PDF brief, from the latest ranking (its
        requirement, matches and data version), and the record of that export."""
        prepared = self.prepare_export(case_id, fmt, lang, now=now)
        return prepared.data, self.record_prepared(prepared, actor=actor)

    def prepare_export(
        self,
        case: CaseView | int,
        fmt: ExportFormat,
        lang: Lang,
        *,
        now: datetime | None = None,
    ) -> PreparedExport:
        """The export's file, made but not recorded: what a page offers and a preview shows;
        `record_prepared` records it when the person downloads it."""
        from matcher.shortlist import Shortlist, ShortlistItem, shortlist_file

        now = now or utcnow()
        view = case if isinstance(case, CaseView) else self._editor.load(case)
        if not view.shortlist or view.snapshot is None:
            raise UsageError(say("shortlist_empty_export", case=view.id))
        # Only the notes written for the investor go out; the internal ones (`note`,
        # `shortlist_note`) are not even handed to the writers, so no format can print them.
        shortlist = Shortlist(
            items=tuple(
                ShortlistItem(park_id=e.park_id, investor_note=e.investor_note)
                for e in view.shortlist
            ),
            investor_note=view.investor_note,
            company=view.company,
            requirement=view.snapshot.requirement,
            data_version=view.snapshot.data_version,
            created_at=now,
        )
        matches = {m.park_id: m for m in view.snapshot.matches}
        return PreparedExport(
            case_id=view.id,
            snapshot_id=view.snapshot.id,
            format=fmt,
            data=shortlist_file(shortlist, self._lexicon.ranker.catalogue, matches, lang, fmt),
            park_ids=shortlist.park_ids,
            data_version=view.snapshot.data_version,
            park_list=view.snapshot.park_list,
            file_name=f"case-{view.id}-shortlist.{fmt}",
            prepared_at=now,
        )

    def record_prepared(self, prepared: PreparedExport, *, actor: str) -> ExportRecord:
        """Record a prepared export as made at the time its file says."""
        return self.record_export(
            case_id=prepared.case_id,
            snapshot_id=prepared.snapshot_id,
            fmt=prepared.format,
            data=prepared.data,
            park_ids=prepared.park_ids,
            data_version=prepared.data_version,
            park_list=prepared.park_list,
            file_name=prepared.file_name,
            actor=actor,
            now=prepared.prepared_at,
        )

    def record_export(
        self,
        *,
        case_id: int | None,
        fmt: str,
        data: bytes,
        park_ids: Sequence[str],
        data_version: str,
        actor: str,
        snapshot_id: int | None = None,
        file_name: str = "",
        now: datetime | None = None,
        park_list: int | None = None,
    ) -> ExportRecord:
        """Record an export: who, when, format, parks, data version, the park list it was
        made on (default: the one in use now) and the file's SHA-256."""
        if park_list is None:
            park_list = self._lexicon.ranker.catalogue.park_list.number
        actor = checked("actor", actor)
        with self._db.session() as session:
            row = ExportRow(
                case_id=case_id,
                snapshot_id=snapshot_id,
                format=fmt,
                park_ids=list(park_ids),
                data_version=data_version,
                park_list=park_list,
                sha256=hashlib.sha256(data).hexdigest(),
                size_bytes=len(data),
                file_name=file_name,
                created_by=actor,
                created_at=now or utcnow(),
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError as error:
                raise CaseNotFoundError(case_id or 0) from error
            return export_view(row)


# A note on a case's shortlist: (park id, or "" for the whole list; for the investor or not).
NoteField = tuple[str, bool]


def _note_rule(park_id: str, for_investor: bool) -> str:
    """The free-text rule (matcher.free_text.FIELDS) a note is checked by."""
    if park_id:
        return "park_investor_note" if for_investor else "park_note"
    return "investor_note" if for_investor else "shortlist_note"


def _note_name(park_id: str, for_investor: bool) -> Text:
    """A note as the case page labels it."""
    if park_id:
        return say("investor_note_for" if for_investor else "note_for", park=park_id)
    return say("investor_note_overall" if for_investor else "shortlist_note")


def _entry(session: Session, case_id: int, park_id: str) -> ShortlistEntryRow:
    entry = session.scalar(
        select(ShortlistEntryRow).where(
            ShortlistEntryRow.case_id == case_id,
            ShortlistEntryRow.park_id == park_id.strip().upper(),
        )
    )
    if entry is None:
        raise UsageError(say("not_on_shortlist", case=case_id, park=park_id[:20]))
    return entry
