import io

import pytest
from PIL import Image

from gallery import images
from tests.factories import make_photo

pytestmark = pytest.mark.django_db


def jpeg_with_exif(size=(1200, 800), orientation=6) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    # A marker in the top-left corner, to see where it ends up after rotation.
    image.paste((0, 0, 255), (0, 0, 200, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "CameraMaker"
    exif[0x0110] = "CameraModel 9000"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (50.0, 27.0, 0.0)
    gps[3] = "E"
    gps[4] = (30.0, 31.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def test_renditions_carry_no_metadata_and_are_upright():
    photo = make_photo(data=jpeg_with_exif())
    # Orientation 6 turns a 1200x800 landscape into an 800x1200 portrait.
    assert (photo.width, photo.height) == (800, 1200)
    renditions = list(photo.renditions.all())
    assert {r.format for r in renditions} == {"avif", "webp", "jpeg", "share"}
    for rendition in renditions:
        data = rendition.file.read()
        rendition.file.close()
        assert b"CameraModel" not in data and b"CameraMaker" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif(), rendition.spec
            assert "exif" not in image.info and "xmp" not in image.info
            if rendition.is_share:
                continue  # A landscape crop by design; its metadata is what matters here.
            assert image.height > image.width, rendition.spec
            # The marker was top-left; rotated 90° clockwise it is now top-right.
            marker = image.convert("RGB").getpixel((image.width - 5, 5))
            assert marker[2] > 150 and marker[0] < 100, (rendition.spec, marker)


def test_renditions_never_upscale():
    photo = make_photo(size=(600, 400))
    assert sorted({r.width for r in photo.renditions.all() if not r.is_share}) == [480]


def test_widths_for_small_original_keeps_its_own_width():
    assert images.widths_for(300) == [300]
    assert images.widths_for(1300) == [480, 800, 1200]
