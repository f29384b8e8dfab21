"""The bounded cache keeps memory flat however many distinct inputs a batch has."""

from __future__ import annotations

from matcher.cache import LruCache


def test_the_cache_holds_at_most_its_limit() -> None:
    cache: LruCache[int] = LruCache(100)
    for i in range(500):
        cache.put(i, i)
    assert len(cache) == 100
    assert cache.get(0) is None and cache.get(499) == 499


def test_the_least_recently_used_entry_goes_first() -> None:
    cache: LruCache[str] = LruCache(64)
    for i in range(64):
        cache.put(i, str(i))
    assert cache.get(0) == "0"  # touched: now the most recent
    cache.put("new", "x")
    assert cache.get(0) == "0" and cache.get(1) is None
