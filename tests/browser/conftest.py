"""Debian's Chromium driven by Playwright against pytest-django's live server.

Nothing is downloaded: the browser is /usr/bin/chromium, and only loopback
addresses are reachable from the pages under test.
"""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django must still allow ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 412, "height": 823}


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh contexts; every request leaving loopback fails the test."""
    contexts = []
    outside = []

    def open_page(*, javascript=True, reduced_motion="no-preference", **options):
        context = browser.new_context(
            viewport=PHONE,
            java_script_enabled=javascript,
            reduced_motion=reduced_motion,
            base_url=live_server.url,
            **options,
        )
        contexts.append(context)

        def guard(route):
            if route.request.url.startswith(("http://localhost", "http://127.0.0.1", "data:")):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(10_000)  # The machine is shared; be patient, not flaky.
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not outside, f"third-party requests: {outside}"
