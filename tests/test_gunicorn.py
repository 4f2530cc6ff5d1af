"""The production server: gunicorn.conf.py read from the environment, behind a TLS proxy."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time

import pytest

from tests.test_settings import PRODUCTION, ROOT, run_manage


def gunicorn_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    return {**env, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **extra}


def test_workers_and_threads_come_from_the_environment():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "-c", "gunicorn.conf.py", "x:y"],
        cwd=ROOT,
        env=gunicorn_env({"GUNICORN_WORKERS": "3", "GUNICORN_THREADS": "2", "PORT": "8123"}),
        capture_output=True,
        text=True,
        timeout=30,
    )
    config = dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    )
    assert config["workers"] == "3", result.stderr
    assert config["threads"] == "2"
    assert config["worker_class"] == "gthread"
    assert config["bind"] == "['0.0.0.0:8123']"
    # A worker restart costs a Django start-up: not every few seconds under load.
    assert int(config["max_requests"]) >= 10_000


def print_config(extra: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "-c", "gunicorn.conf.py", "x:y"],
        cwd=ROOT,
        env=gunicorn_env(extra),
        capture_output=True,
        text=True,
        timeout=30,
    )


def config_of(extra: dict[str, str]) -> dict[str, str]:
    """gunicorn's settings as it prints them (it then fails to load the app "x:y")."""
    lines = print_config(extra).stdout.splitlines()
    return {name.strip(): value.strip() for name, _, value in (x.partition("=") for x in lines)}


def test_the_control_socket_is_off_unless_given_a_path_of_its_own(tmp_path):
    # Per user by default: two servers on one host would share it, and lose it.
    assert config_of({})["control_socket_disable"] == "True"
    path = str(tmp_path / "blue.ctl")
    mine = config_of({"GUNICORN_CONTROL_SOCKET": path})
    assert (mine["control_socket"], mine["control_socket_disable"]) == (path, "False")


@pytest.mark.parametrize(
    ("name", "minimum", "value"),
    [
        ("GUNICORN_WORKERS", 1, "abc"),
        ("GUNICORN_WORKERS", 1, ""),  # docker compose passes an unset ${VAR} so
        ("GUNICORN_WORKERS", 1, "0"),  # binds the port and answers nothing
        ("GUNICORN_THREADS", 1, "0"),
        ("GUNICORN_THREADS", 1, "four"),
        ("GUNICORN_TIMEOUT", 1, "0"),
        ("GUNICORN_TIMEOUT", 1, ""),
        ("GUNICORN_MAX_REQUESTS", 0, "-1"),
        ("GUNICORN_MAX_REQUESTS", 0, "1e5"),
    ],
)
def test_a_bad_number_stops_gunicorn_with_one_line_naming_the_variable(name, minimum, value):
    result = print_config({name: value})
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == f"{name} must be a whole number of at least {minimum}, not {value!r}.\n"


@pytest.mark.parametrize("value", ["99999", "-1", "http"])  # 0: any free port.
def test_a_port_no_server_can_have_stops_gunicorn_with_one_line(value):
    result = print_config({"PORT": value})
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"PORT must be a whole number of at least 0 and at most 65535, not {value!r}.\n"
    )


def test_a_missing_django_setting_stops_gunicorn_with_its_one_line():
    # Not two workers' tracebacks and "Worker failed to boot".
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "newsroom.wsgi"],
        cwd=ROOT,
        env=gunicorn_env({"DJANGO_SECRET_KEY": "", "PORT": "0", "HOST": "127.0.0.1"}),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "The environment variable DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off."
    ], result.stderr


def test_the_master_leaves_djangos_settings_for_its_workers_to_read():
    # Workers forked from a master holding them would keep old settings through a HUP.
    code = (
        "import runpy, sys; runpy.run_path('gunicorn.conf.py');"
        "print(sorted(m for m in sys.modules if m.startswith('newsroom')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=gunicorn_env({}),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_max_requests_zero_never_replaces_workers():
    result = print_config({"GUNICORN_MAX_REQUESTS": "0", "GUNICORN_WORKERS": " 2 "})
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["max_requests", "=", "0"] in lines
    assert ["workers", "=", "2"] in lines


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    port = free_port()
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "public"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    for command in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        done = run_manage(*command, env={**PRODUCTION, **env})
        assert done.returncode == 0, done.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "newsroom.wsgi"],
        cwd=ROOT,
        env=gunicorn_env({**env, "HOST": "127.0.0.1", "PORT": str(port), "GUNICORN_WORKERS": "1"}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "news.example.org", **headers})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_behind_a_tls_proxy_readers_are_sent_to_https_and_get_hsts(production_server):
    plain = get(production_server, "/")
    assert plain.status == 301
    assert plain.getheader("Location") == "https://news.example.org/"

    proxied = get(production_server, "/", **{"X-Forwarded-Proto": "https"})
    assert proxied.status == 200
    assert "max-age=31536000" in proxied.getheader("Strict-Transport-Security")
    assert "Content-Security-Policy" in proxied.headers


def test_load_balancers_can_probe_health_over_plain_http(production_server):
    response = get(production_server, "/healthz")
    assert response.status == 200
    report = json.loads(response.body)
    assert report["ok"] is True, report
    assert set(report["checks"]) == {"database", "cache", "storage"}


def test_with_no_proxy_in_front_no_one_is_believed_about_https():
    # gunicorn itself would take X-Forwarded-Proto from a client on this host.
    assert config_of({"DJANGO_TRUSTED_PROXIES": "0"})["forwarded_allow_ips"] == "[]"
    assert config_of({"DJANGO_TRUSTED_PROXIES": "1"})["forwarded_allow_ips"] == "['127.0.0.1']"
