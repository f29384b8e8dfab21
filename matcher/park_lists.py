"""A newly published park list: read from a file in data/parks.csv's columns, checked as
check-data checks parks, compared with the list in use (added, removed, renamed, areas,
positioning, location), and worded for people by the day it was published.

The workspace keeps drafts and published versions (matcher.workspace.park_lists); this is
the part without a database: reading, checking, comparing and wording.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from matcher.catalogue import Catalogue, ParkListEdition, check_parks, park_columns
from matcher.errors import UserFacingError, on_file
from matcher.i18n import Text, both, date_words, joined, same, say
from matcher.models import Park
from matcher.provenance import PARK_LIST_DATE
from matcher.text import area_words

Cells = dict[str, str]  # one park as parks.csv's cells


class ParkListError(UserFacingError):
    """A park list that cannot be used: `problems` names file, line, park and field of each."""

    def __init__(self, problems: Sequence[Text]) -> None:
        self.problems = list(problems)
        super().__init__(joined(self.problems, "reason_separator"))


@dataclass(frozen=True)
class ParkList:
    """A list read and checked: its parks, their cells as given (what is stored), the file."""

    parks: tuple[Park, ...]
    cells: tuple[Cells, ...]
    file_name: str
    file_sha256: str


def read_park_list(
    path: Path, catalogue: Catalogue, *, encoding: str | None = None, sheet: str | None = None
) -> ParkList:
    """The parks of a CSV (any encoding the batch reads) or XLSX in parks.csv's columns,
    checked against `catalogue`'s sectors; ParkListError naming every problem."""
    from matcher.batch_io import open_table  # pandas, openpyxl: only for an import

    source = open_table(path, encoding=encoding, sheet=sheet)
    headers = [h.strip() for h in source.headers]
    expected = park_columns()
    missing = [c for c in expected if c not in headers]
    unknown = [h for h in headers if h not in expected]
    if missing or unknown:
        mismatch = say("data_header_mismatch", missing=missing or "-", unknown=unknown or "-")
        raise ParkListError([on_file(say("data_at_header", file=path.name), mismatch)])
    rows: list[tuple[int, Cells]] = []
    for chunk in source.chunks:
        chunk.columns = headers
        for line, record in zip(chunk.index, chunk.to_dict("records"), strict=True):
            cells = {str(k): str(v or "").strip() for k, v in record.items()}
            if any(cells.values()):
                rows.append((int(line), cells))
    problems = [on_file(f"{path.name}:{line}", why) for line, why in source.row_problems.items()]
    if not rows:
        problems.append(on_file(path.name, say("data_no_rows")))
    parks, found = check_parks(rows, path.name, {s.sector_id for s in catalogue.sectors})
    problems += found
    if problems:
        raise ParkListError(problems)
    return ParkList(
        parks=tuple(sorted(parks, key=lambda p: p.park_id)),
        cells=tuple(cells for _, cells in sorted(rows, key=lambda r: r[1]["park_id"])),
        file_name=path.name,
        file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def parks_of(cells: Sequence[Cells], catalogue: Catalogue) -> tuple[Park, ...]:
    """Stored cells back into parks, checked again (a stored list is never trusted blindly)."""
    rows = [(n, dict(c)) for n, c in enumerate(cells, start=2)]
    parks, problems = check_parks(rows, "parks", {s.sector_id for s in catalogue.sectors})
    if problems:
        raise ParkListError(problems)
    return tuple(sorted(parks, key=lambda p: p.park_id))


def with_parks(
    catalogue: Catalogue,
    parks: Sequence[Park],
    edition: ParkListEdition,
    earlier: Sequence[Park] = (),
) -> Catalogue:
    """The catalogue with another published list's parks; its data version names that list,
    so every snapshot made on it differs from one made on the list before. Parks of the
    catalogue's own list and of `earlier` ones (oldest first) that the new list lacks are
    kept as retired, as they were last published: old snapshots and shortlists name them."""
    if edition.number == catalogue.park_list.number:
        return catalogue
    listed = {p.park_id for p in parks}
    retired = {p.park_id: p for p in (*catalogue.parks, *earlier) if p.park_id not in listed}
    digest = hashlib.sha256(catalogue.version.encode())
    for park in parks:
        digest.update(park.model_dump_json().encode())
    return replace(
        catalogue,
        parks=tuple(sorted(parks, key=lambda p: p.park_id)),
        park_list=edition,
        version=digest.hexdigest()[:12],
        retired_parks=tuple(retired[k] for k in sorted(retired)),
    )


def edition_words(edition: ParkListEdition) -> Text:
    """园区名录 2026年12月2日版 / Park list of 2 December 2026: a list by the day it was
    published (Beijing time); the first, data/'s, by the year the district announced it."""
    if edition.published_at is None:
        return say("park_list_first", year=both(*PARK_LIST_DATE))
    return say("park_list_of", date=date_words(edition.published_at))


def republished_words(edition: Text, top: Sequence[str]) -> Text:
    """An Inbox notice: 'Park list of 2 December 2026 was published: top three now P05, P01,
    P03' (`edition` from edition_words)."""
    return say("park_list_notice", edition=edition, top=joined(same(p) for p in top))


def catalogue_words(catalogue: Catalogue) -> Text:
    """The parks a catalogue holds, in words: the 2025 list, or the later version by day."""
    if catalogue.park_list.number == 1:
        return say("data_in_words", parks=len(catalogue.parks))
    return say(
        "data_in_words_edition",
        edition=edition_words(catalogue.park_list),
        parks=len(catalogue.parks),
    )


# -- what changes ---------------------------------------------------------------------------

AREA_FIELDS = ("total_area_m2", "above_ground_area_m2", "expansion_area_m2")
POSITIONING_FIELDS = ("positioning_zh", "positioning_en", "sectors")
LOCATION_FIELDS = ("location_zh", "location_en", "town", "town_en", "zone")


@dataclass(frozen=True)
class ParkChange:
    """One park in both lists whose published facts differ."""

    before: Park
    after: Park

    @property
    def renamed(self) -> bool:
        before, after = self.before, self.after
        return (before.name_zh, before.name_en) != (after.name_zh, after.name_en)

    def differs(self, fields: Sequence[str]) -> bool:
        return any(getattr(self.before, f) != getattr(self.after, f) for f in fields)


@dataclass(frozen=True)
class ParkListDiff:
    """What publishing `after` over `before` changes, park by park (by park id)."""

    added: tuple[Park, ...]
    removed: tuple[Park, ...]
    changed: tuple[ParkChange, ...]

    @property
    def renamed(self) -> tuple[ParkChange, ...]:
        return tuple(c for c in self.changed if c.renamed)

    @property
    def areas(self) -> tuple[ParkChange, ...]:
        return tuple(c for c in self.changed if c.differs(AREA_FIELDS))

    @property
    def positioning(self) -> tuple[ParkChange, ...]:
        return tuple(c for c in self.changed if c.differs(POSITIONING_FIELDS))

    @property
    def location(self) -> tuple[ParkChange, ...]:
        return tuple(c for c in self.changed if c.differs(LOCATION_FIELDS))

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def lines(self) -> list[Text]:
        """Each change in one sentence: added, removed, renamed, areas, positioning,
        location, anything else; an empty list when the two lists are the same."""
        said = [say("diff_added", park=_named(p), area=_area(p.total_area_m2)) for p in self.added]
        said += [say("diff_removed", park=_named(p)) for p in self.removed]
        for change in self.changed:
            before, after = change.before, change.after
            if change.renamed:
                said.append(
                    say("diff_renamed", park=after.park_id, old=_name(before), new=_name(after))
                )
            for field in AREA_FIELDS:
                old, new = getattr(before, field), getattr(after, field)
                if old != new:
                    said.append(
                        say(
                            "diff_area",
                            park=_named(after),
                            figure=say(f"diff_field_{field}"),
                            old=_area(old),
                            new=_area(new),
                        )
                    )
            if change.differs(POSITIONING_FIELDS):
                said.append(
                    say(
                        "diff_positioning",
                        park=_named(after),
                        old=both(before.positioning_zh, before.positioning_en),
                        new=both(after.positioning_zh, after.positioning_en),
                    )
                )
            if change.differs(LOCATION_FIELDS):
                said.append(
                    say(
                        "diff_location",
                        park=_named(after),
                        old=both(before.location_zh, before.location_en),
                        new=both(after.location_zh, after.location_en),
                    )
                )
            other = [
                f
                for f in park_columns()
                if f not in (*AREA_FIELDS, *POSITIONING_FIELDS, *LOCATION_FIELDS)
                and f not in ("name_zh", "name_en", "park_id")
                and getattr(before, f) != getattr(after, f)
            ]
            if other:
                said.append(say("diff_other", park=_named(after), fields=", ".join(other)))
        return said


def diff_parks(before: Sequence[Park], after: Sequence[Park]) -> ParkListDiff:
    """The changes from `before` to `after`, matched by park id, in park id order."""
    old = {p.park_id: p for p in before}
    new = {p.park_id: p for p in after}
    return ParkListDiff(
        added=tuple(new[k] for k in sorted(new.keys() - old.keys())),
        removed=tuple(old[k] for k in sorted(old.keys() - new.keys())),
        changed=tuple(
            ParkChange(old[k], new[k]) for k in sorted(old.keys() & new.keys()) if old[k] != new[k]
        ),
    )


def _name(park: Park) -> Text:
    return both(park.name_zh, park.name_en)


def _named(park: Park) -> Text:
    return say("diff_park", park=park.park_id, name=_name(park))


def _area(value: float | None) -> Text:
    return say("unknown") if value is None else area_words(value)
