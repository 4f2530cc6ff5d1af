"""An editor copies the reviewer's preview link; a reviewer without an account opens it."""

import pytest

from newsroom.preview import signed_preview_path
from tests.browser.test_admin_reorder import log_in
from tests.factories import make_article, make_photo, make_slide, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_copy_the_reviewer_link_and_open_it_without_an_account(new_page, live_server):
    story = make_article(headline="Embargoed until noon", published=False)
    make_slide(article=story, position=1, photo=make_photo(size=(300, 200)))
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    log_in(page, make_user(role="Editors"))
    page.goto(f"/admin/newsroom/article/{story.pk}/change/")

    link = page.locator(".newsroom-share-link")
    shown = link.inner_text()
    assert shown.startswith(f"{live_server.url}/preview/")  # The whole address, not a path.
    page.get_by_role("button", name="Copy link").click()
    page.get_by_role("status").filter(has_text="Link copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == shown

    reviewer = new_page()
    reviewer.goto(shown)
    assert reviewer.locator("h1").inner_text() == "Embargoed until noon"


def test_enter_in_a_field_saves_the_story_and_keeps_the_reviewer_links(new_page):
    story = make_article(headline="Draft for review", published=False)
    make_slide(article=story, position=1, photo=make_photo(size=(300, 200)))
    given_out = signed_preview_path(story)
    page = new_page()
    log_in(page, make_user(role="Editors"))
    page.goto(f"/admin/newsroom/article/{story.pk}/change/")
    page.fill("#id_headline", "Draft for review, edited")
    page.press("#id_headline", "Enter")
    page.wait_for_url("**/admin/newsroom/article/")  # The story form's own Save.
    story.refresh_from_db()
    assert story.headline == "Draft for review, edited"
    assert page.request.get(given_out).status == 200
