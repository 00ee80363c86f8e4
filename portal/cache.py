"""The shared cache on Redis: Django's backend, keeping its Redis client objects.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object for every operation (the connection pool behind it
is shared either way); with redis-py 8 building one costs about as much as the round trip itself (88 µs against
82 µs for a GET here), and the public lookup's rate limit, the statistics' answers and versions and the dashboard's
fragments all go through it. A ``redis.Redis`` object is safe to share between threads and holds no connection of
its own, so one per connection pool is kept and reused.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[Any, Any] = {}  # connection pool -> its client

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:  # two threads may both build one: either serves
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
