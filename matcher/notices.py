"""One message per mistake, in the language the page is shown in.

The library's errors carry both languages ("english (中文)", or a Reason pair); a page picks
one with these functions instead of showing both at once. Also what the form should say about
a requirement before any park is ranked (a place nobody recognises).
"""

from __future__ import annotations

from matcher import messages as msg
from matcher.areas import AreaError
from matcher.i18n import Lang
from matcher.location import Gazetteer
from matcher.messages import Reason, split_mixed
from matcher.models import Requirement

FIELD_NAMES: dict[str, tuple[str, str]] = {
    "min": ("最小面积", "Minimum floor area"),
    "max": ("最大面积", "Maximum floor area"),
    "": ("面积", "Floor area"),
}


def pick(reason: Reason, lang: Lang) -> str:
    return reason.zh if lang == "zh" else reason.en


def in_language(message: str, lang: Lang) -> str:
    """'english (中文)' -> the one part in the language; a message in one language as it is."""
    en, zh = split_mixed(message)
    return zh if lang == "zh" else en


def area_error(error: AreaError, lang: Lang) -> str:
    """'最小面积：逗号只能用作千位分隔符' / 'Minimum floor area: '1,2,3' is not one number …'."""
    zh, en = FIELD_NAMES.get(error.field, FIELD_NAMES[""])
    text = in_language(str(error), lang)
    return f"{zh}：{text}" if lang == "zh" else f"{en}: {text}"


def user_error(error: Exception, lang: Lang) -> str:
    """Any mistake a user can fix, as one message in the language."""
    if isinstance(error, AreaError):
        return area_error(error, lang)
    return in_language(str(error), lang)


def location_notice(requirement: Requirement, gazetteer: Gazetteer) -> Reason | None:
    """The plain statement owed when the location typed names no place we know; None if the
    location is empty or recognised. Pass a Ranker's `ranker.gazetteer`."""
    text = requirement.preferred_location.strip()
    if not text:
        return None
    return None if gazetteer.find(text) else msg.location_unrecognised(text)


__all__ = ["area_error", "in_language", "location_notice", "pick", "user_error"]
