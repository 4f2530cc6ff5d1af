"""S3 settings: browsers may load renditions from where the storage serves them; S3 hung is
an error within seconds, not minutes."""

import re
from urllib.parse import urlsplit

import boto3
import pytest
from storages.backends.s3 import S3Storage

from tests.factories import make_article, make_photo, make_slide
from tests.gallery.s3 import moto_endpoint_fixture, s3_fixture, settings_from  # noqa: F401
from tests.test_settings import black_hole, run_manage


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def img_src(policy: str) -> list[str]:
    directive = next(d for d in policy.split(";") if d.split()[0] == "img-src")
    return directive.split()[1:]


def moto_variables(s3, endpoint: str, **extra: str) -> dict[str, str]:
    """The S3_* variables for the test's buckets on the moto server."""
    return {
        "S3_BUCKET": s3.public_bucket,
        "S3_PRIVATE_BUCKET": s3.private_bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
        **extra,
    }


@pytest.mark.s3
@pytest.mark.django_db
@pytest.mark.parametrize("public_domain", ["", "cdn.example.org"])
def test_on_s3_the_reader_page_policy_allows_the_renditions_it_shows(
    s3, moto_endpoint, client, settings, public_domain
):
    built = settings_from(moto_variables(s3, moto_endpoint, S3_PUBLIC_DOMAIN=public_domain))
    settings.STORAGES, settings.SECURE_CSP = built["STORAGES"], built["SECURE_CSP"]
    photo = make_photo(size=(1000, 700))
    article = make_article()
    make_slide(article=article, position=1, photo=photo)

    response = client.get(article.get_absolute_url())
    allowed = img_src(response["Content-Security-Policy"])
    picture = re.search(r"<picture>.*?</picture>", response.content.decode(), flags=re.S)
    shown = set(re.findall(r"(https?://[^\s\"]+)", picture.group(0)))
    built_by_storage = {rendition.file.url for rendition in photo.renditions.all()}
    assert shown and shown <= built_by_storage
    expected = f"https://{public_domain}" if public_domain else moto_endpoint
    assert {origin(url) for url in built_by_storage} == {expected}
    assert expected in allowed, allowed


def test_the_policy_allows_what_the_storage_addresses_on_aws_and_other_servers(monkeypatch):
    # Built by django-storages and botocore themselves, not by the rules in settings.py;
    # one boto3 session for all (a new one reads botocore's data files again, 0.2 s).
    session = boto3.session.Session()
    monkeypatch.setattr(S3Storage, "_create_session", lambda storage: session)
    for endpoint in ("", "http://127.0.0.1:9000", "https://s3.example.com:8443"):
        for region in ("us-east-1", "eu-west-1"):
            for style in ("path", "virtual", "auto"):
                for bucket in ("news-public", "news.public"):
                    env = {
                        "S3_BUCKET": bucket,
                        "S3_ENDPOINT_URL": endpoint,
                        "S3_REGION": region,
                        "S3_ADDRESSING_STYLE": style,
                        "S3_ACCESS_KEY_ID": "testing",
                        "S3_SECRET_ACCESS_KEY": "testing",
                        "CSP_IMG_SRC": "https://extra.example.org",
                    }
                    built = settings_from(env)
                    storage = S3Storage(**built["STORAGES"]["default"]["OPTIONS"])
                    url = storage.url("renditions/1/jpeg-800.0123456789abcdef.jpg")
                    allowed = built["SECURE_CSP"]["img-src"]
                    assert origin(url) in allowed, (env, url, allowed)
                    # CSP_IMG_SRC still adds to what is derived.
                    assert "https://extra.example.org" in allowed


PROBE = """
import time
from django.core.files.storage import storages
started = time.monotonic()
try:
    storages["default"].exists("renditions/1/probe.jpg")
except Exception as exc:
    print(type(exc).__name__, round(time.monotonic() - started, 1))
"""


def test_a_hung_s3_fails_within_seconds_not_minutes():
    with black_hole() as port:
        env = {
            "DJANGO_DEBUG": "1",
            "S3_BUCKET": "news-public",
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "S3_ACCESS_KEY_ID": "testing",
            "S3_SECRET_ACCESS_KEY": "testing",
        }
        result = run_manage("shell", "--no-imports", "-c", PROBE, env=env, timeout=30)
    name, seconds = result.stdout.split()
    assert name == "ReadTimeoutError", result.stderr
    assert float(seconds) < 15


@pytest.mark.s3
@pytest.mark.django_db
@pytest.mark.parametrize(("acls", "readable_by_all"), [("1", True), ("0", False)])
def test_object_acls_are_sent_only_where_the_bucket_takes_them(
    s3, moto_endpoint, settings, acls, readable_by_all
):
    # A bucket AWS makes today refuses any ACL: there, public read is the bucket policy's.
    built = settings_from(moto_variables(s3, moto_endpoint, S3_OBJECT_ACLS=acls))
    settings.STORAGES = built["STORAGES"]
    photo = make_photo(size=(600, 400))
    rendition = photo.renditions.first()
    key = f"public/{rendition.file.name}"  # The storage's location, then the name.
    grants = s3.get_object_acl(Bucket=s3.public_bucket, Key=key)["Grants"]
    everyone = [g for g in grants if g["Grantee"].get("URI", "").endswith("/global/AllUsers")]
    assert bool(everyone) is readable_by_all
