import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from newsroom import services
from newsroom.models import Article, AuditEntry, Correction, Quote, Slide
from tests.factories import (
    make_article,
    make_article_form_data,
    make_correction_form_data,
    make_photo,
    make_quote,
    make_quote_form_data,
    make_slide,
    make_user,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/newsroom/article/"


def change_url(article):
    return f"/admin/newsroom/article/{article.pk}/change/"


JANUARY_FIRST = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def ready_article(**fields):
    article = make_article(published=False, **fields)
    make_slide(article=article, position=1, photo=make_photo())
    return article


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_changelist_shows_thumbnail_status_and_author(client):
    article = ready_article(byline="By Jane Doe")
    client.force_login(make_user(role="Editors"))
    response = client.get(CHANGELIST)
    html = response.content.decode()
    assert article.headline in html
    assert 'class="newsroom-thumb"' in html
    assert "By Jane Doe" in html
    assert "Draft" in html
    assert client.get(CHANGELIST, {"q": article.headline}).context["cl"].result_count == 1
    assert client.get(CHANGELIST, {"status": "published"}).context["cl"].result_count == 0


def _story_with_photos(slides: int) -> Article:
    article = make_article(published=False)
    for position in range(1, slides + 1):
        make_slide(article=article, position=position, photo=make_photo(size=(60, 40)))
    return article


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_story_list_and_form_do_not_query_per_slide_for_thumbnails_or_quotes(client):
    client.force_login(make_user(role="Editors"))
    short, long = _story_with_photos(2), _story_with_photos(6)
    list_queries = _queries(client, CHANGELIST)
    _story_with_photos(6)
    assert _queries(client, CHANGELIST) == list_queries
    # Thumbnails, quote counts and the photos' names come once for all slides
    # (test_admin_queries.py measures 10 and 200 slides, and the save).
    client.get(change_url(short))  # Warm Django's content type cache first.
    assert _queries(client, change_url(long)) == _queries(client, change_url(short))
    html = client.get(CHANGELIST).content.decode()
    assert html.count('class="newsroom-thumb"') == 3
    assert '<td class="field-slide_count">6</td>' in html


def test_a_search_that_matches_slides_and_quotes_counts_each_slide_once(client):
    article = _story_with_photos(3)
    for slide in article.slides.all():
        make_quote(slide=slide, text="Kursk, again", speaker="Kursk witness")
        make_quote(slide=slide, text="Kursk once more", speaker="Kursk witness")
    client.force_login(make_user(role="Editors"))
    html = client.get(CHANGELIST, {"q": "Kursk"}).content.decode()
    assert '<td class="field-slide_count">3</td>' in html


def test_reporter_posting_the_publish_action_gets_403(client):
    article = ready_article()
    client.force_login(make_user(role="Reporters"))
    response = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [article.pk], "index": 0}
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_publish_action_respects_the_checklist(client):
    ready = ready_article()
    missing = make_article(published=False)
    make_slide(article=missing, position=1)
    client.force_login(make_user(role="Editors"))
    response = client.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [ready.pk, missing.pk], "index": 0},
        follow=True,
    )
    shown = " ".join(messages_of(response))
    assert "Slide 1 has no photo." in shown
    assert "Published 1 story." in shown
    assert list(Article.objects.published()) == [ready]
    # Which story, when two share a headline: a link to it and its address.
    link = f'<a href="/admin/newsroom/article/{missing.pk}/change/">“{missing.headline}”</a>'
    assert f"{link} ({missing.slug}) cannot be published yet" in shown


def test_publish_button_refuses_with_the_list_and_keeps_the_edit(client):
    article = make_article(published=False)
    make_slide(article=article, position=1)
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(article, headline="New headline", _lifecycle="publish")
    response = client.post(change_url(article), data, follow=True)
    assert "Slide 1 has no photo." in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "New headline"
    assert article.status == Article.Status.DRAFT


def test_publish_button_publishes_a_ready_story(client):
    article = ready_article()
    editor = make_user(role="Editors")
    client.force_login(editor)
    client.post(change_url(article), make_article_form_data(article, _lifecycle="publish"))
    assert list(Article.objects.published()) == [article]
    assert AuditEntry.objects.get(action="publish").by == editor
    # The story's history names the step, not "No fields changed."
    history = client.get(f"/admin/newsroom/article/{article.pk}/history/").content.decode()
    assert "Status: Published." in history


def test_reporter_cannot_post_the_publish_button(client):
    article = ready_article()
    client.force_login(make_user(role="Reporters"))
    response = client.get(change_url(article))
    assert 'value="publish"' not in response.content.decode()
    assert 'value="submit"' in response.content.decode()
    data = make_article_form_data(article, headline="Sneaky", _lifecycle="publish")
    assert client.post(change_url(article), data).status_code == 403
    article.refresh_from_db()
    assert (article.headline, article.status) != ("Sneaky", Article.Status.PUBLISHED)
    assert article.status == Article.Status.DRAFT


