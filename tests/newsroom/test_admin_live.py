"""On a story readers see, a save publishes at once: it must not add a checklist problem."""

import datetime as dt
import re

import pytest
from django.test import TestCase
from django.utils import timezone
from reversion.models import Version

from newsroom.models import Article, AuditEntry
from tests.factories import (
    make_article,
    make_article_form_data,
    make_photo,
    make_slide,
    make_user,
)

pytestmark = pytest.mark.django_db

REFUSED = "Not saved: this story is scheduled or published"
UNREDACTED = "shows prisoners, detainees or minors and has no redactions"


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(role="Editors"))
    return client


def to_come(field: str) -> dict:
    """A date and time a month from now, as the admin's split date-time field posts it."""
    later = timezone.localtime() + dt.timedelta(days=30)
    return {f"{field}_0": f"{later:%Y-%m-%d}", f"{field}_1": f"{later:%H:%M:%S}"}


def live_story(*photos):
    article = make_article(headline="Captured in Kursk")
    for position, photo in enumerate(photos, start=1):
        make_slide(article=article, position=position, photo=photo)
    return article


def post_story(client, article, **changes):
    article.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            f"/admin/newsroom/article/{article.pk}/change/",
            make_article_form_data(article, **changes),
        )


def test_an_unredacted_prisoner_photo_swapped_into_a_live_story_is_refused(editor_client):
    safe = make_photo()
    prisoner = make_photo(shows_prisoners=True, title="Prisoner in a cell")
    article = live_story(safe)
    response = post_story(
        editor_client,
        article,
        headline="Captured in Kursk: new pictures",
        **{"slides-0-photo": prisoner.pk, "slides-0-narrative": "Typed with care."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert REFUSED in page and UNREDACTED in page and "Prisoner in a cell" in page
    assert "Typed with care." in page and "Captured in Kursk: new pictures" in page
    article.refresh_from_db()
    assert article.headline == "Captured in Kursk"
    assert list(article.slides.values_list("photo_id", flat=True)) == [safe.pk]
    public = editor_client.get(article.get_absolute_url()).content.decode()
    assert "Prisoner in a cell" not in public
    # Nor is it in the history, where a restore could bring it back.
    assert not Version.objects.get_for_object(article).exists()


def test_an_override_recorded_in_the_same_save_lets_it_through(editor_client):
    prisoner = make_photo(shows_prisoners=True)
    article = live_story(make_photo())
    response = post_story(
        editor_client,
        article,
        protected_persons_override="Faces already public in the ministry's own release.",
        **{"slides-0-photo": prisoner.pk},
    )
    assert response.status_code == 302
    assert list(article.slides.values_list("photo_id", flat=True)) == [prisoner.pk]
    # As when publishing: the reason is in the audit log, with what it let through.
    (entry,) = AuditEntry.objects.filter(article=article, action=AuditEntry.Action.OVERRIDE)
    assert "Reason: Faces already public" in entry.note and UNREDACTED in entry.note


def test_a_new_slide_without_alt_text_is_refused_on_the_slide_page(editor_client):
    article = live_story(make_photo())
    bare = make_photo(alt_text="", title="No description yet")
    data = {
        "article": article.pk,
        "position": 2,
        "photo": bare.pk,
        "narrative": "Second slide.",
        "article_version": article.version,
        "quotes-TOTAL_FORMS": 0,
        "quotes-INITIAL_FORMS": 0,
        "quotes-MIN_NUM_FORMS": 0,
        "quotes-MAX_NUM_FORMS": 1000,
    }
    response = editor_client.post("/admin/newsroom/slide/add/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert REFUSED in page and "“No description yet” has no alt text" in page
    assert "Second slide." in page
    assert article.slides.count() == 1
    assert not Version.objects.get_for_object(article).exists()


def test_a_problem_the_story_already_had_does_not_block_an_urgent_fix(editor_client):
    bare = make_photo(alt_text="")  # From before the checklist, say.
    article = live_story(bare)
    response = editor_client.post(
        f"/admin/newsroom/article/{article.pk}/change/",
        make_article_form_data(article, headline="Corrected headline"),
        follow=True,
    )
    assert "This story is public but no longer passes the publish checklist; see below." in [
        str(m) for m in response.context["messages"]
    ]
    article.refresh_from_db()
    assert article.headline == "Corrected headline"


def test_taking_the_story_down_in_the_same_save_is_not_refused(editor_client):
    article = live_story(make_photo())
    bare = make_photo(alt_text="")
    response = post_story(
        editor_client, article, _lifecycle="unpublish", **{"slides-0-photo": bare.pk}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_a_refused_rename_leaves_no_redirect_and_says_nothing_of_one(editor_client):
    article = live_story(make_photo())
    prisoner = make_photo(shows_prisoners=True)
    response = post_story(editor_client, article, slug="renamed", **{"slides-0-photo": prisoner.pk})
    assert REFUSED in response.content.decode()
    assert "now lead to" not in response.content.decode()
    assert editor_client.get("/stories/renamed/").status_code == 404
    assert editor_client.get(article.get_absolute_url()).status_code == 200


def test_restoring_a_version_whose_photo_now_needs_redacting_is_refused(editor_client):
    old = make_photo()
    article = live_story(old)
    post_story(editor_client, article)  # The version to go back to.
    version = Version.objects.get_for_object(article).first()
    post_story(editor_client, article, **{"slides-0-photo": make_photo().pk})
    type(old).objects.filter(pk=old.pk).update(shows_minors=True)  # Found out since.

    article.refresh_from_db()
    data = make_article_form_data(article, **{"slides-0-photo": old.pk})
    response = editor_client.post(
        f"/admin/newsroom/article/{article.pk}/history/{version.pk}/", data
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert list(article.slides.values_list("photo_id", flat=True)) != [old.pk]


def test_a_published_story_given_a_time_to_come_is_refused_not_silently_hidden(editor_client):
    article = live_story(make_photo())
    response = post_story(editor_client, article, **to_come("published_at"))
    assert response.status_code == 200
    assert "a time still to come would take it off the site" in response.content.decode()
    assert editor_client.get(article.get_absolute_url()).status_code == 200


def test_a_published_story_can_still_be_rescheduled_by_its_button(editor_client):
    article = live_story(make_photo())
    response = post_story(
        editor_client,
        article,
        **to_come("published_at"),
        _lifecycle="schedule",
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.SCHEDULED


def test_a_crafted_publish_step_does_not_let_a_time_to_come_through(editor_client):
    article = live_story(make_photo())
    response = post_story(
        editor_client,
        article,
        **to_come("published_at"),
        _lifecycle="publish",  # Not offered for a published story, but posted.
    )
    assert "a time still to come would take it off the site" in response.content.decode()
    assert editor_client.get(article.get_absolute_url()).status_code == 200


def test_scheduling_a_published_story_for_a_time_past_keeps_its_date(editor_client):
    article = live_story(make_photo())
    dated = article.published_at.replace(microsecond=0)  # As the form sends it back.
    response = post_story(editor_client, article, _lifecycle="schedule")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published_at == dated and article.status == Article.Status.PUBLISHED


def test_a_story_cannot_say_it_was_updated_at_a_time_to_come(editor_client):
    article = live_story(make_photo())
    response = post_story(
        editor_client,
        article,
        **to_come("significant_update_at"),
    )
    assert "An update is dated when it is made: now or earlier." in response.content.decode()


def test_a_story_that_went_live_as_scheduled_is_out_for_these_rules_too(editor_client):
    # Still "scheduled" in the database, but out since its time came: no silent
    # takedown by a plain save, and "schedule" with its past time keeps its date.
    article = live_story(make_photo())
    Article.objects.filter(pk=article.pk).update(status=Article.Status.SCHEDULED)
    response = post_story(editor_client, article, **to_come("published_at"))
    assert "a time still to come would take it off the site" in response.content.decode()

    article.refresh_from_db()
    dated = article.published_at.replace(microsecond=0)
    assert post_story(editor_client, article, _lifecycle="schedule").status_code == 302
    article.refresh_from_db()
    assert article.published_at == dated
    buttons = editor_client.get(f"/admin/newsroom/article/{article.pk}/change/")
    assert 'value="publish"' not in buttons.content.decode()


def test_an_override_used_by_a_save_and_its_publish_step_is_logged_once(editor_client):
    article = live_story(make_photo())
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.SCHEDULED, published_at=timezone.now() + dt.timedelta(days=1)
    )
    response = post_story(
        editor_client,
        article,
        _lifecycle="publish",
        protected_persons_override="Faces already public in the ministry's own release.",
        **{"slides-0-photo": make_photo(shows_prisoners=True).pk},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(article=article, action="override").count() == 1


def test_scheduling_says_when_and_that_a_live_story_goes_off_until_then(editor_client, settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    article = live_story(make_photo())
    when = dt.datetime(2031, 3, 4, 9, 30)  # Kyiv time, as the form takes it.
    data = {"published_at_0": f"{when:%Y-%m-%d}", "published_at_1": f"{when:%H:%M:%S}"}
    response = post_story(editor_client, article, _lifecycle="schedule", **data)
    said = " ".join(str(m) for m in response.wsgi_request._messages)
    assert "Scheduled: it goes out at 4 Mar 2031, 9:30 a.m. (EET)." in said
    assert "Until then readers cannot see it" in said
    editor_client.logout()
    assert editor_client.get(article.get_absolute_url()).status_code == 404


def test_a_draft_given_a_time_to_come_says_it_is_not_scheduled(editor_client):
    article = make_article(published=False)
    response = editor_client.post(
        f"/admin/newsroom/article/{article.pk}/change/",
        make_article_form_data(article, **to_come("published_at")),
        follow=True,
    )
    said = " ".join(str(m) for m in response.context["messages"])
    assert "Saved, not scheduled: the story stays draft" in said
    assert_names_buttons_on_the_form(said, editor_client, article)
    # Saved without a time, or with one past, it says nothing of the kind.
    response = editor_client.post(
        f"/admin/newsroom/article/{article.pk}/change/",
        make_article_form_data(
            Article.objects.get(pk=article.pk), published_at_0="", published_at_1=""
        ),
        follow=True,
    )
    assert "not scheduled" not in " ".join(str(m) for m in response.context["messages"])


def test_a_reporter_is_told_who_schedules_a_draft_dated_ahead(client):
    # An editor dated it; the reporter, who has no schedule button, saves a change.
    article = make_article(
        published=False, published_at=timezone.now() + dt.timedelta(days=2), byline=""
    )
    client.force_login(make_user(role="Reporters"))
    response = client.post(
        f"/admin/newsroom/article/{article.pk}/change/",
        make_article_form_data(article, byline="By Ann"),
        follow=True,
    )
    said = " ".join(str(m) for m in response.context["messages"])
    assert "until an editor schedules it (“Save and submit for review” asks them)." in said
    assert_names_buttons_on_the_form(said, client, article)


def assert_names_buttons_on_the_form(said: str, client, article) -> None:
    """Every button a message tells its reader to press is on the story's form."""
    page = client.get(f"/admin/newsroom/article/{article.pk}/change/")
    content = re.sub(r"\s+", " ", page.content.decode())
    said = next(message for message in said.split(". ") if "not scheduled" in message)
    named = re.findall(r"“([^”]+)”", said)
    assert named
    for label in named:
        assert f">{label}</button>" in content or f'value="{label}"' in content, label


def test_a_schedule_the_checklist_refuses_says_not_scheduled(editor_client):
    article = make_article(published=False)
    make_slide(article=article, position=1, photo=make_photo(alt_text=""))
    article.refresh_from_db()
    data = make_article_form_data(article, _lifecycle="schedule", **to_come("published_at"))
    response = editor_client.post(
        f"/admin/newsroom/article/{article.pk}/change/", data, follow=True
    )
    said = " ".join(str(m) for m in response.context["messages"])
    assert "Saved, but not scheduled. Still missing:" in said and "has no alt text" in said
