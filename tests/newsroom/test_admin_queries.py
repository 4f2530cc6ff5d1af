"""The story form's cost does not grow with its slides: long stories open and save as fast."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.models import Article
from tests.factories import (
    make_article,
    make_article_form_data,
    make_photo,
    make_quote,
    make_slide,
    make_user,
)

pytestmark = pytest.mark.django_db


def change_url(article: Article) -> str:
    return f"/admin/newsroom/article/{article.pk}/change/"


def story(slides: int, photos, *, published=False) -> Article:
    """Photos in turn, a slide without one and quotes here and there, as in real stories."""
    article = make_article(published=published)
    for position in range(1, slides + 1):
        photo = None if position == 2 else photos[position % len(photos)]
        slide = make_slide(article=article, position=position, photo=photo)
        if position % 3 == 0:
            make_quote(slide=slide)
    return article


@pytest.fixture
def photos():
    return [make_photo(size=(60, 40), title=f"Photo {n}") for n in range(4)]


def count_queries(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code in (200, 302), response.status_code
    return len(captured)


@pytest.mark.parametrize(
    "role, published",
    [("Editors", False), ("Reporters", True)],  # Reporters see a live story read-only.
)
def test_opening_a_story_reads_as_much_for_200_slides_as_for_10(client, photos, role, published):
    short, long = story(10, photos, published=published), story(200, photos, published=published)
    client.force_login(make_user(role=role))
    client.get(change_url(short))  # Django's per-process caches (content types) are warm.
    assert count_queries(lambda: client.get(change_url(long))) == count_queries(
        lambda: client.get(change_url(short))
    )


def test_saving_a_story_unchanged_reads_as_much_for_200_slides_as_for_10(client, photos):
    short, long = story(10, photos), story(200, photos)
    client.force_login(make_user(role="Editors"))
    client.post(change_url(short), make_article_form_data(short))
    short.refresh_from_db()

    def save(article):
        return lambda: client.post(change_url(article), make_article_form_data(article))

    assert count_queries(save(long)) == count_queries(save(short))


def test_each_slide_names_its_own_photo_and_no_other(client, photos):
    article = story(5, photos)
    client.force_login(make_user(role="Editors"))
    html = client.get(change_url(article)).content.decode()
    for index, slide in enumerate(article.slides.order_by("position")):
        select = re.search(rf'<select name="slides-{index}-photo".*?</select>', html, re.S)
        assert 'class="admin-autocomplete"' in select.group()  # A search, not the whole library.
        options = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select.group())
        named = [("", "")] + ([(str(slide.photo.pk), slide.photo.title)] if slide.photo else [])
        assert options == named


def test_a_slide_photo_can_still_be_changed_and_an_unknown_one_is_refused(client, photos):
    article = story(3, photos)
    client.force_login(make_user(role="Editors"))
    other = make_photo(size=(60, 40), title="Newly uploaded")
    data = make_article_form_data(article, **{"slides-1-photo": other.pk})
    assert client.post(change_url(article), data).status_code == 302
    assert article.slides.get(position=2).photo == other

    # Unknown, or typed by hand into the post: a form error on its row, never a 500.
    for posted in (999999, "abc", "99999999999999999999999", "-1"):
        article.refresh_from_db()
        data = make_article_form_data(article, **{"slides-0-photo": posted})
        response = client.post(change_url(article), data)
        assert response.status_code == 200, posted
        assert "Select a valid choice" in response.content.decode()


def test_thumbnails_load_as_the_editor_scrolls_to_them(client, photos):
    article = story(3, photos)
    client.force_login(make_user(role="Editors"))
    html = client.get(change_url(article)).content.decode()
    thumbnails = re.findall(r'<img [^>]*class="newsroom-thumb"[^>]*>', html)
    assert len(thumbnails) == 2
    assert all('loading="lazy"' in img for img in thumbnails)


def test_a_slide_row_offers_no_deleting_its_photo_from_the_library(client, photos):
    # The slide protects its photo: the library refuses to delete it from there.
    article = story(3, photos)
    client.force_login(make_user(role="Editors"))
    html = client.get(change_url(article)).content.decode()
    assert 'id="change_id_slides-0-photo"' in html
    assert 'id="add_id_slides-0-photo"' in html
    assert 'id="delete_id_slides-0-photo"' not in html


def test_what_editors_typed_keeps_its_line_breaks_and_indentation(client):
    article = make_article(published=False, closing_text="Last words.\n\n    Indented.")
    make_slide(article=article, position=1, narrative="\n  Indented.\n\n\n   Second <b>.")
    client.force_login(make_user(role="Editors"))
    html = client.get(change_url(article)).content.decode()
    assert ">\n\n  Indented.\n\n\n   Second &lt;b&gt;.</textarea>" in html
    assert ">\nLast words.\n\n    Indented.</textarea>" in html


def test_the_slide_and_quote_lists_show_each_row_s_story_status_in_as_few_queries(client, photos):
    live, draft = story(3, photos, published=True), story(3, photos)
    client.force_login(make_user(role="Editors"))
    few = count_queries(lambda: client.get("/admin/newsroom/slide/"))
    for n in range(4, 40):
        make_quote(slide=make_slide(article=draft, position=n, photo=photos[n % 4]))
    page = client.get("/admin/newsroom/slide/").content.decode()
    assert count_queries(lambda: client.get("/admin/newsroom/slide/")) == few
    assert f'alt="{live.headline} — slide 1"' in page  # Its picture.
    assert "Published" in page and "Draft" in page

    drafts_only = client.get("/admin/newsroom/slide/?status=draft")
    assert live.headline not in drafts_only.content.decode()
    quotes = client.get("/admin/newsroom/quote/?status=published")
    # Slide 3's, of the live story.
    assert quotes.content.decode().count('name="_selected_action"') == 1
    assert count_queries(lambda: client.get("/admin/newsroom/quote/")) == count_queries(
        lambda: client.get("/admin/newsroom/quote/?q=")
    )


def test_status_filters_say_what_the_status_columns_say(client, photos):
    import datetime as dt

    from django.utils import timezone

    went_live = story(3, photos)  # Scheduled, and its time has come.
    Article.objects.filter(pk=went_live.pk).update(
        status=Article.Status.SCHEDULED, published_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client.force_login(make_user(role="Editors"))
    for rows in ("article", "slide", "quote"):
        listed = {
            status: client.get(f"/admin/newsroom/{rows}/", {"status": status}).context["cl"]
            for status in ("published", "scheduled")
        }
        assert listed["published"].result_count >= 1, rows
        assert listed["scheduled"].result_count == 0, rows


def with_notes(article: Article, data: dict) -> dict:
    """The story form's post with its corrections and updates as the page shows them."""
    from django.utils import timezone

    notes = list(article.corrections.order_by("published_at", "pk"))
    data |= {"corrections-TOTAL_FORMS": len(notes), "corrections-INITIAL_FORMS": len(notes)}
    for index, note in enumerate(notes):
        at = timezone.localtime(note.published_at)
        data |= {
            f"corrections-{index}-id": note.pk,
            f"corrections-{index}-article": article.pk,
            f"corrections-{index}-kind": note.kind,
            f"corrections-{index}-published_at_0": at.strftime("%Y-%m-%d"),
            f"corrections-{index}-published_at_1": at.strftime("%H:%M:%S"),
            f"initial-corrections-{index}-published_at_0": at.strftime("%Y-%m-%d"),
            f"initial-corrections-{index}-published_at_1": at.strftime("%H:%M:%S"),
            f"corrections-{index}-text": note.text,
        }
    return data


def test_saving_a_story_reads_as_much_with_twenty_notes_as_with_one(client, photos):
    from newsroom.models import Correction

    few, many = story(3, photos, published=True), story(3, photos, published=True)
    for article, count in ((few, 1), (many, 20)):
        for n in range(count):
            Correction.objects.create(article=article, text=f"Note {n}.")
    client.force_login(make_user(role="Editors"))

    def save(article):
        article.refresh_from_db()
        return lambda: client.post(
            change_url(article), with_notes(article, make_article_form_data(article))
        )

    save(few)()  # Django's per-process caches are warm.
    assert count_queries(save(many)) == count_queries(save(few))
