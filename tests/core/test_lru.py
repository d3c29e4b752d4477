"""The one in-process cache: the least recently used entry goes first."""

from portfolio.core.lru import LRU


def test_a_lookup_keeps_an_entry_and_the_least_recently_used_goes():
    cache: LRU[str] = LRU(2)
    cache.put("a", "A")
    cache.put("b", "B")
    assert cache.get("a") == "A"  # a is now the most recently used
    cache.put("c", "C")  # evicts b
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")
    assert (cache.hits, cache.misses, len(cache)) == (3, 1, 2)
    cache.clear()
    assert cache.get("a") is None and len(cache) == 0
