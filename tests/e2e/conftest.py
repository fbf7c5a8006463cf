"""Fixtures of the end-to-end tests: the Redis that gunicorn workers and hosts share."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

import config


@pytest.fixture
def redis_url() -> str:
    """The Redis the workers share (a failure under CI, skipped elsewhere if unreachable)."""
    import redis

    url = config.test_redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if config.running_in_ci():
            pytest.fail(f"Redis at {url} is not reachable under CI: {error}")
        pytest.skip(f"no Redis at {url}")
    return url


@pytest.fixture
def key_prefix(redis_url) -> Iterator[str]:
    """A key prefix of this run's own, removed afterwards, so parallel runs never meet."""
    import redis

    prefix = f"agora-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"*{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()
