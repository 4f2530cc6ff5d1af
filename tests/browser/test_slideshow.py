"""The slideshow as readers use it: keys, buttons, history, no script, sensitive photos."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_annotation, make_article, make_photo, make_slide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLIDES = 4
SENSITIVE = 3  # Which slide holds the sensitive photo.


@pytest.fixture
def story():
    article = make_article(headline="Four photos", closing_text="Closing words.")
    for n in range(1, SLIDES + 1):
        photo = make_photo(
            size=(600, 400),
            alt_text=f"Photo number {n}",
            is_sensitive=n == SENSITIVE,
            sensitivity_warning="Shows a wounded man." if n == SENSITIVE else "",
        )
        make_slide(article=article, position=n, photo=photo, narrative=f"Narrative {n}.")
    return article


# One finger on the element `selector` names, from x=`from` to x=`to`.
SWIPE = """([selector, from, to]) => {
    const target = document.querySelector(selector);
    const touch = (x) => new Touch({identifier: 1, target, clientX: x, clientY: 300});
    target.dispatchEvent(new TouchEvent("touchstart", {bubbles: true, touches: [touch(from)]}));
    target.dispatchEvent(new TouchEvent("touchend", {bubbles: true, changedTouches: [touch(to)]}));
}"""


def photo_dir(article, n: int) -> str:
    return f"/media/renditions/{article.slides.all()[n - 1].photo_id}/"


def visible_narrative(page) -> list[str]:
    return [p.inner_text() for p in page.locator(".narrative p").all() if p.is_visible()]


def test_buttons_and_arrow_keys_move_slides_and_change_the_url(new_page, live_server, story):
    page = new_page()
    page.goto(f"/stories/{story.slug}/")
    assert visible_narrative(page) == ["Narrative 1."]
    assert page.locator(".counter").text_content() == "Photo 1 / 4"
    page.get_by_role("button", name="Next photo").click()
    page.wait_for_url(re.compile(rf"/stories/{story.slug}/2/$"))
    assert visible_narrative(page) == ["Narrative 2."]
    assert page.title() == "Four photos: photo 2 of 4"
    assert page.locator("[data-live]").inner_text() == "Photo 2 of 4"
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(rf"/stories/{story.slug}/3/$"))
    assert visible_narrative(page) == ["Narrative 3."]
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(rf"/stories/{story.slug}/2/$"))
    page.get_by_role("button", name="Previous photo").click()
    page.wait_for_url(re.compile(rf"/stories/{story.slug}/$"))
    assert page.get_by_role("button", name="Previous photo").is_disabled()
    # The closing text only comes with the last slide.
    assert not page.get_by_text("Closing words.").is_visible()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(rf"/stories/{story.slug}/4/$"))
    assert page.get_by_text("Closing words.").is_visible()


def test_enter_on_next_pages_through_and_stays_at_the_end(new_page, story):
    page = new_page()
    page.goto(f"/stories/{story.slug}/")
    page.get_by_role("button", name="Next photo").focus()
    for _ in range(6):  # Four photos: two presses too many.
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/stories/{story.slug}/4/$"))
    assert page.locator(".counter .current").inner_text() == "4"
    assert page.evaluate("document.activeElement.className") == "next"
    assert page.get_by_role("button", name="Next photo").is_disabled()


def test_back_and_forward_follow_the_slides(new_page, story):
    page = new_page()
    page.goto(f"/stories/{story.slug}/")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"/3/$"))
    page.go_back()
    page.wait_for_url(re.compile(r"/2/$"))
    assert visible_narrative(page) == ["Narrative 2."]
    assert page.locator(".counter .current").inner_text() == "2"
    # Focus goes to the photo's heading, which shows while it has it.
    focused = page.locator(":focus")
    assert focused.inner_text() == "Photo 2 of 4"
    assert focused.bounding_box()["width"] > 50  # Not the one-pixel visually hidden box.
    page.go_forward()
    page.wait_for_url(re.compile(r"/3/$"))
    assert visible_narrative(page) == ["Narrative 3."]


def test_a_slide_url_opened_directly_shows_that_slide(new_page, story):
    page = new_page()
    page.goto(f"/stories/{story.slug}/2/")
    assert page.get_by_role("heading", level=1).inner_text() == "Photo 2 of 4"
    assert visible_narrative(page) == ["Narrative 2."]
    assert page.get_by_alt_text("Photo number 2").is_visible()
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"/3/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Photo 3 of 4"


def test_without_javascript_every_slide_and_credit_is_readable(new_page, story):
    page = new_page(javascript=False)
    page.goto(f"/stories/{story.slug}/")
    assert visible_narrative(page) == [f"Narrative {n}." for n in range(1, SLIDES + 1)]
    credits = page.locator(".credit")
    assert credits.count() == SLIDES
    assert all(
        c.is_visible() and c.inner_text().startswith("Photo Credit: ") for c in credits.all()
    )
    assert page.get_by_text("Closing words.").is_visible()
    assert not page.locator(".slideshow-bar").is_visible()
    # The sensitive photo offers a link to the revealed slide instead of a button.
    page.get_by_role("link", name="Show image").click()
    page.wait_for_url(re.compile(r"/3/\?show=1$"))
    assert page.get_by_alt_text("Photo number 3").is_visible()


def test_sensitive_photo_is_fetched_only_when_asked(new_page, story):
    make_annotation(photo=story.slides.all()[SENSITIVE - 1].photo, note="A detail of photo 3")
    page = new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"/stories/{story.slug}/")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"/3/$"))
    warning = page.get_by_text("Shows a wounded man.")
    assert warning.is_visible()
    assert not page.get_by_text("A detail of photo 3").is_visible()
    page.wait_for_load_state("networkidle")
    hidden_dir = photo_dir(story, SENSITIVE)
    assert not [url for url in requested if hidden_dir in url]
    # The next photo is preloaded, never the one after it.
    assert [url for url in requested if photo_dir(story, 4) in url]
    with page.expect_response(lambda response: hidden_dir in response.url):
        page.get_by_role("button", name="Show image").click()
    image = page.get_by_alt_text("Photo number 3")
    assert image.is_visible()
    assert page.evaluate("document.activeElement.alt") == "Photo number 3"
    assert page.get_by_text("A detail of photo 3").is_visible()  # Its notes came with it.


def test_only_the_next_photo_is_preloaded(new_page, story):
    page = new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"/stories/{story.slug}/")
    page.wait_for_load_state("networkidle")
    assert [url for url in requested if photo_dir(story, 1) in url]
    assert [url for url in requested if photo_dir(story, 2) in url]
    assert not [url for url in requested if photo_dir(story, 4) in url]


def test_the_next_photo_waits_until_the_photo_in_view_has_come(new_page, story):
    # On a slow phone line both at once would share it: the first photo came 4 s later.
    page = new_page()
    held, requested = [], []
    page.route(f"**{photo_dir(story, 1)}**", lambda route: held.append(route))
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"/stories/{story.slug}/", wait_until="domcontentloaded")
    page.wait_for_timeout(1000)
    assert held  # The photo in view is on its way…
    assert not [url for url in requested if photo_dir(story, 2) in url]  # …on its own.
    with page.expect_request(lambda request: photo_dir(story, 2) in request.url):
        for route in held:
            route.continue_()


def test_view_as_one_page_switches_back_to_the_narrative(new_page, story):
    page = new_page(reduced_motion="reduce")
    page.goto(f"/stories/{story.slug}/")
    switch = page.locator(".slideshow-bar .mode")
    assert switch.inner_text() == "View as one page"
    switch.click()
    assert visible_narrative(page) == [f"Narrative {n}." for n in range(1, SLIDES + 1)]
    # Its name says what it does next; a pressed state as well would contradict it.
    assert switch.inner_text() == "View as slideshow"
    assert switch.get_attribute("aria-pressed") is None
    assert not page.get_by_role("button", name="Next photo").is_visible()
    page.get_by_role("button", name="View as slideshow").click()
    assert visible_narrative(page) == ["Narrative 1."]


def test_printing_the_slideshow_prints_the_whole_narrative_with_credits(new_page, story):
    page = new_page()
    page.goto(f"/stories/{story.slug}/")
    page.keyboard.press("ArrowRight")
    page.emulate_media(media="print")
    assert visible_narrative(page) == [f"Narrative {n}." for n in range(1, SLIDES + 1)]
    assert page.get_by_text("Closing words.").is_visible()
    assert all(credit.is_visible() for credit in page.locator(".credit").all())
    assert not page.locator(".slideshow-bar").is_visible()


def test_swiping_left_shows_the_next_photo(new_page, story):
    page = new_page(has_touch=True)
    page.goto(f"/stories/{story.slug}/")
    page.evaluate(SWIPE, [".slide.current", 300, 100])
    page.wait_for_url(re.compile(r"/2/$"))
    page.evaluate(SWIPE, [".slide.current", 100, 300])
    page.wait_for_url(re.compile(rf"/stories/{story.slug}/$"))


def test_a_reload_mid_story_on_a_phone_still_swipes_and_goes_on_from_that_photo(new_page, story):
    page = new_page(has_touch=True)
    page.goto(f"/stories/{story.slug}/")
    page.get_by_role("button", name="Next photo").click()
    page.wait_for_url(re.compile(r"/2/$"))
    page.reload()  # Pull to refresh: the photo's own page.
    assert page.get_by_role("heading", level=1).inner_text() == "Photo 2 of 4"
    with page.expect_navigation():
        page.evaluate(SWIPE, [".single-slide img", 100, 300])  # To the right: back a photo.
    assert page.get_by_role("heading", level=1).inner_text() == "Photo 1 of 4"
    with page.expect_navigation():
        page.evaluate(SWIPE, [".single-slide img", 300, 100])
    assert page.get_by_role("heading", level=1).inner_text() == "Photo 2 of 4"
    page.get_by_role("link", name="Whole story").click()
    page.wait_for_load_state()
    assert visible_narrative(page) == ["Narrative 2."]  # The slideshow, at that photo.


def test_annotation_markers_are_reachable_by_keyboard(new_page, story):
    from tests.factories import make_annotation

    photo = story.slides.all()[0].photo
    make_annotation(photo=photo, note="Russian military ID", x=0.6, y=0.4, position=1)
    page = new_page()
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(f"/stories/{story.slug}/")
    # The marker stylesheet and the scripted-page flag run under the CSP by their hashes.
    assert page.evaluate("document.documentElement.classList.contains('js')")
    assert page.evaluate("window.cspViolations") == []
    marker = page.get_by_role("link", name="Note 1: Russian military ID")
    box, frame = marker.bounding_box(), page.locator(".frame").first.bounding_box()
    assert box["x"] == pytest.approx(frame["x"] + 0.6 * frame["width"], abs=2)
    assert box["y"] == pytest.approx(frame["y"] + 0.4 * frame["height"], abs=2)
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('marker')"):
            break
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Note 1: Russian military ID"
    )
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#note-1-1$"))
    assert page.locator("#note-1-1").inner_text() == "Russian military ID"


@pytest.mark.parametrize("script", ["ready", "still loading"])
def test_back_after_reloading_a_photo_address_shows_the_photo_it_names(new_page, story, script):
    page = new_page()
    page.goto(f"/stories/{story.slug}/")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"/3/$"))
    page.reload()  # Now the single-photo page, under addresses the slideshow pushed.
    assert page.get_by_role("heading", level=1).inner_text() == "Photo 3 of 4"
    held = []
    if script == "still loading":
        # A slow phone: the reader presses Back again before the photo page's
        # script has run. Chrome takes that Back within the photo page.
        page.route("**/story.js", lambda route: held.append(route))
    page.go_back(wait_until="commit")
    page.wait_for_url(re.compile(r"/2/$"))
    page.get_by_role("heading", level=1, name="Photo 2 of 4").wait_for()
    assert visible_narrative(page) == ["Narrative 2."]
    page.go_back(wait_until="commit")
    page.wait_for_url(re.compile(rf"/stories/{story.slug}/$"), wait_until="commit")
    for route in held:
        route.continue_()
    page.locator(".slideshow-bar").wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == "Four photos"
    assert visible_narrative(page) == ["Narrative 1."]


def test_pinching_or_panning_a_zoomed_photo_keeps_the_photo(new_page, story):
    page = new_page(has_touch=True, is_mobile=True)
    page.goto(f"/stories/{story.slug}/")
    swipe = """(fingers) => {
        // Every finger lands at x=300 and lifts at x=100: for one finger, a swipe.
        const target = document.querySelector(".slide.current");
        const at = (id, x) => new Touch({identifier: id, target, clientX: x, clientY: 300});
        const send = (type, id, x, touching) => target.dispatchEvent(new TouchEvent(type, {
            bubbles: true, changedTouches: [at(id, x)], touches: touching.map((i) => at(i, x)),
        }));
        const ids = [...Array(fingers).keys()];
        ids.forEach((id) => send("touchstart", id, 300, ids.slice(0, id + 1)));
        ids.forEach((id) => send("touchend", id, 100, ids.slice(id + 1)));
    }"""
    page.evaluate(swipe, 2)
    assert visible_narrative(page) == ["Narrative 1."]
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setPageScaleFactor", {"pageScaleFactor": 2})
    assert page.evaluate("visualViewport.scale") == 2
    page.evaluate(swipe, 1)
    assert visible_narrative(page) == ["Narrative 1."]
    # Back at normal size, the same one-finger gesture is a swipe again.
    cdp.send("Emulation.setPageScaleFactor", {"pageScaleFactor": 1})
    page.evaluate(swipe, 1)
    page.wait_for_url(re.compile(r"/2/$"))
    assert visible_narrative(page) == ["Narrative 2."]


def test_sideways_swipes_in_the_slideshow_are_not_taken_as_back(new_page, story):
    # Headless Chromium has no swipe-to-go-back to provoke, so check the style that stops it.
    page = new_page(has_touch=True, is_mobile=True)
    page.goto(f"/stories/{story.slug}/")
    overscroll = "getComputedStyle(document.documentElement).overscrollBehaviorX"
    assert page.evaluate(overscroll) == "none"
    page.get_by_role("button", name="View as one page").click()
    assert page.evaluate(overscroll) == "auto"


def test_focus_on_a_hidden_photo_moves_to_the_photo_shown(new_page, story):
    from tests.factories import make_annotation

    make_annotation(photo=story.slides.all()[0].photo, note="A sign", x=0.5, y=0.5, position=1)
    page = new_page()
    page.goto(f"/stories/{story.slug}/")
    page.get_by_role("link", name="Note 1: A sign").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"/2/$"))
    assert page.evaluate("document.activeElement.textContent") == "Photo 2 of 4"


def test_a_link_to_a_note_or_a_photo_on_the_story_shows_that_photo(new_page, story):
    from tests.factories import make_annotation

    make_annotation(photo=story.slides.all()[3].photo, note="A badge", x=0.5, y=0.5, position=1)
    page = new_page()
    page.goto(f"/stories/{story.slug}/#note-4-1")
    assert visible_narrative(page) == ["Narrative 4."]
    assert page.locator("#note-4-1").is_visible()
    assert page.locator(".counter .current").inner_text() == "4"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/stories/{story.slug}/#slide-2")
    assert visible_narrative(page) == ["Narrative 2."]
    # With the slideshow's buttons in sight, not scrolled past them to the photo:
    # from another photo of the page, and opened afresh.
    expect(page.locator(".slideshow-bar")).to_be_in_viewport()
    page.goto("about:blank")
    page.goto(f"/stories/{story.slug}/#slide-3")
    page.wait_for_load_state("load")
    expect(page.locator(".slideshow-bar")).to_be_in_viewport()


def test_back_and_forward_in_a_preview_follow_the_photos(new_page, django_user_model, story):
    from newsroom.models import Correction
    from tests.browser.test_accessibility import logged_in_editor

    Correction.objects.create(article=story, text="A name was misspelt.")
    page = logged_in_editor(new_page, django_user_model)
    page.goto(f"/preview/stories/{story.pk}/")
    page.get_by_role("button", name="Next photo").click()
    page.get_by_role("button", name="Next photo").click()
    page.wait_for_url(re.compile(r"#slide-3$"))
    page.go_back()
    page.wait_for_url(re.compile(r"#slide-2$"))
    assert visible_narrative(page) == ["Narrative 2."]
    page.reload()
    assert visible_narrative(page) == ["Narrative 2."]
    # The notice's link shows the notes and keeps the photo.
    page.get_by_role("link", name=re.compile("^Corrected")).click()
    page.wait_for_url(re.compile(r"#corrections$"))
    assert visible_narrative(page) == ["Narrative 2."]
    assert page.get_by_text("A name was misspelt.").is_visible()


def test_next_on_a_short_window_brings_the_photo_into_sight(new_page):
    # A page zoomed to 200% leaves a short window: the photo began below its edge,
    # and Next seemed to change only the counter.
    article = make_article(
        headline="A headline of some length for a zoomed page",
        standfirst="A standfirst of a few lines that pushes the photos down the page. " * 5,
    )
    for n in (1, 2, 3):
        photo = make_photo(size=(600, 400), alt_text=f"Photo number {n}")
        make_slide(article=article, position=n, photo=photo, narrative=f"Narrative {n}.")
    page = new_page(reduced_motion="reduce")
    page.set_viewport_size({"width": 640, "height": 400})
    for sliver in (None, 20):
        page.goto(article.get_absolute_url())
        if sliver:  # Scrolled so that only a sliver of the photo shows.
            page.evaluate(
                "px => scrollBy(0, document.querySelector('.frame').getBoundingClientRect().top"
                " - innerHeight + px)",
                sliver,
            )
        else:
            assert page.locator(".frame").first.bounding_box()["y"] >= 400  # Below the edge.
        page.get_by_role("button", name="Next photo").click()
        expect(page.get_by_alt_text("Photo number 2")).to_be_in_viewport(ratio=0.5)
        expect(page.get_by_role("button", name="Next photo")).to_be_in_viewport()
    # A window where the photo shows well does not move.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(article.get_absolute_url())
    page.get_by_role("button", name="Next photo").click()
    expect(page.get_by_alt_text("Photo number 2")).to_be_in_viewport(ratio=0.3)
    assert page.evaluate("scrollY") == 0


def test_a_link_to_a_sensitive_photos_note_in_one_page_lands_on_its_warning(new_page, story):
    make_annotation(photo=story.slides.all()[SENSITIVE - 1].photo, note="A detail of photo 3")
    page = new_page(reduced_motion="reduce")
    page.goto(f"/stories/{story.slug}/")
    page.locator(".mode").click()  # One page, remembered for the tab.
    page.goto("/")  # The link is followed from another page.
    page.goto(f"/stories/{story.slug}/#note-{SENSITIVE}-1")
    page.wait_for_load_state("load")
    expect(page.get_by_text("Shows a wounded man.")).to_be_in_viewport()
    expect(page.get_by_text("A detail of photo 3")).to_be_hidden()
    # And a link to a photo lands on that photo, not on the buttons above the first.
    page.goto(f"/stories/{story.slug}/#slide-{SLIDES}")
    page.wait_for_load_state("load")
    expect(page.get_by_alt_text(f"Photo number {SLIDES}")).to_be_in_viewport()


def test_the_title_says_the_storys_language_only_while_it_is_the_headline_alone(new_page):
    article = make_article(headline="Полонені в Курську", language="uk")
    for n in (1, 2):
        make_slide(article=article, position=n, photo=make_photo(size=(600, 400)))
    page = new_page()
    page.goto(f"/stories/{article.slug}/")
    title = page.locator("title")
    assert title.get_attribute("lang") == "uk"
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"/2/$"))
    assert page.title() == "Полонені в Курську: photo 2 of 2"
    assert title.get_attribute("lang") is None  # "photo 2 of 2" is English.
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(rf"/stories/{article.slug}/$"))
    assert title.get_attribute("lang") == "uk"


def wheel_to(page, n: int) -> None:
    """Scroll as a reader does, with the mouse wheel, until photo n's top has gone under
    the one-page bar."""
    page.mouse.move(200, 300)
    top = page.evaluate(f"document.querySelectorAll('.slide')[{n - 1}].getBoundingClientRect().top")
    page.mouse.wheel(0, top - 40)


def test_in_one_page_the_address_and_title_follow_the_photo_being_read(new_page, story):
    page = new_page(reduced_motion="reduce")
    page.goto(f"/stories/{story.slug}/")
    page.get_by_role("button", name="View as one page").click()
    entries = page.evaluate("history.length")
    wheel_to(page, 2)
    # A fragment of the story's address: a reload stays in one page, at that photo.
    page.wait_for_url(re.compile(rf"/stories/{story.slug}/#slide-2$"))
    assert page.title() == "Four photos: photo 2 of 4"
    # Nothing is announced, and Back leaves the story rather than replaying the scroll.
    assert page.locator("[data-live]").inner_text() == ""
    assert page.evaluate("history.length") == entries
    # At the foot of the page, the last photo, however little of the window it fills.
    page.mouse.wheel(0, 100_000)
    page.wait_for_url(re.compile(rf"#slide-{SLIDES}$"))
    wheel_to(page, 3)
    page.wait_for_url(re.compile(r"#slide-3$"))
    page.reload()
    expect(page).to_have_url(re.compile(rf"/stories/{story.slug}/#slide-3$"))
    # The way back stays in reach down the page; taking the focus, it scrolls nothing.
    back = page.get_by_role("button", name="View as slideshow")
    expect(back).to_be_in_viewport()
    scrolled = page.evaluate("scrollY")
    back.focus()
    assert page.evaluate("scrollY") == scrolled
    back.click()
    assert visible_narrative(page) == ["Narrative 3."]
    page.wait_for_url(re.compile(rf"/stories/{story.slug}/3/$"))
    assert page.locator(".counter").text_content() == "Photo 3 / 4"


def test_switching_modes_keeps_the_photo_however_short_the_window(new_page, story):
    page = new_page(reduced_motion="reduce")
    page.set_viewport_size({"width": 915, "height": 400})  # A phone held sideways.
    page.goto(f"/stories/{story.slug}/")
    for _ in range(SLIDES - 1):  # To the last photo, which cannot scroll to the top.
        page.get_by_role("button", name="Next photo").click()
    for _ in range(2):
        page.get_by_role("button", name="View as one page").click()
        expect(page).to_have_url(re.compile(rf"#slide-{SLIDES}$"))
        page.get_by_role("button", name="View as slideshow").click()
        expect(page).to_have_url(re.compile(rf"/{SLIDES}/$"))
        assert visible_narrative(page) == [f"Narrative {SLIDES}."]


def test_back_in_one_page_goes_to_the_photo_it_names(new_page, story):
    page = new_page(reduced_motion="reduce")
    page.set_viewport_size({"width": 412, "height": 500})  # Photo 2 off screen at the top.
    page.goto(f"/stories/{story.slug}/")
    page.get_by_role("button", name="Next photo").click()
    page.get_by_role("button", name="Next photo").click()
    page.get_by_role("button", name="View as one page").click()
    wheel_to(page, 4)
    page.wait_for_url(re.compile(r"#slide-4$"))
    page.go_back()  # To photo 2, in one page: its fragment, and the photo in sight.
    expect(page).to_have_url(re.compile(rf"/stories/{story.slug}/#slide-2$"))
    heading = page.locator(".slide").nth(1).locator("h2")
    expect(heading).to_be_focused()
    expect(heading).to_be_in_viewport()


def test_back_in_one_page_to_the_photo_being_read_stays_there(new_page, story):
    page = new_page(reduced_motion="reduce")
    page.goto(f"/stories/{story.slug}/")
    page.get_by_role("button", name="Next photo").click()
    page.get_by_role("button", name="Next photo").click()
    page.get_by_role("button", name="View as one page").click()
    wheel_to(page, 2)
    page.wait_for_url(re.compile(r"#slide-2$"))
    page.go_back()  # The slideshow's entry for photo 2, the one being read.
    page.wait_for_timeout(300)  # Frames enough for a scroll to have been followed.
    expect(page).to_have_url(re.compile(rf"/stories/{story.slug}/#slide-2$"))
    expect(page.locator(".slide").nth(1)).to_be_in_viewport()


def test_a_story_whose_script_failed_to_arrive_reads_as_without_scripts(new_page, story):
    page = new_page()
    page.route("**/story.js", lambda route: route.abort())
    page.goto(f"/stories/{story.slug}/", wait_until="load")
    # Every photo's words, not photo 1 behind buttons that do nothing.
    expect(page.locator(".slideshow-bar")).to_be_hidden()
    assert visible_narrative(page) == [f"Narrative {n}." for n in range(1, SLIDES + 1)]
    # The photo behind its warning is still a link away.
    page.get_by_role("link", name="Show image").click()
    page.wait_for_url(re.compile(rf"/stories/{story.slug}/{SENSITIVE}/\?show=1$"))


def test_in_forced_colours_a_button_that_cannot_be_used_looks_it(new_page, story):
    page = new_page(forced_colors="active")
    page.goto(f"/stories/{story.slug}/")
    colour = "e => getComputedStyle(e).color"
    previous = page.get_by_role("button", name="Previous photo").evaluate(colour)
    onwards = page.get_by_role("button", name="Next photo").evaluate(colour)
    assert previous != onwards


def test_in_one_page_a_link_to_the_corrections_keeps_its_address(new_page, story):
    from newsroom.models import Correction

    Correction.objects.create(article=story, text="The caption named the wrong town.")
    page = new_page(reduced_motion="reduce")
    page.goto(f"/stories/{story.slug}/")
    page.get_by_role("button", name="View as one page").click()
    page.locator(".correction-notice a").first.click()
    expect(page).to_have_url(re.compile(r"#corrections$"))
    page.wait_for_timeout(300)  # Frames enough for a scroll to have been followed.
    expect(page).to_have_url(re.compile(r"#corrections$"))
