"""An editor who leaves a story form with unsaved edits is asked first; a form on its way
is not sent twice."""

import pytest

from newsroom.models import Article
from tests.browser.test_admin_reorder import log_in
from tests.factories import make_article, make_photo, make_slide, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story():
    article = make_article(headline="Two photos", published=False)
    for n in (1, 2):
        make_slide(article=article, position=n, photo=make_photo(size=(300, 200)))
    return article


def leave(page, url: str) -> list[str]:
    """Follow a link away from the form; the kinds of dialog the browser showed."""
    shown = []

    def answer(dialog):
        shown.append(dialog.type)
        dialog.dismiss()  # "Stay on page".

    page.on("dialog", answer)
    page.evaluate(
        "url => { const a = document.createElement('a'); a.href = url; "
        "document.body.append(a); a.click(); }",
        url,
    )
    page.wait_for_timeout(500)
    page.remove_listener("dialog", answer)
    return shown


def test_leaving_with_an_unsaved_edit_asks_and_can_stay(new_page, story):
    page = new_page()
    log_in(page, make_user(role="Editors"))
    change = f"/admin/newsroom/article/{story.pk}/change/"
    page.goto(change)
    page.wait_for_load_state("load")
    assert leave(page, "/admin/") == []  # Nothing edited: no question.
    assert page.url.endswith("/admin/")

    page.goto(change)
    page.wait_for_load_state("load")
    page.click("#id_headline")
    page.keyboard.type(" and a third")
    assert leave(page, "/admin/") == ["beforeunload"]
    assert page.url.endswith(change)  # Stayed, edit intact.
    assert page.input_value("#id_headline") == "Two photos and a third"

    page.click("input[name=_continue]")  # Saving is not leaving.
    page.wait_for_load_state("load")
    assert Article.objects.get(pk=story.pk).headline == "Two photos and a third"
    assert leave(page, "/admin/") == []


def test_reordering_slides_counts_as_an_edit(new_page, story):
    page = new_page()
    log_in(page, make_user(role="Editors"))
    page.goto(f"/admin/newsroom/article/{story.pk}/change/")
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Move down", exact=True).first.click()
    assert leave(page, "/admin/") == ["beforeunload"]


def test_a_form_sent_back_with_errors_holds_unsaved_edits(new_page, story):
    page = new_page()
    log_in(page, make_user(role="Editors"))
    page.goto(f"/admin/newsroom/article/{story.pk}/change/")
    page.fill("#id_headline", "")
    page.fill("#id_standfirst", "A new standfirst nobody has saved.")
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    assert page.locator(".errornote").count() == 1
    assert leave(page, "/admin/") == ["beforeunload"]


def test_words_typed_for_the_editors_and_not_sent_ask_too(new_page):
    from newsroom.models import ChangeRequest

    live = make_article(headline="Out already")
    page = new_page()
    log_in(page, make_user(role="Reporters"))
    change = f"/admin/newsroom/article/{live.pk}/change/"
    page.goto(change)
    page.wait_for_load_state("load")
    assert leave(page, "/admin/") == []  # Nothing typed: gone without a question.
    page.goto(change)
    page.wait_for_load_state("load")
    page.get_by_label("Ask the editors for a change").fill("Photo 1: wrong town.")
    assert leave(page, "/admin/") == ["beforeunload"]
    page.get_by_role("button", name="Send to the editors").click()  # Sending is not leaving.
    page.wait_for_load_state("load")
    assert ChangeRequest.objects.get().text == "Photo 1: wrong town."
    assert leave(page, "/admin/") == []


def test_preview_changes_opens_the_edits_in_a_new_tab_and_keeps_them_unsaved(new_page, story):
    page = new_page()
    log_in(page, make_user(role="Editors"))
    change = f"/admin/newsroom/article/{story.pk}/change/"
    page.goto(change)
    page.wait_for_load_state("load")
    page.fill("#id_headline", "Two photos, retold")

    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview changes").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == "Two photos, retold"
    assert "Preview of unsaved changes." in preview.get_by_role("status").first.inner_text()

    assert Article.objects.get(pk=story.pk).headline == "Two photos"
    assert page.url.endswith(change)
    assert page.input_value("#id_headline") == "Two photos, retold"
    assert leave(page, "/admin/") == ["beforeunload"]  # Previewing is not saving.


def test_a_second_press_of_save_does_not_send_the_form_twice(new_page, monkeypatch):
    import time

    from gallery.admin.credits import CreditAdmin
    from gallery.models import Credit

    save_model = CreditAdmin.save_model

    def slow_save_model(self, *args, **kwargs):
        time.sleep(1)  # A slow line: the editor presses again before the answer.
        return save_model(self, *args, **kwargs)

    monkeypatch.setattr(CreditAdmin, "save_model", slow_save_model)
    page = new_page()
    log_in(page, make_user(superuser=True))
    posts = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    page.goto("/admin/gallery/credit/add/")
    page.wait_for_load_state("load")
    page.fill("#id_platform", "Telegram")
    page.fill("#id_account", "@pressed_twice")
    # The second press 300 ms after the first, while its answer is still to come.
    page.evaluate(
        """() => {
            const save = document.querySelector('input[name=_save]');
            setTimeout(() => save.click());
            setTimeout(() => save.click(), 300);
        }"""
    )
    page.wait_for_timeout(3000)  # Both posts would have been answered by now.
    assert len(posts) == 1
    assert Credit.objects.filter(account="@pressed_twice").count() == 1
    assert page.url.endswith("/admin/gallery/credit/")  # Saved, and on to the list.


@pytest.mark.parametrize(("waited", "sent"), [(10, False), (31, True)])
def test_a_save_that_never_arrived_can_be_sent_again_after_half_a_minute(new_page, waited, sent):
    from gallery.models import Credit

    page = new_page()
    page.clock.install()
    log_in(page, make_user(superuser=True))
    page.goto("/admin/gallery/credit/add/")
    page.wait_for_load_state("load")
    page.fill("#id_platform", "Telegram")
    page.fill("#id_account", "@stopped_once")
    stopped = []

    def first_post_stopped(route):
        # As Esc, the browser's Stop or a dropped line leave it: nothing says so.
        if route.request.method == "POST" and not stopped:
            stopped.append(route.request.url)
            route.abort("aborted")
        else:
            route.continue_()

    page.route("**/admin/gallery/credit/add/", first_post_stopped)
    page.click("input[name=_save]", no_wait_after=True)
    page.wait_for_timeout(500)
    assert stopped and page.url.endswith("/add/")
    page.clock.fast_forward(waited * 1000)
    page.click("input[name=_save]", no_wait_after=True)
    page.wait_for_timeout(1500)
    # Within half a minute the first may still be on its way: not sent twice.
    assert Credit.objects.filter(account="@stopped_once").exists() is sent
    assert page.url.endswith("/admin/gallery/credit/") is sent
