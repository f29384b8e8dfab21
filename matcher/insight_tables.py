"""The dashboard's figures in a reader's words: one table per figure, headers and keys in the
reader's language (sector and park names, size bands, zones, statuses, outcomes), rates as
percentages. The dashboard page, its downloads and the monthly report all read these tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from matcher.catalogue import Catalogue
from matcher.i18n import Lang, label

if TYPE_CHECKING:
    import pandas as pd

    from matcher.workspace.insights import Dashboard, Figure, Medians, Overdue


@dataclass(frozen=True)
class Table:
    """One figure as a reader sees it: its title, its table, and a file-name stem."""

    key: str  # stable, for widget keys and file names
    title: str
    frame: pd.DataFrame


def _words(catalogue: Catalogue, lang: Lang) -> dict[str, Callable[[Any], Any]]:
    """How each kind of column's values are said."""
    sectors = {s.sector_id: s.name_zh if lang == "zh" else s.name_en for s in catalogue.sectors}
    segments = {s.segment_id: s.name_zh if lang == "zh" else s.name_en for s in catalogue.segments}
    parks = {p.park_id: p.name_zh if lang == "zh" else p.name_en for p in catalogue.parks}
    unknown = label("insights_unknown", lang)

    def named(names: dict[str, str]) -> Callable[[Any], Any]:
        return lambda key: names.get(key, unknown if key == "unknown" else key)

    def rate(value: Any) -> Any:
        return None if value is None else round(100 * float(value), 1)

    return {
        "sector": named(sectors),
        "chain": named(segments),
        "size": lambda key: label(f"insights_size_{key}", lang),
        "zone": lambda key: unknown if key == "unknown" else label(f"zone_{key}", lang),
        "park": lambda key: f"{key} {parks.get(key, '')}".strip(),
        "status": lambda key: label(f"status_{key}", lang),
        "step": lambda key: label(f"insights_step_{key}", lang),
        "outcome": lambda key: label(f"outcome_{key}", lang),
        "unmet_share": rate,
        "conversion": rate,
        "share": rate,
    }


def frame(figure: Figure, catalogue: Catalogue, lang: Lang) -> pd.DataFrame:
    """The figure's rows with every key in words and headers in `lang`."""
    import pandas as pd

    words = _words(catalogue, lang)
    columns = {
        name: [words[name](v) if name in words else v for v in figure.column(name)]
        for name in figure.columns
    }
    return pd.DataFrame(
        {label(f"insights_column_{name}", lang): values for name, values in columns.items()}
    )


def tables(dashboard: Dashboard, catalogue: Catalogue, lang: Lang) -> list[Table]:
    """Every table of the dashboard, in the order the page and the report show them."""
    from matcher.workspace.insights import Dimension

    figures: list[tuple[str, Figure]] = [
        (f"received_{d.value}", dashboard.received[d]) for d in Dimension
    ]
    figures += [
        ("unmet", dashboard.unmet),
        ("unread_words", dashboard.unread_words),
        ("parks", dashboard.parks),
        ("funnel", dashboard.funnel),
        ("statuses", dashboard.statuses),
        ("outcomes", dashboard.outcomes),
    ]
    found = [
        Table(key, label(f"insights_title_{key}", lang), frame(figure, catalogue, lang))
        for key, figure in figures
    ]
    found.append(
        Table("timing", label("insights_title_timing", lang), timing_frame(dashboard, lang))
    )
    return found


def timing_frame(dashboard: Dashboard, lang: Lang) -> pd.DataFrame:
    """The response-time medians and the overdue counts as one small table."""
    import pandas as pd

    medians: Medians = dashboard.medians
    overdue: Overdue = dashboard.overdue
    rows = [
        ("insights_median_first_action", medians.first_action_hours, medians.first_action_cases),
        ("insights_median_sent", medians.sent_hours, medians.sent_cases),
        ("insights_overdue_first_response", overdue.first_response, None),
        ("insights_overdue_shortlist", overdue.shortlist, None),
        ("insights_overdue_cases", overdue.cases, None),
    ]
    return pd.DataFrame(
        {
            label("insights_column_measure", lang): [label(key, lang) for key, _, _ in rows],
            label("insights_column_value", lang): [value for _, value, _ in rows],
            label("insights_column_over_cases", lang): [n for _, _, n in rows],
        }
    )


def for_reading(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The table as a page or the PDF shows it: a figure that does not exist (the first
    step's conversion, a rate over no cases) reads as a dash, not as a blank or "None"."""
    dash = label("insights_missing", lang)

    def cell(value: Any) -> str:
        if value is None or value != value:  # None or NaN
            return dash
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    # A column with a gap becomes text throughout (one type per column, as Arrow needs).
    gaps = [c for c in frame.columns if frame[c].isna().any()]
    return frame.assign(**{str(c): frame[c].map(cell) for c in gaps})


def hours_words(hours: float | None, lang: Lang) -> str:
    """A median in hours, as a reader reads it ('—' when there is none)."""
    if hours is None:
        return label("insights_none_yet", lang)
    if hours >= 48:
        return label("insights_days", lang, days=round(hours / 24, 1))
    return label("insights_hours", lang, hours=round(hours, 1))
