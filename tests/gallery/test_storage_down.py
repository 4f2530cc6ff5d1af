"""Storage down during an upload: a clear error where staff are, no row without its file."""

import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gallery.models import Photo
from tests.factories import make_image_bytes
from tests.gallery.s3 import s3_storages

pytestmark = pytest.mark.django_db

FAILURE = "The photo store could not be reached, so this file was not saved."


@pytest.fixture(params=["s3", "disk"])
def storage_down(request, settings, tmp_path):
    """Originals storage unreachable: an S3 endpoint where nothing listens, or a disk
    location that cannot be written (a file stands where its folder should be)."""
    if request.param == "s3":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        settings.STORAGES = s3_storages(f"http://127.0.0.1:{port}", "public", "private")
    else:
        blocked = tmp_path / "originals"
        blocked.write_text("not a folder")
        settings.STORAGES = {
            **settings.STORAGES,
            "originals": {**settings.STORAGES["originals"], "OPTIONS": {"location": blocked}},
        }
    return request.param


def image(name="a.jpg"):
    return SimpleUploadedFile(name, make_image_bytes((300, 200)), content_type="image/jpeg")


def test_single_upload_says_so_on_the_form_and_keeps_what_was_typed(admin_client, storage_down):
    response = admin_client.post(
        "/admin/gallery/photo/add/",
        {"upload": image(), "title": "Kyiv, January", "alt_text": "Two men in hospital beds"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert FAILURE in page
    assert 'value="Kyiv, January"' in page
    assert "Two men in hospital beds" in page
    assert Photo.objects.count() == 0


def test_bulk_upload_reports_each_file_and_saves_none(admin_client, storage_down):
    response = admin_client.post(
        "/admin/gallery/photo/upload/", {"files": [image("one.jpg"), image("two.jpg")]}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "0 of 2 files stored." in page
    assert f"<strong>one.jpg</strong>: {FAILURE}" in page
    assert Photo.objects.count() == 0
