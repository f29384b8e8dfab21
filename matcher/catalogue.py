"""Loading and validating the curated tables in data/: parks, sectors, relations and places."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import math
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from matcher.chains import (
    CHAINS_FILE,
    HEADS_FILE,
    SEGMENTS_FILE,
    ChainHead,
    ChainSegment,
    ChainTerm,
    chain_fields,
    check_chains,
    gap_problem,
    head_fields,
    one_language_gaps,
)
from matcher.cues import READING_FILE, Cues, load_cues
from matcher.errors import UserFacingError, in_data, on_file, validation_problem
from matcher.i18n import Text, same, say
from matcher.models import Park, Place, Sector, SectorRelation, SectorTag
from matcher.provenance import (
    PARK_LIST_SECTION,
    PARK_LIST_SEED,
    published_parks,
    trace_parks,
    trace_places,
)
from matcher.tuning import SCORING_FILE, Tuning, load_tuning

PARKS_FILE = "parks.csv"
SECTORS_FILE = "sectors.csv"
RELATIONS_FILE = "sector_relations.csv"
PLACES_FILE = "places.csv"

AREA_FIELDS = ("total_area_m2", "above_ground_area_m2", "expansion_area_m2")

M = TypeVar("M", bound=BaseModel)
Row = tuple[int, dict[str, str]]  # (line in the file, cells by column)


class CatalogueError(ValueError):
    """The curated data is invalid; `problems` names file, row and field for each fault, in
    both languages; `str(error)` is one problem a line, each 'english (中文)'."""

    def __init__(self, problems: Sequence[Text]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(problem.mixed for problem in self.problems))


class NotUtf8Error(UnicodeError):
    """A table or seed that is not UTF-8 text: `why`, at `line` of `path`."""

    def __init__(self, path: Path, line: int, why: Text) -> None:
        self.path, self.line, self.why = path, line, why
        super().__init__(self.problem(path.name).mixed)

    def problem(self, shown: str) -> Text:
        """The fault led by the file, named as `shown` (its name, or its whole path)."""
        return in_data(shown, self.why, line=self.line)


class RowFaults(ValueError):
    """Faults in one row found before its model checks it, each with the field it is in."""

    def __init__(self, faults: Sequence[tuple[str, Text]]) -> None:
        self.faults = list(faults)
        super().__init__("; ".join(fault.mixed for _, fault in self.faults))


@dataclass(frozen=True)
class ParkListEdition:
    """Which published park list a catalogue holds: 1 is the list published in 2025
    (data/parks.csv); later ones were imported and published in the workspace
    (matcher.park_lists words it for people: never its number)."""

    number: int = 1
    published_at: datetime | None = None
    published_by: str = ""


@dataclass(frozen=True)
class Catalogue:
    """Everything the ranker knows: the parks and the vocabulary used to match them."""

    parks: tuple[Park, ...]
    sectors: tuple[Sector, ...]
    relations: tuple[SectorRelation, ...]
    places: tuple[Place, ...]
    tuning: Tuning
    data_dir: Path
    version: str
    chains: tuple[ChainTerm, ...] = ()
    segments: tuple[ChainSegment, ...] = ()
    taught_terms: int = 0  # chain terms staff added in the workspace (matcher.lexicon)
    # How a sentence is read beyond its sectors and places (data/reading.toml).
    cues: Cues = dataclasses.field(default_factory=Cues)
    park_list: ParkListEdition = ParkListEdition()
    # Parks an earlier list had and this one does not: never ranked, but a snapshot or a
    # shortlist made on that list still names them (`park` finds them).
    retired_parks: tuple[Park, ...] = ()

    def park(self, park_id: str) -> Park:
        """The park with this id, in this list or, removed since, as an earlier list had it."""
        for park in (*self.parks, *self.retired_parks):
            if park.park_id == park_id:
                return park
        raise KeyError(park_id)

    def sector(self, sector_id: str) -> Sector:
        for sector in self.sectors:
            if sector.sector_id == sector_id:
                return sector
        raise KeyError(sector_id)


def default_data_dir() -> Path:
    """data/ beside the package, unless MATCHER_DATA_DIR points elsewhere."""
    override = os.environ.get("MATCHER_DATA_DIR")
    return Path(override) if override else Path(__file__).resolve().parent.parent / "data"


def default_seeds_dir() -> Path:
    """The project's seeds/, beside the package."""
    return Path(__file__).resolve().parent.parent / "seeds"


def seeds_dir_for(data_dir: Path) -> Path:
    """seeds/ beside the data directory if there is one, else the project's seeds/: a copy of
    data/ elsewhere is still checked against the published sources."""
    beside = Path(data_dir).parent / "seeds"
    return beside if beside.is_dir() else default_seeds_dir()


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _parse_tags(value: str) -> tuple[SectorTag, ...]:
    tags = []
    for item in value.split(";"):
        if not item.strip():
            continue
        sector_id, _, level = item.strip().partition(":")
        tags.append(SectorTag(sector_id=sector_id.strip(), level=level.strip() or "primary"))
    return tuple(tags)


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None  # not a number at all: the model's own message says so


