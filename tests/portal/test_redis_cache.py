"""The shared cache on Redis (portal.cache): one client object per connection pool, the cache's behaviour unchanged."""

import threading
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache, caches

from portal.cache import RedisCache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="the embedded default has no Redis (make test sets it)")


def test_the_portal_uses_it_on_redis():
    assert isinstance(caches["default"], RedisCache)


def _key(name: str) -> str:
    return f"test-redis-cache:{uuid.uuid4().hex}:{name}"


def test_every_operation_reuses_the_same_client():
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b", write=True) is client
    key = _key("k")
    cache.set(key, 1)
    cache.get(key)
    assert cache._cache.get_client(key) is client


def test_the_cache_behaves_as_djangos():
    a, b = _key("a"), _key("b")
    cache.set(a, {"x": [1, 2]}, timeout=60)
    assert cache.get(a) == {"x": [1, 2]}
    assert cache.add(a, "other") is False
    cache.set(b, 5)
    assert cache.incr(b, 2) == 7
    assert cache.get_many([a, b, _key("missing")]) == {a: {"x": [1, 2]}, b: 7}
    assert cache.delete(a) is True
    assert cache.get(a, "gone") == "gone"
    with pytest.raises(ValueError):
        cache.incr(_key("missing"))


def test_threads_share_the_client_and_each_reads_its_own_values():
    errors: list[str] = []

    def work(n: int) -> None:
        for i in range(50):
            key = _key(f"{n}-{i}")
            cache.set(key, (n, i), timeout=60)
            if cache.get(key) != (n, i):
                errors.append(key)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
