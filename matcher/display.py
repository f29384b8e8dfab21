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

from matcher.i18n import Lang
from matcher.models import Fit, Match
from matcher.tuning import ShownScale

FIT_ORDER = (Fit.NONE, Fit.WEAK, Fit.PARTIAL, Fit.STRONG)


def _scale(scale: ShownScale | None) -> ShownScale:
    if scale is not None:
        return scale
    from matcher.catalogue import default_catalogue

    return default_catalogue().tuning.shown


def shown_value(total: float, fit: Fit | str, scale: ShownScale | None = None) -> float:
    """low + (high - low) x total / 100 in the band of the fit label, to 0.1."""
    band = _scale(scale).band(Fit(fit).value)
    within = min(max(total, 0.0), 100.0) / 100.0
    # np.round, as shown_scores uses: the same total shows the same number everywhere.
    return float(np.round(band.low + (band.high - band.low) * within, 1))


def shown_score(match: Match, scale: ShownScale | None = None) -> float:
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


def how_to_read(lang: Lang, scale: ShownScale | None = None) -> str:
    """One line saying what the shown number means, built from the bands in scoring.toml."""
    s = _scale(scale)

    def span(fit: str) -> str:
        band = s.band(fit)
        return f"{band.low:g}–{band.high:g}"

    if lang == "zh":
        return (
            f"得分含义：{span('strong')} 强匹配，{span('partial')} 部分匹配，"
            f"{span('weak')} 弱匹配，{span('none')} 不匹配；同一档内分数越高越贴合需求。"
        )
    return (
        f"How to read the score: {span('strong')} strong fit, {span('partial')} partial, "
        f"{span('weak')} weak, {span('none')} no fit; within a band, higher fits the "
        f"requirement more closely."
    )


__all__ = ["FIT_ORDER", "how_to_read", "shown_score", "shown_scores", "shown_value"]


def shown_breakdown(match: Match, scale: ShownScale | None = None) -> list[tuple[str, float]]:
    """Why this number: the fit tier's start, then what each asked component added, in
    COMPONENTS order; the steps add up to the shown score (within rounding).

    The ranking's band floor is part of the tier start, never a step of its own: a floor is
    where a tier begins, not a merit.
    """
    band = _scale(scale).band(match.fit.value)
    width = (band.high - band.low) / 100.0
    steps = [("fit_tier", band.low + width * match.band_floor)]
    steps.extend((c.name, width * c.points) for c in match.components if c.score is not None)
    return steps
