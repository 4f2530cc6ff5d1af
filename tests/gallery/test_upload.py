import pytest

from gallery.models import Photo
from gallery.services import DuplicatePhoto
from gallery.validation import ImageRejected, inspect_image, sanitise_filename
from tests.factories import make_image_bytes, make_photo

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"hello, I am a text file", "not an image"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "not an image",
        ),
    ],
)
def test_non_images_are_rejected_with_a_reason(data, message):
    with pytest.raises(ImageRejected, match=message):
        inspect_image(data)


def test_truncated_jpeg_is_rejected():
    data = make_image_bytes((800, 600))
    with pytest.raises(ImageRejected, match="damaged or incomplete"):
        inspect_image(data[: len(data) // 2])


def test_gif_is_not_accepted():
    with pytest.raises(ImageRejected, match="GIF files are not accepted"):
        inspect_image(make_image_bytes((10, 10), fmt="GIF"))


def test_same_bytes_twice_points_to_the_existing_photo():
    data = make_image_bytes()
    first = make_photo(data=data)
    with pytest.raises(DuplicatePhoto) as raised:
        make_photo(data=data)
    assert raised.value.existing == first
    assert Photo.objects.count() == 1


def test_stored_name_is_generated_and_original_name_sanitised():
    photo = make_photo(filename="../../etc/pass<wd>.jpg")
    assert "etc" not in photo.original.name and "pass" not in photo.original.name
    assert photo.original_filename == "passwd.jpg"
    assert sanitise_filename("C:\\Users\\me\\photo.jpg") == "photo.jpg"


def test_original_has_no_public_url():
    photo = make_photo()
    with pytest.raises(ValueError):
        photo.original.url  # noqa: B018
