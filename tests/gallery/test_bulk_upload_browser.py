"""The photo desk leaves the bulk upload page mid-upload, then reads how many were stored."""

import time

import pytest
from playwright.sync_api import expect

from gallery.models import Photo
from tests.browser.test_accessibility import assert_no_violations
from tests.browser.test_admin_reorder import log_in
from tests.factories import make_image_bytes, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def choose_files(tmp_path) -> list[str]:
    """Two photos and a file that is no image."""
    paths = [tmp_path / "kursk-1.jpg", tmp_path / "kursk-2.jpg", tmp_path / "notes.jpg"]
    paths[0].write_bytes(make_image_bytes((320, 240)))
    paths[1].write_bytes(make_image_bytes((640, 240)))
    paths[2].write_bytes(b"not an image")
    return [str(path) for path in paths]


def open_upload_page(page):
    log_in(page, make_user(role="Photo desk"))
    page.goto("/admin/gallery/photo/upload/")


def test_leaving_mid_upload_asks_first(page, tmp_path):
    open_upload_page(page)
    # Hold the uploads on their way, so that they stay pending.
    held = []
    page.route(
        "**/admin/gallery/photo/upload/",
        lambda route: route.continue_() if held is None else held.append(route),
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.set_input_files('input[name="files"]', choose_files(tmp_path))
    page.click("#bulk-upload-submit")
    deadline = time.monotonic() + 10
    while len(held) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert len(held) == 2

    photos = page.locator(".breadcrumbs").get_by_role("link", name="Photos")
    photos.click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/admin/gallery/photo/upload/")  # Stayed, uploads going on.

    held, waiting = None, held
    for route in waiting:
        route.continue_()
    expect(page.locator("#upload-results li:not(.upload-pending)")).to_have_count(3)
    photos.click()
    page.wait_for_url("**/admin/gallery/photo/")
    assert dialogs == ["beforeunload"]  # None once all were sent.


def test_a_batch_ends_with_how_many_were_stored(page, tmp_path):
    open_upload_page(page)
    page.set_input_files('input[name="files"]', choose_files(tmp_path))
    page.click("#bulk-upload-submit")
    # The words of the page without script, in a region screen readers announce.
    expect(page.get_by_role("status")).to_have_text("2 of 3 files stored.")
    expect(page.locator("#upload-results li.upload-error")).to_have_count(1)
    assert_no_violations(page)  # The summary's contrast, among others.


def test_more_files_than_the_page_allows_are_refused_before_any_is_sent(page, tmp_path, settings):
    # The page says "At most 2 files per upload": the script keeps to it too.
    settings.GALLERY_MAX_FILES_PER_UPLOAD = 2
    open_upload_page(page)
    page.set_input_files('input[name="files"]', choose_files(tmp_path))
    page.click("#bulk-upload-submit")
    expect(page.get_by_role("status")).to_have_text(
        "You chose 3 files; send at most 2 at a time. Nothing was uploaded."
    )
    expect(page.locator("#upload-results li")).to_have_count(0)
    assert not Photo.objects.exists()
