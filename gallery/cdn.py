"""Ask the CDN to drop its copies of changed pages and deleted files.

Renditions are cached for a year (a new redaction gives new names, but the
old address still answers from the CDN), pages for minutes. A takedown must
not wait for either. Off unless CDN_PURGE is set (settings).
"""

import threading
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction

TIMEOUT_SECONDS = 5

_pending = threading.local()


def purge_after_commit(urls: Iterable[str]) -> None:
    """Purge these URLs (absolute, or paths on SITE_URL) once the change is committed.

    A save touches many rows; however many ask, one task takes every URL.
    """
    if not settings.CDN_PURGE:
        return
    if not hasattr(_pending, "urls"):
        _pending.urls = set()
    _pending.urls.update(urljoin(settings.SITE_URL + "/", url) for url in urls)
    transaction.on_commit(_send_pending)


def _send_pending() -> None:
    # The first callback after a commit takes them all; the rest find nothing.
    # (URLs left by a rolled-back change go with the next: one needless purge.)
    urls = sorted(getattr(_pending, "urls", ()))
    _pending.urls = set()
    if urls:
        from gallery.tasks import purge_urls

        purge_urls.enqueue(urls)


def purge(url: str) -> bool:
    """Send one HTTP PURGE; True once the CDN holds no copy (404: it had none)."""
    request = urllib.request.Request(url, method="PURGE", headers=settings.CDN_PURGE_HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):
            return True
    except urllib.error.HTTPError as exc:
        return exc.code == 404
    except OSError:
        return False
