"""A real S3 API for tests: moto's server on loopback, and the project's S3 settings.

Test modules import ``moto_endpoint_fixture`` and ``s3_fixture``; tests ask for
``moto_endpoint`` and ``s3``.
"""

import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "newsroom" / "settings.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session", name="moto_endpoint")
def moto_endpoint_fixture():
    try:
        import moto.server  # noqa: F401
    except ImportError:
        skip_or_fail("moto[server] is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                skip_or_fail(f"moto's S3 server did not start on {endpoint}")
            time.sleep(0.2)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


def settings_from(env: dict[str, str]) -> dict:
    """newsroom/settings.py as it reads these S3 variables (and no others from the caller)."""
    names = {name for name in os.environ if name.startswith("S3_")} | {
        "CSP_IMG_SRC",
        "DJANGO_DEBUG",
        *env,
    }
    saved = {name: os.environ.pop(name, None) for name in names}
    os.environ.update({"DJANGO_DEBUG": "1", **env})
    try:
        return runpy.run_path(str(SETTINGS_FILE))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def s3_storages(endpoint: str, public_bucket: str, private_bucket: str) -> dict:
    """STORAGES exactly as newsroom/settings.py builds them from these S3_* variables."""
    env = {
        "S3_BUCKET": public_bucket,
        "S3_PRIVATE_BUCKET": private_bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
    }
    return settings_from(env)["STORAGES"]


@pytest.fixture(name="s3")
def s3_fixture(moto_endpoint, settings):
    """Point both media storages at fresh buckets; yields a boto3 client with credentials."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    public, private = f"public-{uuid.uuid4().hex[:12]}", f"private-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=public)
    client.create_bucket(Bucket=private)
    settings.STORAGES = s3_storages(moto_endpoint, public, private)
    client.public_bucket, client.private_bucket = public, private
    return client


def bucket_keys(client, bucket: str) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
