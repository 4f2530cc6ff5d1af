"""gunicorn settings from the environment: `gunicorn -c gunicorn.conf.py newsroom.wsgi`."""

import multiprocessing
import os
import sys


def env_int(name: str, default: int, *, minimum: int = 1, maximum: int | None = None) -> int:
    """A whole number; set but empty, not a number, or below minimum stops gunicorn.

    gunicorn prints the traceback of any other error in this file; a SystemExit
    with a message prints just the message, and gunicorn exits with status 1.
    """
    if name not in os.environ:
        return default
    value = os.environ[name].strip()
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        most = f" and at most {maximum}" if maximum is not None else ""
        sys.exit(f"{name} must be a whole number of at least {minimum}{most}, not {value!r}.")
    return number


bind = f"{os.environ.get('HOST', '0.0.0.0')}:{env_int('PORT', 8000, minimum=0, maximum=65535)}"
# 0 workers would bind the port and answer nothing.
workers = env_int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = env_int("GUNICORN_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so slow leaks never become outages. Not too
# often: a worker restart costs a Django start-up (about half a second of
# CPU), and under a viral story's load 2000 requests came every second.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 50000, minimum=0)  # 0: never
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# A proxy on this host by default; with none in front (DJANGO_TRUSTED_PROXIES=0), no
# one: a client's own X-Forwarded-Proto would skip the redirect to https.
_proxied = env_int("DJANGO_TRUSTED_PROXIES", 0, minimum=0) > 0
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1" if _proxied else "")
# gunicorn 27's control socket is one path per user ($HOME/.gunicorn/gunicorn.ctl):
# two servers on one host (blue/green, two sites) would share it, and the first to
# exit deletes it under the other. Off unless given a path of its own.
if os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip():
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"].strip()
else:
    control_socket_disable = True


def _settings_readable() -> None:
    """Read Django's settings once, in a process of their own: a missing or malformed
    variable then stops gunicorn with its one-line message, not with every worker's
    traceback (a hundred lines and more) and "Worker failed to boot". Not in this
    process: workers forked from it would keep these settings through a reload (HUP)."""
    import subprocess

    check = (
        "import importlib, sys\n"
        "from django.core.exceptions import ImproperlyConfigured\n"
        "try:\n"
        "    importlib.import_module(sys.argv[1])\n"
        "except ImproperlyConfigured as exc:\n"
        "    sys.exit(str(exc))\n"
    )
    name = os.environ.get("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    result = subprocess.run(
        [sys.executable, "-c", check, name],
        cwd=os.path.dirname(os.path.abspath(__file__)),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(result.stderr.strip())


_settings_readable()
