"""One-line "what would change the ranking" hints, each from one cheap re-ranking."""

from __future__ import annotations

import math
from collections.abc import Sequence

from matcher import reasons
from matcher.i18n import Text
from matcher.models import Match, Requirement
from matcher.scoring import Ranker


def ranking_hints(ranker: Ranker, requirement: Requirement, matches: Sequence[Match]) -> list[Text]:
    """What a smaller area, no location preference or no hard constraints would change."""
    if not matches:
        return []
    hints: list[Text] = []
    top = matches[0]
    best_fit = max((m.sector.score or 0.0) for m in matches)
    blocked = [
        m
        for m in matches
        if not m.feasible and (m.sector.score is None or (m.sector.score or 0) >= best_fit > 0)
    ]
    if requirement.min_area_m2 and blocked:
        # The park needing the smallest cut: the largest of those blocked only by area.
        park = max(
            (ranker.catalogue.park(m.park_id) for m in blocked), key=lambda p: p.total_area_m2
        )
        room = park.total_area_m2  # what can fit at all, underground included
        # Rounded up, so that cutting by the stated share is always enough.
        cut = math.ceil(round(100 * (1 - room / requirement.min_area_m2), 6))
        hints.append(
            reasons.hint_less_area(
                cut, room, reasons.park_named(park.park_id, park.name_zh, park.name_en)
            )
        )
    for field in ("preferred_location", "min_area_m2"):
        if getattr(requirement, field):
            other = ranker.rank(
                requirement.model_copy(
                    update={field: "" if field == "preferred_location" else None}
                )
            )
            if other[0].park_id != top.park_id:
                hints.append(
                    reasons.hint_without(
                        "location" if field == "preferred_location" else "area",
                        reasons.park_named(
                            other[0].park_id, other[0].park_name_zh, other[0].park_name_en
                        ),
                    )
                )
    excluded = sum(m.excluded for m in matches)
    if excluded:
        hints.append(reasons.hint_without_hard_constraints(excluded))
    return hints
