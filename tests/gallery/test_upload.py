import functools
import io
import struct
import zlib

import pytest
from django.core.files.storage import storages
from django.test import TestCase
from PIL import Image, PngImagePlugin

from gallery.models import Photo
from gallery.services import DuplicatePhoto, photo_create
from gallery.validation import ImageRejected, inspect_image, sanitise_filename
from tests.factories import make_image_bytes, make_photo
from tests.gallery.s3 import bucket_keys, moto_endpoint_fixture, s3_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size without carrying the pixels: how bombs arrive."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


@functools.cache
def png_with_text_bomb() -> bytes:
    info = PngImagePlugin.PngInfo()
    # 50 MB of text that compresses to about 50 kB.
    info.add_text("Comment", "A" * 50_000_000, zip=True)
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_and_html() -> bytes:
    # Opens as a JPEG; a browser sniffing it could also run it as a page.
    return make_image_bytes((64, 64)) + b"<html><body><script>alert(document.cookie)</script>"


def jpeg_with_svg_in_a_comment() -> bytes:
    image = make_image_bytes((64, 64))
    comment = b"<svg onload=alert(1)>"
    return image[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + image[2:]


MARKUP = b"<svg onload=alert(1)>"


def encoded(fmt: str, **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 30, 60)).save(out, fmt, **options)
    return out.getvalue()


def png_with_markup_after_a_chunk_naming_idat() -> bytes:
    # The word that marks where the pixels start, written in a comment first.
    data = encoded("PNG")
    after_header = 8 + 25
    comment = png_chunk(b"tEXt", b"Comment\x00see IDAT " + MARKUP)
    return data[:after_header] + comment + data[after_header:]


def jpeg_with_a_fill_byte_then_markup() -> bytes:
    data = make_image_bytes((64, 48))
    comment = b"\xff\xfe" + struct.pack(">H", len(MARKUP) + 2) + MARKUP
    return data[:2] + b"\xff" + comment + data[2:]


def png_with_script_in_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>fetch('/admin/')</script>")
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def animation(fmt: str) -> bytes:
    frames = [Image.new("RGB", (40, 30), color) for color in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=100)
    return out.getvalue()


BAD_FILES = {
    "zero bytes": (lambda: b"", "The file is empty."),
    "truncated jpeg": (
        lambda: make_image_bytes((800, 600))[:4000],
        "The image is damaged or incomplete",
    ),
    "text named .jpg": (
        lambda: b"Hello, this is a text file with a .jpg name.\n",
        "This is not an image we can read",
    ),
    "svg with script": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "This is not an image we can read",
    ),
    # The start of an iPhone photo: an ISO box naming the HEIC brand.
    "heic": (
        lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
        "This is a HEIC photo \\(what iPhones save by default\\), which we cannot read",
    ),
    "jpeg that is also html": (jpeg_and_html, "contains web page code"),
    "png with a script": (png_with_script_in_text, "contains web page code"),
    "jpeg with svg in a comment": (jpeg_with_svg_in_a_comment, "contains web page code"),
    # Each trying to end the search before the markup.
    "png with idat named in a comment": (
        png_with_markup_after_a_chunk_naming_idat,
        "contains web page code",
    ),
    "jpeg with a fill byte": (jpeg_with_a_fill_byte_then_markup, "contains web page code"),
    "webp with vp8 named in its colour profile": (
        lambda: encoded("WEBP", icc_profile=b"x" * 16 + b"VP8 " + MARKUP),
        "contains web page code",
    ),
    # After the pixels, but in the first kilobyte all the same.
    "small webp with markup in its xmp": (
        lambda: encoded("WEBP", lossless=True, xmp=MARKUP),
        "contains web page code",
    ),
    "small png with markup after its pixels": (
        lambda: (
            encoded("PNG")[:-12]
            + png_chunk(b"tEXt", b"Comment\x00" + MARKUP)
            + encoded("PNG")[-12:]
        ),
        "contains web page code",
    ),
    "avif with markup in its xmp": (
        lambda: encoded("AVIF", speed=8, xmp=MARKUP),
        "contains web page code",
    ),
    "20000x20000 png": (
        lambda: png_header_only(20000, 20000),
        "too large to process safely",
    ),
    "png text bomb": (png_with_text_bomb, "decompression bomb"),
    "gif": (lambda: make_image_bytes((10, 10), fmt="GIF"), "GIF files are not accepted"),
    "animated webp": (lambda: animation("WEBP"), r"This is an animation \(3 frames\)"),
    "animated png": (lambda: animation("PNG"), r"This is an animation \(3 frames\)"),
    "1x40000 strip": (
        lambda: make_image_bytes((1, 40_000), fmt="PNG"),
        r"The picture is 1x40000: too tall for its width",
    ),
}


def stored_files() -> set[str]:
    """Every name in both media storages, local or S3."""
    names = set()
    for alias in ("default", "originals"):
        storage = storages[alias]
        pending = [""]
        while pending:
            folder = pending.pop()
            try:
                dirs, files = storage.listdir(folder)
            except FileNotFoundError:
                continue
            names.update(f"{alias}:{folder}/{name}" for name in files)
            pending.extend(f"{folder}/{d}".lstrip("/") for d in dirs)
    return names


