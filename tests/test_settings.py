"""Settings come from the environment and refuse to start production half-configured."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 64 + "-a-long-random-production-secret-key",
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://news.example.org",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_refuses_to_start():
    env = {**PRODUCTION}
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    env = {**PRODUCTION}
    del env["DJANGO_ALLOWED_HOSTS"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        env=PRODUCTION,
    )
    assert result.stdout.strip() == "False", result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_local_defaults_need_no_services():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
        "s.STORAGES['default']['BACKEND'])",
        env={"DJANGO_DEBUG": "1", "DATABASE_URL": "", "REDIS_URL": "", "S3_BUCKET": ""},
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.filebased.FileBasedCache",
        "django.core.files.storage.FileSystemStorage",
    ], result.stderr


BUMP = """
from newsroom import invalidation
invalidation.bump_generation(invalidation.story_scope("kursk"))
print(invalidation.current_generation(invalidation.story_scope("kursk")))
"""


def test_without_redis_an_edit_in_one_process_reaches_the_others(tmp_path):
    # gunicorn's workers and the task worker are separate processes: a story
    # saved in one must make every process's cached copy of it stale.
    env = {**PRODUCTION, "CACHE_DIR": str(tmp_path), "REDIS_URL": ""}
    seen = [run_manage("shell", "--no-imports", "-c", BUMP, env=env) for _ in range(2)]
    first, second = (int(result.stdout.strip() or 0) for result in seen)
    assert second == first + 1, seen[1].stderr


STATIC_PROBE = """
from django.templatetags.static import static
from django.test import Client
url = static("newsroom/site.css")
print(url)
client = Client(HTTP_HOST="news.example.org")
for encoding in ("br", "gzip", "identity"):
    response = client.get(url, secure=True, headers={"accept-encoding": encoding})
    print(response.status_code, response.get("Content-Encoding", "-"), response["Cache-Control"])
"""


def test_production_serves_hashed_compressed_static_files_for_a_year(tmp_path):
    env = {**PRODUCTION, "STATIC_ROOT": str(tmp_path)}
    collected = run_manage("collectstatic", "--noinput", env=env)
    assert collected.returncode == 0, collected.stderr

    result = run_manage("shell", "--no-imports", "-c", STATIC_PROBE, env=env)
    url, *answers = result.stdout.splitlines()
    # A content hash in the name: a new stylesheet is a new address, so the old can be kept forever.
    assert re.fullmatch(r"/static/newsroom/site\.[0-9a-f]{12}\.css", url), result.stderr
    one_year = "max-age=315360000, public, immutable"
    assert answers == [f"200 br {one_year}", f"200 gzip {one_year}", f"200 - {one_year}"]


def test_a_half_configured_cdn_purge_refuses_to_start():
    site = {"SITE_URL": "https://news.example.org"}
    for extra, named in [
        ({"CDN_PURGE": "http"}, "SITE_URL"),
        ({**site, "CDN_PURGE": "fastly"}, "CDN_PURGE"),
        ({**site, "CDN_PURGE": "http", "CDN_PURGE_HEADER": "k"}, "Name"),
    ]:
        result = run_manage("check", env={**PRODUCTION, **extra})
        assert result.returncode != 0 and named in result.stderr, (extra, result.stderr[-300:])
    fine = {**site, "CDN_PURGE": "http", "CDN_PURGE_HEADER": "Fastly-Key: abc"}
    assert run_manage("check", env={**PRODUCTION, **fine}).returncode == 0