def test_second_save_from_the_same_start_is_refused_and_the_first_survives(client):
    article = ready_article()
    first, second = make_user(role="Editors"), make_user(role="Reporters", first_name="Ada")
    opened = make_article_form_data(article)  # both open the story at this version

    client.force_login(second)
    client.post(change_url(article), {**opened, "standfirst": "Ada's standfirst."})
    client.force_login(first)
    response = client.post(change_url(article), {**opened, "standfirst": "Mine, overwritten?"})

    assert response.status_code == 200  # the form again, not a redirect
    html = response.content.decode()
    assert "Ada" in html and "changed this story at" in html
    assert "Mine, overwritten?" in html  # the refused input is still in the form
    article.refresh_from_db()
    assert article.standfirst == "Ada's standfirst."


def test_stale_slide_edit_is_refused_too(client):
    article = ready_article()
    slide = article.slides.get()
    client.force_login(make_user(role="Editors"))
    opened = make_article_form_data(article)
    client.post(change_url(article), {**opened, "slides-0-narrative": "First edit."})
    response = client.post(change_url(article), {**opened, "slides-0-narrative": "Second."})
    # The same editor, in two tabs: not "Staff1 changed…", as if someone else had.
    assert "You changed this story at" in response.content.decode()
    assert "in another tab or window, after you opened it here." in response.content.decode()
    slide.refresh_from_db()
    assert slide.narrative == "First edit."


def test_a_quote_saved_from_a_stale_page_is_refused_and_the_first_save_survives(client):
    article = ready_article()
    quote = make_quote(slide=article.slides.get(), text="As said.", speaker="SBU")
    url = f"/admin/newsroom/quote/{quote.pk}/change/"
    client.force_login(make_user(role="Editors", first_name="Ada"))
    page = client.get(url).content.decode()
    version = re.search(r'name="article_version" value="(\d+)"', page).group(1)
    opened = make_quote_form_data(quote, article_version=version)

    assert client.post(url, {**opened, "text": "As corrected."}).status_code == 302
    client.force_login(make_user(role="Editors"))
    response = client.post(url, {**opened, "speaker_role": "report"})
    assert response.status_code == 200
    assert "Ada changed this story or quote at" in response.content.decode()
    quote.refresh_from_db()
    assert (quote.text, quote.speaker_role) == ("As corrected.", "")


def test_slide_order_from_the_form_is_normalised(client):
    article = make_article(published=False)
    a, b, c = (make_slide(article=article, position=n) for n in (1, 2, 3))
    client.force_login(make_user(role="Reporters"))
    data = make_article_form_data(article)
    # Dragged c to the top; a and b collided and there is a gap.
    data |= {"slides-0-position": 7, "slides-1-position": 7, "slides-2-position": 0}
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    ordered = list(article.slides.values_list("pk", "position"))
    assert ordered == [(c.pk, 1), (a.pk, 2), (b.pk, 3)]


def test_editor_appends_a_correction_inline(client):
    article = ready_article(status=Article.Status.PUBLISHED, published_at=JANUARY_FIRST)
    editor = make_user(role="Editors")
    client.force_login(editor)
    data = make_article_form_data(article)
    data |= make_correction_form_data(
        kind="update", date="2026-01-12", text="The president posted a second video."
    )
    assert client.post(change_url(article), data).status_code == 302
    correction = Correction.objects.get(article=article)
    assert correction.created_by == editor
    article.refresh_from_db()
    assert article.significant_update_at == correction.published_at


def test_a_note_on_a_story_not_out_yet_is_refused_with_the_text_kept(client):
    client.force_login(make_user(role="Editors"))
    scheduled = timezone.now() + dt.timedelta(hours=3)
    for article in (ready_article(), ready_article(published_at=scheduled)):
        data = make_article_form_data(article)
        data |= make_correction_form_data(
            kind="correction",
            date=f"{timezone.localdate()}",
            text="Spelling fixed.",
            untouched=True,
        )
        page = client.post(change_url(article), data).content.decode()
        assert "This story has not come out yet, so there is no reader to tell" in page
        assert "Spelling fixed." in page
        assert not Correction.objects.filter(article=article).exists()


