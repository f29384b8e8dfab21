"""Tracing the curated tables to seeds/: the published park list decides which parks exist and
what each may say; place names must appear in the source documents."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, partial

from matcher.errors import in_data
from matcher.i18n import Text, joined, same, say
from matcher.models import Park, Place

PARK_LIST_SEED = "002_ea38cd41d44e36dd.txt"
PARK_LIST_SECTION = "高品质产业空间等“伙伴”"
PARK_LIST_SECTION_EN = "High-quality industrial space and other partners"
PARK_SOURCE = f"seeds/{PARK_LIST_SEED}#{PARK_LIST_SECTION}"
# How a reader cites the park list: the article's title and outlet are the seed's first two
# lines (checked by tests/test_brief.py); the text gives no day, only that it sets out the
# district's plans for 2025 (seeds/README.md).
PARK_LIST_TITLE = "北京海淀区释放高质量发展强劲信号 用实干拼抢“开门红”"
PARK_LIST_TITLE_EN = "Haidian district sends strong signals of high-quality growth"
PARK_LIST_OUTLET = ("千龙网", "Qianlong.com")
PARK_LIST_DATE = ("2025年", "2025")

# The section's field labels, as published (after NFKC the colon is half-width).
_FIELDS = {
    "项目名称": "name_zh",
    "空间位置": "location_zh",
    "空间规模": "scale_zh",
    "产业定位": "positioning_zh",
}
_NUMBER = r"(\d+(?:\.\d+)?)"
_TOTAL = re.compile(rf"建筑面积{_NUMBER}万平方米")  # 总建筑面积, or 建筑面积 alone (P05)
_ABOVE = re.compile(rf"地上{_NUMBER}万平方米")
_EXPANSION = re.compile(rf"{_NUMBER}万余?平方米扩展空间")


def nfkc(text: str) -> str:
    """The source mixes half- and full-width punctuation; compare after NFKC."""
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class PublishedPark:
    """One park as the seed announces it; areas in m², None where the text gives none."""

    park_id: str
    name_zh: str
    location_zh: str
    scale_zh: str
    positioning_zh: str
    total_area_m2: float | None
    above_ground_area_m2: float | None
    expansion_area_m2: float | None


def wan_to_m2(figure: str) -> float:
    """'12.1' (万平方米) -> 121000.0, exactly: decimal arithmetic, not 12.1 * 10000."""
    return float(Decimal(figure) * 10_000)


def _area(pattern: re.Pattern[str], scale: str) -> float | None:
    found = pattern.search(scale)
    if found is None:
        return None
    try:
        return wan_to_m2(found.group(1))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None


def published_parks(seed_text: str) -> tuple[PublishedPark, ...]:
    """The parks listed under PARK_LIST_SECTION, numbered P01, P02… in order of publication."""
    text = nfkc(seed_text)
    start = text.find(nfkc(PARK_LIST_SECTION))
    if start < 0:
        return ()
    parks: list[PublishedPark] = []
    for block in text[start:].split("●")[1:]:  # the first piece is the section's introduction
        fields = {"name_zh": "", "location_zh": "", "scale_zh": "", "positioning_zh": ""}
        for line in block.splitlines():
            label, _, value = line.partition(":")
            if label.strip() in _FIELDS:
                fields[_FIELDS[label.strip()]] = value.strip()
        scale = fields["scale_zh"]
        parks.append(
            PublishedPark(
                park_id=f"P{len(parks) + 1:02d}",
                **fields,
                total_area_m2=_area(_TOTAL, scale),
                above_ground_area_m2=_area(_ABOVE, scale),
                expansion_area_m2=_area(_EXPANSION, scale),
            )
        )
    return tuple(parks)


def _on_park(file: str, line: int, park: Park, field: str, problem: Text) -> Text:
    return in_data(file, problem, line=line, row=park.park_id, field=field)


def _text_problems(file: str, line: int, park: Park, published: PublishedPark) -> list[Text]:
    problems = []
    for field in ("name_zh", "location_zh", "positioning_zh"):
        ours, theirs = getattr(park, field), getattr(published, field)
        if nfkc(ours) != theirs:
            differs = say("data_not_published_text", ours=ours, theirs=theirs, seed=PARK_LIST_SEED)
            problems.append(_on_park(file, line, park, field, differs))
    if park.source != PARK_SOURCE:
        wrong = say("data_wrong_source", source=park.source, expected=PARK_SOURCE)
        problems.append(_on_park(file, line, park, "source", wrong))
    return problems


def _figure(value: float | None) -> Text:
    return say("data_area_none") if value is None else say("data_area_m2", area=f"{value:.15g}")


def _area_problems(file: str, line: int, park: Park, published: PublishedPark) -> list[Text]:
    problems = []
    for field in ("total_area_m2", "above_ground_area_m2", "expansion_area_m2"):
        ours, theirs = getattr(park, field), getattr(published, field)
        if ours != theirs:
            differs = say(
                "data_area_differs",
                ours=_figure(ours),
                theirs=_figure(theirs),
                scale=published.scale_zh,
            )
            problems.append(_on_park(file, line, park, field, differs))
    return problems


def _town_problems(file: str, line: int, park: Park) -> list[Text]:
    stem = (park.town or "").removesuffix("镇").removesuffix("街道")
    basis_text = {"location": park.location_zh, "name": park.name_zh}.get(park.town_basis)
    if basis_text is None:
        if park.notes:
            return []
        needs_note = say("data_town_needs_note", basis=park.town_basis)
        return [_on_park(file, line, park, "notes", needs_note)]
    if stem and stem in basis_text:
        return []
    not_named = say(
        "data_town_not_in_text",
        town=park.town or "",
        basis=say(f"data_town_basis_{park.town_basis}"),
        text=basis_text,
    )
    return [_on_park(file, line, park, "town", not_named)]


def trace_parks(
    parks: Sequence[tuple[int, Park]],
    published: Sequence[PublishedPark],
    file: str = "parks.csv",
) -> list[Text]:
    """Problems, each naming file, line, field and value, where the (line, park) rows are not
    exactly the published parks with their published name, location, areas and positioning."""
    by_id = {p.park_id: p for p in published}
    problems = []
    for line, park in parks:
        source = by_id.get(park.park_id)
        if source is None:
            unpublished = say(
                "data_park_not_published",
                park=park.park_id,
                seed=PARK_LIST_SEED,
                last=f"P{len(published):02d}",
            )
            problems.append(_on_park(file, line, park, "park_id", unpublished))
            continue
        problems += _text_problems(file, line, park, source)
        problems += _area_problems(file, line, park, source)
        problems += _town_problems(file, line, park)
    present = {park.park_id for _, park in parks}
    missing = [same(f"{p.park_id} {p.name_zh}") for p in published if p.park_id not in present]
    if missing:
        absent = say("data_parks_missing", count=len(missing), parks=joined(missing))
        problems.append(in_data(file, absent, field="park_id"))
    return problems


def trace_places(
    places: Sequence[tuple[int, Place]], seed_text: str, file: str = "places.csv"
) -> list[Text]:
    """Problems for (line, place) rows not honestly sourced: a `seed` place whose name_zh
    appears nowhere in the seed text, or a `curated` place without a note saying how it is
    known ("curated: common knowledge …")."""
    normalised = cache(lambda: nfkc(seed_text))
    problems = []
    for line, place in places:
        at = partial(in_data, file, line=line, row=place.place_id)
        if place.basis == "curated":
            if not place.note.startswith("curated:"):
                problems.append(at(say("data_curated_needs_note"), field="note"))
            continue
        # NFKC of all seeds costs ~10 ms; only a name not found verbatim needs it.
        if place.name_zh in seed_text or nfkc(place.name_zh) in normalised():
            continue
        problems.append(at(say("data_place_not_in_seeds", name=place.name_zh), field="name_zh"))
    return problems
