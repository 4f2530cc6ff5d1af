import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from newsroom.csp import source_hash
from newsroom.demo import SLIDES, SLUG
from newsroom.models import Article, Slide
from tests.factories import (
    make_annotation,
    make_article,
    make_credit,
    make_photo,
    make_quote,
    make_slide,
)

pytestmark = pytest.mark.django_db


def story_url(slug):
    return f"/stories/{slug}/"


def test_story_page_shows_every_slide_in_order(demo_story, client):
    response = client.get(story_url(SLUG))
    assert response.status_code == 200
    html = response.content.decode()
    # Photos, in order, with alt text and dimensions.
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 9
    for img, spec in zip(images, SLIDES, strict=True):
        assert spec["alt"].replace("'", "&#x27;") in img
        assert re.search(r'width="\d+" height="\d+"', img)
    assert html.count("Photo Credit: Telegram @V_Zelenskiy_official") == 6
    assert html.count("Photo Credit: Screenshot / YouTube SecurityServiceUkraine") == 3
    assert html.count("<blockquote") == 5
    # Narrative and quotes appear in slide order.
    markers = [
        "captured North Korean soldiers in Russia",
        "Our soldiers have captured North Korean military personnel",
        "On 11 January 2025 the SBU published a video",
        "registered in the Republic of Tuva",
        "born in 2005",
        "scout sniper",
        "Korean interpreters",
        "Tactical Group No. 84",
        "The world needs to know the truth",
        "six months after its first push",
    ]
    body = html[html.index("<main") :]  # The head's JSON-LD repeats the quotes.
    positions = [body.index(m) for m in markers]
    assert positions == sorted(positions)
    # Each slide links to its own page.
    links = re.findall(r'<a href="([^"]+)">Link to photo (\d+)</a>', html)
    assert [(href, int(n)) for href, n in links] == [
        (reverse("newsroom:slide", args=[SLUG, n]), n) for n in range(1, 10)
    ]


def test_quote_shows_its_attribution(demo_story, client):
    html = client.get(story_url(SLUG)).content.decode()
    role = '<span class="role" dir="auto">President of Ukraine</span>'
    assert f"Volodymyr Zelensky</span>, {role}" in html
    assert "on X" in html
    assert "in an official report" in html


def test_first_photo_is_eager_and_the_rest_lazy(demo_story, client):
    html = client.get(story_url(SLUG)).content.decode()
    images = re.findall(r"<img [^>]*>", html)
    assert 'fetchpriority="high"' in images[0]
    assert all('loading="lazy"' in img for img in images[1:])


def test_story_page_serves_only_renditions_never_originals(demo_story, client):
    html = client.get(story_url(SLUG)).content.decode()
    tags = " ".join(re.findall(r"<(?:img|source) [^>]*>", html))
    urls = re.findall(r'(?:src|srcset)="([^"]+)"', tags)
    assert urls
    files = [token for token in " ".join(urls).split() if token.startswith("/")]
    assert files and all(url.startswith("/media/renditions/") for url in files)
    for photo_slide in demo_story.slides.all():
        assert photo_slide.photo.original.name not in html


def test_rendition_urls_are_served(demo_story, client):
    html = client.get(story_url(SLUG)).content.decode()
    src = re.search(r'<img src="([^"]+)"', html).group(1)
    response = client.get(src)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_unpublished_story_and_its_slides_are_not_found(client):
    draft = make_article(published=False, slides=2)
    assert client.get(story_url(draft.slug)).status_code == 404
    assert client.get(f"{story_url(draft.slug)}1/").status_code == 404


def test_story_scheduled_in_the_future_is_not_yet_public(client):
    future = make_article(published_at=timezone.now() + timezone.timedelta(hours=1), slides=1)
    assert client.get(story_url(future.slug)).status_code == 404


def test_unknown_story_is_a_styled_404(client):
    response = client.get(story_url("no-such-story"))
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_slide_page_links_to_neighbours_and_story(demo_story, client):
    html = client.get(f"{story_url(SLUG)}3/").content.decode()
    assert "Photo 3 of 9" in html
    assert f'href="{story_url(SLUG)}2/" rel="prev"' in html
    assert f'href="{story_url(SLUG)}4/" rel="next"' in html
    assert f'href="{story_url(SLUG)}"' in html
    assert "registered in the Republic of Tuva" in html
    assert "Photo Credit: Telegram @V_Zelenskiy_official" in html


def test_first_and_last_slides_have_one_neighbour(demo_story, client):
    first = client.get(f"{story_url(SLUG)}1/").content.decode()
    last = client.get(f"{story_url(SLUG)}9/").content.decode()
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="next"' not in last and 'rel="prev"' in last


