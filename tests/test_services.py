"""The at-scale parts are real services: PostgreSQL and Redis answer as configured."""

import os
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from tests.conftest import skip_or_fail

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.mark.redis
def test_redis_cache_round_trip():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    try:
        cache.set("greeting", {"text": "hello"}, timeout=30)
    except Exception as exc:  # redis.ConnectionError and friends
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}: {exc}")
    assert cache.get("greeting") == {"text": "hello"}
    cache.delete("greeting")
    assert cache.get("greeting") is None


@pytest.mark.postgres
def test_postgresql_is_reachable():
    import psycopg

    url = os.environ.get("NEWSROOM_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            version = conn.execute("show server_version").fetchone()[0]
    except psycopg.OperationalError as exc:
        skip_or_fail(f"PostgreSQL is not reachable at {url}: {exc}")
    assert int(version.split(".")[0]) >= 13


@pytest.mark.django_db
def test_suite_runs_on_the_database_it_was_given():
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else None
    if expected:
        assert connection.vendor == expected
    else:
        assert connection.vendor == "sqlite"
