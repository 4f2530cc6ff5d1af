import contextlib
import io
import statistics
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test import TestCase
from PIL import Image, ImageDraw

from gallery import images, services
from gallery.models import Photo, Redaction, Rendition
from gallery.services import (
    photo_build_renditions,
    photo_create,
    photo_set_redactions,
    photo_sync_renditions,
)
from tests.factories import make_photo

pytestmark = pytest.mark.django_db

SIZE = (900, 600)
# A "face" in the middle of the picture, inside the default share crop.
REGION = {"x": 330, "y": 180, "width": 240, "height": 240}
# The share image is the full width at 1200:630, centred vertically.
SHARE_TOP = (SIZE[1] - round(SIZE[0] * 630 / 1200)) // 2


def checkerboard(size=SIZE, square=24) -> bytes:
    """Sharp detail everywhere: what a redaction must wipe out, and what survives resizing."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for top in range(0, size[1], square):
        for left in range((top // square % 2) * square, size[0], square * 2):
            draw.rectangle((left, top, left + square - 1, top + square - 1), fill=0)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def read(rendition: Rendition) -> Image.Image:
    with rendition.file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image.convert("L")


def inner(image: Image.Image, box: tuple[float, float, float, float]) -> list[int]:
    """Brightness values in the middle of a box, clear of compression ringing at its edges."""
    left, top, right, bottom = box
    inset_x, inset_y = (right - left) / 6, (bottom - top) / 6
    crop = image.crop(
        (
            round(left + inset_x),
            round(top + inset_y),
            round(right - inset_x),
            round(bottom - inset_y),
        )
    )
    return list(crop.get_flattened_data())


def detail(image: Image.Image, box: tuple[float, float, float, float]) -> float:
    """Standard deviation of brightness: about 127 for the board, near 0 when wiped."""
    return statistics.pstdev(inner(image, box))


def boxes(rendition: Rendition, region: dict) -> tuple[tuple, tuple]:
    """Where the region lands in this rendition, and a control box of the same size."""
    top_offset = SHARE_TOP if rendition.is_share else 0
    scale = rendition.width / (SIZE[0])
    x, y = region["x"] * scale, (region["y"] - top_offset) * scale
    w, h = region["width"] * scale, region["height"] * scale
    return (x, y, x + w, y + h), (20 * scale, y, 20 * scale + w, y + h)


def photo_without_renditions():
    with TestCase.captureOnCommitCallbacks(execute=False):
        return photo_create(data=checkerboard(), filename="board.png")


def renditions_with_redaction(method: str):
    photo = make_photo(data=checkerboard())
    with TestCase.captureOnCommitCallbacks(execute=True):
        photo_set_redactions(photo=photo, regions=[{**REGION, "method": method}])
    return photo, list(photo.renditions.all())


@pytest.mark.parametrize("method", ["box", "blur", "pixelate"])
def test_redacted_region_is_destroyed_in_every_rendition_and_share_image(method):
    photo, renditions = renditions_with_redaction(method)
    assert {r.spec for r in renditions} == {
        "avif-480",
        "webp-480",
        "jpeg-480",
        "avif-800",
        "webp-800",
        "jpeg-800",
        "share",
    }
    for rendition in renditions:
        image = read(rendition)
        region, control = boxes(rendition, REGION)
        # The control proves the measure can tell: the untouched board keeps its detail.
        assert detail(image, control) > 90, rendition.spec
        assert detail(image, region) < 20, (rendition.spec, detail(image, region))
        if method == "box":
            assert max(inner(image, region)) < 40, rendition.spec
    # The private original keeps every pixel.
    with photo.original.open("rb") as handle:
        original = Image.open(io.BytesIO(handle.read())).convert("L")
    assert detail(original, (330, 180, 570, 420)) > 120


def test_changing_regions_replaces_the_public_files_and_deletes_the_old_ones():
    photo = make_photo(data=checkerboard())
    old = {r.spec: r.file.name for r in photo.renditions.all()}
    storage = photo.renditions.first().file.storage
    with TestCase.captureOnCommitCallbacks(execute=True):
        photo_set_redactions(photo=photo, regions=[{**REGION, "method": "pixelate"}])
    new = {r.spec: r.file.name for r in photo.renditions.all()}
    assert new.keys() == old.keys()
    assert not set(new.values()) & set(old.values())
    assert not any(storage.exists(name) for name in old.values())
    assert all(storage.exists(name) for name in new.values())


def test_unredacted_files_stop_being_public_before_the_worker_runs():
    photo = make_photo(data=checkerboard())
    old = [r.file.name for r in photo.renditions.all()]
    storage = photo.renditions.first().file.storage
    # Commit, but do not run the queued task: the worker is busy.
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        photo_set_redactions(photo=photo, regions=[{**REGION, "method": "box"}])
    for callback in callbacks:
        if "_enqueue_renditions" not in callback.__code__.co_names:
            callback()  # File deletions run at commit; the rebuild stays queued.
    assert photo.renditions.count() == 0  # Readers get the placeholder meanwhile.
    assert not any(storage.exists(name) for name in old)


def test_moving_the_focal_point_only_remakes_the_share_image():
    photo = make_photo(data=checkerboard())
    before = {r.spec: r.file.name for r in photo.renditions.all()}
    photo.focal_x, photo.focal_y = 100, 100
    photo.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert photo_sync_renditions(photo=photo) == 1
    after = {r.spec: r.file.name for r in photo.renditions.all()}
    assert after["share"] != before["share"]
    assert {k: v for k, v in after.items() if k != "share"} == {
        k: v for k, v in before.items() if k != "share"
    }


def test_region_outside_the_photo_is_refused_and_nothing_changes():
    photo = make_photo(data=checkerboard())
    before = sorted(r.file.name for r in photo.renditions.all())
    with pytest.raises(ValidationError, match=r"inside the photo \(900x600 pixels\)"):
        photo_set_redactions(photo=photo, regions=[{"x": 800, "y": 0, "width": 200, "height": 50}])
    assert Redaction.objects.count() == 0
    assert sorted(r.file.name for r in photo.renditions.all()) == before


def test_a_redaction_drawn_while_renditions_encode_keeps_unredacted_files_private(monkeypatch):
    photo = photo_without_renditions()
    real_render = images.render

    def render_while_staff_redact(*args, **kwargs):
        for number, produced in enumerate(real_render(*args, **kwargs)):
            if number == 1:
                # The desk saves a redaction mid-build; the worker is still encoding.
                photo_set_redactions(photo=photo, regions=[{**REGION, "method": "box"}])
            yield produced

    monkeypatch.setattr(images, "render", render_while_staff_redact)
    photo_build_renditions(photo=photo)
    current = photo.rendition_source_key()
    assert [r.spec for r in photo.renditions.all() if r.source_key != current] == []


@pytest.mark.django_db(transaction=True)
def test_a_file_stored_while_a_redaction_is_being_saved_never_stays_public(monkeypatch):
    # The desk's save has drawn its region but not committed when the worker,
    # which read the photo before it, stores its files: a read alone would still
    # see no region there, and the file made without it would stay public until
    # the rebuild the save queues (kept from running here) gets to it.
    monkeypatch.setattr(services, "_enqueue_renditions", lambda pk: None)
    photo = photo_create(data=checkerboard(), filename="board.png")
    region_drawn, worker_done = threading.Event(), threading.Event()

    def desk_saves_a_redaction():
        try:
            with transaction.atomic():
                Redaction.objects.create(photo=photo, **REGION)
                photo_sync_renditions(photo=photo)
                region_drawn.set()
                worker_done.wait(timeout=3)  # Times out when the worker waits for us.
        finally:
            region_drawn.set()
            connection.close()

    desk = threading.Thread(target=desk_saves_a_redaction)
    desk.start()
    try:
        assert region_drawn.wait(timeout=10)
        # SQLite may refuse the second writer outright: nothing is stored then either.
        with contextlib.suppress(DatabaseError):
            photo_build_renditions(photo=photo)
    finally:
        worker_done.set()
        desk.join()
    assert Redaction.objects.filter(photo=photo).exists()
    current = Photo.objects.get(pk=photo.pk)
    stored = Rendition.objects.filter(photo=photo)
    made_before = [
        r.spec for r in stored if r.source_key != current.rendition_source_key(share=r.is_share)
    ]
    assert made_before == []
