"""A least-recently-used cache bounded by the number of park scores it holds."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

# About 160 MB of float64 park scores, whatever the size of the catalogue.
CACHE_CELLS = 20_000_000


class ParkRowCache(Generic[V]):
    """Keeps recent per-input rows of park scores; holds at most CACHE_CELLS scores."""

    def __init__(self, parks: int, cells: int = CACHE_CELLS) -> None:
        self.limit = max(64, cells // max(parks, 1))
        self._items: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: Hashable, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
