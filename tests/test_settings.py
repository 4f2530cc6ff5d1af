"""Settings come from the environment and refuse to start production half-configured."""

import contextlib
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 64 + "-a-long-random-production-secret-key",
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://news.example.org",
    "DJANGO_TRUSTED_PROXIES": "1",
    "TASKS_BACKEND": "database",
}


def run_manage(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@contextlib.contextmanager
def black_hole():
    """A port that takes TCP connections and never answers, like a hung server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)  # The kernel completes the handshakes; nobody ever accepts.
        yield sock.getsockname()[1]


@pytest.mark.parametrize(
    "name", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_TRUSTED_PROXIES"]
)
def test_production_without_a_required_variable_refuses_to_start(name):
    env = {**PRODUCTION}
    del env[name]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert name in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        env=PRODUCTION,
    )
    assert result.stdout.strip() == "False", result.stderr


def test_check_deploy_warns_when_no_worker_builds_the_photos_files():
    env = {**PRODUCTION, "TASKS_BACKEND": "immediate"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "(newsroom.W001) TASKS_BACKEND is 'immediate'" in result.stderr
    assert "run `manage.py db_worker` under a supervisor" in result.stderr


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
        "newsroom.cache.FileCache",
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


HTTPS_CLAIM_PROBE = """
from django.test import Client
claimed = Client(HTTP_HOST="news.example.org").get("/", HTTP_X_FORWARDED_PROTO="https")
print(claimed.status_code, claimed.get("Location", "-"))
"""


def test_only_a_proxy_in_front_is_believed_about_https(tmp_path):
    # With no proxy, the header is the client's own word: it is sent to https anyway.
    env = {**PRODUCTION, "DJANGO_TRUSTED_PROXIES": "0", "CACHE_DIR": str(tmp_path)}
    result = run_manage("shell", "--no-imports", "-c", HTTPS_CLAIM_PROBE, env=env)
    assert result.stdout.split() == ["301", "https://news.example.org/"], result.stderr


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
    site = {"SITE_URL": "https://news.example.org", "TASKS_BACKEND": "database"}
    for extra, named in [
        ({"CDN_PURGE": "http", "TASKS_BACKEND": "database"}, "SITE_URL"),
        ({**site, "CDN_PURGE": "http", "TASKS_BACKEND": "immediate"}, "TASKS_BACKEND=database"),
        ({**site, "CDN_PURGE": "fastly"}, "CDN_PURGE"),
        ({**site, "CDN_PURGE": "http", "CDN_PURGE_HEADER": "k"}, "Name"),
    ]:
        result = run_manage("check", env={**PRODUCTION, **extra})
        assert result.returncode != 0 and named in result.stderr, (extra, result.stderr[-300:])
    fine = {**site, "CDN_PURGE": "http", "CDN_PURGE_HEADER": "Fastly-Key: abc"}
    assert run_manage("check", env={**PRODUCTION, **fine}).returncode == 0


def refusal(env: dict[str, str]) -> str:
    """What manage.py prints when the settings refuse to start: one line, no traceback."""
    result = run_manage("check", env={**PRODUCTION, **env})
    assert result.returncode != 0, (env, result.stdout)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "value",
    [
        "news.example.org",
        "//news.example.org",
        "https://news.example.org/news",
        "ftp://x.org",
        "https://news.example.org:port",
        "https://[::1",
    ],
)
def test_a_site_url_that_is_not_an_address_readers_use_refuses_to_start(value):
    # Pages would give out relative "canonical" addresses, and feed ids with no host.
    assert refusal({"SITE_URL": value}) == (
        "manage.py: SITE_URL must be the readers' address as https://host or "
        f"https://host:port (http:// too), with no path, not {value!r}."
    )


def test_a_site_url_with_a_port_and_a_closing_slash_is_fine():
    assert (
        run_manage(
            "check", env={**PRODUCTION, "SITE_URL": "https://news.example.org:8443/"}
        ).returncode
        == 0
    )


def whole_number(name: str, minimum: int, value: str) -> str:
    return f"manage.py: {name} must be a whole number of at least {minimum}, not {value!r}."


@pytest.mark.parametrize(
    ("name", "minimum", "value"),
    [
        ("PUBLIC_PAGE_CACHE_SECONDS", 0, "abc"),
        ("PUBLIC_PAGE_CACHE_SECONDS", 0, ""),  # docker compose passes an unset ${VAR} so
        ("PUBLIC_PAGE_CACHE_SECONDS", 0, "-1"),
        ("PUBLIC_BROWSER_CACHE_SECONDS", 0, "-1"),
        ("PUBLIC_STALE_SECONDS", 0, "-5"),
        ("DATABASE_CONN_MAX_AGE", 0, "abc"),
        ("DJANGO_HSTS_SECONDS", 0, "abc"),
        ("GALLERY_MAX_UPLOAD_BYTES", 1, "0"),
        ("GALLERY_MAX_PIXELS", 1, "5e7"),
        ("GALLERY_MAX_FILES_PER_UPLOAD", 1, "0"),
        ("DJANGO_TRUSTED_PROXIES", 0, "one"),
        ("ADMIN_LOGIN_FAILURES", 1, "0"),
        ("ADMIN_LOGIN_LOCK_SECONDS", 1, "15m"),
    ],
)
def test_a_malformed_number_refuses_to_start_naming_the_variable(name, minimum, value):
    assert refusal({name: value}) == whole_number(name, minimum, value)


@pytest.mark.parametrize("value", ["0,-5", "800,wide", ""])
def test_malformed_rendition_widths_refuse_to_start(value):
    assert refusal({"GALLERY_RENDITION_WIDTHS": value}) == (
        "manage.py: GALLERY_RENDITION_WIDTHS must be "
        f"comma-separated whole numbers of at least 1, not {value!r}."
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REDIS_URL": "nonsense"}, "REDIS_URL must start with redis://, rediss:// or unix://."),
        (
            {"REDIS_URL": "http://:secret@cache:6379/0"},
            "REDIS_URL must start with redis://, rediss:// or unix://.",
        ),
        ({"REDIS_URL": "redis://:secret@127.0.0.1:6379:14"}, "REDIS_URL could not be read"),
        # redis-py's own words quote a password cut at its "#" as the port.
        ({"REDIS_URL": "redis://:secret#x@cache:6379/0"}, "REDIS_URL could not be read"),
        (
            {"REDIS_URL": "redis://:secret@cache:6379/14?socket_timeout=abc"},
            "REDIS_URL could not be read",
        ),
        (
            {"REDIS_URL": "redis://:secret@a:6379/0,redis://:secret@b:63x9/0"},
            "REDIS_URL could not be read",
        ),
        (
            {"REDIS_URL": "redis://:secret@cache:6379/l4"},
            "REDIS_URL: the database after the host and port must be a number",
        ),
        ({"TASKS_BACKEND": "databse"}, "TASKS_BACKEND must be 'immediate' or 'database', not "),
        ({"DATABASE_URL": "postgres://news:secret@db:port/news"}, "DATABASE_URL could not be read"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL could not be read"),
        *(
            (
                {"DATABASE_URL": f"{scheme}://news:secret@db/news"},
                "DATABASE_URL must name PostgreSQL (postgres://…) or SQLite (sqlite:///…)",
            )
            for scheme in ("mysql", "postgis")  # PostGIS needs GDAL, which is not installed.
        ),
        (
            {"S3_BUCKET": "news", "S3_ENDPOINT_URL": "127.0.0.1:9000"},
            "S3_ENDPOINT_URL must start with http:// or https://.",
        ),
        (
            {"S3_BUCKET": "news", "S3_ADDRESSING_STYLE": "sideways"},
            "S3_ADDRESSING_STYLE must be 'path', 'virtual' or 'auto', not 'sideways'.",
        ),
    ],
)
def test_a_malformed_service_setting_refuses_to_start_naming_the_variable(env, message):
    line = refusal(env)
    assert line.startswith(f"manage.py: {message}"), line
    assert "secret" not in line  # A password in a URL stays out of logs.


def test_a_mistyped_settings_module_is_named_in_one_line():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "newsroom.setings"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "manage.py: the settings module newsroom.setings could not be imported: "
        "No module named 'newsroom.setings'"
    ]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"S3_BUCKET": "news", "S3_PUBLIC_DOMAIN": "https://cdn.example.org"},
            "S3_PUBLIC_DOMAIN must be the host only (e.g. cdn.example.org), "
            "not 'https://cdn.example.org'.",
        ),
        (
            {"S3_BUCKET": "news", "S3_PUBLIC_DOMAIN": "cdn.example.org/media/"},
            "S3_PUBLIC_DOMAIN must be the host only (e.g. cdn.example.org), "
            "not 'cdn.example.org/media/'.",
        ),
        (
            {"S3_BUCKET": "news", "S3_REGION": "us east 1"},
            "S3_REGION must be letters, digits and hyphens (e.g. eu-west-1), not 'us east 1'.",
        ),
        *(
            (
                {"DJANGO_ALLOWED_HOSTS": " , ", **debug},
                "The environment variable DJANGO_ALLOWED_HOSTS must name at least one host, "
                "and is required when DJANGO_DEBUG is off: comma-separated host names "
                "(e.g. news.example.org).",
            )
            for debug in ({}, {"DJANGO_DEBUG": "1"})  # Production values fail in any mode.
        ),
        *(
            (
                {"DJANGO_SECURE_SSL_REDIRECT": "ture", **debug},
                "DJANGO_SECURE_SSL_REDIRECT must be 1/0, true/false, yes/no or on/off, not 'ture'.",
            )
            for debug in ({}, {"DJANGO_DEBUG": "1"})
        ),
        (
            {"DJANGO_DEBUG": "yes please"},
            "DJANGO_DEBUG must be 1/0, true/false, yes/no or on/off, not 'yes please'.",
        ),
        (
            {"DJANGO_LOG_LEVEL": "VERBOSE"},
            "DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not 'VERBOSE'.",
        ),
        (
            {"DJANGO_TIME_ZONE": "Europe/Kyyiv"},
            "DJANGO_TIME_ZONE must be a time zone name (e.g. Europe/Kyiv), not 'Europe/Kyyiv'.",
        ),
    ],
)
def test_a_malformed_value_refuses_to_start_naming_the_variable(env, message):
    assert refusal(env) == f"manage.py: {message}"


SHOW_PLAIN = """
from django.conf import settings as s
print(s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, s.TIME_ZONE, s.LOGGING["root"]["level"])
print(s.STORAGES["default"]["OPTIONS"]["custom_domain"], s.SECURE_CSP["img-src"][-1])
print(s.STORAGES["default"]["OPTIONS"]["region_name"])
"""


def test_usual_spellings_of_plain_values_still_start():
    env = {
        "DJANGO_ALLOWED_HOSTS": " news.example.org, ,www.example.org ",
        "DJANGO_SECURE_SSL_REDIRECT": " Off ",
        "DJANGO_TIME_ZONE": "Europe/Kyiv",
        "DJANGO_LOG_LEVEL": "warning",
        "S3_BUCKET": "news",
        "S3_PUBLIC_DOMAIN": "cdn.example.org",
        "S3_REGION": "",  # docker compose passes an unset ${VAR} so: the default.
    }
    result = run_manage("shell", "--no-imports", "-c", SHOW_PLAIN, env={**PRODUCTION, **env})
    assert result.stdout.splitlines() == [
        "['news.example.org', 'www.example.org'] False Europe/Kyiv WARNING",
        "cdn.example.org https://cdn.example.org",
        "us-east-1",
    ], result.stderr


SHOW = """
from django.conf import settings as s
print(s.PUBLIC_PAGE_CACHE_SECONDS, s.GALLERY_RENDITION_WIDTHS, s.TASKS['default']['BACKEND'])
print(s.CACHES['default']['LOCATION'], s.DATABASES['default'].get('OPTIONS'))
"""


@pytest.mark.parametrize(
    "redis", ["redis://cache:6379/0", "rediss://cache:6380/0", "unix:///r.sock"]
)
def test_sensible_values_still_start(redis):
    env = {
        "PUBLIC_PAGE_CACHE_SECONDS": "0",  # 0 turns the page cache off: allowed.
        "GALLERY_RENDITION_WIDTHS": " 640, 1280 ",
        "TASKS_BACKEND": "database",
        "REDIS_URL": redis,
        "DATABASE_URL": "",
    }
    result = run_manage("shell", "--no-imports", "-c", SHOW, env={**PRODUCTION, **env})
    assert result.stdout.splitlines() == [
        "0 (640, 1280) django_tasks_db.DatabaseBackend",
        # SQLite takes no connect_timeout; its transactions take the write lock at once.
        f"{redis} {{'transaction_mode': 'IMMEDIATE'}}",
    ], result.stderr


def test_postgres_connections_give_up_after_five_seconds_unless_the_url_says_otherwise():
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    url = "postgres://news@db.example.org:5432/news"
    for query, expected in [
        ("", "{'connect_timeout': 5}"),
        ("?connect_timeout=9", "{'connect_timeout': 9}"),
    ]:
        result = run_manage(
            "shell",
            "--no-imports",
            "-c",
            show,
            env={"DJANGO_DEBUG": "1", "DATABASE_URL": url + query},
        )
        assert result.stdout.strip() == expected, result.stderr


CONNECT = """
import time
from django.db import connection
started = time.monotonic()
try:
    connection.ensure_connection()
except Exception as exc:
    print(type(exc).__name__, round(time.monotonic() - started, 1))
"""


def test_a_hung_database_host_fails_within_seconds_not_minutes():
    pytest.importorskip("psycopg")
    with black_hole() as port:
        env = {"DJANGO_DEBUG": "1", "DATABASE_URL": f"postgres://news@127.0.0.1:{port}/news"}
        result = run_manage("shell", "--no-imports", "-c", CONNECT, env=env, timeout=30)
    name, seconds = result.stdout.split()
    assert name == "OperationalError", result.stderr
    assert float(seconds) < 15


def test_the_task_workers_start_and_finish_lines_stay_out_of_the_log():
    # django-tasks-db's db_worker sets its logger to INFO whatever LOGGING says:
    # the console handler leaves those lines out, failures kept.
    import logging

    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")

    def shown(name, level):
        return bool(console.filter(logging.LogRecord(name, level, __file__, 1, "m", None, None)))

    assert not shown("django.tasks", logging.INFO)
    assert shown("django.tasks", logging.ERROR)
    assert shown("newsroom.middleware", logging.INFO)


def test_when_debugging_each_line_is_logged_once():
    # Django's own console handler, on while debugging, had printed every django.*
    # line a second time (`make run` showed each 404 twice).
    code = (
        "import django, logging; django.setup();"
        "logging.getLogger('django.request').warning('Not Found: /stories/nope/')"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {"DJANGO_SETTINGS_MODULE": "newsroom.settings", "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stderr.count("Not Found: /stories/nope/") == 1, result.stderr
    assert "[WARNING] django.request: Not Found" in result.stderr


def test_a_primary_and_replicas_list_is_a_readable_redis_url():
    # Django's Redis cache writes to the first and reads from the others.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {"DJANGO_DEBUG": "1", "REDIS_URL": "redis://a:6379/0,redis://b:6379/0"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import newsroom.settings as s; print(s.CACHES['pages']['LOCATION'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "redis://a:6379/0,redis://b:6379/0", result.stderr


SHOW_SERVICES = """
from django.conf import settings as s
print(s.DATABASES["default"]["ENGINE"], s.CACHES["default"]["BACKEND"])
print(s.STORAGES["default"]["BACKEND"], s.MEDIA_ROOT)
"""


def test_benchmarks_run_from_a_production_shell_touch_none_of_its_services(tmp_path):
    # benchmarks/pages.py writes stories and clears every cache between requests.
    env = {
        **PRODUCTION,
        "BENCH_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://app@db.internal:5432/newsroom",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "S3_BUCKET": "news-photos",
        "S3_PRIVATE_BUCKET": "news-originals",
        "MEDIA_ROOT": "/srv/newsroom/media",
    }
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{SHOW_SERVICES}"],
        cwd=ROOT,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "newsroom.cache.FileCache",
        "django.core.files.storage.FileSystemStorage",
        str(tmp_path / "public"),
    ], result.stderr


def test_a_site_name_set_blank_still_names_the_site():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(repr(settings.SITE_NAME))",
        env={"DJANGO_DEBUG": "1", "SITE_NAME": "   "},
    )
    assert result.stdout.strip() == "'Newsroom'", result.stderr


def test_a_mistyped_settings_option_is_named_not_ignored():
    result = run_manage("check", "--settings=newsroom.setings", env={"DJANGO_DEBUG": "1"})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "manage.py: the settings module newsroom.setings could not be imported: "
        "No module named 'newsroom.setings'"
    ]
