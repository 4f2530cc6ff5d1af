"""A reporter who spots a mistake in a live story asks the editors, who find it and mark it done."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsroom.models import Article, ChangeRequest
from tests.factories import make_article, make_article_form_data, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/newsroom/article/"
ASK = "Ask the editors for a change"
NOW = timezone.now()


def story_page(article) -> str:
    return f"/admin/newsroom/article/{article.pk}/change/"


def ask_url(article) -> str:
    return f"/admin/newsroom/article/{article.pk}/request-change/"


def done_url(change_request) -> str:
    return (
        f"/admin/newsroom/article/{change_request.article_id}/change-requests/"
        f"{change_request.pk}/done/"
    )


def as_role(role: str) -> Client:
    client = Client()
    client.force_login(make_user(role=role))
    return client


def said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_reporter_asks_and_an_editor_finds_the_request_and_marks_it_done():
    live = make_article(headline="Captured in Kursk")
    make_article(headline="Another story")
    reporter, editor = as_role("Reporters"), as_role("Editors")

    assert ASK in reporter.get(story_page(live)).content.decode()
    sent = reporter.post(
        ask_url(live), {"text": "Photo 3: the caption names the wrong town."}, follow=True
    )
    assert (
        "Your request went to the editors. They see it at the top of this story and in the "
        "story list (filter: Open requests)."
    ) in said(sent)
    assert "Photo 3: the caption names the wrong town." in sent.content.decode()

    listed = editor.get(CHANGELIST, {"requests": "open"})
    assert [a.headline for a in listed.context["cl"].result_list] == ["Captured in Kursk"]
    assert listed.context["cl"].result_list[0].open_request_total == 1

    page = editor.get(story_page(live)).content.decode()
    assert "Photo 3: the caption names the wrong town." in page
    assert "Mark done" in page
    assert ASK not in page  # An editor changes the story instead.

    request = ChangeRequest.objects.get()
    done = editor.post(done_url(request), follow=True)
    assert said(done) == ["Marked done: “Photo 3: the caption names the wrong town.”"]
    assert "No open requests." in done.content.decode()
    assert "Done lately" in done.content.decode()
    assert not editor.get(CHANGELIST, {"requests": "open"}).context["cl"].result_list


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Say what should change, and where: the photo or paragraph."),
        ("x" * 2001, "A request holds at most 2,000 characters; this one has 2,001."),
    ],
)
def test_a_request_that_cannot_be_sent_says_why_and_keeps_the_words(text, message):
    live = make_article()
    reporter = as_role("Reporters")
    answer = reporter.post(ask_url(live), {"text": text}, follow=True)
    assert answer.context["change_request_refused"].startswith(message)
    assert not [m for m in said(answer) if message in m]  # Once, beside the box.
    assert not ChangeRequest.objects.exists()
    assert answer.context["change_request_draft"] == text  # Back in the box.
    # Only once: the next visit starts empty.
    assert reporter.get(story_page(live)).context["change_request_draft"] == ""


def test_a_reporter_cannot_mark_a_request_done():
    live = make_article()
    reporter = as_role("Reporters")
    reporter.post(ask_url(live), {"text": "The byline is misspelt."})
    request = ChangeRequest.objects.get()
    assert "Mark done" not in reporter.get(story_page(live)).content.decode()
    assert reporter.post(done_url(request)).status_code == 403
    request.refresh_from_db()
    assert request.is_open


def test_a_reporter_edits_a_draft_directly_so_no_request_box_is_offered():
    draft = make_article(published=False)
    assert ASK not in as_role("Reporters").get(story_page(draft)).content.decode()


def test_staff_who_cannot_see_stories_cannot_ask():
    live = make_article()
    answer = as_role("Photo desk").post(ask_url(live), {"text": "Wrong caption."})
    assert answer.status_code == 403
    assert not ChangeRequest.objects.exists()


def test_requests_outlive_restoring_an_old_version_of_the_story():
    # Not part of the story's versions: a restore must not drop what was asked.
    import reversion
    from reversion.models import Version

    live = make_article()
    with reversion.create_revision():
        reversion.add_to_revision(live)
    as_role("Reporters").post(ask_url(live), {"text": "The standfirst repeats itself."})
    Version.objects.get_for_object(live).get().revision.revert(delete=True)
    assert ChangeRequest.objects.filter(article=live).count() == 1


def test_requests_of_staff_who_have_left_still_show():
    live = make_article()
    reporter, editor = make_user(role="Reporters"), make_user(role="Editors")
    ChangeRequest.objects.create(article=live, text="Open one.", requested_by=reporter)
    ChangeRequest.objects.create(
        article=live, text="Done one.", requested_by=reporter, done_by=editor, done_at=NOW
    )
    reporter.delete()
    editor.delete()
    page = as_role("Editors").get(story_page(live))
    assert page.status_code == 200
    assert page.content.decode().count("a former member of staff") == 2


def test_a_reporter_whose_save_is_refused_finds_the_box_the_message_points_to():
    story = make_article(published=False)
    reporter = as_role("Reporters")
    data = make_article_form_data(story, headline="Typed while it went out")
    # An editor publishes it while the reporter types.
    Article.objects.filter(pk=story.pk).update(status="published", published_at=NOW)
    refused = reporter.post(story_page(story), data)
    page = refused.content.decode()
    assert "copy what you need into “Ask the editors for a change”" in page
    assert '<label for="change-request-text">Ask the editors for a change</label>' in page


def test_line_breaks_count_once_as_in_the_box():
    live = make_article()
    text = ("x" * 99 + "\r\n") * 20  # 2,000 characters in the box, 2,020 as sent.
    answer = as_role("Reporters").post(ask_url(live), {"text": text}, follow=True)
    assert "Your request went to the editors." in " ".join(said(answer))
    assert ChangeRequest.objects.get().text == text.replace("\r\n", "\n").strip()


def test_a_refused_request_says_why_beside_the_box():
    live = make_article()
    html = as_role("Reporters").post(ask_url(live), {"text": " "}, follow=True).content.decode()
    assert '<p class="errornote" id="change-request-error">Say what should change' in html
    assert 'aria-describedby="change-request-error change-request-help"' in html
    assert 'aria-invalid="true"' in html


def test_done_lately_lists_the_latest_done_first():
    live = make_article()
    editor = as_role("Editors")
    for n in range(6):
        ChangeRequest.objects.create(
            article=live, text=f"Request {n}.", done_at=NOW - timedelta(days=n)
        )
    old = ChangeRequest.objects.create(
        article=live, text="Asked long ago.", requested_at=NOW - timedelta(days=30)
    )
    editor.post(done_url(old))
    done = editor.get(story_page(live)).context["done_change_requests"]
    assert [r.text for r in done] == ["Asked long ago.", *[f"Request {n}." for n in range(4)]]


@pytest.mark.parametrize("story_id", ["99999999999999999999999", "1"])
def test_addresses_naming_no_story_are_404_not_errors(story_id):
    editor = as_role("Editors")
    huge = "99999999999999999999999"
    assert editor.post(f"/admin/newsroom/article/{huge}/request-change/").status_code == 404
    url = f"/admin/newsroom/article/{story_id}/change-requests/{huge}/done/"
    assert editor.post(url).status_code == 404


def test_editors_see_on_the_admin_home_how_many_stories_wait_on_a_request():
    first, second = make_article(), make_article()
    for story in (first, first, second):
        ChangeRequest.objects.create(article=story, text="Please fix.")
    ChangeRequest.objects.create(article=make_article(), text="Fixed.", done_at=NOW)
    home = as_role("Editors").get("/admin/").content.decode()
    assert (
        '<a href="/admin/newsroom/article/?requests=open">2 stories have open change requests</a>'
        in home
    )
    assert "change requests" not in as_role("Reporters").get("/admin/").content.decode()


def test_editors_see_on_the_admin_home_the_stories_submitted_for_review():
    # "Submit for review" reached no one: editors had to think of filtering the list.
    make_article(published=False, status=Article.Status.IN_REVIEW)
    make_article(published=False)
    home = as_role("Editors").get("/admin/").content.decode()
    assert (
        '<a href="/admin/newsroom/article/?status=in_review">1 story waits for review</a>' in home
    )
    listed = as_role("Editors").get(CHANGELIST, {"status": "in_review"})
    assert len(listed.context["cl"].result_list) == 1
    assert "for review" not in as_role("Reporters").get("/admin/").content.decode()


def test_a_request_pasted_with_invisible_characters_is_sent_without_them():
    # PostgreSQL cannot store a NUL: it was a 500, and the words lost.
    live = make_article()
    reporter = as_role("Reporters")
    reporter.post(ask_url(live), {"text": "Fix the\x00 caption\x0bin photo 3."})
    assert ChangeRequest.objects.get().text == "Fix the caption\nin photo 3."
