"""/healthz: can this process reach its database, cache and storage?

503 only without the database; a cache or storage that fails is named under
"degraded", with 200 (see NEEDED).

Load balancers probe often, several at once. Each process runs the checks at
most once every FRESH_SECONDS and answers the probes in between from that
result; a probe arriving while another request runs them waits at most
WAIT_SECONDS, then names the check that has not answered. A hung dependency
so holds one thread per process, not every thread.
"""

import logging
import threading
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import connection
from django.db.models import Min
from django.db.models.functions import Greatest
from django.dispatch import receiver
from django.http import JsonResponse
from django.tasks import task_backends
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

FRESH_SECONDS = 5.0
WAIT_SECONDS = 3.0
# Storage calls of the check give up after this (botocore's default is 60 s, retried).
STORAGE_TIMEOUT_SECONDS = 2.0
# A task still waiting after this long means no worker is taking them.
TASK_BACKLOG_SECONDS = 300


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache = caches["default"]
    # ResilientRedisCache swallows Redis errors (pages are served without it); call
    # Django's own Redis methods so that the real connection error is reported.
    api = RedisCache if isinstance(cache, RedisCache) else type(cache)
    api.set(cache, key, value, timeout=10)
    if api.get(cache, key) != value:
        raise RuntimeError("a value written to the cache could not be read back")
    api.delete(cache, key)


_probe_storages: dict[str, tuple[dict, object]] = {}


def _probe_storage(alias: str):
    """The storage as configured, but with S3 calls that give up within seconds."""
    config = settings.STORAGES[alias]
    if not config["BACKEND"].startswith("storages.backends.s3"):
        return storages[alias]
    known = _probe_storages.get(alias)
    if known is None or known[0] != config:
        from botocore.config import Config

        storage = storages.create_storage(config)
        storage.client_config = storage.client_config.merge(
            Config(
                connect_timeout=STORAGE_TIMEOUT_SECONDS,
                read_timeout=STORAGE_TIMEOUT_SECONDS,
                retries={"total_max_attempts": 1},
            )
        )
        known = _probe_storages[alias] = (config, storage)
    return known[1]


# Objects a failed check could not delete, per storage: deleted by the next check.
_leftovers: dict[str, set[str]] = {}


def _check_storage() -> None:
    # Write, read back and delete a small object in each media storage.
    for alias in ("default", "originals"):
        storage = _probe_storage(alias)
        leftovers = _leftovers.setdefault(alias, set())
        for name in list(leftovers):
            storage.delete(name)
            leftovers.discard(name)
        name = storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        leftovers.add(name)  # Until it is deleted, whatever fails on the way.
        with storage.open(name) as handle:
            if handle.read() != b"ok":
                raise RuntimeError(f"{alias} storage returned different bytes")
        storage.delete(name)
        leftovers.discard(name)


CHECKS = {"database": _check_database, "cache": _check_cache, "storage": _check_storage}


def _minutes(seconds: float) -> str:
    return f"{round(seconds / 60)} min" if seconds >= 90 else f"{round(seconds)} s"


def _task_backlog() -> dict | None:
    """Tasks of the database queue waiting too long; None without a database queue.

    Only a warning: a dead worker must not take healthy web servers out of a
    load balancer.
    """
    aliases = [a for a in settings.TASKS if isinstance(task_backends[a], DatabaseBackend)]
    if not aliases:
        return None
    now = timezone.now()
    cutoff = now - timedelta(seconds=TASK_BACKLOG_SECONDS)
    # A task becomes due when enqueued, or at its run_after (a retry's back-off).
    late = DBTaskResult.objects.ready().filter(backend_name__in=aliases, enqueued_at__lt=cutoff)
    undeferred = late.filter(run_after=get_date_max())
    deferred = late.filter(run_after__lt=cutoff).exclude(run_after=get_date_max())
    waiting = undeferred.count() + deferred.count()
    if not waiting:
        return {"ok": True, "waiting": 0}
    due = [
        undeferred.aggregate(due=Min("enqueued_at"))["due"],
        deferred.aggregate(due=Min(Greatest("run_after", "enqueued_at")))["due"],
    ]
    oldest = (now - min(d for d in due if d is not None)).total_seconds()
    return {
        "ok": False,
        "waiting": waiting,
        "oldest_seconds": round(oldest),
        "warning": (
            f"{waiting} task(s) have waited over {_minutes(TASK_BACKLOG_SECONDS)}, the oldest "
            f"{_minutes(oldest)}: is the task worker (manage.py db_worker) running?"
        ),
    }


