"""Loading and validating the curated tables in data/: parks, sectors, relations and places."""

from __future__ import annotations

import csv
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from matcher.models import Park, Place, Sector, SectorRelation, SectorTag

PARKS_FILE = "parks.csv"
SECTORS_FILE = "sectors.csv"
RELATIONS_FILE = "sector_relations.csv"
PLACES_FILE = "places.csv"

M = TypeVar("M", bound=BaseModel)


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
    data_dir: Path
    version: str

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


def _park_fields(row: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = dict(row)
    for key in ("above_ground_area_m2", "expansion_area_m2", "town"):
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


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
            for row in csv.DictReader(handle)
        ]


def _validate(
    path: Path,
    model: type[M],
    convert: Callable[[dict[str, str]], dict[str, Any]],
    problems: list[str],
) -> list[M]:
    items: list[M] = []
    if not path.exists():
        problems.append(f"{path}: file not found")
        return items
    for line, row in enumerate(_read_rows(path), start=2):  # line 1 is the header
        try:
            items.append(model.model_validate(convert(row)))
        except (ValidationError, ValueError) as error:
            problems.extend(_describe(path, line, row, error))
    return items


def _describe(path: Path, line: int, row: dict[str, str], error: Exception) -> list[str]:
    label = next(iter(row.values()), "") or "?"
    where = f"{path.name} line {line} ({label})"
    if isinstance(error, ValidationError):
        return [
            f"{where}, field {'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}"
            for e in error.errors()
        ]
    return [f"{where}: {error}"]


def _duplicates(ids: Iterable[str]) -> set[str]:
    return {value for value, count in Counter(ids).items() if count > 1}


def _cross_checks(
    parks: list[Park],
    sectors: list[Sector],
    relations: list[SectorRelation],
    places: list[Place],
) -> list[str]:
    problems = []
    for dup in sorted(_duplicates(p.park_id for p in parks)):
        problems.append(f"{PARKS_FILE}: duplicate park_id {dup}")
    for dup in sorted(_duplicates(s.sector_id for s in sectors)):
        problems.append(f"{SECTORS_FILE}: duplicate sector_id {dup}")
    for dup in sorted(_duplicates(p.place_id for p in places)):
        problems.append(f"{PLACES_FILE}: duplicate place_id {dup}")
    known = {s.sector_id for s in sectors}
    for park in parks:
        for tag in park.sectors:
            if tag.sector_id not in known:
                problems.append(
                    f"{PARKS_FILE} park {park.park_id}, field sectors: unknown sector id "
                    f"'{tag.sector_id}'"
                )
    for rel in relations:
        for sid in (rel.sector_a, rel.sector_b):
            if sid not in known:
                problems.append(
                    f"{RELATIONS_FILE} {rel.sector_a}-{rel.sector_b}: unknown sector id '{sid}'"
                )
    owner: dict[str, str] = {}
    for sector in sectors:
        for alias in sector.aliases_zh + sector.aliases_en:
            key = alias.casefold()
            if owner.setdefault(key, sector.sector_id) != sector.sector_id:
                problems.append(
                    f"{SECTORS_FILE}: alias '{alias}' belongs to both {owner[key]} "
                    f"and {sector.sector_id}"
                )
    return problems


def load_catalogue(data_dir: Path | None = None) -> Catalogue:
    """Read and validate every table; raise CatalogueError listing all problems found."""
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
    if problems:
        raise CatalogueError(problems)
    return Catalogue(
        parks=tuple(sorted(parks, key=lambda p: p.park_id)),
        sectors=tuple(sectors),
        relations=tuple(relations),
        places=tuple(places),
        data_dir=directory,
        version=data_version(directory),
    )


def data_version(data_dir: Path) -> str:
    """A short content hash of the curated tables, so exports can say which data they used."""
    digest = hashlib.sha256()
    for name in (PARKS_FILE, SECTORS_FILE, RELATIONS_FILE, PLACES_FILE):
        path = data_dir / name
        if path.exists():
            digest.update(name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def default_catalogue() -> Catalogue:
    """The catalogue in the default data directory, loaded once per process."""
    return load_catalogue()
