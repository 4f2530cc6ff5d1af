import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command

from gallery.models import Photo, Rendition
from tests.factories import make_photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_storage(settings, tmp_path):
    """Storages of this test's own: cleanup must not see other tests' leftover files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "public", "base_url": "/media/"},
        },
        "originals": {
            "BACKEND": "gallery.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }


def run_cleanup(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("gallery_cleanup", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_orphan_files_are_reported_then_removed():
    photo = make_photo()
    stray_original = storages["originals"].save("2025/01/stray.jpg", ContentFile(b"x"))
    stray_public = storages["default"].save("renditions/999/jpeg-480.abc.jpg", ContentFile(b"x"))

    code, out, _ = run_cleanup("--dry-run")
    assert code == 0
    assert f"Would delete orphan file in originals storage: {stray_original}" in out
    assert f"Would delete orphan file in default storage: {stray_public}" in out
    assert storages["originals"].exists(stray_original)

    code, out, _ = run_cleanup()
    assert not storages["originals"].exists(stray_original)
    assert not storages["default"].exists(stray_public)
    # What rows point at is untouched.
    assert storages["originals"].exists(photo.original.name)
    assert all(r.file.storage.exists(r.file.name) for r in photo.renditions.all())
    assert "consistent" in run_cleanup()[1]


def test_rendition_rows_without_files_are_dropped_for_rebuilding():
    photo = make_photo()
    rendition = photo.renditions.first()
    rendition.file.storage.delete(rendition.file.name)
    code, out, _ = run_cleanup()
    assert code == 0
    assert f"photo {photo.pk}" in out and "missing" in out
    assert not Rendition.objects.filter(pk=rendition.pk).exists()


def test_photo_without_its_original_is_reported_for_staff():
    photo = make_photo()
    storages["originals"].delete(photo.original.name)
    code, _, err = run_cleanup()
    assert code == 1
    assert f"Photo {photo.pk}" in err and "re-upload" in err
    assert Photo.objects.filter(pk=photo.pk).exists()
