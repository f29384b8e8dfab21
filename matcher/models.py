"""Pydantic models at the library's boundaries: catalogue rows, requirements and matches."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from matcher.areas import area_bounds
from matcher.errors import UserFacingError
from matcher.i18n import say


class Zone(StrEnum):
    """The two halves of Zhongguancun Science City within Haidian."""

    NORTH = "north"
    SOUTH = "south"


class SectorLevel(StrEnum):
    """How prominently a park's published text names a sector."""

    PRIMARY = "primary"  # one of the park's listed sectors
    SECONDARY = "secondary"  # named as a supporting, expanding or forward-looking line
    NAME = "name"  # only the park's name carries it, not its positioning


class Fit(StrEnum):
    """A plain-language verdict on a match."""

    STRONG = "strong"
    PARTIAL = "partial"
    WEAK = "weak"
    NONE = "none"


# The one order of the fit labels, worst first: the engine's arrays hold a fit as its place
# here (its code), so a larger code is always a better fit.
FIT_ORDER: tuple[Fit, ...] = (Fit.NONE, Fit.WEAK, Fit.PARTIAL, Fit.STRONG)


_FROZEN = ConfigDict(frozen=True, extra="forbid")


class SectorTag(BaseModel):
    """One taxonomy sector a park lists, and how prominently."""

    model_config = _FROZEN
    sector_id: str = Field(min_length=1)
    level: SectorLevel


class Park(BaseModel):
    """One published park, exactly as announced, with curated English and tags."""

    model_config = _FROZEN
    park_id: str = Field(pattern=r"^P\d{2,}$")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    location_zh: str = Field(min_length=1)
    location_en: str = Field(min_length=1)
    town: str | None = None
    town_en: str | None = None  # "Wenquan Town": the town as English pages show it
    town_basis: Literal["location", "name", "inferred", "unknown"]
    zone: Zone
    total_area_m2: float = Field(gt=0)
    above_ground_area_m2: float | None = Field(default=None, gt=0)
    expansion_area_m2: float | None = Field(default=None, gt=0)
    positioning_zh: str = Field(min_length=1)
    positioning_en: str = Field(min_length=1)
    sectors: tuple[SectorTag, ...] = Field(min_length=1)
    source: str = Field(min_length=1)
    notes_zh: str = ""  # the curator's note on how a fact is known, in Chinese
    notes: str = ""  # the same note in English

    @model_validator(mode="after")
    def _town_in_both_languages(self) -> Park:
        if (self.town is None) != (self.town_en is None):
            raise UserFacingError(say("data_town_pair"))
        if bool(self.notes) != bool(self.notes_zh):
            raise UserFacingError(say("data_notes_pair"))
        return self

    @model_validator(mode="after")
    def _above_ground_within_total(self) -> Park:
        if self.above_ground_area_m2 is not None and self.above_ground_area_m2 > self.total_area_m2:
            above, total = self.above_ground_area_m2, self.total_area_m2
            raise UserFacingError(
                say("data_above_exceeds_total", above=f"{above:.15g}", total=f"{total:.15g}")
            )
        if len({t.sector_id for t in self.sectors}) != len(self.sectors):
            raise UserFacingError(say("data_same_sector_twice"))
        return self

    def sector_ids(self, level: SectorLevel | None = None) -> tuple[str, ...]:
        """The park's sector ids, optionally only those at one level."""
        return tuple(t.sector_id for t in self.sectors if level is None or t.level == level)


class Sector(BaseModel):
    """One sector of the bilingual taxonomy with its aliases."""

    model_config = _FROZEN
    sector_id: str = Field(pattern=r"^[a-z0-9_]+$")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    group: str = Field(min_length=1)
    aliases_zh: tuple[str, ...] = Field(min_length=1)
    aliases_en: tuple[str, ...] = Field(min_length=1)


class SectorRelation(BaseModel):
    """How much credit a query for one sector earns from a park listing another."""

    model_config = _FROZEN
    sector_a: str
    sector_b: str
    kind: Literal["is_a", "related"]
    a_to_b: float = Field(ge=0, le=1)
    b_to_a: float = Field(ge=0, le=1)
    why: str = Field(min_length=1)


class Place(BaseModel):
    """A zone, town or landmark a requirement may name, in Chinese, English or pinyin."""

    model_config = _FROZEN
    place_id: str = Field(pattern=r"^[a-z0-9_]+$")
    kind: Literal["zone", "town", "landmark"]
    name_zh: str = Field(min_length=1)
    terms_zh: tuple[str, ...] = Field(min_length=1)
    name_en: str = Field(min_length=1)
    terms_en: tuple[str, ...] = ()
    town: str | None = None
    zone: Zone
    # How the place is known: "seed" = its name_zh appears in seeds/; "curated" = common
    # knowledge, which `note` must say ("curated: …"). The note also says where town and zone
    # come from when they are not in the seeds.
    basis: Literal["seed", "curated"] = "seed"
    note: str = ""


