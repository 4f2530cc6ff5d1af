"""Originals private, renditions public: on local disk and on a real S3 API (moto)."""

import hashlib
import io
import os
import re
import urllib.error
import urllib.request

import pytest
from django.test import TestCase
from PIL import Image

from gallery.models import Photo
from tests.factories import make_article, make_image_bytes, make_photo, make_slide
from tests.gallery.s3 import bucket_keys, moto_endpoint_fixture, s3_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db]


def fetch(url: str):
    """(status, body, headers) as an anonymous reader gets them."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, b"", exc.headers


@pytest.mark.s3
def test_on_s3_renditions_are_public_and_the_original_is_not(s3, moto_endpoint):
    photo = make_photo(size=(1000, 700))
    original_key = f"originals/{photo.original.name}"
    assert bucket_keys(s3, s3.private_bucket) == [original_key]
    public_keys = bucket_keys(s3, s3.public_bucket)
    assert len(public_keys) == photo.renditions.count() == 7
    assert all(key.startswith("public/renditions/") for key in public_keys)

    for rendition in photo.renditions.all():
        status, body, headers = fetch(rendition.file.url)
        assert status == 200, rendition.spec
        assert "immutable" in headers.get("Cache-Control", ""), rendition.spec
        with Image.open(io.BytesIO(body)) as image:
            assert image.size == (rendition.width, rendition.height)

    # Without credentials the original is refused, by its plain address…
    status, _, _ = fetch(f"{moto_endpoint}/{s3.private_bucket}/{original_key}")
    assert status == 403
    # …while staff code, holding credentials, reads it back intact.
    with photo.original.open("rb") as handle:
        assert Image.open(handle).size == (1000, 700)


@pytest.mark.s3
def test_on_s3_the_story_page_sends_readers_to_the_bucket(s3, moto_endpoint, client):
    article = make_article()
    make_slide(article=article, position=1, photo=make_photo(size=(1000, 700)))
    html = client.get(article.get_absolute_url()).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, flags=re.S).group(0)
    urls = set(re.findall(r"(https?://[^\s\"]+)", picture))
    assert len(urls) == 6  # Two widths in three formats.
    for url in urls:
        assert url.startswith(f"{moto_endpoint}/{s3.public_bucket}/public/renditions/")
        status, body, _ = fetch(url)
        assert status == 200 and Image.open(io.BytesIO(body)).width in (480, 800)


@pytest.mark.s3
def test_on_s3_deleting_a_photo_deletes_its_objects(s3):
    photo = make_photo(size=(700, 500))
    assert bucket_keys(s3, s3.private_bucket) and bucket_keys(s3, s3.public_bucket)
    with TestCase.captureOnCommitCallbacks(execute=True):
        photo.delete()
    assert bucket_keys(s3, s3.private_bucket) == []
    assert bucket_keys(s3, s3.public_bucket) == []


def test_locally_deleting_a_photo_deletes_its_files():
    photo = make_photo(size=(700, 500))
    files = [(photo.original.storage, photo.original.name)] + [
        (r.file.storage, r.file.name) for r in photo.renditions.all()
    ]
    assert all(storage.exists(name) for storage, name in files)
    with TestCase.captureOnCommitCallbacks(execute=True):
        photo.delete()
    assert not any(storage.exists(name) for storage, name in files)
    assert not Photo.objects.exists()


def test_rendition_names_carry_a_content_hash():
    # A colour no other test uses: a file left by one whose photo had the same id
    # and bytes would have this name, and the storage would add a suffix to it.
    photo = make_photo(data=make_image_bytes((600, 400), color=tuple(os.urandom(3))))
    extension = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "share": "jpg"}
    for rendition in photo.renditions.all():
        with rendition.file.open("rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()[:16]
        expected = f"renditions/{photo.pk}/{rendition.spec}.{digest}.{extension[rendition.format]}"
        assert rendition.file.name == expected
