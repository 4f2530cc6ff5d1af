import pytest

from gallery.models import Photo
from tests.factories import make_image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):
    page = browser.new_page()
    problems = []
    # A CSP violation (inline script or style) is a console error; a missing
    # static file a failed response. The browser's own favicon probe is neither.
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and "Failed to load resource" not in m.text
            and problems.append(m.text)
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and problems.append(f"{r.status} {r.url}")
        ),
    )
    page.problems = problems
    yield page
    page.close()


def test_bulk_upload_page_uploads_each_file_and_shows_its_result(
    page, live_server, admin_user, tmp_path
):
    good = tmp_path / "kursk-1.jpg"
    good.write_bytes(make_image_bytes((640, 480)))
    other = tmp_path / "kursk-2.png"
    other.write_bytes(make_image_bytes((320, 240), fmt="PNG"))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/gallery/photo/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")  # pytest-django's admin_user password
    page.click('input[type="submit"]')
    page.get_by_role("link", name="Upload many photos").click()
    page.set_input_files('input[name="files"]', [str(good), str(other)])
    page.click("#bulk-upload-submit")

    results = page.locator("#upload-results li.upload-ok")
    results.nth(1).wait_for(timeout=15_000)
    texts = sorted(results.all_inner_texts())
    assert texts[0].startswith("kursk-1.jpg: stored as")
    assert texts[1].startswith("kursk-2.png: stored as")
    assert page.locator("#upload-results li.upload-error").count() == 0
    # The script did the work: still on the upload page, no full-page post.
    assert page.locator("#upload-summary").count() == 0
    assert sorted(Photo.objects.values_list("original_filename", flat=True)) == [
        "kursk-1.jpg",
        "kursk-2.png",
    ]
    photo = Photo.objects.get(original_filename="kursk-1.jpg")
    assert page.get_by_role("link", name="kursk-1.jpg").get_attribute("href") == (
        f"/admin/gallery/photo/{photo.pk}/change/"
    )
    assert page.problems == []


def test_bulk_upload_page_says_when_a_file_looks_like_a_library_photo(
    page, live_server, admin_user, tmp_path
):
    from gallery.services import photo_create
    from tests.factories import jpeg_bytes, make_picture

    picture = make_picture(seed=11)
    first = photo_create(data=jpeg_bytes(picture, quality=92), filename="from-telegram.jpg")
    copy = tmp_path / "from-x.jpg"
    copy.write_bytes(jpeg_bytes(picture.resize((900, 600)), quality=50))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/gallery/photo/upload/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")
    page.click('input[type="submit"]')
    page.set_input_files('input[name="files"]', [str(copy)])
    page.click("#bulk-upload-submit")

    note = page.locator("#upload-results li.upload-ok .upload-lookalike")
    note.wait_for(timeout=15_000)
    assert "already in the library: check it is not the same picture." in note.inner_text()
    assert note.get_by_role("link", name="from-telegram.jpg").get_attribute("href") == (
        f"/admin/gallery/photo/{first.pk}/change/"
    )
    assert page.problems == []
