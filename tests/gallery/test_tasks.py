"""Renditions are made off the request path, retried, and (re)made on demand by a command."""

import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus, default_task_backend
from django.template import Context, Template
from django.test import TestCase

from gallery import services
from gallery.models import Rendition
from gallery.services import photo_create
from gallery.tasks import build_renditions
from tests.factories import make_image_bytes, make_photo

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def photo_without_renditions(**fields):
    # The queued task is dropped, as if the worker had not got to it yet.
    with TestCase.captureOnCommitCallbacks(execute=False):
        return photo_create(data=make_image_bytes((700, 500)), filename="new.jpg", **fields)


def render_picture(photo) -> str:
    return Template("{% load gallery %}{% picture photo %}").render(Context({"photo": photo}))


def test_a_page_shows_a_placeholder_and_queues_the_work_without_making_it(settings):
    settings.TASKS = DUMMY_TASKS
    cache.clear()
    photo = photo_without_renditions(alt_text="Soldiers by a fence")
    default_task_backend.clear()
    html = render_picture(photo)
    assert "Photo being prepared" in html and "<img" not in html
    assert not Rendition.objects.filter(photo=photo).exists()
    queued = default_task_backend.results
    assert [(r.task.name, r.args) for r in queued] == [("build_renditions", [photo.pk])]
    # Many readers, one job.
    render_picture(photo)
    assert len(default_task_backend.results) == 1


def test_the_immediate_backend_never_builds_inside_a_page():
    cache.clear()
    photo = photo_without_renditions()
    assert "Photo being prepared" in render_picture(photo)
    assert not Rendition.objects.filter(photo=photo).exists()


def test_rebuilding_an_unchanged_photo_keeps_every_public_address(
    django_capture_on_commit_callbacks,
):
    # A page already open, or held by a CDN, still names these files.
    photo = make_photo(size=(700, 500))
    before = {r.spec: r.file.name for r in photo.renditions.all()}
    lost = photo.renditions.get(spec="jpeg-480").file.name
    Rendition.file.field.storage.delete(lost)

    with django_capture_on_commit_callbacks(execute=True):
        result = build_renditions.enqueue(photo.pk, force=True)

    assert result.status == TaskResultStatus.SUCCESSFUL
    after = {r.spec: r.file.name for r in photo.renditions.all()}
    assert after == before
    storage = Rendition.file.field.storage
    assert all(storage.exists(name) for name in after.values())  # The lost one is back.


def test_the_task_is_idempotent():
    photo = make_photo(size=(700, 500))
    names = sorted(r.file.name for r in photo.renditions.all())
    result = build_renditions.enqueue(photo.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 0
    assert sorted(r.file.name for r in photo.renditions.all()) == names


def test_a_failing_build_is_retried(monkeypatch):
    photo = photo_without_renditions()
    real = services.photo_build_renditions
    failures = iter([OSError("storage timed out"), OSError("storage timed out")])

    def flaky(**kwargs):
        error = next(failures, None)
        if error:
            raise error
        return real(**kwargs)

    monkeypatch.setattr(services, "photo_build_renditions", flaky)
    result = build_renditions.enqueue(photo.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert photo.renditions.filter(spec="jpeg-480").exists()


def test_a_build_that_keeps_failing_is_reported_as_failed(monkeypatch, caplog):
    photo = photo_without_renditions()

    def broken(**kwargs):
        raise OSError("storage is down")

    monkeypatch.setattr(services, "photo_build_renditions", broken)
    result = build_renditions.enqueue(photo.pk)
    assert result.status == TaskResultStatus.FAILED
    assert "storage is down" in result.errors[-1].traceback
    # The worker's log says why each time, and what to do once it has given up.
    assert f"Renditions of photo {photo.pk} failed (attempt 1): OSError: storage is down" in (
        caplog.text
    )
    assert f"Given up; once the cause is fixed, run manage.py renditions --photo {photo.pk}" in (
        caplog.text
    )


def test_the_database_backend_retries_later(monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    photo = photo_without_renditions()

    def broken(**kwargs):
        raise OSError("storage is down")

    monkeypatch.setattr(services, "photo_build_renditions", broken)
    with pytest.raises(OSError):
        build_renditions.call(photo.pk, attempt=4)  # The last attempt gives up loudly.
    assert build_renditions.call(photo.pk) == 0
    from django_tasks_db.models import DBTaskResult

    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs == {"args": [photo.pk], "kwargs": {"attempt": 2}}
    assert retry.run_after is not None


def test_renditions_command_builds_what_is_missing_with_progress():
    first, second = photo_without_renditions(), photo_without_renditions()
    out = io.StringIO()
    call_command("renditions", stdout=out)
    assert "2/2 photos" in out.getvalue()
    assert "14 renditions made for 2 photos." in out.getvalue()
    # 480 px and the photo's own 700, in 3 formats each, and the share image.
    assert first.renditions.count() == second.renditions.count() == 7
    out = io.StringIO()
    call_command("renditions", stdout=out)
    assert "0 renditions made for 2 photos." in out.getvalue()


def test_renditions_all_remakes_every_file():
    photo = make_photo(size=(700, 500))
    Rendition.objects.filter(photo=photo).update(source_key="")  # As after a pipeline change.
    before = {r.file.name for r in photo.renditions.all()}
    out = io.StringIO()
    call_command("renditions", "--all", stdout=out)
    assert "7 renditions made for 1 photo." in out.getvalue()
    # The same pixels came out, so under the same addresses: pages out there keep working.
    assert {r.file.name for r in photo.renditions.all()} == before
    assert set(photo.renditions.values_list("source_key", flat=True)) != {""}


def test_renditions_command_names_an_unknown_photo():
    with pytest.raises(CommandError, match="No photo with id 999999"):
        call_command("renditions", "--photo", "999999", stdout=io.StringIO())


def test_renditions_command_reports_a_broken_photo_and_carries_on():
    broken, fine = photo_without_renditions(), photo_without_renditions()
    broken.original.storage.delete(broken.original.name)
    err = io.StringIO()
    with pytest.raises(CommandError, match="7 renditions made for 2 photos. 1 photo failed"):
        call_command("renditions", stdout=io.StringIO(), stderr=err)
    assert f"Photo {broken.pk}" in err.getvalue()
    assert fine.renditions.count() == 7


def test_renditions_command_gives_older_photos_their_look_alike_fingerprint():
    from gallery.models import Photo
    from tests.factories import jpeg_bytes, make_picture

    older = photo_create(data=jpeg_bytes(make_picture(seed=3)), filename="older.jpg")
    fingerprint = older.fingerprint
    assert fingerprint
    Photo.objects.filter(pk=older.pk).update(fingerprint=None)  # As stored before fingerprints.
    call_command("renditions", stdout=io.StringIO())
    older.refresh_from_db()
    assert older.fingerprint == fingerprint