def _area_faults(row: dict[str, str]) -> list[tuple[str, Text]]:
    """Area faults pydantic lets through (inf) or that come before the model's own checks."""
    values = {key: _number(row.get(key)) for key in AREA_FIELDS}
    faults = [
        (key, say("data_not_finite", value=row.get(key)))
        for key, value in values.items()
        if value is not None and not math.isfinite(value)
    ]
    above, total = values["above_ground_area_m2"], values["total_area_m2"]
    if not faults and above is not None and total is not None and 0 < total < above:
        exceeds = say("data_above_exceeds_total", above=f"{above:.15g}", total=f"{total:.15g}")
        faults.append(("above_ground_area_m2", exceeds))
    return faults


def _park_fields(row: dict[str, str]) -> dict[str, Any]:
    faults = _area_faults(row)
    if faults:
        raise RowFaults(faults)
    fields: dict[str, Any] = dict(row)
    for key in ("above_ground_area_m2", "expansion_area_m2", "town", "town_en"):
        if not fields.get(key):
            fields[key] = None
    fields["sectors"] = _parse_tags(row.get("sectors", ""))
    return fields


def _list_fields(*names: str) -> Callable[[dict[str, str]], dict[str, Any]]:
    def convert(row: dict[str, str]) -> dict[str, Any]:
        fields: dict[str, Any] = dict(row)
        for name in names:
            fields[name] = _split(row.get(name, ""))
        if "town" in fields and not fields["town"]:
            fields["town"] = None
        return fields

    return convert


def read_text(path: Path) -> str:
    """The file as UTF-8, with or without a BOM; NotUtf8Error naming the file and line if not."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        if error.end >= len(data) and "end of data" in error.reason:
            why = say("data_cut_mid_character")
        else:
            why = say("data_not_utf8", byte=f"{data[error.start]:02x}")
        raise NotUtf8Error(path, line, why) from error


def _table_text(path: Path, problems: list[Text]) -> str | None:
    """The file's text, or None after recording why there is none to read."""
    if not path.exists():
        problems.append(on_file(str(path), say("file_not_found")))
        return None
    try:
        text = read_text(path)
    except NotUtf8Error as error:
        problems.append(error.problem(path.name))
        return None
    if not text.strip():
        problems.append(in_data(path.name, say("file_empty"), line=1))
        return None
    return text


def _records(
    reader: csv.DictReader[str], name: str, problems: list[Text]
) -> Iterator[tuple[int, dict[str | Any, Any]]]:
    """(first line, record) pairs; a malformed record ends the table with a problem."""
    line = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.append(in_data(name, say("data_malformed_csv", error=str(error)), line=line))
            return
        yield line, record
        line = reader.line_num + 1


def _shape_fault(record: dict[str | Any, Any], columns: int) -> Text | None:
    """Why a record does not have one value per column, if it does not."""
    if None in record:  # csv's restkey: the surplus values
        count = columns + len(record[None])
        return say("data_too_many_values", count=count, columns=columns)
    if None in record.values():  # csv's restval: the record stopped early
        given = sum(value is not None for value in record.values())
        return say("data_too_few_values", count=given, columns=columns)
    return None


def _read_rows(path: Path, model: type[BaseModel], problems: list[Text]) -> list[Row]:
    """(line, cells) of each well-formed row of a table whose header names the model's fields."""
    text = _table_text(path, problems)
    if text is None:
        return []
    # strict: a quoted field still open at the end of the file means the file was cut short
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    header = [column.strip() for column in reader.fieldnames or ()]
    # Fields a row's own cells fill (ChainTerm.also_zh from term_zh) are not columns.
    derived: frozenset[str] = getattr(model, "DERIVED_FIELDS", frozenset())
    expected = set(model.model_fields) - derived
    missing = sorted(expected - set(header))
    unknown = [column for column in header if column not in expected]
    if missing or unknown:
        mismatch = say("data_header_mismatch", missing=missing or "-", unknown=unknown or "-")
        problems.append(on_file(say("data_at_header", file=path.name), mismatch))
        return []
    reader.fieldnames = header
    rows: list[Row] = []
    faulty = 0
    for line, record in _records(reader, path.name, problems):
        cells = {k: (v or "").strip() for k, v in record.items() if k is not None}
        fault = _shape_fault(record, len(header))
        if fault:
            faulty += 1
            problems.append(in_data(path.name, fault, line=line, row=next(iter(cells.values()))))
        else:
            rows.append((line, cells))
    if not rows and not faulty:
        problems.append(in_data(path.name, say("data_no_rows"), line=2))
    return rows


