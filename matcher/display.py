"""The score people read, and the one line that says what it means.

`Match.score` is the ranking total: banded so that industry comes first, it orders parks but
reads badly on its own (a weak fit at 80.7 above partial fits at 70). The shown score keeps
the fit label's meaning: each label owns a band of 0-100 (data/scoring.toml, `[shown]`) and
the ranking total places a park within it, so every strong fit shows above every partial,
every partial above every weak, every weak above none.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from matcher.i18n import Lang, label
from matcher.models import Fit, Match
from matcher.tuning import ShownScale


def shown_value(total: float, fit: Fit | str, scale: ShownScale) -> float:
    """low + (high - low) x total / 100 in the band of the fit label, to 0.1."""
    band = scale.band(Fit(fit).value)
    within = min(max(total, 0.0), 100.0) / 100.0
    # np.round, as shown_scores uses: the same total shows the same number everywhere.
    return float(np.round(band.low + (band.high - band.low) * within, 1))


def shown_score(match: Match, scale: ShownScale) -> float:
    """The score to show for a match (tables, exports, the brief); sort by `match.score`."""
    return shown_value(match.score, match.fit, scale)


def shown_scores(
    totals: NDArray[np.float64], fits: Sequence[str] | NDArray[np.object_], scale: ShownScale
) -> NDArray[np.float64]:
    """shown_value over arrays of ranking totals and fit values ("strong" …), for batch frames."""
    lows = np.array([scale.band(str(f)).low if f else np.nan for f in fits], dtype=float)
    highs = np.array([scale.band(str(f)).high if f else np.nan for f in fits], dtype=float)
    within = np.clip(np.asarray(totals, dtype=float), 0.0, 100.0) / 100.0
    shown: NDArray[np.float64] = np.round(lows + (highs - lows) * within, 1)
    return shown


def how_to_read(lang: Lang, scale: ShownScale) -> str:
    """One line saying what the shown number means, built from the bands in scoring.toml."""

    def span(fit: str) -> str:
        band = scale.band(fit)
        return f"{band.low:g}–{band.high:g}"

    return label(
        "how_to_read",
        lang,
        strong=span("strong"),
        partial=span("partial"),
        weak=span("weak"),
        none=span("none"),
    )


__all__ = ["how_to_read", "shown_breakdown", "shown_score", "shown_scores", "shown_value"]


def shown_breakdown(match: Match, scale: ShownScale) -> list[tuple[str, float]]:
    """Why this number: the fit tier's start, then what each asked component added, in
    COMPONENTS order; the steps add up to the shown score (within rounding).

    The ranking's band floor is part of the tier start, never a step of its own: a floor is
    where a tier begins, not a merit.
    """
    band = scale.band(match.fit.value)
    width = (band.high - band.low) / 100.0
    steps = [("fit_tier", band.low + width * match.band_floor)]
    steps.extend((c.name, width * c.points) for c in match.components if c.score is not None)
    return steps