def test_a_story_not_out_yet_takes_no_updated_time(client):
    # Publishing would date it now, after the update: "Updated" before it came out.
    client.force_login(make_user(role="Editors"))
    article = ready_article()
    data = make_article_form_data(article, headline="Kept headline")
    data |= {"significant_update_at_0": "2026-01-01", "significant_update_at_1": "10:00:00"}
    page = client.post(change_url(article), data).content.decode()
    assert "This story has not come out yet, so it has no update: leave this empty." in page
    assert "Kept headline" in page
    article.refresh_from_db()
    assert article.significant_update_at is None


def test_a_correction_dated_in_the_future_is_refused_with_the_text_kept(client):
    article = ready_article(status=Article.Status.PUBLISHED, published_at=JANUARY_FIRST)
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(article)
    data |= make_correction_form_data(
        kind="update", date=f"{timezone.localdate() + dt.timedelta(days=30)}", text="Next month."
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "A note goes out when it is saved: date it now or earlier." in page
    assert "Next month." in page
    assert not Correction.objects.filter(article=article).exists()


def test_a_note_whose_date_was_left_as_it_came_is_dated_when_it_is_saved(client):
    article = make_article(published=True, published_at=timezone.now() - dt.timedelta(days=2))
    make_slide(article=article, position=1, photo=make_photo())
    client.force_login(make_user(role="Editors"))
    opened = timezone.localtime() - dt.timedelta(minutes=20)  # The page, and its blank row.
    date, time = f"{opened:%Y-%m-%d}", f"{opened:%H:%M:%S}"
    data = make_article_form_data(article)
    data |= make_correction_form_data(
        kind="correction", date=date, time=time, text="Fixed.", untouched=True
    )
    assert client.post(change_url(article), data).status_code == 302
    note = Correction.objects.get(article=article)
    assert timezone.now() - note.published_at < dt.timedelta(minutes=1)


def test_a_note_or_update_older_than_the_story_is_refused_with_the_text_kept(client):
    came_out = timezone.now() - dt.timedelta(days=2)
    article = make_article(published=True, published_at=came_out)
    make_slide(article=article, position=1, photo=make_photo())
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(article)
    data |= make_correction_form_data(kind="correction", date="2020-01-01", text="Long ago.")
    page = client.post(change_url(article), data).content.decode()
    assert "A note cannot be older than the story, published" in page
    assert "Long ago." in page
    assert not Correction.objects.filter(article=article).exists()

    data = make_article_form_data(article)
    data |= {"significant_update_at_0": "2020-01-01", "significant_update_at_1": "10:00:00"}
    page = client.post(change_url(article), data).content.decode()
    assert "A story cannot be updated before it was published" in page
    article.refresh_from_db()
    assert article.significant_update_at is None


def test_a_storys_language_is_a_code_readers_tools_understand(client):
    article = ready_article()
    client.force_login(make_user(role="Editors"))
    page = client.post(
        change_url(article), make_article_form_data(article, language="Ukrainian")
    ).content.decode()
    assert "A language code such as en, uk, ar or pt-BR." in page
    response = client.post(change_url(article), make_article_form_data(article, language="uk"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.language == "uk"


def test_a_quote_said_on_a_day_to_come_is_refused(client):
    article = ready_article()
    client.force_login(make_user(role="Editors"))
    data = make_quote_form_data(slide=article.slides.get().pk, text="Words.", speaker="SBU")
    data["said_on"] = f"{timezone.localdate() + dt.timedelta(days=30)}"
    page = client.post("/admin/newsroom/quote/add/", data).content.decode()
    assert "That day has not come yet" in page
    assert not Quote.objects.exists()


def test_chosen_photo_thumbnail_endpoint(client):
    photo = make_photo()
    client.force_login(make_user(role="Reporters"))
    data = client.get(f"/admin/newsroom/article/photo-thumbnail/{photo.pk}/").json()
    assert data["thumbnail"].endswith(".jpg")
    assert data["credit"] == str(photo.credit)


def test_photo_chooser_lists_library_photos_with_thumbnails(admin_client):
    from tests.factories import make_photo

    photo = make_photo(title="Passport page")
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "newsroom", "model_name": "slide", "field_name": "photo", "term": "Passport"},
    )
    results = response.json()["results"]
    assert [r["id"] for r in results] == [str(photo.pk)]
    thumbnail = results[0]["thumbnail"]
    assert thumbnail.startswith("/media/renditions/") and "jpeg-480" in thumbnail
    page = admin_client.get("/admin/newsroom/article/add/").content.decode()
    assert "gallery/photo-chooser.js" in page
    assert page.count("jquery.js") + page.count("jquery.min.js") == 1


def test_a_200_slide_story_can_be_saved(client):
    article = make_article(published=False, slides=200)
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(article, headline="Two hundred photos")
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.status_code
    article.refresh_from_db()
    assert article.headline == "Two hundred photos"


def test_a_slide_deleted_elsewhere_makes_the_open_story_form_say_so(client):
    article = make_article(published=False, slides=2)
    client.force_login(make_user(role="Editors"))
    opened = make_article_form_data(article)
    gone = article.slides.order_by("position").last()
    client.post(f"/admin/newsroom/slide/{gone.pk}/delete/", {"post": "yes"})

    response = client.post(change_url(article), {**opened, "headline": "Kept in the form"})
    html = response.content.decode()
    assert "changed this story at" in html
    assert "Kept in the form" in html


def test_view_on_site_opens_the_preview_until_the_story_is_public(client):
    draft, live = make_article(published=False), make_article(published=True)
    client.force_login(make_user(role="Editors"))
    assert f'href="/preview/stories/{draft.pk}/"' in client.get(change_url(draft)).content.decode()
    assert f'href="{live.get_absolute_url()}"' in client.get(change_url(live)).content.decode()


def test_slug_help_reads_as_written(client):
    client.force_login(make_user(role="Editors"))
    html = client.get("/admin/newsroom/article/add/").content.decode()
    assert "as in /stories/this-part/." in html


def test_renaming_a_published_story_keeps_its_shared_links_working(client):
    article = make_article(published=True, slug="captured-in-kursk", slides=3)
    client.force_login(make_user(role="Editors"))
    response = client.post(
        change_url(article), make_article_form_data(article, slug="soldiers-captured-in-kursk")
    )
    assert "Links to the old address /stories/captured-in-kursk/ now lead to" in " ".join(
        messages_of(response)
    )
    client.logout()

    old = client.get("/stories/captured-in-kursk/2/?utm_source=share")
    assert old.status_code == 301
    assert old["Location"] == "/stories/soldiers-captured-in-kursk/2/?utm_source=share"
    assert client.get("/stories/captured-in-kursk/")["Location"].endswith(
        "/stories/soldiers-captured-in-kursk/"
    )
    # Its notes file moves along, and a missing photo number is still a 404.
    assert client.get("/stories/captured-in-kursk/annotations.jsonld").status_code == 301
    assert client.get("/stories/soldiers-captured-in-kursk/9/").status_code == 404


def test_a_story_cannot_take_another_storys_former_address(client):
    first = make_article(published=True, slug="captured-in-kursk", slides=1)
    client.force_login(make_user(role="Editors"))
    client.post(change_url(first), make_article_form_data(first, slug="soldiers-in-kursk"))
    second = make_article(published=True, slug="kherson-rescuers", slides=1)

    response = client.post(
        change_url(second), make_article_form_data(second, slug="captured-in-kursk")
    )
    assert response.status_code == 200
    assert (
        f"“captured-in-kursk” was the address of “{first.headline}” before it was renamed"
        in response.content.decode()
    )
    client.logout()
    assert client.get("/stories/captured-in-kursk/")["Location"] == "/stories/soldiers-in-kursk/"
    # A story that has the address already (from before this rule) still saves.
    from newsroom.models import FormerSlug

    holder = make_article(published=True, slug="older-address", slides=1)
    FormerSlug.objects.create(slug="older-address", article=first)
    client.force_login(make_user(role="Editors"))
    kept = client.post(change_url(holder), make_article_form_data(holder, byline="By Ann"))
    assert kept.status_code == 302
    # Renamed, it leaves that address's links with the story they were shared for.
    holder.refresh_from_db()
    renamed = client.post(change_url(holder), make_article_form_data(holder, slug="newer-one"))
    assert renamed.status_code == 302
    assert FormerSlug.objects.get(slug="older-address").article == first
    # Its own former address it may take back.
    client.force_login(make_user(role="Editors"))
    first.refresh_from_db()
    back = client.post(change_url(first), make_article_form_data(first, slug="captured-in-kursk"))
    assert back.status_code == 302


def test_a_former_address_never_leads_to_an_unpublished_story_nor_hides_a_live_one(client):
    article = make_article(published=True, slug="first-name", slides=1)
    client.force_login(make_user(role="Editors"))
    client.post(change_url(article), make_article_form_data(article, slug="second-name"))
    client.logout()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert client.get("/stories/first-name/").status_code == 404

    newcomer = make_article(published=True, slug="first-name", slides=1)
    page = client.get("/stories/first-name/")
    assert page.status_code == 200 and newcomer.headline in page.content.decode()


def test_unpublish_action_leaves_drafts_alone_and_says_so(client):
    live, draft = make_article(published=True), make_article(published=False)
    client.force_login(make_user(role="Editors"))
    response = client.post(
        CHANGELIST, {"action": "unpublish", "_selected_action": [live.pk, draft.pk]}, follow=True
    )
    assert messages_of(response) == [
        "Unpublished 1 story. 1 story neither published nor scheduled: left as it was."
    ]
    actions = AuditEntry.objects.filter(action=AuditEntry.Action.UNPUBLISH)
    assert list(actions.values_list("article_id", flat=True)) == [live.pk]


def test_publish_action_leaves_stories_already_out_alone_and_says_so(client):
    live = make_article(published=True)  # No photo: it would fail the checklist today.
    make_slide(article=live, position=1)
    ready = ready_article()
    client.force_login(make_user(role="Editors"))
    response = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [live.pk, ready.pk]}, follow=True
    )
    assert messages_of(response) == ["Published 1 story. 1 story out already: left as it was."]
    actions = AuditEntry.objects.filter(action=AuditEntry.Action.PUBLISH)
    assert list(actions.values_list("article_id", flat=True)) == [ready.pk]