def _validate(
    path: Path,
    model: type[M],
    convert: Callable[[dict[str, str]], dict[str, Any]],
    problems: list[Text],
) -> list[tuple[int, M]]:
    items: list[tuple[int, M]] = []
    for line, row in _read_rows(path, model, problems):
        try:
            items.append((line, model.model_validate(convert(row))))
        except (ValidationError, ValueError) as error:
            problems.extend(_describe(path, line, row, error))
    return items


def _describe(path: Path, line: int, row: dict[str, str], error: Exception) -> list[Text]:
    """Each fault of a row that cannot be read, naming its field (none: the row as a whole)."""
    at = partial(in_data, path.name, line=line, row=next(iter(row.values()), "") or "?")
    if isinstance(error, RowFaults):
        return [at(fault, field=field) for field, fault in error.faults]
    if not isinstance(error, ValidationError):
        return [at(same(str(error)))]
    described = []
    for e in error.errors():
        problem = validation_problem(e)
        if not e["loc"]:  # a check of the whole row
            described.append(at(problem))
            continue
        invalid = say("data_invalid_value", problem=problem, value=str(e["input"]))
        described.append(at(invalid, field=".".join(str(p) for p in e["loc"])))
    return described


def check_parks(
    rows: Sequence[Row], file: str, sector_ids: set[str]
) -> tuple[list[Park], list[Text]]:
    """check-data's park checks on rows of parks.csv cells (a published list, or one staff
    import): each row's fields and areas, repeated park ids, sectors the taxonomy lacks.
    The parks that passed, and every problem named by file, line, park and field."""
    problems: list[Text] = []
    parks: list[tuple[int, Park]] = []
    for line, row in rows:
        try:
            parks.append((line, Park.model_validate(_park_fields(row))))
        except (ValidationError, ValueError) as error:
            problems.extend(_describe(Path(file), line, row, error))
    problems += _park_cross_checks(parks, file, sector_ids)
    return [p for _, p in parks], problems


def _park_cross_checks(parks: list[tuple[int, Park]], file: str, known: set[str]) -> list[Text]:
    """Parks against each other and the taxonomy: one row per park id, known sectors."""
    problems = _duplicate_ids(file, "park_id", [(n, p.park_id) for n, p in parks])
    for line, park in parks:
        for tag in park.sectors:
            if tag.sector_id not in known:
                unknown = say("data_unknown_sector", value=tag.sector_id)
                problems.append(
                    in_data(file, unknown, line=line, row=park.park_id, field="sectors")
                )
    return problems


def park_columns() -> tuple[str, ...]:
    """The columns of data/parks.csv, in the model's order."""
    return tuple(Park.model_fields)


def _duplicate_ids(file: str, field: str, rows: Sequence[tuple[int, str]]) -> list[Text]:
    first: dict[str, int] = {}
    problems = []
    for line, value in rows:
        if value in first:
            duplicate = say("data_duplicate", field=field, value=value, first=first[value])
            problems.append(in_data(file, duplicate, line=line, row=value, field=field))
        first.setdefault(value, line)
    return problems


def _cross_checks(
    parks: list[tuple[int, Park]],
    sectors: list[tuple[int, Sector]],
    relations: list[tuple[int, SectorRelation]],
    places: list[tuple[int, Place]],
) -> list[Text]:
    known = {s.sector_id for _, s in sectors}
    problems = _park_cross_checks(parks, PARKS_FILE, known)
    problems += _duplicate_ids(SECTORS_FILE, "sector_id", [(n, s.sector_id) for n, s in sectors])
    problems += _duplicate_ids(PLACES_FILE, "place_id", [(n, p.place_id) for n, p in places])
    for line, rel in relations:
        for field in ("sector_a", "sector_b"):
            sid = getattr(rel, field)
            if sid not in known:
                pair = f"{rel.sector_a}-{rel.sector_b}"
                unknown = say("data_unknown_sector", value=sid)
                problems.append(in_data(RELATIONS_FILE, unknown, line=line, row=pair, field=field))
    owner: dict[str, str] = {}
    for line, sector in sectors:
        for alias in sector.aliases_zh + sector.aliases_en:
            key = alias.casefold()
            if owner.setdefault(key, sector.sector_id) != sector.sector_id:
                twice = say(
                    "data_alias_twice", alias=alias, first=owner[key], second=sector.sector_id
                )
                problems.append(
                    in_data(SECTORS_FILE, twice, line=line, row=sector.sector_id, field="aliases")
                )
    return problems


