import select
import socket
import threading
import time
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test import Client
from django.utils import timezone

from newsroom import health
from tests.conftest import wsgi_answer
from tests.gallery.s3 import s3_storages

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_cache_and_storage(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["degraded"] == []
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "storage": True,
    }
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_healthz_answers_probes_and_nothing_else(client):
    assert client.head("/healthz").status_code == 200
    for method in ("post", "put", "delete", "trace"):
        assert getattr(client, method)("/healthz").status_code == 405


def test_a_broken_storage_is_named_and_keeps_the_server_in(client, settings, tmp_path):
    # Every server shares it: a 503 would take them all out of the load balancer,
    # though pages are still served.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["degraded"] == ["storage"]
    checks = response.json()["checks"]
    assert checks["storage"]["ok"] is False and checks["storage"]["error"]
    assert checks["database"]["ok"] is True


def test_without_its_database_a_server_is_503(client, monkeypatch):
    from django.db import OperationalError

    def refused():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", refused)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["ok"] is False
    assert response.json()["checks"]["database"]["error"] == "OperationalError"


def test_in_production_a_probe_is_told_the_kind_of_error_and_the_log_the_rest(
    client, monkeypatch, settings, caplog
):
    # Anyone may ask /healthz: a database error's text names its host, port and user.
    from django.db import OperationalError

    def refused():
        raise OperationalError('connection to "db.internal", port 5432 failed: role "app"')

    settings.DEBUG = False
    monkeypatch.setitem(health.CHECKS, "database", refused)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["error"] == "OperationalError"
    assert "db.internal" not in response.content.decode()
    assert 'db.internal", port 5432 failed' in caplog.text


def test_renditions_are_served_with_far_future_caching(demo_story, client):
    rendition = demo_story.slides.first().photo.renditions.first()
    response = client.get(rendition.file.url)
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]


# What the checks do, observed from the storage's side: every object written,
# and deletes that can be refused as a storage that just went down refuses them.
class ObservedStorage(FileSystemStorage):
    saved: list[str] = []
    refuse_deletes = False

    def _save(self, name, content):
        ObservedStorage.saved.append(name)
        return super()._save(name, content)

    def delete(self, name):
        if ObservedStorage.refuse_deletes:
            raise PermissionError(f"refusing to delete {name}")
        super().delete(name)


@pytest.fixture(autouse=True)
def fresh_health():
    """No result remembered from an earlier test."""
    health._forget()
    ObservedStorage.saved, ObservedStorage.refuse_deletes = [], False
    yield
    health._forget()


@pytest.fixture
def observed(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.newsroom.test_health.ObservedStorage",
            "OPTIONS": {"location": tmp_path / "public"},
        },
    }
    return tmp_path / "public"