def test_scheduling_for_a_time_already_past_says_it_published_now(client):
    article = ready_article()
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(article, _lifecycle="schedule")
    data |= {"published_at_0": "2025-01-11", "published_at_1": "09:00:00"}
    response = client.post(change_url(article), data, follow=True)
    assert "The publication time given had passed, so the story was published now." in (
        messages_of(response)
    )
    assert Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_publication_time_off_the_calendar_is_a_form_error(client, settings, day):
    settings.TIME_ZONE = "Europe/Kyiv"  # Year 1 there is before year 1 in UTC.
    article = ready_article()
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(article, headline="Typed, not lost")
    data |= {"published_at_0": day, "published_at_1": "00:00:00"}
    response = client.post(change_url(article), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Give a date between the years 1800 and 2999." in page
    assert 'value="Typed, not lost"' in page
    # The story list, whose date filter reads every story's time, still opens.
    assert client.get(CHANGELIST).status_code == 200


def _with_correction_marked_for_deletion(article, correction=None) -> dict:
    correction = correction or Correction.objects.create(
        article=article, text="The date was 3 May, not 4 May."
    )
    data = make_article_form_data(article)
    return data | {
        "corrections-TOTAL_FORMS": 1,
        "corrections-INITIAL_FORMS": 1,
        "corrections-0-id": correction.pk,
        "corrections-0-article": article.pk,
        "corrections-0-kind": correction.kind,
        "corrections-0-published_at_0": f"{correction.published_at:%Y-%m-%d}",
        "corrections-0-published_at_1": f"{correction.published_at:%H:%M:%S}",
        "corrections-0-text": correction.text,
        "corrections-0-DELETE": "on",
    }


def test_a_correction_readers_have_seen_cannot_be_deleted(client):
    article = make_article(published=True, slides=1)
    client.force_login(make_user(role="Editors"))
    data = _with_correction_marked_for_deletion(article)
    page = client.get(change_url(article)).content.decode()
    checkbox = re.search(r'<input[^>]*name="corrections-0-DELETE"[^>]*>', page).group()
    assert "disabled" in checkbox and "add another one" in checkbox
    assert client.post(change_url(article), data).status_code == 302
    assert Correction.objects.filter(article=article).count() == 1


def test_taking_a_story_down_first_does_not_make_its_notes_deletable(client):
    article = make_article(published=True, slides=1)
    editor = make_user(role="Editors")
    client.force_login(editor)
    correction = Correction.objects.create(article=article, text="The date was 3 May.")
    services.article_unpublish(article=article, by=editor)
    data = _with_correction_marked_for_deletion(article, correction)
    page = client.get(change_url(article)).content.decode()
    checkbox = re.search(r'<input[^>]*name="corrections-0-DELETE"[^>]*>', page).group()
    assert "disabled" in checkbox
    assert client.post(change_url(article), data).status_code == 302
    # Published again, it shows the note readers saw the first time.
    assert Correction.objects.filter(article=article).count() == 1


def test_a_story_with_notes_keeps_its_publication_time(client):
    # Undated, its notes could have been deleted, then the story put back up without them.
    article = make_article(published=True, slides=1)
    editor = make_user(role="Editors")
    Correction.objects.create(article=article, text="The date was 3 May.")
    services.article_unpublish(article=article, by=editor)
    client.force_login(editor)
    data = make_article_form_data(article, published_at_0="", published_at_1="")
    response = client.post(change_url(article), data)
    assert "This story has notes readers have seen: it keeps a publication time." in (
        response.content.decode()
    )
    article.refresh_from_db()
    assert article.published_at is not None


def test_a_correction_on_a_draft_can_still_be_deleted(client):
    article = ready_article()
    client.force_login(make_user(role="Editors"))
    data = _with_correction_marked_for_deletion(article)
    assert client.post(change_url(article), data).status_code == 302
    assert not Correction.objects.filter(article=article).exists()


def test_a_scheduled_story_whose_time_has_come_shows_as_published(client):
    from django.utils import timezone

    went_live = make_article(
        published=False, status="scheduled", published_at=timezone.now() - timezone.timedelta(1)
    )
    waiting = make_article(
        published=False, status="scheduled", published_at=timezone.now() + timezone.timedelta(1)
    )
    client.force_login(make_user(role="Editors"))
    listed = client.get(CHANGELIST).content.decode()
    assert listed.count("Published (went live as scheduled)") == 1
    assert (
        "Published (went live as scheduled)" in client.get(change_url(went_live)).content.decode()
    )
    assert ">Scheduled<" in client.get(change_url(waiting)).content.decode()


def _buttons(client, article) -> list[str]:
    page = client.get(change_url(article)).content.decode()
    return re.findall(r'name="_lifecycle" value="(\w+)"', page)


def test_a_story_shows_only_the_lifecycle_buttons_that_would_change_it(client):
    client.force_login(make_user(role="Editors"))
    draft = ready_article()
    assert _buttons(client, draft) == ["submit", "publish", "schedule", "archive"]
    live = make_article(slides=1)
    assert _buttons(client, live) == ["schedule", "unpublish", "archive"]
    archived = make_article(published=False, status="archived")
    assert _buttons(client, archived) == ["submit", "publish", "schedule"]


def test_a_posted_step_the_page_does_not_offer_changes_nothing_and_says_so(client):
    article = make_article(published=False, status="archived")
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(article, _lifecycle="archive")
    response = client.post(change_url(article), data, follow=True)
    assert "Saved. “Archive” changed nothing: the story is archived already." in (
        [str(m) for m in response.context["messages"]]
    )
    assert not AuditEntry.objects.filter(article=article).exists()


def test_the_share_image_is_chosen_in_the_story_form_and_can_move(client):
    article = make_article(published=False)
    first, second = (make_slide(article=article, position=n, photo=make_photo()) for n in (1, 2))
    client.force_login(make_user(role="Reporters"))
    ticked = make_article_form_data(article) | {"slides-1-is_share_image": "on"}
    assert client.post(change_url(article), ticked).status_code == 302
    assert list(article.slides.values_list("is_share_image", flat=True)) == [False, True]
    # Moved from the second slide to the first in one save.
    article.refresh_from_db()
    moved = make_article_form_data(article) | {"slides-0-is_share_image": "on"}
    del moved["slides-1-is_share_image"]
    assert client.post(change_url(article), moved).status_code == 302
    assert list(article.slides.values_list("is_share_image", flat=True)) == [True, False]


def test_two_share_images_or_a_sensitive_one_are_refused_with_the_reason(client):
    article = make_article(published=False)
    make_slide(article=article, position=1, photo=make_photo())
    hurt = make_photo(is_sensitive=True, sensitivity_warning="Shows injuries.")
    make_slide(article=article, position=2, photo=hurt)
    client.force_login(make_user(role="Reporters"))
    both = make_article_form_data(article, headline="Kept headline") | {
        "slides-0-is_share_image": "on",
        "slides-1-is_share_image": "on",
    }
    page = client.post(change_url(article), both).content.decode()
    assert "Tick “share image” on one slide only: slides 1, 2 are ticked." in page
    assert 'value="Kept headline"' in page
    sensitive = make_article_form_data(article) | {"slides-1-is_share_image": "on"}
    page = client.post(change_url(article), sensitive).content.decode()
    assert "Share cards never show a photo marked sensitive or withheld" in page
    assert not article.slides.filter(is_share_image=True).exists()


def test_deleting_a_story_readers_see_says_so_and_offers_unpublish(client):
    client.force_login(make_user(role="Editors"))
    live, draft = ready_article(), ready_article()
    services.article_publish(article=live, by=make_user(role="Editors"))
    page = client.get(f"/admin/newsroom/article/{live.pk}/delete/").content.decode()
    assert "Readers can see this story now." in page and "Unpublish" in page
    page = client.get(f"/admin/newsroom/article/{draft.pk}/delete/").content.decode()
    assert "Readers can see this story now." not in page
    chosen = {"action": "delete_selected", "_selected_action": [live.pk, draft.pk]}
    page = client.post(CHANGELIST, chosen).content.decode()
    assert "Readers can see one of these stories now</strong> (“" in page
    assert "Unpublish selected stories" in page


def test_the_story_list_finds_a_story_by_what_its_slides_and_quotes_say(client):
    wanted = ready_article(headline="Captured in Kursk")
    slide = wanted.slides.get()
    Slide.objects.filter(pk=slide.pk).update(narrative="Two soldiers were taken to Kyiv.")
    make_quote(slide=slide, text="We will answer this.", speaker="Dmitry Peskov")
    make_quote(slide=slide, text="Another line.", speaker="Dmitry Peskov")  # Listed once.
    ready_article(headline="Another story")
    client.force_login(make_user(role="Editors"))
    for words in ("Peskov", "answer this", "taken to Kyiv"):
        listed = client.get(CHANGELIST, {"q": words}).context["cl"].result_list
        assert [a.headline for a in listed] == ["Captured in Kursk"], words


def test_a_note_added_before_a_scheduled_story_went_out_is_saved_after(client):
    # Opened at 9:55 with a blank note row, saved at 10:02 after the 10:00 go-live:
    # the untouched date becomes the save's, not a date older than the story.
    came_out = timezone.now() - dt.timedelta(minutes=2)
    article = make_article(published=True, published_at=came_out)
    make_slide(article=article, position=1, photo=make_photo())
    client.force_login(make_user(role="Editors"))
    opened = timezone.localtime(came_out - dt.timedelta(minutes=5))
    date, time = f"{opened:%Y-%m-%d}", f"{opened:%H:%M:%S}"
    data = make_article_form_data(article)
    data |= make_correction_form_data(
        kind="correction", date=date, time=time, text="Fixed.", untouched=True
    )
    assert client.post(change_url(article), data).status_code == 302
    assert Correction.objects.get(article=article).published_at >= came_out


def test_a_story_cannot_be_moved_to_come_out_after_its_own_notes(client):
    article = make_article(published=True, published_at=timezone.now() - dt.timedelta(hours=3))
    make_slide(article=article, position=1, photo=make_photo())
    Correction.objects.create(
        article=article, text="Fixed.", published_at=timezone.now() - dt.timedelta(hours=2)
    )
    client.force_login(make_user(role="Editors"))
    later = timezone.localtime() - dt.timedelta(hours=1)
    data = make_article_form_data(article)
    data |= {"published_at_0": f"{later:%Y-%m-%d}", "published_at_1": f"{later:%H:%M:%S}"}
    page = client.post(change_url(article), data).content.decode()
    assert "This story has a note dated" in page and "it cannot come out after that" in page
    article.refresh_from_db()
    assert article.published_at < timezone.now() - dt.timedelta(hours=2)


def test_a_story_whose_notes_predate_its_new_time_still_saves(client):
    # Notes made while it was scheduled, then published later than planned: the old
    # notes are not judged again on every save.
    article = make_article(published=True, published_at=timezone.now() - dt.timedelta(hours=1))
    make_slide(article=article, position=1, photo=make_photo())
    Correction.objects.create(
        article=article, text="Earlier.", published_at=timezone.now() - dt.timedelta(hours=3)
    )
    Article.objects.filter(pk=article.pk).update(
        significant_update_at=timezone.now() - dt.timedelta(hours=3)
    )
    article.refresh_from_db()
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(article, byline="By the desk")
    when = timezone.localtime(article.significant_update_at)
    data |= {"significant_update_at_0": f"{when:%Y-%m-%d}"}
    data |= {"significant_update_at_1": f"{when:%H:%M:%S}"}  # As the form shows it.
    assert client.post(change_url(article), data).status_code == 302


@pytest.mark.parametrize("posted", ["abc", "99999999999999999999999", "-1"])
def test_a_story_part_posted_with_an_id_no_one_could_choose_is_a_form_error(client, posted):
    # Edited into the page by hand: Django's autocomplete looked it up to name it, a 500.
    article = ready_article()
    client.force_login(make_user(role="Editors"))
    quote = make_quote_form_data(slide=posted, text="Words.", speaker="SBU")
    slide = {"article": posted, "photo": posted, "position": 2, "narrative": "Words."}
    for url, data in (("/admin/newsroom/quote/add/", quote), ("/admin/newsroom/slide/add/", slide)):
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert "Select a valid choice" in response.content.decode()
    assert not Quote.objects.exists() and article.slides.count() == 1


@pytest.mark.parametrize(
    "url, action",
    [
        ("/admin/newsroom/article/", "publish"),
        ("/admin/newsroom/slide/", "delete_selected"),
        ("/admin/gallery/photo/", "rebuild_renditions"),
        ("/admin/gallery/credit/", "delete_selected"),
    ],
)
def test_an_action_on_rows_edited_into_the_page_is_refused_in_words(admin_client, url, action):
    make_photo()
    response = admin_client.post(url, {"action": action, "_selected_action": ["1", "abc"]})
    assert response.status_code == 302
    page = admin_client.get(response.url).content.decode()
    assert "Nothing was done: the rows chosen are not in this list." in page


UNREADABLE_FILTER = "The list could not be filtered as its address asked"


def test_a_year_before_the_calendar_in_the_sites_time_zone_is_no_server_error(
    admin_client, settings
):
    # Year 1 in Kyiv is before year 1 in UTC: Django's date hierarchy overflowed on
    # SQLite. PostgreSQL has years before it, and finds no story there.
    settings.TIME_ZONE = "Europe/Kyiv"
    ready_article(headline="Still listed")
    response = admin_client.get("/admin/newsroom/article/?published_at__year=1", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert UNREADABLE_FILTER in page or "0 stories" in page


@pytest.mark.parametrize(
    "url",
    [
        "/admin/gallery/credit/?retrieved_at__year=9999&retrieved_at__month=12",
        "/admin/gallery/photo/?created_at__year=99999999999999999999",
        "/admin/newsroom/auditentry/?at__year=9999",
        # A field the list has no filter for: Django blamed the "database installation".
        "/admin/newsroom/article/?no_such_field=1",
    ],
)
def test_a_filter_address_edited_by_hand_shows_the_whole_list_and_says_why(
    admin_client, settings, url
):
    settings.TIME_ZONE = "Europe/Kyiv"
    ready_article(headline="Still listed")
    response = admin_client.get(url)
    assert response.status_code == 302
    assert response.url == url.split("?")[0]
    page = admin_client.get(response.url).content.decode()
    assert UNREADABLE_FILTER in page
    assert "Database error" not in page


def test_a_picker_window_with_a_filter_edited_by_hand_stays_a_picker(admin_client):
    url = "/admin/gallery/photo/?_popup=1&_to_field=id&no_such_field=1"
    response = admin_client.get(url)
    assert response.url == "/admin/gallery/photo/?_popup=1&_to_field=id"


def test_an_action_posted_to_a_list_filtered_by_hand_says_nothing_was_done(admin_client):
    from gallery.models import Credit
    from tests.factories import make_credit

    credit = make_credit()
    url = "/admin/gallery/credit/?retrieved_at__year=9999"
    data = {"action": "delete_selected", "_selected_action": [credit.pk]}
    page = admin_client.post(url, data, follow=True).content.decode()
    assert f"Nothing was done: {UNREADABLE_FILTER}" in page
    assert Credit.objects.filter(pk=credit.pk).exists()


INVISIBLE = "The address holds an invisible control character"
NOT_WEB = "Give a web address starting with https:// or http://."


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("https://example.org/a\x00b", INVISIBLE),
        ("https://example.org/a\tb", INVISIBLE),
        ("ftp://example.org/post", NOT_WEB),  # No browser opens it any more.
        ("javascript:alert(1)", NOT_WEB),
    ],
)
def test_a_quote_link_readers_could_not_follow_is_refused_in_words(client, address, said):
    article = ready_article()
    client.force_login(make_user(role="Editors"))
    data = make_quote_form_data(slide=article.slides.get().pk, text="Words.", speaker="SBU")
    page = client.post("/admin/newsroom/quote/add/", data | {"url": address}).content.decode()
    assert said in page and "Enter a valid URL." not in page
    assert "Words.</textarea>" in page  # Nothing typed is lost.
    assert not Quote.objects.exists()


