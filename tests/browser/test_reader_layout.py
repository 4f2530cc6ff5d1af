"""What a reader sees of the page's layout: no sideways scrolling, the corrections within reach."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from newsroom.models import Correction
from tests.browser.test_accessibility import assert_no_violations
from tests.factories import make_annotation, make_article, make_photo, make_quote, make_slide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLIDES = 4
CORRECTED = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)

# WCAG 1.4.10 (reflow): a 390 px phone with text at 200%, and the same phone zoomed
# to 200%, which leaves a page 195 CSS pixels wide.
PHONE_BIG_TEXT = pytest.param({"width": 390, "height": 844}, "200%", id="390px-text-200%")
PHONE_ZOOMED = pytest.param({"width": 195, "height": 422}, "100%", id="195px")


@pytest.fixture
def story():
    article = make_article(
        headline="See the images of the soldiers captured in the region",
        byline="By the photo desk",
        closing_text="Closing words.",
    )
    for n in range(1, SLIDES + 1):
        photo = make_photo(
            size=(600, 400),
            alt_text=f"Photo number {n}",
            caption=f"Caption of photo {n}.",
            is_sensitive=n == 3,
            sensitivity_warning="Shows a wounded man." if n == 3 else "",
        )
        slide = make_slide(article=article, position=n, photo=photo, narrative=f"Narrative {n}.")
        make_annotation(photo=photo, note=f"A detail of photo {n}", x=0.5, y=0.5)
        make_quote(
            slide=slide,
            speaker="Volodymyr Zelensky",
            speaker_role="President of Ukraine",
            url="https://x.test/post",
        )
    Correction.objects.create(
        article=article, text="An earlier version misspelt a name.", published_at=CORRECTED
    )
    return article


def sideways_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window; 0 when nothing scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def visible_narrative(page) -> list[str]:
    return [p.inner_text() for p in page.locator(".narrative p").all() if p.is_visible()]


@pytest.mark.parametrize(("viewport", "text_size"), [PHONE_BIG_TEXT, PHONE_ZOOMED])
@pytest.mark.parametrize(
    "where", ["home", "slideshow", "slideshow end", "one page", "photo page", "not found"]
)
def test_no_reader_page_scrolls_sideways_on_a_phone_with_big_text(
    new_page, story, where, viewport, text_size
):
    page = new_page()
    page.set_viewport_size(viewport)
    url = {"home": "/", "photo page": f"/stories/{story.slug}/2/", "not found": "/no-such-page/"}
    page.goto(url.get(where, f"/stories/{story.slug}/"))
    # What a reader's larger default font does: every rem grows with it.
    page.evaluate("size => { document.documentElement.style.fontSize = size; }", text_size)
    if where == "slideshow end":
        for _ in range(SLIDES - 1):
            page.keyboard.press("ArrowRight")
        page.wait_for_url(re.compile(rf"/{SLIDES}/$"))
        assert page.get_by_text("Closing words.").is_visible()
    if where == "one page":
        page.locator(".mode").click()
        assert page.get_by_text(f"Narrative {SLIDES}.").is_visible()
    assert sideways_overflow(page) <= 0


@pytest.mark.parametrize(
    ("viewport", "text_size"),
    [PHONE_BIG_TEXT, pytest.param({"width": 320, "height": 640}, "130%", id="320px-text-130%")],
)
@pytest.mark.parametrize("script", [True, False], ids=["script", "no script"])
def test_a_sensitive_photos_warning_and_button_grow_with_big_text(
    new_page, story, viewport, text_size, script
):
    page = new_page(javascript=script)
    page.set_viewport_size(viewport)
    page.goto(f"/stories/{story.slug}/3/")
    page.evaluate("size => { document.documentElement.style.fontSize = size; }", text_size)
    boxes = page.evaluate(
        """() => {
            const box = document.querySelector('.sensitive');
            const button = [...box.querySelectorAll('.reveal')].find(b => b.offsetParent);
            const outer = box.getBoundingClientRect(), inner = button.getBoundingClientRect();
            const label = document.createRange();
            label.selectNodeContents(button);
            const words = label.getBoundingClientRect();
            return {
                spills: button.scrollHeight - button.clientHeight,
                below: Math.max(inner.bottom, words.bottom) - outer.bottom,
                words: [words.top - inner.top, inner.bottom - words.bottom],
            };
        }"""
    )
    assert boxes["spills"] <= 0  # The label inside its button...
    assert min(boxes["words"]) >= 0
    assert boxes["below"] <= 0  # ...and the button inside the warning's box.
    assert sideways_overflow(page) <= 0


@pytest.mark.parametrize("mode", ["slideshow", "one page", "no script"])
def test_the_correction_notice_at_the_top_leads_to_the_corrections(new_page, story, mode):
    # No fade between photos: axe would measure contrast halfway through it.
    page = new_page(javascript=mode != "no script", reduced_motion="reduce")
    page.goto(f"/stories/{story.slug}/")
    corrections = page.get_by_role("region", name="Corrections and updates")
    if mode == "slideshow":
        # A reader who stops at photo 3 still learns the story was corrected.
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.wait_for_url(re.compile(r"/3/$"))
        assert not corrections.is_visible()
    if mode == "one page":
        page.locator(".mode").click()
    notice = page.locator(".story-header").get_by_role("link", name="Corrected 27 November 2026")
    assert notice.is_visible()
    notice.click()
    expect(corrections).to_be_in_viewport()
    assert corrections.get_by_text("An earlier version misspelt a name.").is_visible()
    if mode != "no script":  # axe runs as a script.
        assert_no_violations(page)
    if mode == "slideshow":
        # The reader is still at photo 3, and the story's end is not given away.
        assert visible_narrative(page) == ["Narrative 3."]
        assert not page.get_by_text("Closing words.").is_visible()


def test_a_long_unbroken_word_wraps_instead_of_widening_the_page(new_page):
    word = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt"
    article = make_article(headline=f"The {word} answers", standfirst=f"Standfirst {word}.")
    photo = make_photo(size=(600, 400), caption="A" * 80)
    slide = make_slide(article=article, position=1, photo=photo, narrative=f"See {word}.")
    make_quote(slide=slide, text=f"https://example.test/{'a' * 120}", speaker="A reader")
    make_slide(article=article, position=2, photo=make_photo(size=(600, 400)))
    page = new_page()
    for url in ("/", article.get_absolute_url(), f"{article.get_absolute_url()}1/"):
        page.goto(url)
        assert sideways_overflow(page) == 0, url
        # The phone's layout stays at the phone's width, not zoomed out to fit.
        assert (
            page.evaluate("document.documentElement.clientWidth") == page.viewport_size["width"]
        ), url


def test_right_to_left_words_read_right_to_left_in_an_english_page(new_page):
    article = make_article(headline="رأي: الجنود الأسرى", standfirst="ملخص القصة باللغة العربية.")
    slide = make_slide(
        article=article, position=1, photo=make_photo(size=(600, 400)), narrative="نص."
    )
    make_quote(slide=slide, text="لن نستسلم أبدا مهما حدث", speaker="أحمد")
    page = new_page()
    page.goto(article.get_absolute_url())
    for selector in ("h1", ".standfirst", ".narrative p"):
        assert page.locator(selector).evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.locator(".meta").evaluate("e => getComputedStyle(e).direction") == "ltr"
    # The quote's bar stands where its lines begin: on the right.
    quote = page.locator(".quote")
    assert quote.evaluate("e => getComputedStyle(e).borderRightWidth") == "4px"
    assert quote.evaluate("e => getComputedStyle(e).borderLeftWidth") == "0px"


def test_a_tall_photo_leaves_its_credit_on_the_screen_and_its_markers_in_place(new_page):
    article = make_article()
    tall = make_photo(size=(600, 900))
    make_annotation(photo=tall, note="A badge", x=0.5, y=0.5, width=0.1, height=0.1)
    make_slide(article=article, position=1, photo=tall)
    make_slide(article=article, position=2, photo=make_photo(size=(600, 400)))
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    for url in (article.get_absolute_url(), f"{article.get_absolute_url()}1/"):
        page.goto(url)
        image = page.locator(".slide-photo img").first.bounding_box()
        assert image["height"] <= 0.85 * 800 + 1, url
        assert image["width"] == pytest.approx(image["height"] * 600 / 900, abs=2), url
        frame = page.locator(".frame").first.bounding_box()
        assert (frame["width"], frame["height"]) == pytest.approx(
            (image["width"], image["height"]), abs=2
        ), url
        marker = page.get_by_role("link", name="Note 1: A badge").bounding_box()
        assert marker["x"] == pytest.approx(frame["x"] + 0.5 * frame["width"], abs=2), url


def test_a_tall_photo_is_fetched_no_larger_than_it_is_drawn(new_page):
    # 1200x1600, drawn 510 px wide at 1280x800: the 800 px file is enough, where
    # the column's width alone (928 px) would fetch the 1200 px one.
    article = make_article()
    make_slide(article=article, position=1, photo=make_photo(size=(1200, 1600)))
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    for url in (article.get_absolute_url(), f"{article.get_absolute_url()}1/"):
        page.goto(url)
        image = page.locator(".slide-photo img").first
        expect(image).to_have_js_property("complete", True)
        assert image.bounding_box()["width"] == pytest.approx(0.85 * 800 * 1200 / 1600, abs=2)
        assert re.search(r"/avif-800\.", image.evaluate("img => img.currentSrc")), url


@pytest.mark.parametrize("width", [390, 320])
def test_a_note_at_the_photos_corner_keeps_its_marker_inside_the_photo(new_page, width):
    article = make_article()
    photo = make_photo(size=(600, 400))
    make_annotation(photo=photo, note="A corner", x=0.985, y=0.97, width=0.015, height=0.03)
    make_slide(article=article, position=1, photo=photo)
    page = new_page()
    page.set_viewport_size({"width": width, "height": 700})
    for url in (article.get_absolute_url(), f"{article.get_absolute_url()}1/"):
        page.goto(url)
        frame = page.locator(".frame").first.bounding_box()
        marker = page.get_by_role("link", name="Note 1: A corner").bounding_box()
        assert marker["x"] + marker["width"] <= frame["x"] + frame["width"] + 0.5, url
        assert marker["y"] + marker["height"] <= frame["y"] + frame["height"] + 0.5, url
        assert sideways_overflow(page) <= 0, url


def test_one_page_chosen_by_keyboard_keeps_the_focus_in_sight(new_page, story):
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/stories/{story.slug}/")
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"/3/$"))
    page.get_by_role("button", name="View as one page").focus()
    page.keyboard.press("Enter")
    focused = page.locator(":focus")
    expect(focused).to_have_text(re.compile("Photo 3 of 4"))
    expect(focused).to_be_in_viewport()


def test_small_links_are_big_enough_to_tap(new_page, story):
    page = new_page()  # A phone.
    page.goto(f"/stories/{story.slug}/")
    page.get_by_role("button", name="View as one page").click()
    for link in (page.locator(".slide-link a").first, page.locator(".site-footer a").first):
        assert link.bounding_box()["height"] >= 24  # WCAG 2.5.8, without its exceptions.


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("x", [0.3, 0.8])
def test_two_notes_on_one_spot_show_both_their_numbers(new_page, x, width):
    # A name and a unit on one ID card: the second number sits beside the first.
    article = make_article()
    photo = make_photo(size=(600, 400))
    make_annotation(photo=photo, note="A name", x=x, y=0.4, width=0.1, height=0.1, position=1)
    make_annotation(
        photo=photo, note="A unit", x=x + 0.01, y=0.41, width=0.1, height=0.1, position=2
    )
    make_slide(article=article, position=1, photo=photo)
    page = new_page()
    page.set_viewport_size({"width": width, "height": 700})
    for url in (article.get_absolute_url(), f"{article.get_absolute_url()}1/"):
        page.goto(url)
        frame = page.locator(".frame").first.bounding_box()
        first, second = (
            page.get_by_role("link", name=f"Note {n}: ").locator("span").bounding_box()
            for n in (1, 2)
        )
        apart = (
            first["x"] + first["width"] <= second["x"]
            or second["x"] + second["width"] <= first["x"]
        )
        assert apart, (url, first, second)
        for label in (first, second):
            assert (
                frame["x"] <= label["x"]
                and label["x"] + label["width"] <= frame["x"] + frame["width"]
            )
        # Nor is a number hidden under the next note's box.
        for n, label in ((1, first), (2, second)):
            shown = page.evaluate(
                "([x, y]) => document.elementFromPoint(x, y).closest('.marker').ariaLabel",
                [label["x"] + label["width"] / 2, label["y"] + label["height"] / 2],
            )
            assert shown.startswith(f"Note {n}:"), (url, shown)
        assert sideways_overflow(page) <= 0, url
    # By keyboard, the focused note's number stands out from the other's.
    page.get_by_role("link", name="Note 2: ").focus()
    backgrounds = [
        page.get_by_role("link", name=f"Note {n}: ")
        .locator("span")
        .evaluate("span => getComputedStyle(span).backgroundColor")
        for n in (1, 2)
    ]
    assert backgrounds[0] != backgrounds[1]


def test_a_quote_in_arabic_has_its_attribution_read_right_to_left(new_page):
    from tests.factories import make_quote

    article = make_article(language="ar")
    slide = make_slide(article=article, position=1, photo=make_photo(size=(600, 400)))
    make_quote(
        slide=slide, text="لن نترك أحدا", speaker="فولوديمير زيلينسكي", speaker_role="الرئيس"
    )
    make_quote(slide=slide, text="We will bring them home.", speaker="A Minister")
    page = new_page()
    page.goto(article.get_absolute_url())
    directions = page.eval_on_selector_all(
        ".quote figcaption", "captions => captions.map(c => getComputedStyle(c).direction)"
    )
    assert directions == ["rtl", "ltr"]
