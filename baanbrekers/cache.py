"""The Redis cache backend, with one client object per connection pool instead of one per call.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache operation;
redis-py 8 fills a table of about 170 response callbacks in each constructor, which costs more
CPU than the round trip to Redis itself. Sessions (``cached_db``), rate limits and the other
caches ask Redis on nearly every request, so the client is made once per pool and reused (a
``redis.Redis`` is safe to share between threads: each command borrows a connection from the
pool; after a fork the pool makes new connections).
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with :class:`ReusedRedisCacheClient`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