@pytest.mark.parametrize("number", ["0", "10", "999", "03", "00"])
def test_slide_number_out_of_range_or_padded_is_404(demo_story, client, number):
    # One address per photo: /3/, not also /03/ (a second copy to cache and index).
    assert client.get(f"{story_url(SLUG)}{number}/").status_code == 404


def test_a_photo_number_the_story_no_longer_has_leads_to_the_story(demo_story, client):
    response = client.get(f"{story_url(SLUG)}10/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "This story has 9 photos, and none at that number" in page
    assert f'<a href="{story_url(SLUG)}">{demo_story.headline}</a>' in page
    # A story that is not there (or not out) says nothing of itself.
    draft = make_article(published=False, slides=1)
    hidden = client.get(f"{story_url(draft.slug)}5/").content.decode()
    assert "This story has" not in hidden and draft.headline not in hidden


def test_slide_without_photo_renders_a_placeholder(client):
    article = make_article(slides=1)
    html = client.get(story_url(article.slug)).content.decode()
    assert "Photo to come" in html
    assert "<img" not in html


def test_a_credit_saved_empty_reads_to_come_not_a_bare_label(client):
    from gallery.models import Credit

    credit = make_credit(platform="Telegram", account="@someone")
    Credit.objects.filter(pk=credit.pk).update(line="", platform="", account="")
    article = make_article()
    make_slide(article=article, position=1, photo=make_photo(credit=credit))
    html = client.get(story_url(article.slug)).content.decode()
    assert '<span class="credit">Photo Credit: to come</span>' in html
    assert "creditText" not in html  # Nor an empty credit for search engines.


def test_slide_positions_with_gaps_still_number_from_one(client):
    article = make_article()
    make_slide(article=article, position=10, narrative="Ten")
    make_slide(article=article, position=30, narrative="Thirty")
    html = client.get(f"{story_url(article.slug)}2/").content.decode()
    assert "Thirty" in html and "Photo 2 of 2" in html


def test_home_lists_published_stories_newest_first(client):
    now = timezone.now()
    older = make_article(headline="Older story", published_at=now - timezone.timedelta(days=2))
    newer = make_article(headline="Newer story", published_at=now - timezone.timedelta(days=1))
    make_article(headline="Secret draft", published=False)
    photo = make_photo(alt_text="Lead photo")
    make_slide(article=newer, position=1, photo=photo)
    html = client.get("/").content.decode()
    assert "Secret draft" not in html
    assert html.index(newer.headline) < html.index(older.headline)
    assert newer.standfirst in html
    assert photo.renditions.first().file.url.rsplit(".", 2)[0].split("/")[-1] in html


def test_published_queryset_is_the_single_rule():
    make_article(headline="Live")
    make_article(headline="Draft", published=False)
    make_article(headline="Future", published_at=timezone.now() + timezone.timedelta(days=1))
    assert set(Article.objects.published().values_list("headline", flat=True)) >= {"Live"}
    assert not Article.objects.published().filter(headline__in=["Draft", "Future"]).exists()


def test_narrative_is_escaped(client):
    article = make_article()
    slide = make_slide(article=article, position=1, narrative="<script>alert(1)</script>")
    make_quote(slide=slide, text="<b>bold</b>")
    html = client.get(story_url(article.slug)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def _long_story(slides: int):
    """A story of many slides sharing one small photo: cheap to build, same queries."""
    article = make_article()
    photo = make_photo(size=(240, 160))
    Slide.objects.bulk_create(
        Slide(article=article, position=n, photo=photo, narrative=f"Slide {n}.")
        for n in range(1, slides + 1)
    )
    make_quote(slide=article.slides.first())
    make_annotation(photo=photo)
    return article


@pytest.mark.parametrize("slides", [10, 200])
def test_query_count_does_not_grow_with_slides(client, django_assert_max_num_queries, slides):
    article = _long_story(slides)
    for url in ("/", story_url(article.slug), f"{story_url(article.slug)}{slides}/"):
        with django_assert_max_num_queries(6):
            response = client.get(url)
        assert response.status_code == 200, url
    assert response.content.decode().count("<img ") == 1


def test_sensitive_photo_waits_behind_its_warning(client):
    article = make_article()
    hurt = make_photo(alt_text="A wounded man", is_sensitive=True, sensitivity_warning="Injuries.")
    make_slide(article=article, position=1, photo=hurt)
    html = client.get(story_url(article.slug)).content.decode()
    assert "Warning:</strong> Injuries." in html
    assert ">Show image</button>" in html
    # The only <img> sits inside an inert <template>, so nothing is fetched.
    outside = re.sub(r"<template>.*?</template>", "", html, flags=re.S)
    assert "<img" in html and "<img" not in outside
    assert hurt.renditions.first().file.url not in outside
    # Without the script, a link asks the server for the revealed slide.
    assert f'href="{story_url(article.slug)}1/?show=1"' in html
    revealed = client.get(f"{story_url(article.slug)}1/?show=1").content.decode()
    assert "<template>" not in revealed and 'alt="A wounded man"' in revealed


def test_the_notes_of_a_sensitive_photo_wait_with_it(client):
    # A note may say what the warning is about ("the burns on his hands").
    article = make_article()
    hurt = make_photo(is_sensitive=True, sensitivity_warning="Injuries.")
    make_annotation(photo=hurt, note="The burns on his hands")
    make_slide(article=article, position=1, photo=hurt)
    html = client.get(story_url(article.slug)).content.decode()
    assert '<ol class="notes" id="notes-1" aria-label="Notes on photo 1" hidden>' in html
    assert 'data-notes="notes-1"' in html  # The button shows them with the photo.
    revealed = client.get(f"{story_url(article.slug)}1/?show=1").content.decode()
    assert '<ol class="notes" id="notes-1" aria-label="Notes on photo 1">' in revealed


def test_closing_text_and_corrections_follow_the_slides(client):
    from newsroom.models import Correction

    article = make_article(slides=2, closing_text="The end of it.")
    Correction.objects.create(article=article, text="An earlier version misspelt a name.")
    html = client.get(story_url(article.slug)).content.decode()
    html = html[html.index("<main") :]
    assert html.index("Narrative for slide 2.") < html.index("The end of it.")
    assert html.index("The end of it.") < html.index("An earlier version misspelt a name.")
    assert "Corrections and updates" in html


def test_a_corrected_story_says_so_at_the_top_with_a_link_to_the_notes(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsroom.models import Correction

    def page(article):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(story_url(article.slug)).content.decode()
        top = html[html.index('<header class="story-header">') :]
        top = re.sub(r"<time [^>]*>|</time>", "", top[: top.index("</header>")])
        notes = [q for q in queries.captured_queries if "newsroom_correction" in q["sql"]]
        return html, top, len(notes)

    plain, corrected = make_article(slides=2), make_article(slides=2)
    on = [timezone.datetime(2026, 11, day, 10, tzinfo=timezone.UTC) for day in (20, 26, 27)]
    Correction.objects.create(article=corrected, published_at=on[0], text="Misspelt a name.")
    Correction.objects.create(article=corrected, published_at=on[2], text="Got a date wrong.")
    Correction.objects.create(
        article=corrected, published_at=on[1], text="Adds a video.", kind="update"
    )
    # As correction_append leaves it: the update's time is also the story's "Updated".
    Article.objects.filter(pk=corrected.pk).update(significant_update_at=on[1])
    _, plain_top, _ = page(plain)
    html, top, note_queries = page(corrected)
    assert "Corrected" not in plain_top and "Updated" not in plain_top
    # Each kind once, with its latest date, leading to the notes at the end.
    assert '<a href="#corrections">Corrected 27 November 2026</a>' in top
    assert '<a href="#corrections">Updated 26 November 2026, 10:00 UTC</a>' in top
    assert top.count("Corrected") == 1 and top.count("Updated") == 1
    assert '<section class="corrections" id="corrections"' in html
    # The notes fetched for the end of the page serve the top too: no query more.
    assert note_queries == 1

    # A photo page, where shared links land, says so too and leads to the story's notes.
    photo_page = client.get(f"{story_url(corrected.slug)}2/").content.decode()
    photo_page = re.sub(r"<time [^>]*>|</time>", "", photo_page)
    notes = story_url(corrected.slug) + "#corrections"
    assert f'<a href="{notes}">Corrected 27 November 2026</a>' in photo_page
    assert f'<a href="{notes}">Updated 26 November 2026</a>' in photo_page
    assert "Corrected" not in client.get(f"{story_url(plain.slug)}2/").content.decode()


def test_slideshow_controls_are_rendered_for_the_script(demo_story, client):
    html = client.get(story_url(SLUG)).content.decode()
    assert '<span class="current">1</span> / 9' in html
    assert 'aria-live="polite"' in html
    assert f'data-url="{story_url(SLUG)}9/"' in html
    assert '<script src="/static/newsroom/story.js" defer>' in html


def test_home_pages_through_older_stories(client):
    for n in range(13):
        make_article(
            headline=f"Paged story {n:02}",
            published_at=timezone.now() - timezone.timedelta(days=1000 + n),
        )
    first = client.get("/").content.decode()
    assert 'href="?page=2" rel="next"' in first
    last_page = re.search(r"Page 1 of (\d+)", first).group(1)
    oldest = client.get(f"/?page={last_page}").content.decode()
    assert "Paged story 12" in oldest and "Paged story 12" not in first
    assert 'rel="prev"' in oldest
    assert '<a href="/" rel="prev">Newer stories</a>' in client.get("/?page=2").content.decode()


def test_annotations_are_numbered_markers_with_notes_below(client):
    article = make_article()
    photo = make_photo()
    make_slide(article=article, position=1, photo=photo)
    first = make_annotation(photo=photo, note="Russian military ID", x=0.5, y=0.25, position=1)
    make_annotation(photo=photo, note="A bandaged hand", position=2)
    response = client.get(story_url(article.slug))
    html = response.content.decode()
    markers = re.findall(r'<a class="marker a\d+" href="#note-1-(\d)" aria-label="([^"]+)">', html)
    assert markers == [("1", "Note 1: Russian military ID"), ("2", "Note 2: A bandaged hand")]
    assert '<li id="note-1-1" dir="auto">Russian military ID</li>' in html
    # Positions come in one stylesheet, which the CSP allows by its hash.
    style = re.search(r"<style>([^<]*)</style>", html).group(1)
    assert f".a{first.pk}{{left:min(50.00%,100% - max(" in style
    assert source_hash(style) in response["Content-Security-Policy"]
    assert "style=" not in html


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("newsroom/favicon.svg")
    assert client.get(response["Location"]).status_code == 200


def test_the_storys_own_updated_time_is_shown_even_when_later_than_its_notes(client):
    from newsroom.models import Correction

    article = make_article(slides=1)
    Correction.objects.create(
        article=article,
        kind="update",
        published_at=timezone.datetime(2026, 11, 20, 10, tzinfo=timezone.UTC),
        text="Adds a video.",
    )
    Article.objects.filter(pk=article.pk).update(
        significant_update_at=timezone.datetime(2026, 11, 25, 9, tzinfo=timezone.UTC)
    )
    html = client.get(story_url(article.slug)).content.decode()
    top = html[html.index('<header class="story-header">') :]
    top = re.sub(r"<time [^>]*>|</time>", "", top[: top.index("</header>")])
    assert '<a href="#corrections">Updated 25 November 2026, 09:00 UTC</a>' in top
    assert "20 November" not in top


def test_a_story_with_nothing_after_its_photos_draws_no_rule_under_them(client):
    article = make_article(slides=1)
    assert 'class="after"' not in client.get(story_url(article.slug)).content.decode()


def test_a_photo_page_says_updated_when_the_story_page_does(client):
    from newsroom.models import Correction

    article = make_article(slides=2)
    note_day = timezone.datetime(2026, 11, 20, 10, tzinfo=timezone.UTC)
    Correction.objects.create(
        article=article, published_at=note_day, text="Adds a map.", kind="update"
    )
    later = timezone.datetime(2026, 11, 25, 9, tzinfo=timezone.UTC)
    Article.objects.filter(pk=article.pk).update(significant_update_at=later)
    story = re.sub(
        r"<time [^>]*>|</time>", "", client.get(story_url(article.slug)).content.decode()
    )
    photo = re.sub(
        r"<time [^>]*>|</time>", "", client.get(f"{story_url(article.slug)}2/").content.decode()
    )
    assert "Updated 25 November 2026, 09:00 UTC" in story
    assert "Updated 25 November 2026</a>" in photo


def test_a_quote_said_by_no_one_has_no_empty_attribution_line(client):
    from newsroom.models import Quote

    article = make_article(slides=1)
    Quote.objects.create(slide=article.slides.get(), text="Words that nobody is said to have said.")
    html = client.get(story_url(article.slug)).content.decode()
    quote = html[html.index('<figure class="quote">') :]
    assert "<figcaption>" not in quote[: quote.index("</figure>")]


@pytest.mark.parametrize(
    "url",
    [
        "/?page=%00",
        "/admin/newsroom/article/?status__exact=%00",
        "/admin/autocomplete/?term=%00&app_label=newsroom&model_name=slide&field_name=photo",
    ],
)
def test_a_null_character_in_the_query_gets_the_400_page(admin_client, url, caplog):
    # PostgreSQL refuses one in a query: it was a 500 wherever a value reached it.
    response = admin_client.get(url)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]  # Scanners send these.
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()
    assert "script-src" in response["Content-Security-Policy"]


def test_a_quote_retyped_with_other_marks_is_still_read_once(client):
    # The partner's text is typeset; the editor typed the quote on a plain keyboard.
    slide = make_slide(
        article=make_article(),
        position=1,
        photo=make_photo(),
        narrative="“We don’t want to fight – not for them,” the soldier said.",
    )
    make_quote(slide=slide, text="We don't want to fight - not for them.", speaker="soldier")
    html = client.get(story_url(slide.article.slug)).content.decode()
    assert '<figure class="quote">' not in html
    assert "We don’t want to fight" in html


def test_a_quote_the_narrative_already_gives_is_read_once(client):
    # An import keeps the partner's paragraph and makes a quote of the words in it.
    article = make_article()
    slide = make_slide(
        article=article,
        position=1,
        photo=make_photo(),
        narrative="“We will bring every one of them home,”  the Minister said on Friday. "
        "“Nobody is forgotten, not one of them,” he said.",
    )
    make_quote(slide=slide, text="We will bring every one of them home,", speaker="Minister")
    # Said by "he" in the text: the name the editor gave is said only below.
    make_quote(slide=slide, text="Nobody is forgotten, not one of them,", speaker="Oksen Lisovyi")
    make_quote(slide=slide, text="Only this one is not in the text.", speaker="Spokesman")
    # Kept below: a link to the source is said nowhere else; a few words are no quote;
    # words the text holds outside quotation marks are not quoted there.
    make_quote(slide=slide, text="the minister said", speaker="Minister")
    make_quote(slide=slide, text="the Minister said on Friday", speaker="Minister")
    make_quote(
        slide=slide,
        text="We will bring every one of them home,",
        speaker="Minister",
        url="https://example.org/statement",
    )
    for url in (story_url(article.slug), f"{story_url(article.slug)}1/"):
        html = client.get(url).content.decode()
        shown = re.sub(r"<script.*?</script>", "", html, flags=re.S)  # Not structured data.
        assert shown.count("We will bring every one of them home") == 2, url  # Text, linked.
        assert html.count('<figure class="quote">') == 5, url
        assert 'cite="https://example.org/statement"' in html, url
        assert '<p dir="auto">Only this one is not in the text.</p>' in html, url


def test_a_story_in_another_language_says_so_on_its_words_only(client):
    # Screen readers pick their voice by it; the site's own words stay English.
    article = make_article(
        headline="Полонені з Північної Кореї", standfirst="Двоє поранених.", language="uk"
    )
    photo = make_photo(alt_text="Поранений солдат")
    make_annotation(photo=photo, note="Паспорт")
    slide = make_slide(article=article, position=1, photo=photo, narrative="Перший абзац.")
    make_quote(slide=slide, text="Ми повернемо всіх додому, кожного.", speaker="Президент")
    for url in (story_url(article.slug), f"{story_url(article.slug)}1/", "/"):
        html = client.get(url).content.decode()
        assert '<html lang="en">' in html, url
        assert re.search(r'lang="uk" dir="auto">(Полонені з Північної Кореї)<', html), url
    html = client.get(story_url(article.slug)).content.decode()
    for words in ("Двоє поранених.", "Перший абзац.", "Ми повернемо всіх додому"):
        assert re.search(rf'lang="uk" dir="auto">{words}', html), words
    assert '"inLanguage":"uk"' in html
    # A photo's alt text and notes are the photo desk's words, shared by every story
    # using it: they keep the site's language.
    assert '<li id="note-1-1" dir="auto">Паспорт</li>' in html
    assert re.search(r'alt="Поранений солдат" (loading|fetchpriority)', html)
    notes = json.loads(client.get(f"{story_url(article.slug)}annotations.jsonld").content)
    assert notes["first"]["items"][0]["body"]["language"] == "en"
    english = make_article(headline="In English")
    make_slide(article=english, position=1, photo=make_photo(), narrative="Words.")
    assert ' lang="' not in client.get(story_url(english.slug)).content.decode().split("<body>")[1]


def test_times_in_the_page_are_valid_html_whole_seconds(client):
    from django.utils import timezone

    earlier = timezone.now() - timezone.timedelta(minutes=5)  # Never a second to come.
    article = make_article(published_at=earlier.replace(microsecond=123456), slides=1)
    html = client.get(f"/stories/{article.slug}/").content.decode()
    stamps = re.findall(r'<time datetime="([^"]+)"', html)
    assert stamps and all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", s) for s in stamps
    )
    assert "123456" not in client.get("/").content.decode()
