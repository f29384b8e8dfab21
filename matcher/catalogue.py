"""Loading and validating the curated tables in data/: parks, sectors, relations and places."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from matcher.chains import (
    CHAINS_FILE,
    SEGMENTS_FILE,
    ChainSegment,
    ChainTerm,
    chain_fields,
    check_chains,
)
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
    """The curated data is invalid; `problems` names file, row and field for each fault."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


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

    def park(self, park_id: str) -> Park:
        for park in self.parks:
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


def _area_faults(row: dict[str, str]) -> list[str]:
    """Area faults pydantic lets through (inf) or reports without the values (above > total)."""
    values = {key: _number(row.get(key)) for key in AREA_FIELDS}
    faults = [
        f"field {key}: '{row.get(key)}' is not a finite number (面积必须是有限数)"
        for key, value in values.items()
        if value is not None and not math.isfinite(value)
    ]
    above, total = values["above_ground_area_m2"], values["total_area_m2"]
    if not faults and above is not None and total is not None and 0 < total < above:
        faults.append(
            f"field above_ground_area_m2: {above:.15g} exceeds total_area_m2 {total:.15g} "
            f"(地上面积大于总建筑面积)"
        )
    return faults


def _park_fields(row: dict[str, str]) -> dict[str, Any]:
    faults = _area_faults(row)
    if faults:
        raise ValueError("; ".join(faults))
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
    """The file as UTF-8, with or without a BOM; UnicodeError naming the file and line if not."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        if error.end >= len(data) and "end of data" in error.reason:
            why = "ends in the middle of a character: cut short? (文件在字符中间结束，可能不完整)"
        else:
            why = (
                f"byte 0x{data[error.start]:02x} is not UTF-8; save the file as UTF-8 "
                f"(文件不是 UTF-8 编码，请另存为 UTF-8)"
            )
        raise UnicodeError(f"{path.name} line {line}: {why}") from error


def _table_text(path: Path, problems: list[str]) -> str | None:
    """The file's text, or None after recording why there is none to read."""
    if not path.exists():
        problems.append(f"{path}: file not found (找不到文件)")
        return None
    try:
        text = read_text(path)
    except UnicodeError as error:
        problems.append(str(error))
        return None
    if not text.strip():
        problems.append(f"{path.name} line 1: the file is empty (文件为空)")
        return None
    return text


def _records(
    reader: csv.DictReader[str], name: str, problems: list[str]
) -> Iterator[tuple[int, dict[str | Any, Any]]]:
    """(first line, record) pairs; a malformed record ends the table with a problem."""
    line = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.append(
                f"{name} line {line}: malformed CSV ({error}): a quote left open, or the file "
                f"cut short? (CSV 格式错误，文件可能不完整)"
            )
            return
        yield line, record
        line = reader.line_num + 1


def _shape_fault(record: dict[str | Any, Any], columns: int) -> str | None:
    """Why a record does not have one value per column, if it does not."""
    if None in record:  # csv's restkey: the surplus values
        return (
            f"{columns + len(record[None])} values for {columns} columns: an unquoted comma? "
            f"(值多于列数)"
        )
    if None in record.values():  # csv's restval: the record stopped early
        given = sum(value is not None for value in record.values())
        return f"{given} values for {columns} columns: the row is cut short (行不完整)"
    return None


def _read_rows(path: Path, model: type[BaseModel], problems: list[str]) -> list[Row]:
    """(line, cells) of each well-formed row of a table whose header names the model's fields."""
    text = _table_text(path, problems)
    if text is None:
        return []
    # strict: a quoted field still open at the end of the file means the file was cut short
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    header = [column.strip() for column in reader.fieldnames or ()]
    expected = set(model.model_fields)
    missing = sorted(expected - set(header))
    unknown = [column for column in header if column not in expected]
    if missing or unknown:
        problems.append(
            f"{path.name} line 1, header: missing column(s) {missing or '-'}, unknown column(s) "
            f"{unknown or '-'} (表头列名不符)"
        )
        return []
    reader.fieldnames = header
    rows: list[Row] = []
    faulty = 0
    for line, record in _records(reader, path.name, problems):
        cells = {k: (v or "").strip() for k, v in record.items() if k is not None}
        fault = _shape_fault(record, len(header))
        if fault:
            faulty += 1
            problems.append(f"{path.name} line {line} ({next(iter(cells.values()))}): {fault}")
        else:
            rows.append((line, cells))
    if not rows and not faulty:
        problems.append(f"{path.name} line 2: no rows, the table is empty (表中没有数据)")
    return rows


