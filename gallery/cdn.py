"""Ask the CDN to drop its copies of changed pages and deleted files.

Renditions are cached for a year (a new redaction gives new names, but the
old address still answers from the CDN), pages for minutes. A takedown must
not wait for either. Off unless CDN_PURGE is set (settings).
"""

import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction

TIMEOUT_SECONDS = 5

_pending = threading.local()


def purge_after_commit(
    urls: Iterable[str] = (), *, also: Callable[[], Iterable[str]] | None = None
) -> None:
    """Purge these URLs (absolute, or paths on SITE_URL) once the change is committed.

    ``also`` is called once then, for URLs worked out from the whole change
    rather than row by row. A save touches many rows; however many ask, one
    task takes every URL.
    """
    if not settings.CDN_PURGE:
        return
    pending = _pending_work()
    pending["urls"].update(urls)
    if also is not None:
        pending["sources"].add(also)
    transaction.on_commit(_send_pending)


def _pending_work() -> dict[str, set]:
    if not hasattr(_pending, "work"):
        _pending.work = {"urls": set(), "sources": set()}
    return _pending.work


def _send_pending() -> None:
    # The first callback after a commit takes them all; the rest find nothing.
    # (What a rolled-back change left goes with the next: one needless purge.)
    work, _pending.work = _pending_work(), {"urls": set(), "sources": set()}
    urls = work["urls"].union(*(source() for source in work["sources"]))
    if urls:
        from gallery.tasks import purge_urls

        purge_urls.enqueue(sorted(urljoin(settings.SITE_URL + "/", url) for url in urls))


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
