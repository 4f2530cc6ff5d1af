"""Preview changes: an editor sees the story as the form has it, before saving."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from newsroom.invalidation import page_version
from newsroom.models import Article, AuditEntry, Slide
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


def note_written_a_minute_ago(kind: str, text: str) -> dict:
    """A new note in the story form's post, dated as an editor would date it now."""
    written = timezone.localtime() - timedelta(minutes=1)
    return make_correction_form_data(
        kind=kind, date=f"{written:%Y-%m-%d}", time=f"{written:%H:%M:%S}", text=text
    )


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
    written = ("INSERT", "UPDATE", "DELETE")
    assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(written)]


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
    data = make_article_form_data(story) | note_written_a_minute_ago(
        "correction", "An earlier version misnamed the region."
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


def test_a_slide_problem_is_named_with_the_number_the_story_will_show_it_under(client, story):
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(story) | {"slides-1-photo": "999999"}
    page = client.post(preview_url(story), data).content.decode()
    assert "Slide 2, Photo: Select a valid choice." in page
    # Moved first (by its typed position), it is slide 1.
    page = client.post(preview_url(story), data | {"slides-1-position": 0}).content.decode()
    assert "Slide 1, Photo: Select a valid choice." in page
    # A hidden field's problem names the row alone.
    data |= {"corrections-TOTAL_FORMS": 1, "corrections-INITIAL_FORMS": 1}
    page = client.post(preview_url(story), data).content.decode()
    assert "Correction 1: This field is required." in page and "None" not in page


def test_who_may_not_change_the_story_may_not_preview_changes(client, story):
    client.force_login(make_user(role="Photo desk"))
    assert client.post(preview_url(story), make_article_form_data(story)).status_code == 403
    client.logout()
    response = client.post(preview_url(story), make_article_form_data(story))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_address_opened_again_says_the_preview_is_gone_and_where_the_edits_are(client, story):
    # The slideshow moves the address on; a reload then asks for it without the form.
    client.force_login(make_user(role="Editors"))
    response = client.get(preview_url(story) + "#slide-2")
    page = response.content.decode()
    assert response.status_code == 405
    assert "This preview is no longer here" in page
    assert "Your edits are still in the story's form, in the tab you came from" in page
    assert f'href="/preview/stories/{story.pk}/">The story as last saved' in page
    assert client.get(preview_url()).status_code == 405
    assert client.post(preview_url(Article(pk=987654))).status_code == 404


def test_the_story_form_offers_preview_changes_in_a_new_tab(client, story):
    client.force_login(make_user(role="Editors"))
    page = client.get(reverse("admin:newsroom_article_change", args=[story.pk])).content.decode()
    assert f'formaction="{preview_url(story)}"' in page
    assert "newsroom-preview-changes" in page
    assert f'formtarget="newsroom-preview-{story.pk}"' in page  # One tab, pressed again.
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


def test_a_live_story_previewed_with_a_new_checklist_problem_says_a_save_would_be_refused(
    client, story
):
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(story) | {"slides-1-photo": ""}
    page = client.post(preview_url(story), data).content.decode()
    assert "The preview cannot be shown yet" in page
    assert "these changes fail the publish checklist: a save would be refused." in page
    assert "<li>Slide 2 has no photo.</li>" in page
    # A draft may lack a photo: its preview shows the slide waiting for one.
    story.status = Article.Status.DRAFT
    story.save()
    page = client.post(preview_url(story), data).content.decode()
    assert "Preview of unsaved changes." in page


def test_an_update_note_moves_the_updated_time_in_the_preview_as_saving_does(client, story):
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(story) | note_written_a_minute_ago(
        "update", "Adds the ministry's statement."
    )
    response = client.post(preview_url(story), data)
    shown = response.context["article"].significant_update_at
    written = f"{data['corrections-0-published_at_0']} {data['corrections-0-published_at_1']}"
    assert f"{timezone.localtime(shown):%Y-%m-%d %H:%M:%S}" == written


def test_slides_given_one_number_keep_the_order_a_save_gives_them(client, story):
    older, newer = story.slides.order_by("pk")
    Slide.objects.filter(pk=newer.pk).update(position=1)  # The form lists the newer first.
    Slide.objects.filter(pk=older.pk).update(position=2)
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(story) | {"slides-1-position": 1}  # Both "1".
    page = client.post(preview_url(story), data).content.decode()
    # A save numbers ties by age: the older slide first.
    assert page.index("Words under the first photo.") < page.index("Words under the second photo.")


def test_someone_elses_save_meanwhile_is_said_for_the_preview_not_the_form(client, story):
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(story, headline="My edit")
    Article.objects.filter(pk=story.pk).update(version=story.version + 1)  # Saved elsewhere.
    page = client.post(preview_url(story), data).content.decode()
    assert "A save of your changes would be refused" in page
    assert "form below" not in page and "reload this page" not in page


def test_a_row_the_story_does_not_have_is_left_out_as_a_save_leaves_it(client, story):
    other = make_article(published=False)
    stranger = make_slide(article=other, position=1, narrative="Another story's words.")
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(story) | {
        "slides-0-id": stranger.pk,
        "slides-0-narrative": "Typed over another story's slide.",
    }
    response = client.post(preview_url(story), data)
    page = response.content.decode()
    assert "Typed over another story" not in page and "Another story&#x27;s words." not in page


@pytest.mark.django_db(transaction=True)
def test_a_saved_story_is_previewed_outside_any_test_transaction(client):
    # As served: no transaction around the request, where the edit lock's row lock
    # (select_for_update) needs one of its own on PostgreSQL.
    article = make_article(headline="Served as in production")
    make_slide(article=article, position=1, photo=make_photo())
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(article, headline="Previewed as in production")
    response = client.post(preview_url(article), data)
    assert response.status_code == 200
    assert "Previewed as in production" in response.content.decode()


def test_an_unsaved_preview_offers_no_link_that_would_lose_the_edits(client, story):
    hurt = make_photo(is_sensitive=True, sensitivity_warning="Shows injuries.")
    make_slide(article=story, position=3, photo=hurt)
    client.force_login(make_user(role="Editors"))
    page = client.post(preview_url(story), make_article_form_data(story)).content.decode()
    assert 'class="sensitive"' in page
    # A link could only fetch the page again, and the edits were posted.
    assert "without-script" not in page
