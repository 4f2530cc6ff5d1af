import io

import pytest
from PIL import Image, ImageCms

from gallery import images
from gallery.services import LOOKALIKE_DISTANCE
from tests.factories import jpeg_bytes, make_photo, make_picture

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
    # Its own width too: a page showing it wider than 480 gets every pixel there is.
    assert sorted({r.width for r in photo.renditions.all() if not r.is_share}) == [480, 600]


def test_widths_for_small_original_keeps_its_own_width():
    assert images.widths_for(300) == [300]
    assert images.widths_for(640) == [480, 640]
    assert images.widths_for(1000) == [480, 800, 1000]
    assert images.widths_for(1300) == [480, 800, 1200]  # Near enough to 1200.
    assert images.widths_for(5000) == [480, 800, 1200, 1600, 2400]


def test_share_crop_centres_on_the_focal_point_and_stays_inside():
    image = Image.new("RGB", (3000, 1000), (255, 255, 255))
    image.paste((255, 0, 0), (2500, 400, 2600, 500))  # The subject, far right.
    share = images.share_crop(image, (2550, 450))
    assert share.size == (1200, 630)
    # The crop (1905x1000, scaled by 0.63) stops at the right edge: the subject lands
    # right of centre, at about 885-948 px, its middle row at 283.
    red = [x for x in range(share.width) if share.getpixel((x, 283))[1] < 50]
    assert red and 870 < min(red) < max(red) < 960
    assert images.share_crop(image, (1500, 500)).getpixel((600, 315)) == (255, 255, 255)


def test_share_image_of_a_small_photo_is_never_upscaled():
    assert images.share_crop(Image.new("RGB", (600, 600)), (300, 300)).size == (600, 315)


def test_a_panorama_gets_a_full_size_share_image():
    # A JPEG decodes at a fraction of its size when the renditions need no more;
    # the share image is cut from the panorama's whole height, so that must stay.
    panorama = jpeg_bytes(Image.new("RGB", (8000, 700), (90, 120, 150)), quality=70)
    [(spec, _, share, _)] = images.render(
        panorama, upright_width=8000, widths=images.widths_for(8000), wanted={"share"}
    )
    assert spec == "share" and share.size == (1200, 630)


def png_image(image: Image.Image, **options) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)
    return Image.open(io.BytesIO(buffer.getvalue()))


SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def palette_image() -> Image.Image:
    image = Image.new("P", (10, 10), 0)
    image.putpalette([0, 0, 0, 255, 0, 0])
    image.paste(1, (0, 0, 5, 10))  # Left half red, right half palette entry 0.
    return image


def colour_key_image(mode: str) -> Image.Image:
    image = Image.new(mode, (10, 10), 0)
    image.paste((255, 0, 0) if mode == "RGB" else 200, (0, 0, 5, 10))
    return image


# An image whose right half is black, and the value PNG's tRNS marks transparent.
TRANSPARENT_BY_KEY = {
    "palette": (palette_image, 0),
    "rgb-key": (lambda: colour_key_image("RGB"), (0, 0, 0)),
    "grey-key": (lambda: colour_key_image("L"), 0),
}


@pytest.mark.parametrize("kind", TRANSPARENT_BY_KEY)
@pytest.mark.parametrize("profile", [False, True], ids=["no-profile", "profile"])
def test_a_colour_marked_transparent_becomes_white_not_black(kind, profile):
    # A chart or logo saved "for web": black lines on a transparent ground would vanish.
    make, transparent = TRANSPARENT_BY_KEY[kind]
    options = {"transparency": transparent}
    if profile:
        options["icc_profile"] = SRGB_PROFILE
    prepared = images.prepare(png_image(make(), **options))
    assert prepared.getpixel((8, 5)) == (255, 255, 255)
    assert prepared.getpixel((2, 5)) != (255, 255, 255)  # The drawing itself stays.


def test_cmyk_and_transparent_originals_become_plain_rgb():
    cmyk = images.prepare(Image.new("CMYK", (10, 10), (0, 255, 255, 0)))
    assert cmyk.mode == "RGB" and cmyk.getpixel((5, 5))[0] > 200  # Still red.
    clear = images.prepare(Image.new("RGBA", (10, 10), (0, 0, 0, 0)))
    assert clear.getpixel((5, 5)) == (255, 255, 255)  # Flattened on white, not black.


