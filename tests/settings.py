"""Test settings: the project's settings with a throwaway media folder.

Environment still decides the database and cache, so the same suite runs on
SQLite and on PostgreSQL (DATABASE_URL) and against Redis (REDIS_URL).
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("TASKS_BACKEND", "immediate")

from newsroom.settings import *  # noqa: E402,F403
from newsroom.settings import STORAGES  # noqa: E402

_media = Path(tempfile.mkdtemp(prefix="newsroom-test-media-"))
# Every process using these settings (pytest, and the commands tests run as
# subprocesses) removes its own folder on the way out.
atexit.register(shutil.rmtree, _media, ignore_errors=True)
MEDIA_ROOT = _media / "public"
PRIVATE_MEDIA_ROOT = _media / "private"
if CACHES["default"]["BACKEND"] == "newsroom.cache.FileCache":  # noqa: F405
    CACHES["default"]["LOCATION"] = str(_media / "cache")  # noqa: F405
if not STORAGES["default"]["BACKEND"].startswith("storages."):
    STORAGES["default"]["OPTIONS"]["location"] = MEDIA_ROOT
    STORAGES["originals"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Two widths keep the suite quick; every format is still produced and checked.
GALLERY_RENDITION_WIDTHS = (480, 800)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# SQLite: a file, not the in-memory default, as in `make run`. Live-server tests
# write from several threads at once (bulk uploads), which shared-cache memory
# databases answer with "table is locked" instead of waiting.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(_media / "test.sqlite3")}  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20  # noqa: F405