def test_a_burst_of_probes_runs_the_checks_once_then_sees_failure_and_recovery(
    client, observed, monkeypatch
):
    monkeypatch.setattr(health, "FRESH_SECONDS", 1.0)
    assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 200]
    assert len(ObservedStorage.saved) == 1

    # The storage breaks (a file stands where its folder should be).
    (observed / "healthz").rmdir()
    (observed / "healthz").write_text("in the way")
    assert client.get("/healthz").status_code == 200  # Still the remembered result.
    time.sleep(1.1)
    response = client.get("/healthz")
    assert response.json()["degraded"] == ["storage"]
    assert response.json()["checks"]["storage"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True
    assert len(ObservedStorage.saved) == 2

    (observed / "healthz").unlink()
    assert client.get("/healthz").json()["degraded"] == ["storage"]  # Remembered.
    time.sleep(1.1)
    assert client.get("/healthz").json()["degraded"] == []
    assert len(ObservedStorage.saved) == 3
    assert list((observed / "healthz").iterdir()) == []


def test_an_object_the_check_could_not_delete_goes_at_the_next_check(
    client, observed, monkeypatch, caplog
):
    monkeypatch.setattr(health, "FRESH_SECONDS", 0)
    ObservedStorage.refuse_deletes = True
    response = client.get("/healthz")
    assert response.json()["degraded"] == ["storage"]
    assert response.json()["checks"]["storage"]["error"] == "PermissionError"
    assert "PermissionError: refusing to delete healthz/" in caplog.text
    assert len(list((observed / "healthz").iterdir())) == 1

    ObservedStorage.refuse_deletes = False
    assert client.get("/healthz").json()["degraded"] == []
    assert list((observed / "healthz").iterdir()) == []


@pytest.fixture
def black_hole():
    """An S3 endpoint that accepts connections and never answers: a hung service."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener


def connections_waiting(listener) -> int:
    listener.setblocking(False)
    count = 0
    while select.select([listener], [], [], 0)[0]:
        listener.accept()[0].close()
        count += 1
    return count


def test_a_hung_storage_holds_one_probe_for_seconds_and_the_others_not_at_all(
    settings, black_hole, monkeypatch
):
    monkeypatch.setattr(health, "WAIT_SECONDS", 0.5)
    port = black_hole.getsockname()[1]
    settings.STORAGES = s3_storages(f"http://127.0.0.1:{port}", "public", "private")
    first = {}

    def probe():
        started = time.monotonic()
        first["response"] = Client().get("/healthz")
        first["seconds"] = time.monotonic() - started
        connection.close()

    thread = threading.Thread(target=probe)
    thread.start()
    # The first probe has reached the storage check once its connection arrives.
    assert select.select([black_hole], [], [], 10)[0]
    started = time.monotonic()
    response = Client().get("/healthz")
    assert time.monotonic() - started < 2
    assert response.status_code == 200 and response.json()["degraded"] == ["storage"]
    storage = response.json()["checks"]["storage"]
    assert storage["ok"] is False and storage["error"].startswith("TimeoutError: no answer after")
    assert response.json()["checks"]["database"]["ok"] is True

    thread.join(30)
    assert first["seconds"] < 8  # Not botocore's 60 s read timeout, retried.
    assert first["response"].json()["degraded"] == ["storage"]
    assert "timeout" in first["response"].json()["checks"]["storage"]["error"].lower()
    assert connections_waiting(black_hole) == 1  # One check for both probes, no retries.


def test_probes_and_the_database_down_page_are_answered_through_a_strict_wsgi_server(
    monkeypatch, caplog
):
    from django.db import OperationalError

    assert wsgi_answer("GET", "/healthz")[0].startswith("200")

    def refused():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", refused)
    health._forget()  # The answer above is remembered for a moment.
    for _ in range(3):
        assert wsgi_answer("GET", "/healthz")[0].startswith("503")
    assert "Service Unavailable" not in caplog.text  # Not a line per probe.

    def database_down(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(database_down):
        status, headers, body = wsgi_answer("GET", "/stories/not-cached/")
    assert status.startswith("503")
    assert "default-src" in headers["Content-Security-Policy"]


def test_a_head_probe_gets_the_status_without_a_body():
    status, _, body = wsgi_answer("HEAD", "/healthz")
    assert status.startswith("200")
    assert body == b""


def test_redis_refusing_connections_is_named(client, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["degraded"] == ["cache"]
    assert response.json()["checks"]["cache"]["error"] == "ConnectionError"
    assert "'cache' failed: ConnectionError" in caplog.text and "127.0.0.1:1" in caplog.text


def test_a_task_queue_nobody_works_on_is_a_warning_not_a_failure(client, settings, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from gallery.tasks import build_renditions

    monkeypatch.setattr(health, "FRESH_SECONDS", 0)
    assert "tasks" not in client.get("/healthz").json()  # No database queue in use.

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    build_renditions.enqueue(12345)
    later = timezone.now() + timedelta(hours=1)
    build_renditions.using(run_after=later).enqueue(12346)  # A retry's back-off: not late.
    body = client.get("/healthz").json()
    assert body["tasks"] == {"ok": True, "waiting": 0}

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=12))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    tasks = body["tasks"]
    assert tasks["ok"] is False and tasks["waiting"] == 1
    assert 710 <= tasks["oldest_seconds"] <= 760
    assert tasks["warning"] == (
        "1 task(s) have waited over 5 min, the oldest 12 min: "
        "is the task worker (manage.py db_worker) running?"
    )


def test_a_probe_by_the_servers_own_address_is_answered(client, settings, caplog):
    # AWS target groups and Kubernetes probe a server by its IP: no host of the site's.
    settings.ALLOWED_HOSTS = ["news.example.org"]
    probe = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert probe.status_code == 200 and probe.json()["ok"] is True
    # With the headers every other answer has.
    assert probe["X-Content-Type-Options"] == "nosniff" and probe["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in probe["Content-Security-Policy"]
    assert client.head("/healthz", HTTP_HOST="10.0.0.5:8000").content == b""
    # Anything else under that name is still refused, with one traceback in the log.
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400
    [refused] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert refused.exc_info is None or refused.exc_info[1].__context__ is None


def test_without_its_database_the_task_queue_in_it_is_not_asked(client, settings, monkeypatch):
    # A hung database: the queue's question would wait out the timeout a second time.
    from django.db import OperationalError

    def hung():
        raise OperationalError("timeout expired")

    asked = []
    monkeypatch.setattr(health, "_task_backlog", lambda: asked.append(1) or {"ok": True})
    monkeypatch.setitem(health.CHECKS, "database", hung)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = client.get("/healthz")
    assert response.status_code == 503 and "tasks" not in response.json()
    assert asked == []
