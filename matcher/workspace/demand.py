"""What a case tells about demand, read once from its latest ranking and kept on the case
(sector, chain segment, floor area, zone, best fit, whether any park can hold the area), so
the dashboard counts it in SQL. The ranking itself stays as it was shown (the snapshot)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matcher.models import FIT_ORDER, Fit, Match, Requirement
from matcher.understanding import Understanding

# A requirement is unmet demand when its best park is at most this fit (or none can hold it).
UNMET_AT_MOST = Fit.WEAK
WORDS_KEPT = 200  # characters of the words nothing placed (the Lexicon's material)


@dataclass(frozen=True)
class DemandFacts:
    """One case's demand as the dashboard counts it."""

    sector_id: str | None  # the sector the requirement is mostly about; None: none recognised
    segment: str | None  # the chain segment when a product or technology term named it
    min_area: float | None  # m², the form's or the sentence's
    zone: str | None  # the zone of the place asked for, when it has one
    best_fit: Fit
    space_fits: bool  # some park can hold the floor area asked for (True if none asked)
    unread_words: str  # the sector text's words nothing placed, when no sector was recognised

    @property
    def unmet(self) -> bool:
        """No park is more than a weak fit, or none can hold the area."""
        return FIT_ORDER.index(self.best_fit) <= FIT_ORDER.index(UNMET_AT_MOST) or not (
            self.space_fits
        )

    def columns(self) -> dict[str, object]:
        """The facts as the case's columns (matcher.workspace.schema.CaseRow)."""
        return {
            "demand_sector_id": self.sector_id,
            "demand_segment": self.segment,
            "demand_min_area": self.min_area,
            "demand_zone": self.zone,
            "best_fit": self.best_fit.value,
            "space_fits": self.space_fits,
            "unmet": self.unmet,
            "unread_words": self.unread_words[:WORDS_KEPT],
        }


def demand_facts(
    requirement: Requirement, understanding: Understanding, matches: Sequence[Match]
) -> DemandFacts:
    """The demand facts of one requirement from its reading and its ranking."""
    hits = understanding.sector_hits
    head = None
    if hits:
        # The most weighted mention (the head noun counts double); the first on a tie.
        weights = understanding.sector_weights
        head = hits[max(range(len(hits)), key=lambda i: (weights[i], -i))]
    min_area = requirement.min_area_m2
    if min_area is None and requirement.max_area_m2 is None and understanding.area_in_text:
        min_area = understanding.area_in_text[0].min_m2
    zones = {h.place.zone.value for h in understanding.place_hits}
    best = max((m.fit for m in matches), key=FIT_ORDER.index, default=Fit.NONE)
    return DemandFacts(
        sector_id=head.sector_id if head else None,
        segment=head.chain.segment.segment_id if head and head.chain else None,
        min_area=min_area,
        zone=zones.pop() if len(zones) == 1 else None,
        best_fit=best,
        space_fits=any(m.feasible for m in matches) if matches else True,
        unread_words="" if hits else understanding.unplaced_sector_words.strip(),
    )