def test_a_quote_link_pasted_with_a_line_break_after_it_is_taken_without_it(client):
    article = ready_article()
    client.force_login(make_user(role="Editors"))
    data = make_quote_form_data(slide=article.slides.get().pk, text="Words.", speaker="SBU")
    posted = data | {"url": "https://example.org/post\n"}
    assert client.post("/admin/newsroom/quote/add/", posted).status_code == 302
    assert Quote.objects.get().url == "https://example.org/post"


def test_the_story_list_copies_stories_as_new_drafts(client):
    original = make_article(published=True, slides=2, slug="weekly-gallery")
    client.force_login(make_user(role="Reporters"))
    response = client.post(
        CHANGELIST,
        {"action": "copy_as_drafts", "_selected_action": [original.pk]},
        follow=True,
    )
    copy = Article.objects.get(slug="weekly-gallery-copy")
    said = " ".join(messages_of(response))
    assert "Copied 1 story as a new draft: " in said and f"/{copy.pk}/change/" in said
    assert copy.status == Article.Status.DRAFT and copy.slides.count() == 2
    # A story deleted in another tab since the list was opened.
    gone = client.post(
        CHANGELIST, {"action": "copy_as_drafts", "_selected_action": [987654]}, follow=True
    )
    assert messages_of(gone) == [
        "Nothing was copied: the stories selected were deleted since the list was opened."
    ]
    client.force_login(make_user(role="Photo desk"))
    refused = client.post(
        CHANGELIST, {"action": "copy_as_drafts", "_selected_action": [original.pk]}
    )
    assert refused.status_code == 403