def _validate(
    path: Path,
    model: type[M],
    convert: Callable[[dict[str, str]], dict[str, Any]],
    problems: list[str],
) -> list[tuple[int, M]]:
    items: list[tuple[int, M]] = []
    for line, row in _read_rows(path, model, problems):
        try:
            items.append((line, model.model_validate(convert(row))))
        except (ValidationError, ValueError) as error:
            problems.extend(_describe(path, line, row, error))
    return items


def _describe(path: Path, line: int, row: dict[str, str], error: Exception) -> list[str]:
    label = next(iter(row.values()), "") or "?"
    where = f"{path.name} line {line} ({label})"
    if not isinstance(error, ValidationError):
        return [f"{where}: {error}"]
    described = []
    for e in error.errors():
        field = ".".join(str(p) for p in e["loc"]) or "row"
        value = f", value '{e['input']}'" if e["loc"] else ""
        described.append(f"{where}, field {field}: {e['msg']}{value} (字段无效)")
    return described


def _duplicate_ids(file: str, field: str, rows: Sequence[tuple[int, str]]) -> list[str]:
    first: dict[str, int] = {}
    problems = []
    for line, value in rows:
        if value in first:
            problems.append(
                f"{file} line {line} ({value}), field {field}: duplicate {field} '{value}', "
                f"first on line {first[value]} (编号重复)"
            )
        first.setdefault(value, line)
    return problems


def _cross_checks(
    parks: list[tuple[int, Park]],
    sectors: list[tuple[int, Sector]],
    relations: list[tuple[int, SectorRelation]],
    places: list[tuple[int, Place]],
) -> list[str]:
    problems = _duplicate_ids(PARKS_FILE, "park_id", [(n, p.park_id) for n, p in parks])
    problems += _duplicate_ids(SECTORS_FILE, "sector_id", [(n, s.sector_id) for n, s in sectors])
    problems += _duplicate_ids(PLACES_FILE, "place_id", [(n, p.place_id) for n, p in places])
    known = {s.sector_id for _, s in sectors}
    for line, park in parks:
        for tag in park.sectors:
            if tag.sector_id not in known:
                problems.append(
                    f"{PARKS_FILE} line {line} ({park.park_id}), field sectors: unknown sector id "
                    f"'{tag.sector_id}' (未知行业编号)"
                )
    for line, rel in relations:
        for field in ("sector_a", "sector_b"):
            sid = getattr(rel, field)
            if sid not in known:
                problems.append(
                    f"{RELATIONS_FILE} line {line} ({rel.sector_a}-{rel.sector_b}), field {field}: "
                    f"unknown sector id '{sid}' (未知行业编号)"
                )
    owner: dict[str, str] = {}
    for line, sector in sectors:
        for alias in sector.aliases_zh + sector.aliases_en:
            key = alias.casefold()
            if owner.setdefault(key, sector.sector_id) != sector.sector_id:
                problems.append(
                    f"{SECTORS_FILE} line {line} ({sector.sector_id}), field aliases: alias "
                    f"'{alias}' belongs to both {owner[key]} and {sector.sector_id} (别名重复)"
                )
    return problems


def _seed_checks(
    parks: list[tuple[int, Park]], places: list[tuple[int, Place]], seeds_dir: Path
) -> list[str]:
    """Parks against the published list, place names against all seeds (see provenance)."""
    try:
        listing = read_text(seeds_dir / PARK_LIST_SEED)
        every_seed = "\n".join(read_text(p) for p in sorted(seeds_dir.glob("*.txt")))
    except FileNotFoundError:
        return [f"{seeds_dir / PARK_LIST_SEED}: source file not found (找不到来源文件)"]
    except UnicodeError as error:
        return [f"{seeds_dir}/{error}"]
    published = published_parks(listing)
    if not published:
        return [
            f"{PARK_LIST_SEED}: no parks listed under '{PARK_LIST_SECTION}' (来源中找不到园区名单)"
        ]
    return trace_parks(parks, published, PARKS_FILE) + trace_places(places, every_seed, PLACES_FILE)


def load_catalogue(data_dir: Path | None = None, seeds_dir: Path | None = None) -> Catalogue:
    """Read and validate every table and trace it to the seeds (default: seeds_dir_for the data);
    raise CatalogueError listing all problems found."""
    directory = Path(data_dir) if data_dir is not None else default_data_dir()
    problems: list[str] = []
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
    except ValueError as error:
        problems.append(str(error))
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
    )


# Every file whose content can change a score or how a file is read.
VERSIONED_FILES = (
    PARKS_FILE,
    SECTORS_FILE,
    RELATIONS_FILE,
    PLACES_FILE,
    SEGMENTS_FILE,
    CHAINS_FILE,
    SCORING_FILE,
    "column_aliases.csv",
)


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
