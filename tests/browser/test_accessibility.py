"""axe-core finds nothing to fix on readers' pages, nor on the editors' and photo desk's pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import (
    make_annotation,
    make_article,
    make_credit,
    make_photo,
    make_quote,
    make_slide,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story():
    article = make_article(headline="Accessible story", closing_text="The end.")
    for n in range(1, 4):
        photo = make_photo(
            size=(600, 400),
            alt_text=f"Photo number {n}",
            caption=f"Caption {n}." if n == 1 else "",
            is_sensitive=n == 2,
            sensitivity_warning="Shows a wounded man." if n == 2 else "",
        )
        slide = make_slide(article=article, position=n, photo=photo)
        make_annotation(photo=photo, note=f"A detail of photo {n}", x=0.5, y=0.5)
    make_quote(slide=slide, speaker="A Speaker", speaker_role="Minister", url="https://x.test/")
    return article


def logged_in_editor(new_page, django_user_model):
    django_user_model.objects.create_superuser("desk", "desk@example.test", "a-long-passphrase")
    return logged_in(new_page, "desk")


def logged_in(new_page, username: str):
    page = new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-passphrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    return page


def assert_no_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_home_page(new_page, story):
    page = new_page()
    page.goto("/")
    assert_no_violations(page)


def test_story_page_as_slideshow_and_as_one_page(new_page, story):
    # No fade between slides: axe would measure contrast halfway through it.
    page = new_page(reduced_motion="reduce")
    page.goto(f"/stories/{story.slug}/")
    assert page.locator(".slideshow-bar").is_visible()
    assert_no_violations(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**/2/")
    assert_no_violations(page)
    page.locator(".slideshow-bar .mode").click()
    assert_no_violations(page)


def test_story_page_without_javascript(new_page, story):
    # axe needs a script to run, so check the markup a script-less browser built,
    # with its <noscript> content shown and every script left out.
    url = f"/stories/{story.slug}/"
    plain = new_page(javascript=False)
    plain.goto(url)
    html = re.sub(r"<script\b.*?</script>|</?noscript>", "", plain.content(), flags=re.S)
    page = new_page()
    page.goto(url)
    page.set_content(html)
    assert page.get_by_role("link", name="Show image").is_visible()
    assert page.locator(".slide").count() == 3
    assert_no_violations(page)


def test_slide_page(new_page, story):
    page = new_page()
    page.goto(f"/stories/{story.slug}/3/")
    assert_no_violations(page)


def test_not_found_page(new_page, story):
    page = new_page()
    page.goto("/stories/nothing-here/")
    assert_no_violations(page)


def test_what_changed_page_for_editors(new_page, story, django_user_model):
    import reversion
    from reversion.models import Version

    for headline in ("Accessible story, first take", "Accessible story, second take"):
        with reversion.create_revision():
            story.headline = headline
            story.save()
    page = logged_in_editor(new_page, django_user_model)
    version = Version.objects.get_for_object(story).first()
    page.goto(f"/admin/newsroom/article/{story.pk}/history/{version.pk}/changes/")
    assert page.locator("del").first.text_content() == "[taken out: first]"
    assert_no_violations(page)

    # The history page's two columns of choices, by keyboard to "Compare".
    page.goto(f"/admin/newsroom/article/{story.pk}/history/")
    assert_no_violations(page)
    page.get_by_role("button", name="Compare").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "everything changed in between" in page.locator("#content-main").inner_text()
    assert_no_violations(page)


def test_preview_changes_and_its_refusal_for_editors(new_page, story, django_user_model):
    page = logged_in_editor(new_page, django_user_model)
    page.goto(f"/admin/newsroom/article/{story.pk}/change/")
    page.get_by_label("Headline").fill("Accessible story, retold")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview changes").click()
    preview = opened.value
    preview.get_by_role("heading", name="Accessible story, retold").wait_for()
    assert_no_violations(preview)

    page.get_by_label("Headline").fill("")
    pages_open = len(page.context.pages)
    page.get_by_role("button", name="Preview changes").click()
    # Pressed again, it comes back in the same tab, not one tab more each time.
    refused = preview
    refused.get_by_role("heading", name="The preview cannot be shown yet").wait_for()
    assert len(page.context.pages) == pages_open
    assert "Headline: This field is required." in refused.locator("#content-main").inner_text()
    assert_no_violations(refused)


def test_slideshow_import_preview_for_editors(new_page, story, django_user_model):
    from pathlib import Path

    fixture = Path(__file__).parents[1] / "newsroom" / "fixtures" / "kursk-slideshow.txt"
    page = logged_in_editor(new_page, django_user_model)
    page.goto("/admin/newsroom/article/import/")
    page.get_by_label("Slideshow text file").set_input_files(str(fixture))
    page.get_by_role("button", name=re.compile("Preview|Upload|Check", re.I)).click()
    page.get_by_role("heading", name="Slide 9").wait_for()
    # The help a screen reader is pointed to must exist.
    described_by = page.get_by_label("Slug").get_attribute("aria-describedby")
    assert "as in /stories/this-part/" in page.locator(f"#{described_by}").inner_text()
    assert_no_violations(page)


def test_editors_forms_for_a_story_its_slides_and_photos(new_page, story, django_user_model):
    from gallery.models import Redaction
    from newsroom.models import ChangeRequest, Correction

    Correction.objects.create(article=story, text="The caption named the wrong town.")
    ChangeRequest.objects.create(article=story, text="Photo 2: the warning is too vague.")
    slide = story.slides.first()
    Redaction.objects.create(photo=slide.photo, x=5, y=5, width=40, height=40, method="blur")
    make_credit(kind="agency", platform="", account="", creator="Jane Doe")  # No platform.
    page = logged_in_editor(new_page, django_user_model)
    for url in (
        f"/admin/newsroom/article/{story.pk}/change/",
        f"/admin/newsroom/slide/{slide.pk}/change/",
        f"/admin/gallery/photo/{slide.photo_id}/change/",
        "/admin/gallery/photo/",
        "/admin/gallery/photo/upload/",
        "/admin/gallery/photo/add/",
        "/admin/gallery/credit/",
    ):
        page.goto(url)
        assert_no_violations(page)
    page.goto("/admin/gallery/photo/")
    # The action bar's credit box shows with its action only, named by its label alone.
    credit_box = page.get_by_role("combobox", name="Credit to give", exact=True)
    assert not credit_box.is_visible()
    assert not page.get_by_label("Yes, old image links stop working").is_visible()
    page.select_option('select[name="action"]', "give_credit")
    assert credit_box.is_visible()
    assert not page.get_by_label("Yes, old image links stop working").is_visible()
    # Opened, its list and search box too.
    page.get_by_role("combobox", name="Credit to give", exact=True).click()
    page.locator(".select2-results__option--highlighted").first.wait_for()
    assert page.locator(".select2-search__field").get_attribute("aria-label") == (
        "Search: Credit to give"
    )
    assert_no_violations(page)
    page.keyboard.press("Enter")  # The highlighted credit: the list still works.
    expect(page.locator('select[name="credit"]')).not_to_have_value("")
    # On a change form too, where the admin's own styles load after ours.
    page.goto(f"/admin/gallery/photo/{slide.photo_id}/change/")
    page.get_by_role("combobox", name="Credit", exact=True).click()
    highlighted = page.locator(".select2-results__option--highlighted").first
    highlighted.wait_for()
    assert highlighted.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(65, 118, 144)"


def test_a_live_story_as_a_reporter_sees_it_with_the_change_request_box(
    new_page, story, django_user_model
):
    from django.contrib.auth.models import Group

    from newsroom.models import ChangeRequest

    reporter = django_user_model.objects.create_user("rep", password="a-long-passphrase")
    reporter.is_staff = True
    reporter.save()
    reporter.groups.add(Group.objects.get(name="Reporters"))
    ChangeRequest.objects.create(
        article=story, text="The byline is misspelt.", requested_by=reporter
    )
    page = logged_in(new_page, "rep")
    page.goto(f"/admin/newsroom/article/{story.pk}/change/")
    page.get_by_label("Ask the editors for a change").fill("Photo 3: wrong town.")
    assert_no_violations(page)
    # A page their role may not open says so in words.
    page.goto("/admin/newsroom/article/recover/")
    assert page.get_by_role("heading", name="Your account may not open this page").is_visible()
    assert_no_violations(page)


def test_the_admin_home_and_the_story_list(new_page, story, django_user_model):
    from newsroom.models import ChangeRequest

    ChangeRequest.objects.create(article=story, text="Photo 2: wrong town.")
    page = logged_in_editor(new_page, django_user_model)
    assert page.get_by_role("link", name="1 story has open change requests").is_visible()
    assert_no_violations(page)
    page.goto("/admin/newsroom/article/")
    assert_no_violations(page)


def test_the_log_in_page(new_page):
    page = new_page()
    page.goto("/admin/login/")
    assert_no_violations(page)


def test_reader_pages_in_dark_mode(new_page, story):
    # A phone set to dark at night: the page follows it, and keeps its contrast.
    page = new_page(color_scheme="dark", reduced_motion="reduce")
    for url in ("/", f"/stories/{story.slug}/", f"/stories/{story.slug}/2/"):
        page.goto(url)
        background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        red, green, blue = map(int, re.findall(r"\d+", background)[:3])
        assert max(red, green, blue) < 60, f"{url} is not dark: {background}"
        assert_no_violations(page)
    page.goto(f"/stories/{story.slug}/")
    page.locator(".slideshow-bar .mode").click()  # One page: every slide, the notes, the warning.
    page.goto(f"/stories/{story.slug}/#note-1-1")  # A note a link points to is highlighted.
    assert_no_violations(page)
    # Paper is white whatever the screen's setting: a highlighted note, placeholders.
    page.emulate_media(media="print")
    colours = page.evaluate(
        "() => { const root = getComputedStyle(document.documentElement);"
        " return [root.backgroundColor, root.getPropertyValue('--highlight').trim(),"
        " root.getPropertyValue('--surface').trim()]; }"
    )
    assert colours == ["rgb(255, 255, 255)", "#fff3cc", "#eee"]


def test_a_row_added_from_the_keyboard_takes_the_focus(new_page, story, django_user_model):
    page = logged_in_editor(new_page, django_user_model)
    photo_id = story.slides.first().photo_id
    page.goto(f"/admin/gallery/photo/{photo_id}/change/")
    for group in ("redactions", "annotations"):
        before = page.locator(f"#{group}-group .dynamic-{group}").count()
        page.locator(f"#{group}-group .add-row a").focus()
        page.keyboard.press("Enter")
        new_row = page.locator(f"#{group}-group .dynamic-{group}").nth(before)
        assert new_row.evaluate("row => row.contains(document.activeElement)"), group
