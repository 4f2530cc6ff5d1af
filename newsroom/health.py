"""/healthz: can this process reach its database, cache and storage?"""

import time
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("a value written to the cache could not be read back")
    cache.delete(key)


def _check_storage() -> None:
    # Write, read back and delete a small object in each media storage.
    for alias in ("default", "originals"):
        storage = storages[alias]
        name = storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        try:
            with storage.open(name) as handle:
                if handle.read() != b"ok":
                    raise RuntimeError(f"{alias} storage returned different bytes")
        finally:
            storage.delete(name)


CHECKS = {"database": _check_database, "cache": _check_cache, "storage": _check_storage}


@never_cache
def healthz(request):
    report, healthy = {}, True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # Report every failure; never raise from a health check.
            healthy = False
            report[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            report[name] = {"ok": True}
        report[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return JsonResponse({"ok": healthy, "checks": report}, status=200 if healthy else 503)