def _seed_checks(
    parks: list[tuple[int, Park]], places: list[tuple[int, Place]], seeds_dir: Path
) -> list[Text]:
    """Parks against the published list, place names against all seeds (see provenance)."""
    try:
        listing = read_text(seeds_dir / PARK_LIST_SEED)
        every_seed = "\n".join(read_text(p) for p in sorted(seeds_dir.glob("*.txt")))
    except FileNotFoundError:
        return [on_file(str(seeds_dir / PARK_LIST_SEED), say("data_source_not_found"))]
    except NotUtf8Error as error:
        return [error.problem(str(error.path))]
    published = published_parks(listing)
    if not published:
        return [on_file(PARK_LIST_SEED, say("data_no_published_parks", section=PARK_LIST_SECTION))]
    return trace_parks(parks, published, PARKS_FILE) + trace_places(places, every_seed, PLACES_FILE)


def load_catalogue(data_dir: Path | None = None, seeds_dir: Path | None = None) -> Catalogue:
    """Read and validate every table and trace it to the seeds (default: seeds_dir_for the data);
    raise CatalogueError listing all problems found."""
    directory = Path(data_dir) if data_dir is not None else default_data_dir()
    problems: list[Text] = []
    parks = _validate(directory / PARKS_FILE, Park, _park_fields, problems)
    sectors = _validate(
        directory / SECTORS_FILE, Sector, _list_fields("aliases_zh", "aliases_en"), problems
    )
    relations = _validate(directory / RELATIONS_FILE, SectorRelation, dict, problems)
    places = _validate(
        directory / PLACES_FILE, Place, _list_fields("terms_zh", "terms_en"), problems
    )
    problems.extend(_cross_checks(parks, sectors, relations, places))
    segments = _validate(directory / SEGMENTS_FILE, ChainSegment, dict, problems)
    chains = _validate(directory / CHAINS_FILE, ChainTerm, chain_fields, problems)
    problems.extend(check_chains(chains, [s for _, s in sectors], segments))
    problems.extend(_seed_checks(parks, places, seeds_dir or seeds_dir_for(directory)))
    try:
        tuning = load_tuning(directory / SCORING_FILE)
    except UserFacingError as error:
        problems.append(error.message)
    cues = Cues()
    try:
        cues = load_cues(directory / READING_FILE)
    except UserFacingError as error:
        problems.append(error.message)
    problems.extend(_stage_checks(cues, {s.sector_id for _, s in sectors}))
    if problems:
        raise CatalogueError(problems)
    return Catalogue(
        parks=tuple(sorted((p for _, p in parks), key=lambda p: p.park_id)),
        sectors=tuple(s for _, s in sectors),
        relations=tuple(r for _, r in relations),
        places=tuple(p for _, p in places),
        tuning=tuning,
        data_dir=directory,
        version=data_version(directory),
        chains=tuple(c for _, c in chains),
        segments=tuple(s for _, s in sorted(segments, key=lambda item: item[1].position)),
        cues=cues,
    )


def _stage_checks(cues: Cues, known: set[str]) -> list[Text]:
    """Every sector a stage reads or refines is one sectors.csv defines."""
    problems = []
    for stage in cues.stages:
        for sector_id in (stage.sector, *stage.refines):
            if sector_id and sector_id not in known:
                problems.append(
                    in_data(
                        READING_FILE, say("data_unknown_sector", value=sector_id), field="stages"
                    )
                )
    return problems


# Every file whose content can change a score or how a file is read.
VERSIONED_FILES = (
    PARKS_FILE,
    SECTORS_FILE,
    RELATIONS_FILE,
    PLACES_FILE,
    SEGMENTS_FILE,
    CHAINS_FILE,
    SCORING_FILE,
    READING_FILE,
    "column_aliases.csv",
)


def chain_gaps(data_dir: Path | None = None) -> list[Text]:
    """The chain terms whose head word is written in one language only (see
    chains.one_language_gaps), each led by its file and line; raises CatalogueError if
    data/chain_heads.csv cannot be read. No heads file: no list."""
    directory = Path(data_dir) if data_dir is not None else default_data_dir()
    if not (directory / HEADS_FILE).exists():
        return []
    problems: list[Text] = []
    heads = _validate(directory / HEADS_FILE, ChainHead, head_fields, problems)
    chains = _validate(directory / CHAINS_FILE, ChainTerm, chain_fields, problems)
    if problems:
        raise CatalogueError(problems)
    return [gap_problem(g) for g in one_language_gaps(chains, [h for _, h in heads])]


def data_version(data_dir: Path) -> str:
    """A short content hash of everything that shapes a score, so exports can say which data
    (parks, vocabulary, tuning, column aliases) they used."""
    digest = hashlib.sha256()
    for name in VERSIONED_FILES:
        path = data_dir / name
        if path.exists():
            digest.update(name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def default_catalogue() -> Catalogue:
    """The catalogue in the default data directory, loaded once per process."""
    return load_catalogue()