class Weights(BaseModel):
    """Relative weight of each component; only the components a requirement asks about count.

    The defaults live in data/scoring.toml (a requirement without weights uses them)."""

    model_config = _FROZEN
    sector: float = Field(ge=0)
    area: float = Field(ge=0)
    location: float = Field(ge=0)


def asks_for_area(low: float | None, high: float | None) -> bool:
    """A minimum of 0 asks nothing; a maximum alone still says how much is wanted."""
    return bool(low) or high is not None


class Requirement(BaseModel):
    """What an investor asks for: sector (free text and/or ids), floor area and location."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    request_id: str | None = None
    sector_text: str = ""
    sector_ids: tuple[str, ...] = ()
    place_ids: tuple[str, ...] = ()  # places picked from the list, beside the typed location
    min_area_m2: float | None = Field(default=None, ge=0)
    max_area_m2: float | None = Field(default=None, gt=0)
    preferred_location: str = ""
    weights: Weights | None = None  # None: the defaults in data/scoring.toml
    area_is_hard: bool = False
    location_is_hard: bool = False
    # The date the investor needs the space by: compared with the space a park has free
    # then, where the office records it (matcher.availability); None: now.
    needed_by: date | None = None

    @field_validator("min_area_m2", "max_area_m2", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Requirement:
        if (
            self.min_area_m2 is not None
            and self.max_area_m2 is not None
            and self.min_area_m2 > self.max_area_m2
        ):
            raise ValueError("min_area_m2 is greater than max_area_m2")
        return self

    @classmethod
    def from_cells(
        cls,
        *,
        sector_text: str = "",
        min_area: object = "",
        max_area: object = "",
        location: str = "",
        sector_ids: tuple[str, ...] = (),
        place_ids: tuple[str, ...] = (),
        request_id: str | None = None,
        weights: Weights | None = None,
        area_is_hard: bool = False,
        location_is_hard: bool = False,
        area_limit_m2: float | None = None,
        needed_by: date | None = None,
    ) -> Requirement:
        """The one front door: a requirement from what a person typed in the form, on the
        command line or in a lead list's cells. Raises AreaError naming the cell at fault."""
        bounds = area_bounds(min_area, max_area, area_limit_m2)
        return cls(
            request_id=request_id,
            sector_text=sector_text,
            sector_ids=sector_ids,
            place_ids=place_ids,
            min_area_m2=bounds.min_m2,
            max_area_m2=bounds.max_m2,
            preferred_location=location,
            weights=weights,
            area_is_hard=area_is_hard,
            location_is_hard=location_is_hard,
            needed_by=needed_by,
        )

    @property
    def asks_sector(self) -> bool:
        return bool(self.sector_text.strip() or self.sector_ids)

    @property
    def asks_area(self) -> bool:
        return asks_for_area(self.min_area_m2, self.max_area_m2)


class TermMatch(BaseModel):
    """One link in a sector explanation: query term -> taxonomy sector -> park term."""

    model_config = _FROZEN
    query_term: str
    query_sector: str
    park_sector: str
    park_term: str
    relation: Literal["same", "is_a", "related", "via"]
    how: Literal["exact", "fuzzy", "selected"]
    credit: float = Field(ge=0, le=1)


class Component(BaseModel):
    """One named comparison (sector, area or location) for one park."""

    model_config = _FROZEN
    name: Literal["sector", "area", "location"]
    score: float | None = Field(default=None, ge=0, le=1)  # None: the requirement did not ask
    weight: float = 0.0  # share of the weighted average, after renormalising over asked ones
    points: float = 0.0  # what this component added to the 0-100 score
    reasons_zh: tuple[str, ...] = ()
    reasons_en: tuple[str, ...] = ()


class Match(BaseModel):
    """A park ranked against one requirement, with everything needed to explain the score."""

    model_config = _FROZEN
    park_id: str
    park_name_zh: str
    park_name_en: str
    rank: int = Field(ge=1)
    score: float = Field(ge=0, le=100)
    fit: Fit
    feasible: bool  # the park's floor area can hold the minimum asked for
    excluded: bool  # failed a constraint the user marked hard
    band_floor: float  # the score every park in this tier starts from
    sector: Component
    area: Component
    location: Component
    matched_terms: tuple[TermMatch, ...] = ()
    area_compared: Literal["above_ground", "building", "none"] = "none"
    reasons_zh: tuple[str, ...] = ()
    reasons_en: tuple[str, ...] = ()

    @property
    def components(self) -> tuple[Component, Component, Component]:
        return (self.sector, self.area, self.location)

    def reasons_in(self, lang: Literal["zh", "en"]) -> tuple[str, ...]:
        """The reasons in the reader's language."""
        return self.reasons_zh if lang == "zh" else self.reasons_en

    def reason(self, lang: Literal["zh", "en"]) -> str:
        """All reasons joined into one line in the reader's language."""
        from matcher.i18n import label

        return label("reason_separator", lang).join(self.reasons_in(lang))
