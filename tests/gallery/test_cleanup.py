import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from gallery.models import Photo, Rendition
from tests.factories import make_photo
from tests.gallery.s3 import moto_endpoint_fixture, s3_fixture  # noqa: F401

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


def run_cleanup(*args, older_than: int | None = 0):
    """Files these tests leave are seconds old: judged at once unless said otherwise."""
    out, err = io.StringIO(), io.StringIO()
    if older_than is not None:
        args = (*args, f"--older-than={older_than}")
    try:
        call_command("gallery_cleanup", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_orphan_files_are_reported_then_removed():
    photo = make_photo()
    stray_original = storages["originals"].save(f"2025/01/{'b' * 32}.jpg", ContentFile(b"x"))
    stray_public = storages["default"].save("renditions/999/jpeg-480.abc.jpg", ContentFile(b"x"))

    code, out, _ = run_cleanup("--dry-run")
    assert code == 0
    assert f"Would delete orphan file in originals storage: {stray_original}" in out
    assert f"Would delete orphan file in default storage: {stray_public}" in out
    assert "2 orphan(s) would be handled." in out
    assert storages["originals"].exists(stray_original)

    code, out, _ = run_cleanup()
    assert not storages["originals"].exists(stray_original)
    assert not storages["default"].exists(stray_public)
    # What rows point at is untouched.
    assert storages["originals"].exists(photo.original.name)
    assert all(r.file.storage.exists(r.file.name) for r in photo.renditions.all())
    assert "consistent" in run_cleanup()[1]


def test_a_file_stored_while_it_runs_or_not_named_by_us_is_left_alone():
    # An upload stores its file, then saves its row: in between, the file is no orphan.
    fresh = storages["originals"].save(f"2026/11/{'d' * 32}.jpg", ContentFile(b"x"))
    # A shared folder or bucket: another system's file is not ours to delete.
    theirs = storages["default"].save("exports/report.txt", ContentFile(b"x"))
    code, out, _ = run_cleanup(older_than=None)
    assert code == 0
    assert "Left alone: 1 file(s) stored in the last 60 minute(s) without a row yet" in out
    assert "consistent" not in out
    assert storages["originals"].exists(fresh) and storages["default"].exists(theirs)
    run_cleanup()
    assert not storages["originals"].exists(fresh) and storages["default"].exists(theirs)


@pytest.mark.parametrize("minutes", ["-30", "99999999999", "soon"])
def test_an_age_that_is_no_age_is_refused_in_one_line(minutes):
    with pytest.raises(CommandError, match="argument --older-than"):
        run_cleanup(f"--older-than={minutes}", older_than=None)


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
    assert f"Photo {photo.pk}" in err and "Restore the original" in err
    assert Photo.objects.filter(pk=photo.pk).exists()


@pytest.fixture
def database_queue(settings):
    """The task worker's queue, as in production: tasks wait in the database.

    Asked for after make_photo(), whose renditions must be built at once.
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued_rebuilds() -> list:
    return [
        task.args_kwargs["args"]
        for task in DBTaskResult.objects.filter(task_path="gallery.tasks.build_renditions")
    ]


def test_a_missing_rendition_is_queued_for_the_worker_to_rebuild(request):
    photo = make_photo()
    rendition = photo.renditions.get(spec="jpeg-480")
    rendition.file.storage.delete(rendition.file.name)
    request.getfixturevalue("database_queue")

    code, out, _ = run_cleanup("--dry-run")
    assert code == 0
    assert f"Would queue a rebuild of the renditions of photo {photo.pk}." in out
    assert queued_rebuilds() == []
    assert Rendition.objects.filter(pk=rendition.pk).exists()

    code, out, _ = run_cleanup()
    assert code == 0
    assert f"Deleted rendition jpeg-480 of photo {photo.pk}: its file" in out
    assert "will be rebuilt" not in out
    assert (
        f"Queued a rebuild of the renditions of photo {photo.pk}: "
        "the task worker (manage.py db_worker) makes them." in out
    )
    assert queued_rebuilds() == [[photo.pk]]

    # What the worker then does with it.
    queued = DBTaskResult.objects.get()
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    rebuilt = photo.renditions.get(spec="jpeg-480")
    assert rebuilt.file.storage.exists(rebuilt.file.name)
    assert "consistent" in run_cleanup()[1]


def test_without_a_worker_the_missing_rendition_is_rebuilt_at_once():
    photo = make_photo()
    rendition = photo.renditions.get(spec="jpeg-480")
    rendition.file.storage.delete(rendition.file.name)

    assert f"Would rebuild the renditions of photo {photo.pk}." in run_cleanup("--dry-run")[1]
    code, out, _ = run_cleanup()
    assert code == 0
    assert f"Rebuilt 1 rendition(s) of photo {photo.pk}." in out
    rebuilt = photo.renditions.get(spec="jpeg-480")
    assert rebuilt.file.storage.exists(rebuilt.file.name)


def test_a_rendition_is_not_promised_a_rebuild_when_the_original_is_gone_too(request):
    photo = make_photo()
    rendition = photo.renditions.get(spec="jpeg-480")
    rendition.file.storage.delete(rendition.file.name)
    storages["originals"].delete(photo.original.name)
    request.getfixturevalue("database_queue")

    code, out, err = run_cleanup()
    assert code == 1
    assert (
        f"Deleted rendition jpeg-480 of photo {photo.pk}: its file {rendition.file.name} is "
        "missing, and it cannot be rebuilt while the photo's original is missing too" in out
    )
    assert "ebuild of" not in out
    assert f"Photo {photo.pk}" in err and "Restore the original" in err
    assert queued_rebuilds() == []


def test_folders_left_empty_on_local_disk_are_removed(tmp_path):
    photo = make_photo()
    storages["default"].save("renditions/999/jpeg-480.abc.jpg", ContentFile(b"x"))
    storages["originals"].save(f"1999/12/{'c' * 32}.jpg", ContentFile(b"x"))

    run_cleanup("--dry-run")
    assert (tmp_path / "public" / "renditions" / "999").is_dir()
    run_cleanup()
    assert not (tmp_path / "public" / "renditions" / "999").exists()
    assert not (tmp_path / "private" / "1999").exists()
    assert (tmp_path / "public" / "renditions" / str(photo.pk)).is_dir()
    assert (tmp_path / "private").is_dir()


def test_storage_down_is_one_line_naming_the_storage(settings):
    from tests.gallery.test_storage_down import dead_s3_storages

    make_photo()
    settings.STORAGES = dead_s3_storages()
    with pytest.raises(CommandError) as failure:
        run_cleanup()
    message = str(failure.value)
    assert message.startswith("The originals storage (S3Storage private) could not be reached: ")
    assert "EndpointConnectionError: Could not connect to the endpoint URL" in message
    assert "\n" not in message


@pytest.mark.s3
def test_uploads_cut_off_on_s3_are_aborted_and_said_and_no_one_elses(s3):
    ours, theirs = "originals/2026/11/" + "a" * 32 + ".jpg", "originals/backups/db.tar"
    for key in (ours, theirs):  # The bucket may be shared: a backup is not ours to abort.
        upload = s3.create_multipart_upload(Bucket=s3.private_bucket, Key=key)
        s3.upload_part(
            Bucket=s3.private_bucket,
            Key=key,
            UploadId=upload["UploadId"],
            PartNumber=1,
            Body=b"an original's first bytes",
        )

    def open_uploads():
        listed = s3.list_multipart_uploads(Bucket=s3.private_bucket).get("Uploads", [])
        return sorted(upload["Key"] for upload in listed)

    # moto dates every upload in 2010: well over the hour an upload may still be going on.
    code, out, _ = run_cleanup("--dry-run")
    assert "Would abort an upload into the originals storage cut off since 2010-" in out
    assert ours in out and theirs not in out and len(open_uploads()) == 2
    assert "1 cut-off upload(s) would be aborted." in out
    code, out, _ = run_cleanup()
    assert code == 0 and "0 orphan(s) handled, 1 cut-off upload(s) aborted." in out
    assert open_uploads() == [theirs]
    assert "consistent" in run_cleanup()[1]


def test_a_photo_whose_renditions_were_never_made_gets_them():
    import datetime as dt

    from django.utils import timezone

    photo = make_photo()
    for rendition in photo.renditions.all():
        rendition.file.delete(save=False)
    photo.renditions.all().delete()
    # The task gave up long ago (storage down for longer than its retries).
    Photo.objects.filter(pk=photo.pk).update(updated_at=timezone.now() - dt.timedelta(hours=2))
    code, out, _ = run_cleanup(older_than=None)
    assert code == 0
    assert f"Photo {photo.pk} has no public files: they were never made." in out
    assert photo.renditions.exists()  # Rebuilt: the tests' backend runs the task at once.