def grey16_png(values: list[int], height: int = 8) -> bytes:
    """A 16-bit greyscale PNG whose columns take ``values`` (0 to 65535), left to right."""
    row = b"".join(value.to_bytes(2, "little") for value in values)
    image = Image.frombytes("I;16", (len(values), height), row * height)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_16_bit_greyscale_keeps_its_tones_in_the_renditions():
    gradient = grey16_png([round(x * 65535 / 499) for x in range(500)])
    with Image.open(io.BytesIO(gradient)) as original:
        assert original.mode == "I;16"  # The case Pillow clips to white in convert("RGB").

    photo = make_photo(data=gradient)

    rendition = photo.renditions.get(spec="jpeg-480")
    with rendition.file.open("rb") as handle, Image.open(handle) as image:
        row = [image.convert("L").getpixel((x, image.height // 2)) for x in (2, 240, 477)]
    dark, middle, light = row
    assert dark < 15
    assert 110 < middle < 145
    assert light > 240


@pytest.mark.parametrize("mode", ["I;16", "I;16B", "I"])
def test_flat_16_bit_grey_becomes_the_matching_8_bit_grey(mode):
    prepared = images.prepare(Image.new(mode, (10, 10), 30000))
    assert prepared.mode == "RGB"
    red, green, blue = prepared.getpixel((5, 5))
    assert red == green == blue
    assert abs(red - 117) <= 1  # 30000 of 65535, not clipped to 255.


def test_copies_of_one_picture_share_a_fingerprint_and_other_pictures_do_not():
    picture = make_picture(seed=1)
    original = images.fingerprint(jpeg_bytes(picture, quality=90))
    # As a messaging app passes it on: smaller and recompressed.
    forwarded = images.fingerprint(jpeg_bytes(picture.resize((700, 467)), quality=40))
    # Stored on its side with an EXIF orientation that turns it upright.
    exif = Image.Exif()
    exif[0x0112] = 6
    sideways = images.fingerprint(
        jpeg_bytes(picture.transpose(Image.Transpose.ROTATE_90), exif=exif)
    )
    another = images.fingerprint(jpeg_bytes(make_picture(seed=2)))

    assert images.fingerprint_distance(original, forwarded) <= LOOKALIKE_DISTANCE
    assert images.fingerprint_distance(original, sideways) <= LOOKALIKE_DISTANCE
    assert images.fingerprint_distance(original, another) > 3 * LOOKALIKE_DISTANCE
    # A plain colour has nothing to compare: no fingerprint, never a look-alike.
    assert images.fingerprint(jpeg_bytes(Image.new("RGB", (300, 200), "navy"))) == ""


def _likeness(a: Image.Image, b: Image.Image) -> float:
    """How much of `a`'s pattern `b` still has: the correlation of their brightness."""
    import statistics

    x, y = list(a.convert("L").get_flattened_data()), list(b.convert("L").get_flattened_data())
    return statistics.correlation(x, y)


@pytest.mark.parametrize("method", ["blur", "pixelate"])
def test_a_tight_box_round_a_line_of_a_document_leaves_no_letters(method):
    # A prisoner's name and passport number, boxed as staff box it: close round the line.
    from PIL import ImageDraw, ImageFont

    page = Image.new("RGB", (1200, 300), "white")
    draw = ImageDraw.Draw(page)
    line = "KIM CHOL SONG 836201957"
    font = ImageFont.load_default(size=56)
    left, top, right, bottom = draw.textbbox((60, 110), line, font=font)
    draw.text((60, 110), line, fill="black", font=font)
    box = (left - 4, top - 4, right + 4, bottom + 4)
    region = (box[0], box[1], box[2] - box[0], box[3] - box[1], method)

    hidden = images.redact(page, [region]).crop(box)
    # Six blocks across the line's height (as before) kept the letters: 0.52 and 0.45.
    assert _likeness(page.crop(box), hidden) < 0.3
    if method == "pixelate":
        rows = {
            tuple(hidden.crop((0, y, hidden.width, y + 1)).get_flattened_data())
            for y in range(hidden.height)
        }
        assert len(rows) <= 2  # At most two rows of blocks: no letter has a shape left.
