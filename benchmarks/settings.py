"""Settings for benchmark runs: production-like (DEBUG off), throwaway database and media."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# Made once, by the first process: the server and its workers find it in the environment.
if os.environ.get("BENCH_DIR"):
    _workdir = Path(os.environ["BENCH_DIR"])
    _workdir.mkdir(parents=True, exist_ok=True)
else:
    _workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    # Its database, photos and cache are the run's alone: gone with the process that
    # made them (a server it started has stopped by then).
    atexit.register(shutil.rmtree, _workdir, ignore_errors=True)
os.environ["BENCH_DIR"] = str(_workdir)
# Set, not defaulted: run from a shell that holds production's variables, a
# benchmark must not write stories into its database, files into its bucket, or
# empty its Redis (pages.py clears the caches between requests).
for _name in [name for name in os.environ if name.startswith(("S3_", "CDN_"))] + [
    "GUNICORN_CONTROL_SOCKET",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "SITE_URL",
    "MEDIA_URL",
    "STATIC_ROOT",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
]:
    os.environ.pop(_name, None)
os.environ |= {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_TRUSTED_PROXIES": "0",
    "TASKS_BACKEND": "immediate",
    "DATABASE_URL": f"sqlite:///{_workdir / 'bench.sqlite3'}",
    "MEDIA_ROOT": str(_workdir / "public"),
    "PRIVATE_MEDIA_ROOT": str(_workdir / "private"),
    "CACHE_DIR": str(_workdir / "cache"),
}
os.environ.setdefault("GALLERY_RENDITION_WIDTHS", "480,800,1200")

from newsroom.settings import *  # noqa: E402,F403
from newsroom.settings import STORAGES  # noqa: E402

ROOT_URLCONF = "benchmarks.urls"
if os.environ.get("BENCH_COLLECTSTATIC"):
    # As deployed: hashed, compressed static files, collected into the work folder.
    STATIC_ROOT = _workdir / "static"
else:
    # Plain static storage: the throughput benchmark does not run collectstatic.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# The throughput benchmark's ?nocache=N makes every request a page cache miss.
PUBLIC_PAGE_CACHE_QUERY_PARAMS = (*PUBLIC_PAGE_CACHE_QUERY_PARAMS, "nocache")  # noqa: F405
