"""One-line "what would change the ranking" hints, each from one cheap re-ranking."""

from __future__ import annotations

import math
from collections.abc import Sequence

from matcher import messages as msg
from matcher.messages import Reason
from matcher.models import Match, Requirement
from matcher.scoring import Ranker


def ranking_hints(
    ranker: Ranker, requirement: Requirement, matches: Sequence[Match]
) -> list[Reason]:
    """What a smaller area, no location preference or no hard constraints would change."""
    if not matches:
        return []
    hints: list[Reason] = []
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
        hints.append(msg.hint_less_area(cut, room, park.park_id, park.name_zh))
    for field in ("preferred_location", "min_area_m2"):
        if getattr(requirement, field):
            other = ranker.rank(
                requirement.model_copy(
                    update={field: "" if field == "preferred_location" else None}
                )
            )
            if other[0].park_id != top.park_id:
                hints.append(
                    msg.hint_without(
                        "location" if field == "preferred_location" else "area",
                        other[0].park_id,
                        other[0].park_name_zh,
                    )
                )
    excluded = sum(m.excluded for m in matches)
    if excluded:
        hints.append(msg.hint_without_hard_constraints(excluded))
    return hints
