"""Storage down during an upload: a clear error where staff are, no row without its file."""

import io
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gallery.models import Photo
from tests.factories import make_image_bytes
from tests.gallery.s3 import s3_storages

pytestmark = pytest.mark.django_db

FAILURE = "The photo store could not be reached, so this file was not saved."


def dead_s3_storages() -> dict:
    """The project's S3 storages, pointed at a loopback port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return s3_storages(f"http://127.0.0.1:{port}", "public", "private")


@pytest.fixture(params=["s3", "disk"])
def storage_down(request, settings, tmp_path):
    """Originals storage unreachable: an S3 endpoint where nothing listens, or a disk
    location that cannot be written (a file stands where its folder should be)."""
    if request.param == "s3":
        settings.STORAGES = dead_s3_storages()
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


def test_a_public_file_the_storage_cannot_delete_waits_for_the_clean_up(
    settings, caplog, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from django.core.management import call_command

    from tests.factories import make_photo

    photo = make_photo(size=(400, 300))
    rendition = photo.renditions.first()
    on_disk = Path(settings.MEDIA_ROOT) / rendition.file.name
    working = settings.STORAGES
    settings.STORAGES = {
        **working,
        "default": dead_s3_storages()["default"],
    }

    # E.g. a new redaction made this file stale: the change is saved, never an error page.
    with django_capture_on_commit_callbacks(execute=True):
        rendition.delete()
    assert f"Could not delete {rendition.file.name}" in caplog.text
    assert "run manage.py gallery_cleanup" in caplog.text

    settings.STORAGES = working
    assert on_disk.exists()
    call_command("gallery_cleanup", "--older-than=0", stdout=io.StringIO())
    assert not on_disk.exists()


def test_with_a_task_worker_the_delete_is_tried_again_later(settings, storage_down):
    from django.tasks import default_task_backend

    from gallery.tasks import delete_file

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    delete_file.call("originals", "originals/2026/11/gone.jpg")
    [retry] = default_task_backend.results
    assert retry.task.name == "delete_file"
    assert retry.args == ["originals", "originals/2026/11/gone.jpg"]
    assert retry.kwargs == {"attempt": 2}
    assert retry.task.run_after is not None


def test_an_original_the_store_cannot_give_says_so_not_missing(admin_client, settings):
    from django.urls import reverse

    from tests.factories import make_photo

    photo = make_photo()
    settings.STORAGES = dead_s3_storages()
    for name in ("admin:gallery_photo_original", "admin:gallery_photo_original_preview"):
        response = admin_client.get(reverse(name, args=[photo.pk]))
        assert response.status_code == 503, name
        assert "The photo store could not be reached" in response.content.decode()
        assert response["Cache-Control"] == "private, no-store"