logger = logging.getLogger(__name__)


def _error(check: str, exc: Exception) -> str:
    """What a probe is told of a failure: the error's kind. Its text names hosts,
    ports, user names and paths, and /healthz answers anyone, so that goes to the
    log (and to the page only when debugging)."""
    detail = f"{type(exc).__name__}: {exc}"[:300]
    logger.warning("Health check %r failed: %s", check, detail)
    return detail if settings.DEBUG else type(exc).__name__


def _tasks_report() -> dict | None:
    try:
        return _task_backlog()
    except Exception as exc:  # Never raise from a health check.
        return {"ok": False, "error": _error("tasks", exc)}


class _Run:
    """One run of the checks, which probes arriving meanwhile wait for."""

    def __init__(self):
        self.report: dict[str, dict] = {}
        self.current: tuple[str, float] | None = None
        self.outcome: tuple[dict, int] | None = None
        self.done = threading.Event()

    def execute(self) -> tuple[dict, int]:
        for name, check in CHECKS.items():
            started = time.perf_counter()
            self.current = (name, started)
            try:
                check()
            except Exception as exc:  # Report every failure; never raise from a health check.
                result = {"ok": False, "error": _error(name, exc)}
            else:
                result = {"ok": True}
            result["ms"] = round((time.perf_counter() - started) * 1000, 1)
            self.report[name] = result
        self.current = None
        body, status = _verdict(self.report)
        # The queue is in the database: without it, asking would only wait out its
        # connection timeout a second time, past what load balancers wait.
        if self.report["database"]["ok"] and (tasks := _tasks_report()) is not None:
            body["tasks"] = tasks
        return body, status

    def unfinished(self) -> tuple[dict, int]:
        """What is known while the checks have not finished: the slow one has failed."""
        report = dict(self.report)
        if current := self.current:
            name, started = current
            waited = time.perf_counter() - started
            report[name] = {
                "ok": False,
                "error": f"TimeoutError: no answer after {waited:.1f} s",
                "ms": round(waited * 1000, 1),
            }
        for name in CHECKS:
            # Not reached yet, behind the slow one: not known to have failed.
            report.setdefault(name, {"ok": None})
        return _verdict(report)


# Every web process shares the cache and the storage: a load balancer that took
# them out when one of those fails would turn a degraded site (pages still served,
# from the database; images from wherever they are) into no site at all. Only a
# process that cannot reach its database has nothing to serve.
NEEDED = ("database",)


def _verdict(report: dict[str, dict]) -> tuple[dict, int]:
    failing = [name for name, result in report.items() if result["ok"] is False]
    serving = not any(name in NEEDED for name in failing)
    body = {"ok": serving, "degraded": [name for name in failing if name not in NEEDED]}
    return {**body, "checks": report}, 200 if serving else 503


class _Memo:
    def __init__(self):
        self.lock = threading.Lock()
        self.outcome: tuple[dict, int] | None = None
        self.at = 0.0
        self.running: _Run | None = None


_memo = _Memo()


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    """Tests change databases, caches and storages: the next probe checks afresh."""
    global _memo
    _memo = _Memo()
    _probe_storages.clear()
    _leftovers.clear()


def _outcome() -> tuple[dict, int]:
    memo = _memo
    with memo.lock:
        if memo.outcome is not None and time.monotonic() - memo.at < FRESH_SECONDS:
            return memo.outcome
        run, mine = memo.running, memo.running is None
        if mine:
            run = memo.running = _Run()
    if not mine:
        return run.outcome if run.done.wait(WAIT_SECONDS) and run.outcome else run.unfinished()
    try:
        run.outcome = run.execute()
    finally:
        with memo.lock:
            memo.running = None
            if run.outcome is not None:
                memo.outcome, memo.at = run.outcome, time.monotonic()
        run.done.set()
    return run.outcome


@require_safe  # GET and HEAD, as probes send; anything else is a 405.
@never_cache
def healthz(request):
    body, status = _outcome()
    # A HEAD probe gets the status without the body (PublicPageCacheMiddleware).
    response = JsonResponse(body, status=status)
    # A failing check is logged when the checks run (_error), at most once every
    # FRESH_SECONDS per process however many probes come: not "Service Unavailable"
    # again for every probe a load balancer sends.
    response._has_been_logged = True
    return response