@pytest.fixture(params=["local", "s3"])
def media(request):
    if request.param == "s3":
        request.getfixturevalue("s3")
    return request.param


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files_are_rejected_with_a_reason_and_leave_nothing(media, case):
    make_data, message = BAD_FILES[case]
    before = stored_files()
    with pytest.raises(ImageRejected, match=message):
        photo_create(data=make_data(), filename=f"{case}.jpg")
    assert Photo.objects.count() == 0
    assert stored_files() == before


def test_file_over_the_byte_limit_is_rejected(settings):
    settings.GALLERY_MAX_UPLOAD_BYTES = 10_000
    with pytest.raises(ImageRejected, match=r"The file is 1\d\.\d\sKB; the limit is 9\.8\sKB"):
        inspect_image(make_image_bytes((400, 400), quality=100) + b"\0" * 10_000)


def test_image_over_the_pixel_limit_names_its_size(settings):
    settings.GALLERY_MAX_PIXELS = 100_000
    with pytest.raises(
        ImageRejected, match=r"500x400 \(0\.2 megapixels\); the limit is 0\.1 megapixels"
    ):
        inspect_image(make_image_bytes((500, 400)))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "AVIF"])
def test_accepted_formats_are_recognised_by_content(fmt):
    inspected = inspect_image(make_image_bytes((40, 30), fmt=fmt))
    assert (inspected.format, inspected.width, inspected.height) == (fmt, 40, 30)


def test_a_phone_or_camera_jpeg_holding_a_second_picture_is_the_photo_it_shows():
    # Ultra HDR photos (a gain map) and many cameras' JPEGs (a depth map, a preview).
    photo_itself, second = Image.new("RGB", (400, 300), "red"), Image.new("RGB", (200, 150))
    out = io.BytesIO()
    photo_itself.save(out, "MPO", save_all=True, append_images=[second])
    photo = make_photo(data=out.getvalue(), filename="PXL_20261127.jpg")
    assert photo.original.name.endswith(".jpg")
    assert (photo.width, photo.height) == (400, 300)
    widest = photo.jpeg_rendition()
    with Image.open(widest.file) as public:
        assert public.format == "JPEG" and public.getpixel((200, 150))[0] > 200  # Red.


def test_stored_extension_follows_the_content_not_the_name():
    photo = make_photo(data=make_image_bytes((500, 400), fmt="PNG"), filename="holiday.jpg")
    assert photo.original.name.endswith(".png")
    assert photo.original_filename == "holiday.jpg"


def test_same_bytes_twice_points_to_the_existing_photo():
    data = make_image_bytes()
    first = make_photo(data=data)
    with pytest.raises(DuplicatePhoto) as raised:
        make_photo(data=data)
    assert raised.value.existing == first
    assert f"photo {first.pk}" in str(raised.value)
    assert Photo.objects.count() == 1


def test_path_traversal_name_is_kept_only_as_sanitised_metadata(media):
    photo = make_photo(filename="../../etc/pass<wd>.jpg")
    assert "etc" not in photo.original.name and "pass" not in photo.original.name
    assert ".." not in photo.original.name
    assert photo.original_filename == "passwd.jpg"
    assert sanitise_filename("C:\\Users\\me\\photo.jpg") == "photo.jpg"
    assert sanitise_filename("..") == "upload"
    # Shown as "résuméexe.jpg" with the override in; a Persian joiner stays.
    assert sanitise_filename("résumé\u202egpj.exe") == "résumégpj.exe"
    assert (
        sanitise_filename("\u0646\u0627\u200c\u0645\u0647.jpg")
        == "\u0646\u0627\u200c\u0645\u0647.jpg"
    )


def test_original_has_no_public_url():
    photo = make_photo()
    with pytest.raises(ValueError):
        photo.original.url  # noqa: B018


def test_a_failed_save_leaves_no_original_behind(monkeypatch):
    before = stored_files()

    def broken_save(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Photo, "save", broken_save)
    with pytest.raises(RuntimeError), TestCase.captureOnCommitCallbacks(execute=True):
        photo_create(data=make_image_bytes((300, 200)), filename="a.jpg")
    assert stored_files() == before


def test_a_tall_picture_is_judged_upright():
    # 600x100 stored, turned to 100x600 by EXIF: 3600 high at 600 wide is fine;
    # a strip 20000 high once upright is not, whichever way it was stored.
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    Image.new("RGB", (20_000, 100), (90, 90, 90)).save(out, "JPEG", exif=exif)
    with pytest.raises(ImageRejected, match=r"100x20000: too tall"):
        inspect_image(out.getvalue())
    inspect_image(make_image_bytes((20_000, 100)))  # The same pixels lying down: a panorama.


def test_compressed_pixels_that_happen_to_spell_a_tag_are_still_a_photo():
    # About one photo in a few thousand: "<a/" in the first kilobyte, inside the
    # compressed picture, where no browser would take it for a page.
    data = bytearray(make_image_bytes((480, 320)))
    scan = data.find(b"\xff\xda")
    pixels = scan + 2 + int.from_bytes(data[scan + 2 : scan + 4], "big")
    assert pixels + 40 < 1024
    data[pixels + 20 : pixels + 23] = b"<a/"
    assert inspect_image(bytes(data)).format == "JPEG"
