import os

import pytest

# CI sets this so that a missing service fails the run instead of skipping.
REQUIRE_SERVICES = os.environ.get("NEWSROOM_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service is missing, or fail it when CI demands every service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (NEWSROOM_REQUIRE_SERVICES is set, so this cannot be skipped)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached pages must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def demo_story(django_db_setup, django_db_blocker):
    """The reference story, loaded once for the session (renditions are slow to make)."""
    from newsroom.demo import demo_load

    with django_db_blocker.unblock():
        article, _ = demo_load()
    return article
