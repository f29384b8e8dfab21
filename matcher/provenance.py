"""Tracing the curated tables to seeds/: the published park list decides which parks exist and
what each may say; place names must appear in the source documents."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

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


def _where(file: str, line: int, park: Park) -> str:
    return f"{file} line {line} ({park.park_id})"


def _text_problems(file: str, line: int, park: Park, published: PublishedPark) -> list[str]:
    problems = []
    for field in ("name_zh", "location_zh", "positioning_zh"):
        ours, theirs = getattr(park, field), getattr(published, field)
        if nfkc(ours) != theirs:
            problems.append(
                f"{_where(file, line, park)}, field {field}: '{ours}' is not the published "
                f"'{theirs}' ({PARK_LIST_SEED}) (与来源文本不符)"
            )
    if park.source != PARK_SOURCE:
        problems.append(
            f"{_where(file, line, park)}, field source: '{park.source}' should be "
            f"'{PARK_SOURCE}' (来源应为已发布的园区名单)"
        )
    return problems


def _figure(value: float | None) -> str:
    return "none" if value is None else f"{value:.15g}"


def _area_problems(file: str, line: int, park: Park, published: PublishedPark) -> list[str]:
    problems = []
    for field in ("total_area_m2", "above_ground_area_m2", "expansion_area_m2"):
        ours, theirs = getattr(park, field), getattr(published, field)
        if ours != theirs:
            problems.append(
                f"{_where(file, line, park)}, field {field}: {_figure(ours)} m² but the source "
                f"says {_figure(theirs)} m² ('{published.scale_zh}') (面积与来源不符)"
            )
    return problems


def _town_problems(file: str, line: int, park: Park) -> list[str]:
    stem = (park.town or "").removesuffix("镇").removesuffix("街道")
    basis_text = {"location": park.location_zh, "name": park.name_zh}.get(park.town_basis)
    if basis_text is None:
        if park.notes:
            return []
        return [
            f"{_where(file, line, park)}, field notes: town_basis '{park.town_basis}' needs a "
            f"note saying why (推断或未知的镇街需要说明)"
        ]
    if stem and stem in basis_text:
        return []
    return [
        f"{_where(file, line, park)}, field town: '{park.town or ''}' is said to come from the "
        f"{park.town_basis} '{basis_text}', which does not name it (镇街不在所述文本中)"
    ]


def trace_parks(
    parks: Sequence[tuple[int, Park]],
    published: Sequence[PublishedPark],
    file: str = "parks.csv",
) -> list[str]:
    """Problems, each naming file, line, field and value, where the (line, park) rows are not
    exactly the published parks with their published name, location, areas and positioning."""
    by_id = {p.park_id: p for p in published}
    problems = []
    for line, park in parks:
        source = by_id.get(park.park_id)
        if source is None:
            problems.append(
                f"{_where(file, line, park)}, field park_id: '{park.park_id}' is not a published "
                f"park: {PARK_LIST_SEED} lists P01–P{len(published):02d} (不在已发布的园区名单中)"
            )
            continue
        problems += _text_problems(file, line, park, source)
        problems += _area_problems(file, line, park, source)
        problems += _town_problems(file, line, park)
    present = {park.park_id for _, park in parks}
    missing = [f"{p.park_id} {p.name_zh}" for p in published if p.park_id not in present]
    if missing:
        problems.append(
            f"{file}, field park_id: {len(missing)} published park(s) missing: "
            f"{', '.join(missing)} (缺少已发布的园区)"
        )
    return problems


def trace_places(
    places: Sequence[tuple[int, Place]], seed_text: str, file: str = "places.csv"
) -> list[str]:
    """Problems for (line, place) rows not honestly sourced: a `seed` place whose name_zh
    appears nowhere in the seed text, or a `curated` place without a note saying how it is
    known ("curated: common knowledge …")."""
    normalised = cache(lambda: nfkc(seed_text))
    problems = []
    for line, place in places:
        where = f"{file} line {line} ({place.place_id})"
        if place.basis == "curated":
            if not place.note.startswith("curated:"):
                problems.append(
                    f"{where}, field note: a curated place needs a note starting 'curated:' "
                    f"that says how it is known (人工整理的地名需注明依据)"
                )
            continue
        # NFKC of all seeds costs ~10 ms; only a name not found verbatim needs it.
        if place.name_zh in seed_text or nfkc(place.name_zh) in normalised():
            continue
        problems.append(
            f"{where}, field name_zh: '{place.name_zh}' appears in no file in seeds/; "
            f"if it is common knowledge, set basis to curated with a note (地名不在来源文件中)"
        )
    return problems
