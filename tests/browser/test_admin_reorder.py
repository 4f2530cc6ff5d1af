"""An editor reorders slides in the admin by drag and drop, and readers see the new order."""

import pytest

from tests.factories import make_article, make_photo, make_slide, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story():
    article = make_article(headline="Three photos")
    for n in (1, 2, 3):
        photo = make_photo(size=(300, 200), alt_text=f"Photo {n}")
        make_slide(article=article, position=n, photo=photo, narrative=f"Narrative {n}.")
    return article


def log_in(page, user):
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def public_order(page, story) -> list[str]:
    page.goto(f"/stories/{story.slug}/")
    return [t.strip() for t in page.locator(".narrative p").all_text_contents()]


def test_drag_and_drop_reorders_slides_on_the_public_page(new_page, story):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 3000})
    log_in(page, make_user(role="Editors"))
    page.goto(f"/admin/newsroom/article/{story.pk}/change/")
    handles = page.locator("#slides-group .newsroom-handle")
    assert handles.count() == 3

    # Drag the third slide onto the top half of the first (the tall window
    # keeps both in view: a scroll mid-drag would move the pointer off the handle).
    rows = page.locator("#slides-group .inline-related:not(.empty-form)")
    handles.nth(2).drag_to(rows.nth(0), target_position={"x": 40, "y": 5})
    positions = page.locator("#slides-group input[name$='-position']")
    narratives = page.locator("#slides-group textarea[name$='-narrative']")
    shown = [narratives.nth(i).input_value() for i in range(3)]
    assert shown == ["Narrative 3.", "Narrative 1.", "Narrative 2."]
    assert [positions.nth(i).input_value() for i in range(3)] == ["1", "2", "3"]

    page.click("input[name=_save]")
    page.wait_for_url("**/admin/newsroom/article/")
    assert public_order(page, story) == ["Narrative 3.", "Narrative 1.", "Narrative 2."]


def test_move_buttons_reorder_from_the_keyboard(new_page, story):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 3000})
    log_in(page, make_user(role="Editors"))
    page.goto(f"/admin/newsroom/article/{story.pk}/change/")
    up = page.get_by_role("button", name="Move up", exact=True)
    up.nth(1).focus()
    page.keyboard.press("Enter")  # slide 2 becomes first
    assert "moved to position 1" in page.locator(".newsroom-order-status").inner_text()
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/newsroom/article/")
    assert public_order(page, story) == ["Narrative 2.", "Narrative 1.", "Narrative 3."]


def test_a_read_only_story_offers_no_reordering(new_page, story):
    assert story.status == "published"
    page = new_page()
    log_in(page, make_user(role="Reporters"))  # Live: read-only to them.
    page.goto(f"/admin/newsroom/article/{story.pk}/change/")
    page.wait_for_load_state("load")
    assert page.locator("#slides-group .inline-related").count() == 3
    assert page.get_by_role("button", name="Move up").count() == 0
    assert page.locator("#slides-group .newsroom-handle").count() == 0


def test_a_refused_save_shows_the_order_the_editor_chose_and_the_next_move_keeps_it(
    new_page, story
):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 3000})
    log_in(page, make_user(role="Editors"))
    page.goto(f"/admin/newsroom/article/{story.pk}/change/")
    up = page.get_by_role("button", name="Move up", exact=True)
    up.nth(2).click()
    up.nth(1).click()  # Slide 3 is now first: 3, 1, 2.
    page.fill("#id_headline", "")  # Refused: a story needs its headline.
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    assert page.locator(".errornote").is_visible()
    narratives = page.locator("#slides-group textarea[name$='-narrative']")
    shown = [narratives.nth(i).input_value() for i in range(3)]
    assert shown == ["Narrative 3.", "Narrative 1.", "Narrative 2."]

    page.get_by_role("button", name="Move down", exact=True).nth(1).click()  # 3, 2, 1
    page.fill("#id_headline", "Three photos")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/newsroom/article/")
    assert public_order(page, story) == ["Narrative 3.", "Narrative 2.", "Narrative 1."]


def test_a_move_past_the_end_is_said_and_a_moved_slides_photo_search_keeps_its_number(
    new_page, story
):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 3000})
    log_in(page, make_user(role="Editors"))
    page.goto(f"/admin/newsroom/article/{story.pk}/change/")
    status = page.locator(".newsroom-order-status")
    page.get_by_role("button", name="Move up", exact=True).first.click()
    assert status.inner_text() == "Slide “test.jpg” is already first."
    # Pressed again, the words change (invisibly), or screen readers would say nothing.
    before = status.text_content()
    page.get_by_role("button", name="Move up", exact=True).first.click()
    assert status.text_content() != before
    assert status.inner_text().strip() == "Slide “test.jpg” is already first."

    search = page.locator(".select2-container--open .select2-search__field")
    page.get_by_role("combobox", name="Photo, slide 1", exact=True).click()
    assert search.get_attribute("aria-label") == "Search: Photo, slide 1"
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Move down", exact=True).first.click()
    page.get_by_role("combobox", name="Photo, slide 2", exact=True).click()
    assert search.get_attribute("aria-label") == "Search: Photo, slide 2"
