"""A reporter who spots a mistake in a live story asks the editors, who find it and mark it done."""

import pytest
from django.test import Client

from newsroom.models import ChangeRequest
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/newsroom/article/"
ASK = "Ask the editors for a change"


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
    assert said(done) == ["Marked done: “Photo 3: the caption names the wrong town.”."]
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
    assert said(answer)[0].startswith(message)
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
