"""The story form's slides as an editor meets them: previews, picker names, moving slides."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_admin_reorder import log_in
from tests.factories import make_article, make_image_bytes, make_photo, make_slide, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDIT_LINK = "Edit photo, alt text or credit"


@pytest.fixture
def story():
    article = make_article(headline="Three photos")
    for n in (1, 2, 3):
        photo = make_photo(size=(300, 200), title=f"Still {n}")
        make_slide(article=article, position=n, photo=photo, narrative=f"Narrative {n}.")
    return article


@pytest.fixture
def page(new_page):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 3000})
    log_in(page, make_user(role="Editors"))
    return page


def open_story(page, story):
    page.goto(f"/admin/newsroom/article/{story.pk}/change/")
    page.wait_for_load_state("networkidle")


def test_opening_a_story_keeps_each_slides_edit_link_and_fetches_no_preview(
    page, story, live_server
):
    previews = []
    page.on("request", lambda r: "/photo-thumbnail/" in r.url and previews.append(r.url))
    open_story(page, story)
    assert previews == []
    assert page.get_by_role("link", name=EDIT_LINK).count() == 3
    assert "save to edit the photo" not in page.locator("#slides-group").inner_text()

    # Another photo for the first slide: its preview, and only its, is fetched.
    other = make_photo(size=(300, 200), title="Still 4")
    page.locator("#slides-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("Still 4")
    page.locator(".select2-results__option", has_text="Still 4").click()
    expect(page.locator("#slides-0 .fieldBox.field-photo_preview")).to_contain_text(
        "(save to edit the photo)"
    )
    assert previews == [f"{live_server.url}/admin/newsroom/article/photo-thumbnail/{other.pk}/"]
    assert page.get_by_role("link", name=EDIT_LINK).count() == 2


def test_photo_pickers_are_named_by_their_field_and_slide(page, story):
    open_story(page, story)
    for n in (1, 2, 3):
        picker = page.get_by_role("combobox", name=f"Photo, slide {n}", exact=True)
        # The chosen photo is still read, as the description (with the help).
        expect(picker).to_have_accessible_description(re.compile(f"^Still {n} Every slide needs"))

    # The number follows the order shown.
    page.get_by_role("button", name="Move up", exact=True).nth(1).click()
    picker = page.get_by_role("combobox", name="Photo, slide 1", exact=True)
    expect(picker).to_have_accessible_description(re.compile("^Still 2 "))

    page.goto(f"/admin/newsroom/slide/{story.slides.get(position=1).pk}/change/")
    page.wait_for_load_state("load")
    expect(page.get_by_role("combobox", name="Photo", exact=True)).to_have_accessible_description(
        re.compile("^Still 1")
    )
    expect(page.get_by_role("combobox", name="Story", exact=True)).to_have_accessible_description(
        re.compile("^Three photos")
    )


def headings(page) -> list[str]:
    labels = page.locator("#slides-group .inline-related:not(.empty-form) h3 .inline_label")
    return [text.strip() for text in labels.all_inner_texts()]


def test_moving_a_slide_says_which_and_where_and_renumbers_the_headings(page, story):
    open_story(page, story)
    up = page.get_by_role("button", name="Move up", exact=True)  # Named as it reads.
    expect(up).to_have_count(3)
    expect(up.nth(1)).to_have_accessible_description("Slide: Three photos — slide 2")
    expect(page.get_by_role("checkbox", name="Delete").nth(1)).to_have_accessible_description(
        "Slide: Three photos — slide 2"
    )

    up.nth(1).focus()
    page.keyboard.press("Enter")
    status = page.get_by_role("status").filter(has_text="moved")
    expect(status).to_have_text("Slide “Still 2” moved to position 1 of 3.")
    assert headings(page) == [f"Three photos — slide {n}" for n in (1, 2, 3)]
    first = page.locator("#slides-group .inline-related:not(.empty-form)").first
    expect(first.locator("textarea")).to_have_value("Narrative 2.")
    expect(up.nth(0)).to_have_accessible_description("Slide: Three photos — slide 1")

    # A new slide moved up takes the third place, and its number.
    page.get_by_role("button", name="Add another Slide").click()
    assert headings(page)[-1] == "#4"
    up.nth(3).click()
    expect(status).to_have_text("New slide moved to position 3 of 4.")
    assert headings(page) == [
        "Three photos — slide 1",
        "Three photos — slide 2",
        "#3",
        "Three photos — slide 4",
    ]


def test_a_file_the_library_has_goes_on_the_slide_from_the_upload_window(page, story):
    # The editor uploads from the slide's "+" a picture the desk filed already.
    data = make_image_bytes((300, 200))
    filed = make_photo(data=data, title="Filed by the desk")
    open_story(page, story)
    with page.expect_popup() as opened:
        page.locator("#add_id_slides-0-photo").click()
    upload = opened.value
    upload.wait_for_load_state()
    upload.locator("input[name=upload]").set_input_files(
        {"name": "from-the-reporter.jpg", "mimeType": "image/jpeg", "buffer": data}
    )
    upload.locator("input[name=_save]").click()
    expect(upload.locator(".errorlist")).to_contain_text("This file was already uploaded")
    with upload.expect_event("close"):
        upload.get_by_role("link", name="Use that photo here").click()
    expect(page.locator("#id_slides-0-photo")).to_have_value(str(filed.pk))
    expect(page.locator("#slides-0 .select2-selection")).to_contain_text("Filed by the desk")
