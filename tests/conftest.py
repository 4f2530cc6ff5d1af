import os

import pytest

# CI sets this so that a missing service fails the run instead of skipping.
REQUIRE_SERVICES = os.environ.get("NEWSROOM_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service is missing, or fail it when CI demands every service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (NEWSROOM_REQUIRE_SERVICES is set, so this cannot be skipped)")
    pytest.skip(reason)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


# Module scope: one browser per test module; only one Playwright sync API may
# run in a thread at a time.
@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright; nothing is ever downloaded."""
    import shutil

    # Playwright's sync API runs an event loop in this thread; Django must still allow ORM calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not shutil.which(CHROMIUM):
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # A broken install must say why, not crash the session.
            skip_or_fail(f"Chromium would not start: {exc}")
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached pages must not leak between tests."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()
    yield


@pytest.fixture(scope="session")
def _demo_fixture_file(django_db_setup, django_db_blocker, tmp_path_factory):
    """Build the reference story once, keep its rows as a fixture file, and roll back.

    Building it means rendering 9 large photos (seconds); loading the saved rows
    is instant. Rolling back keeps every test's database free of it unless the
    test asks for it. The rendition and original files stay on disk for reuse.
    """
    from django.core import serializers
    from django.db import transaction
    from django.test import TestCase
    from reversion.models import Version

    from newsroom.demo import demo_load

    path = tmp_path_factory.mktemp("demo") / "demo.json"
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            article, _ = demo_load()
        slides = list(article.slides.all())
        photos = [slide.photo for slide in slides]
        credits = {photo.credit for photo in photos}
        objects = [
            *credits,
            *photos,
            *[r for photo in photos for r in photo.redactions.all()],
            *[a for photo in photos for a in photo.annotations.all()],
            *[r for photo in photos for r in photo.renditions.all()],
            article,
            *slides,
            *[q for slide in slides for q in slide.quotes.all()],
            *[v.revision for v in Version.objects.get_for_object(article)],
            *Version.objects.filter(revision__version__in=Version.objects.get_for_object(article)),
        ]
        path.write_text(serializers.serialize("json", objects))
        transaction.set_rollback(True)
    return path


@pytest.fixture
def demo_story(db, _demo_fixture_file):
    """The reference story with its renditions, in this test's database only."""
    from django.core.management import call_command

    from newsroom.demo import SLUG
    from newsroom.models import Article

    call_command("loaddata", str(_demo_fixture_file), verbosity=0)
    return Article.objects.get(slug=SLUG)


def wsgi_answer(method: str, path: str) -> tuple[str, dict, bytes]:
    """Status, headers and body as a WSGI server gets them, middleware included.

    Not the test client: it drops HEAD bodies itself, hiding whether the app did,
    and takes header names of any str subclass, where wsgiref (runserver) answers
    500 to anything but str itself.
    """
    import io

    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    started = []
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
    }
    # As the test client does: the test's database connection must outlive the request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)

    def start_response(status, headers, exc_info=None):
        for name, value in headers:
            assert type(name) is str and type(value) is str, f"header {name!r}: {value!r}"
        started.append((status, headers))

    try:
        body = b"".join(WSGIHandler()(environ, start_response))
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    status, headers = started[0]
    return status, dict(headers), body


@pytest.fixture
def redis_caches(settings):
    """Both cache aliases on the real Redis, emptied before and after; the settings to reuse."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    redis = {"BACKEND": "newsroom.cache.ResilientRedisCache", "LOCATION": url}
    settings.CACHES = {"default": redis, "pages": redis}
    from django.core.cache import cache

    if not cache.is_available():
        skip_or_fail(f"Redis is not reachable at {url}")
    cache.clear()
    yield settings.CACHES
    settings.CACHES = {"default": redis, "pages": redis}
    cache.clear()
