"""The numbers that shape a score, read from data/scoring.toml and validated.

Levels are named after splink's comparison levels: each comparison decides one level per
park when scoring, and its score and message are looked up from that level.
"""

from __future__ import annotations

import itertools
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matcher.errors import UserFacingError, located_problems, on_file
from matcher.i18n import joined, say

SCORING_FILE = "scoring.toml"
_STRICT = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
# The validators raise UserFacingError, a ValueError pydantic reports like any other, so that
# check-data can say each fault in both languages (matcher.errors.validation_problem).


class AreaLevel(StrEnum):
    """How a park's floor area meets the area asked for."""

    ENOUGH = "enough"
    SHORT_OF_MAX = "short_of_max"
    MAX_ONLY_ROOMY = "max_only_roomy"
    MAX_ONLY_SMALLER = "max_only_smaller"
    UNDERGROUND_ONLY = "underground_only"
    CANNOT_FIT = "cannot_fit"
    # Where the office records the space available (matcher.availability), a park with a
    # current figure is compared with that figure ...
    AVAILABLE_NOW = "available_now"
    AVAILABLE_FROM = "available_from"
    UNDER_NEGOTIATION = "under_negotiation"
    UNDERGROUND_AVAILABLE = "underground_available"
    NOT_ENOUGH_AVAILABLE = "not_enough_available"
    # ... and one without (none recorded, or stale) with its total, saying so.
    UNCONFIRMED = "unconfirmed"


class LocationLevel(StrEnum):
    """How near a park is to the place asked for."""

    AT_PLACE = "at_place"
    SAME_TOWN = "same_town"
    SAME_ZONE = "same_zone"
    ELSEWHERE = "elsewhere"


class DefaultWeights(BaseModel):
    model_config = _STRICT
    sector: float = Field(ge=0)
    area: float = Field(ge=0)
    location: float = Field(ge=0)

    @model_validator(mode="after")
    def _some_weight(self) -> DefaultWeights:
        if self.sector + self.area + self.location <= 0:
            raise UserFacingError(say("tuning_no_weight"))
        return self


class Band(BaseModel):
    model_config = _STRICT
    floor: float = Field(ge=0, le=100)
    width: float = Field(gt=0, le=100)

    @property
    def top(self) -> float:
        return self.floor + self.width


class Bands(BaseModel):
    """Score bands by (area fits, sector fits), best first; they must not overlap."""

    model_config = _STRICT
    fits_area_and_sector: Band
    fits_area_only: Band
    fits_sector_only: Band
    fits_neither: Band

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        order = [
            ("fits_neither", self.fits_neither),
            ("fits_sector_only", self.fits_sector_only),
            ("fits_area_only", self.fits_area_only),
            ("fits_area_and_sector", self.fits_area_and_sector),
        ]
        for (low_name, low), (high_name, high) in itertools.pairwise(order):
            if high.floor < low.top:
                raise UserFacingError(
                    say(
                        "tuning_bands_overlap",
                        high=high_name,
                        floor=high.floor,
                        low=low_name,
                        top=low.top,
                    )
                )
        if self.fits_area_and_sector.top > 100:
            raise UserFacingError(say("tuning_best_band_above_100"))
        return self

    def get(self, area_fits: bool, sector_fits: bool) -> Band:
        if area_fits:
            return self.fits_area_and_sector if sector_fits else self.fits_area_only
        return self.fits_sector_only if sector_fits else self.fits_neither


class TagLevelCredit(BaseModel):
    model_config = _STRICT
    primary: float = Field(ge=0, le=1)
    secondary: float = Field(ge=0, le=1)
    name: float = Field(ge=0, le=1)


class SectorTuning(BaseModel):
    model_config = _STRICT
    tag_level_credit: TagLevelCredit
    breadth_step: float = Field(ge=0, le=1)
    strong: float = Field(gt=0, le=1)
    partial: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def _strong_above_partial(self) -> SectorTuning:
        if self.strong <= self.partial:
            raise UserFacingError(say("tuning_strong_not_above_partial"))
        return self


class AreaTuning(BaseModel):
    model_config = _STRICT
    levels: dict[AreaLevel, float]
    plausible_factor: float = Field(gt=1)

    @model_validator(mode="after")
    def _every_level(self) -> AreaTuning:
        _check_levels(self.levels, AreaLevel, AreaLevel.ENOUGH, AreaLevel.CANNOT_FIT)
        return self


FitName = Literal["strong", "partial", "weak", "none"]


