"""Preview changes: an editor sees the story as the form has it, before saving."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from newsroom.invalidation import page_version
from newsroom.models import Article, AuditEntry
from tests.factories import (
    make_article,
    make_article_form_data,
    make_correction_form_data,
    make_photo,
    make_quote,
    make_slide,
    make_user,
)

pytestmark = pytest.mark.django_db


def preview_url(article=None) -> str:
    if article is None:
        return reverse("admin:newsroom_article_preview_add")
    return reverse("admin:newsroom_article_preview_changes", args=[article.pk])


@pytest.fixture
def story():
    article = make_article(headline="Soldiers captured in Kursk", slug="soldiers-captured")
    for position, words in enumerate(
        ["Words under the first photo.", "Words under the second photo."], start=1
    ):
        slide = make_slide(article=article, position=position, narrative=words, photo=make_photo())
    make_quote(slide=slide, text="We were told it was training.", speaker="A soldier")
    return article


def test_the_preview_shows_what_was_typed_and_saves_nothing(client, story):
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(story, headline="Two soldiers captured in Kursk")
    data |= {"slides-0-narrative": "Rewritten words.", "slides-0-position": 3}
    versions_before, cached_pages = story.version, page_version()

    with CaptureQueriesContext(connection) as queries:
        response = client.post(preview_url(story), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Two soldiers captured in Kursk" in page
    assert "Preview of unsaved changes." in page
    assert page.index("Words under the second photo.") < page.index(
        "Rewritten words."
    )  # Moved last.
    assert "We were told it was training." in page  # The slide's saved quote.
    assert response["Cache-Control"] == "private, no-store"
    story.refresh_from_db()
    assert story.headline == "Soldiers captured in Kursk"
    assert story.version == versions_before
    assert story.slides.get(position=1).narrative == "Words under the first photo."
    assert not AuditEntry.objects.exists()
    assert page_version() == cached_pages  # Readers' cached pages stay as they are.
    assert not [
        q for q in queries if not q["sql"].lstrip().startswith(("SELECT", "SAVEPOINT", "RELEASE"))
    ]


def test_slides_deleted_or_added_in_the_form_are_left_out_or_shown(client, story):
    client.force_login(make_user(role="Editors"))
    photo = make_photo(alt_text="A new photo from the front")
    data = make_article_form_data(story)
    data |= {"slides-1-DELETE": "on", "slides-TOTAL_FORMS": 3}
    data |= {"slides-2-position": 5, "slides-2-photo": photo.pk, "slides-2-narrative": "Added."}

    page = client.post(preview_url(story), data).content.decode()

    assert "Words under the second photo." not in page
    assert "We were told it was training." not in page
    assert "Added." in page
    assert "A new photo from the front" in page
    assert story.slides.count() == 2


def test_a_new_note_shows_at_the_end_before_it_is_saved(client, story):
    client.force_login(make_user(role="Editors"))
    written = timezone.localtime() - timedelta(minutes=1)
    data = make_article_form_data(story) | make_correction_form_data(
        kind="correction",
        date=f"{written:%Y-%m-%d}",
        time=f"{written:%H:%M:%S}",
        text="An earlier version misnamed the region.",
    )
    page = client.post(preview_url(story), data).content.decode()
    assert "An earlier version misnamed the region." in page
    assert not story.corrections.exists()


def test_a_new_story_can_be_previewed_before_its_first_save(client):
    client.force_login(make_user(role="Reporters"))
    data = make_article_form_data(make_article(published=False))
    data |= {"headline": "Breaking", "slug": "breaking", "standfirst": "What we know so far."}
    Article.objects.all().delete()  # The post is all that is left of it.
    response = client.post(preview_url(), data)
    assert response.status_code == 200
    assert "What we know so far." in response.content.decode()
    assert not Article.objects.exists()


def test_a_form_a_save_would_refuse_lists_its_problems_and_keeps_nothing(client, story):
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(story, headline="", slug="bad slug!")
    response = client.post(preview_url(story), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The preview cannot be shown yet" in page
    assert "Headline: This field is required." in page
    assert "Slug:" in page
    story.refresh_from_db()
    assert story.headline == "Soldiers captured in Kursk"


def test_a_slide_problem_is_named_with_its_slide(client, story):
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(story) | {"slides-1-photo": "999999"}
    page = client.post(preview_url(story), data).content.decode()
    assert "Slide 2, Photo: Select a valid choice." in page


def test_who_may_not_change_the_story_may_not_preview_changes(client, story):
    client.force_login(make_user(role="Photo desk"))
    assert client.post(preview_url(story), make_article_form_data(story)).status_code == 403
    client.logout()
    response = client.post(preview_url(story), make_article_form_data(story))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_opening_the_address_without_the_form_goes_to_the_saved_preview(client, story):
    client.force_login(make_user(role="Editors"))
    assert client.get(preview_url(story)).url == f"/preview/stories/{story.pk}/"
    assert client.get(preview_url()).url == reverse("admin:newsroom_article_add")
    assert client.post(preview_url(Article(pk=987654))).status_code == 404


def test_the_story_form_offers_preview_changes_in_a_new_tab(client, story):
    client.force_login(make_user(role="Editors"))
    page = client.get(reverse("admin:newsroom_article_change", args=[story.pk])).content.decode()
    assert f'formaction="{preview_url(story)}"' in page
    assert "newsroom-preview-changes" in page
    assert 'formtarget="_blank"' in page
    page = client.get(reverse("admin:newsroom_article_add")).content.decode()
    assert f'formaction="{preview_url()}"' in page


def test_restore_and_recover_forms_offer_no_preview_of_changes(client, story):
    # Their slides exist only inside the restore's undone transaction: a preview
    # posted from them would name rows that are not there.
    client.force_login(make_user(role="Editors"))
    save = make_article_form_data(story, headline="Soldiers captured in Kursk region")
    client.post(reverse("admin:newsroom_article_change", args=[story.pk]), save)
    version = Version.objects.get_for_object(story).first()
    restore = client.get(f"/admin/newsroom/article/{story.pk}/history/{version.pk}/")
    assert restore.status_code == 200
    assert "newsroom-preview-changes" not in restore.content.decode()

    client.post(reverse("admin:newsroom_article_delete", args=[story.pk]), {"post": "yes"})
    deleted = Version.objects.get_deleted(Article).first()
    recover = client.get(f"/admin/newsroom/article/recover/{deleted.pk}/")
    assert recover.status_code == 200
    assert "newsroom-preview-changes" not in recover.content.decode()