class LocationTuning(BaseModel):
    model_config = _STRICT
    levels: dict[LocationLevel, float]
    hard_keeps: tuple[LocationLevel, ...] = Field(min_length=1)
    # The best fit label each level allows: where the place is a preference, and where the
    # sentence says it is a must.
    ceiling: dict[LocationLevel, FitName]
    must_ceiling: dict[LocationLevel, FitName]

    @model_validator(mode="after")
    def _every_level(self) -> LocationTuning:
        _check_levels(self.levels, LocationLevel, LocationLevel.AT_PLACE, LocationLevel.ELSEWHERE)
        for ceilings in (self.ceiling, self.must_ceiling):
            missing = [level.value for level in LocationLevel if level not in ceilings]
            if missing:
                raise UserFacingError(say("tuning_levels_missing", levels=", ".join(missing)))
            if ceilings[LocationLevel.AT_PLACE] != "strong":
                raise UserFacingError(say("tuning_ceiling_at_place"))
        if any(self.ceiling[level] in ("weak", "none") for level in LocationLevel):
            raise UserFacingError(say("tuning_preference_ceiling"))
        return self


class AvailabilityTuning(BaseModel):
    model_config = _STRICT
    # A recorded figure not confirmed for longer than this is stale: compared with the total.
    stale_after_days: int = Field(default=90, gt=0)


class FitTuning(BaseModel):
    model_config = _STRICT
    others_strong: float = Field(gt=0, le=1)
    others_partial: float = Field(gt=0, le=1)


class ShownBand(BaseModel):
    model_config = _STRICT
    low: float = Field(ge=0, le=100)
    high: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _low_not_above_high(self) -> ShownBand:
        if self.low > self.high:
            raise UserFacingError(
                say("tuning_shown_backwards", low=f"{self.low:g}", high=f"{self.high:g}")
            )
        return self


class ShownScale(BaseModel):
    """The score people read: each fit label owns a band of 0-100, strong at the top; the
    ranking total places a park within its label's band. Bands must not overlap."""

    model_config = _STRICT
    strong: ShownBand
    partial: ShownBand
    weak: ShownBand
    none: ShownBand

    @model_validator(mode="after")
    def _ordered(self) -> ShownScale:
        order = [("none", self.none), ("weak", self.weak), ("partial", self.partial)]
        order.append(("strong", self.strong))
        for (low_name, low), (high_name, high) in itertools.pairwise(order):
            if high.low <= low.high:
                raise UserFacingError(
                    say(
                        "tuning_shown_overlap",
                        high=high_name,
                        start=f"{high.low:g}",
                        low=low_name,
                        top=f"{low.high:g}",
                    )
                )
        return self

    def band(self, fit: str) -> ShownBand:
        band: ShownBand = getattr(self, fit)
        return band


class Tuning(BaseModel):
    """Everything in data/scoring.toml."""

    model_config = _STRICT
    weights: DefaultWeights
    bands: Bands
    sector: SectorTuning
    area: AreaTuning
    location: LocationTuning
    fit: FitTuning
    shown: ShownScale
    availability: AvailabilityTuning = AvailabilityTuning()


def _check_levels(
    levels: dict[AreaLevel, float] | dict[LocationLevel, float],
    kind: type[AreaLevel] | type[LocationLevel],
    best: AreaLevel | LocationLevel,
    worst: AreaLevel | LocationLevel,
) -> None:
    missing = [level.value for level in kind if level not in levels]
    if missing:
        raise UserFacingError(say("tuning_levels_missing", levels=", ".join(missing)))
    if any(not 0 <= score <= 1 for score in levels.values()):
        raise UserFacingError(say("tuning_level_out_of_range"))
    if levels[best] != 1.0 or levels[worst] != 0.0:  # type: ignore[index]
        raise UserFacingError(say("tuning_level_ends", best=best.value, worst=worst.value))


class TuningError(UserFacingError):
    """scoring.toml cannot be used; the message names the file and each field at fault."""


def load_tuning(path: Path) -> Tuning:
    """Read and validate scoring.toml; TuningError names the file and the field at fault."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as error:
        raise TuningError(on_file(path.name, say("file_not_found"))) from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        problem = say("tuning_not_toml", error=str(error))
        raise TuningError(on_file(path.name, problem)) from error
    try:
        return Tuning.model_validate(raw)
    except ValidationError as error:
        details = joined(located_problems(error.errors()), "reason_separator")
        raise TuningError(on_file(path.name, details)) from error
