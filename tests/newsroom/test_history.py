import io
import re

import pytest
from django.utils import timezone
from reversion.models import Version

from newsroom import services
from newsroom.admin.compare import marked_words
from newsroom.models import Article, AuditEntry, Correction
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


def change_url(article):
    return f"/admin/newsroom/article/{article.pk}/change/"


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(role="Editors", first_name="Eve"))
    return client


def save(client, article, **changes):
    article.refresh_from_db()
    response = client.post(change_url(article), make_article_form_data(article, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]


def test_history_shows_who_changed_what(editor_client):
    article = make_article(published=False)
    make_slide(article=article, position=1)
    save(editor_client, article, headline="First headline")
    save(editor_client, article, standfirst="A sharper standfirst.")
    html = editor_client.get(f"{change_url(article).removesuffix('change/')}history/")
    html = html.content.decode()
    assert "Eve" in html
    assert "Changed Standfirst" in html or "Changed standfirst" in html


def test_each_save_shows_what_it_changed_field_by_field(editor_client):
    article = make_article(published=False, headline="Troops captured in Kursk", byline="By A")
    make_slide(article=article, position=1, narrative="Two soldiers were taken to Kyiv.")
    make_slide(article=article, position=2, narrative="Unchanged.")
    save(editor_client, article)
    save(
        editor_client,
        article,
        headline="Two soldiers captured in Kursk",
        **{"slides-0-narrative": "Two wounded soldiers were taken to Kyiv."},
    )
    history = editor_client.get(f"/admin/newsroom/article/{article.pk}/history/").content.decode()
    links = re.findall(r'<a href="([^"]+/changes/)">What changed</a>', history)
    assert len(links) == 2

    html = editor_client.get(links[0]).content.decode()  # Newest first, as the page says.
    shown = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)
    assert "<del>Troops</del><ins>Two soldiers</ins> captured in Kursk" in shown
    # Screen readers hear the change in words.
    assert "[taken out: Troops][put in: Two soldiers] captured" in re.sub(r"<[^>]+>", "", html)
    assert re.search(r"Two ?<ins> ?wounded ?</ins> ?soldiers were taken to Kyiv\.", shown)
    assert "Slide 1" in html and "Slide 2" not in html  # Only what changed.
    assert "Byline" not in html
    # The first save is compared with nothing: everything it wrote is new.
    first = editor_client.get(links[-1]).content.decode()
    assert "By A" in first and "Unchanged." in first


def test_what_changed_shows_a_change_of_language(editor_client):
    article = make_article(published=False)
    save(editor_client, article)
    save(editor_client, article, language="uk")
    history = editor_client.get(f"/admin/newsroom/article/{article.pk}/history/").content.decode()
    latest = re.findall(r'<a href="([^"]+/changes/)">What changed</a>', history)[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", editor_client.get(latest).content.decode()))
    assert "Language en [taken out: en ] [put in: uk ]" in text


def test_slides_numbered_again_after_a_delete_are_kept_so_in_that_saves_version(editor_client):
    article = make_article(published=False)
    for position in (1, 2, 3):
        make_slide(article=article, position=position)
    save(editor_client, article, **{"slides-1-DELETE": "on"})
    save(editor_client, article, standfirst="Only the standfirst changed.")

    latest = Version.objects.get_for_object(article).first()
    url = f"/admin/newsroom/article/{article.pk}/history/{latest.pk}/changes/"
    text = re.sub(r"<[^>]+>", " ", editor_client.get(url).content.decode())
    assert "Standfirst" in text
    assert "Position" not in text


def test_what_changed_needs_permission_to_see_stories(client, editor_client):
    article = make_article(published=False)
    save(editor_client, article, headline="Changed")
    version = Version.objects.get_for_object(article).first()
    url = f"/admin/newsroom/article/{article.pk}/history/{version.pk}/changes/"
    client.force_login(make_user(role="Photo desk"))
    assert client.get(url).status_code == 403
    client.force_login(make_user(role="Reporters"))
    assert client.get(url).status_code == 200


def test_restore_a_version_brings_back_the_story_and_its_slides(editor_client):
    article = make_article(published=False, headline="Original headline")
    make_slide(article=article, position=1, narrative="Original narrative.")
    save(editor_client, article)
    original = Version.objects.get_for_object(article).first()
    save(editor_client, article, headline="Rewritten", **{"slides-0-narrative": "Rewritten."})

    revert_url = f"/admin/newsroom/article/{article.pk}/history/{original.pk}/"
    form = editor_client.get(revert_url)
    assert "Original headline" in form.content.decode()
    article.refresh_from_db()
    assert article.headline == "Rewritten"  # looking does not restore
    data = make_article_form_data(article, headline="Original headline")
    data["slides-0-narrative"] = "Original narrative."
    restored = editor_client.post(revert_url, data, follow=True)
    assert restored.redirect_chain[-1][0] == f"/admin/newsroom/article/{article.pk}/change/"
    assert [str(m) for m in restored.context["messages"]] == [
        "Restored the chosen version of “Original headline”: its text, slides and quotes. "
        "Its address, status, dates and corrections are as they were."
    ]
    article.refresh_from_db()
    assert article.headline == "Original headline"
    assert article.slides.get().narrative == "Original narrative."
    # The lock counter keeps moving forward; a restore never rolls it back.
    assert article.version == 4


def test_a_restore_refused_as_stale_names_who_saved_meanwhile(editor_client):
    from django.test import Client

    article = make_article(published=False, headline="Original headline")
    make_slide(article=article, position=1, narrative="Original narrative.")
    save(editor_client, article)  # By Eve: the version to restore.
    original = Version.objects.get_for_object(article).first()
    revert_url = f"/admin/newsroom/article/{article.pk}/history/{original.pk}/"
    article.refresh_from_db()
    opened = make_article_form_data(article)  # Eve opens the restore page.

    ada = Client()
    ada.force_login(make_user(role="Editors", first_name="Ada"))
    save(ada, article, headline="Ada's headline")

    response = editor_client.post(revert_url, opened)
    assert response.status_code == 200
    assert "Ada changed this story at" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Ada's headline"


@pytest.mark.parametrize("object_id", ["deleted", "abc"])
def test_the_history_of_a_story_deleted_since_sends_the_editor_home_saying_so(
    editor_client, object_id
):
    article = make_article(published=False)
    pk = article.pk
    article.delete()
    response = editor_client.get(
        f"/admin/newsroom/article/{pk if object_id == 'deleted' else object_id}/history/",
        follow=True,
    )
    assert response.status_code == 200
    assert "doesn’t exist. Perhaps it was deleted?" in response.content.decode()


def test_a_deleted_story_is_recovered_with_its_slides(editor_client):
    article = make_article(published=False, headline="Lost and found")
    make_slide(article=article, position=1, narrative="Slide text.")
    save(editor_client, article)
    pk = article.pk
    delete = editor_client.post(f"/admin/newsroom/article/{pk}/delete/", {"post": "yes"})
    assert delete.status_code == 302
    assert not Article.objects.filter(pk=pk).exists()

    listing = editor_client.get("/admin/newsroom/article/recover/").content.decode()
    assert "Lost and found" in listing
    version = Version.objects.get_deleted(Article).get(object_id=str(pk))
    recover_url = f"/admin/newsroom/article/recover/{version.pk}/"
    editor_client.get(recover_url)
    recovered_slide = version.revision.version_set.get(content_type__model="slide")
    data = make_article_form_data(article)
    # A recovered story starts its lock counter afresh, as the recover form says.
    data |= {"lock_version": 1, "slides-0-id": recovered_slide.object_id}
    answer = editor_client.post(recover_url, data, follow=True)
    assert answer.redirect_chain[-1][0] == f"/admin/newsroom/article/{pk}/change/"
    assert "“Lost and found” is back as a draft, with its slides and quotes." in " ".join(
        str(m) for m in answer.context["messages"]
    )
    recovered = Article.objects.get(pk=pk)
    assert recovered.headline == "Lost and found"
    assert recovered.slides.get().narrative == "Slide text."


def test_a_recovered_story_has_its_trail_from_before_the_deletion(editor_client):
    from newsroom import services
    from newsroom.models import AuditEntry

    article = make_article(published=False, headline="Out, in, out")
    make_slide(article=article, position=1, photo=make_photo(), narrative="Slide text.")
    services.article_publish(article=article, by=make_user(role="Editors"))
    services.article_unpublish(article=article, by=make_user(role="Editors"))
    version = _deleted(editor_client, article)
    recover_url = f"/admin/newsroom/article/recover/{version.pk}/"
    editor_client.get(recover_url)
    recovered_slide = version.revision.version_set.get(content_type__model="slide")
    data = make_article_form_data(Article(**{**version.field_dict, "pk": article.pk}))
    data |= {"lock_version": 1, "slides-0-id": recovered_slide.object_id}
    editor_client.post(recover_url, data)
    trail = AuditEntry.objects.filter(article_id=article.pk).order_by("at", "pk")
    assert [entry.get_action_display() for entry in trail] == [
        "Published",
        "Unpublished",
        "Deleted",
        "Recovered",
    ]


def _deleted(client, article) -> Version:
    save(client, article)
    client.post(f"/admin/newsroom/article/{article.pk}/delete/", {"post": "yes"})
    return Version.objects.get_deleted(Article).get(object_id=str(article.pk))


def test_a_recovered_story_may_not_take_the_address_another_story_was_renamed_from(
    editor_client,
):
    gone = make_article(published=True, headline="Xray story", slug="xray", slides=1)
    other = make_article(published=True, headline="Yankee story", slug="yankee", slides=1)
    version = _deleted(editor_client, gone)
    save(editor_client, other, slug="xray")
    save(editor_client, other, slug="yankee-2")  # /stories/xray/ now leads to Yankee.

    recover_url = f"/admin/newsroom/article/recover/{version.pk}/"
    slide = version.revision.version_set.get(content_type__model="slide")
    data = make_article_form_data(gone) | {"lock_version": 1, "slides-0-id": slide.object_id}
    refused = editor_client.post(recover_url, data)
    assert refused.status_code == 200
    assert "“xray” was the address of “Yankee story” before it was renamed" in (
        refused.content.decode()
    )
    assert not Article.objects.filter(pk=gone.pk).exists()
    assert editor_client.get("/stories/xray/")["Location"] == "/stories/yankee-2/"

    back = editor_client.post(recover_url, data | {"slug": "xray-recovered"})
    assert back.status_code == 302
    assert Article.objects.get(pk=gone.pk).slug == "xray-recovered"


def test_a_story_whose_address_was_taken_meanwhile_cannot_be_recovered_and_says_why(
    editor_client,
):
    gone = make_article(published=True, headline="Echo story", slug="echo", slides=1)
    version = _deleted(editor_client, gone)
    make_article(headline="Foxtrot story", slug="echo")
    response = editor_client.get(f"/admin/newsroom/article/recover/{version.pk}/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/newsroom/article/recover/"
    assert [str(m) for m in response.context["messages"]][-1] == (
        "“Echo story” cannot be recovered: its address /stories/echo/ is “Foxtrot story”'s "
        "now. To bring it back, give that story another address first."
    )


@pytest.mark.parametrize("role", ["Reporters", "Photo desk"])
def test_only_editors_recover_deleted_stories(client, role):
    client.force_login(make_user(role=role))
    assert client.get("/admin/newsroom/article/recover/").status_code == 403


def test_photo_metadata_edits_are_versioned(editor_client):
    from tests.factories import make_photo

    photo = make_photo()
    url = f"/admin/gallery/photo/{photo.pk}/change/"
    page = editor_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    data["alt_text"] = "Two soldiers in a hospital room."
    # Inline formsets of the photo desk, if any, sent empty.
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{formset.formset.prefix}-{name}"] = management[name].value()
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Version.objects.get_for_object(photo).count() == 1


@pytest.mark.parametrize(("role", "shown"), [("Editors", True), ("Reporters", False)])
def test_recover_link_shows_only_to_those_who_may_recover(client, role, shown):
    client.force_login(make_user(role=role))
    listing = client.get("/admin/newsroom/article/").content.decode()
    assert ("Recover deleted stories" in listing) is shown
    assert client.get("/admin/newsroom/article/recover/").status_code == (200 if shown else 403)


def test_what_changed_escapes_what_editors_typed():
    marked = marked_words("Say <b>this</b>", "Say <script>that</script>")
    assert "<script>" not in marked and "&lt;script&gt;" in marked
    assert marked.startswith("Say ")


def test_quotes_added_on_a_save_are_listed_under_their_slide(editor_client):
    article = make_article(published=False)
    slide = make_slide(article=article, position=1)
    save(editor_client, article)
    make_quote(slide=slide, text="The world needs to know the truth.", speaker="Zelensky")
    save(editor_client, article, headline="With a quote")
    version = Version.objects.get_for_object(article).first()  # The newest.
    url = f"/admin/newsroom/article/{article.pk}/history/{version.pk}/changes/"
    html = editor_client.get(url).content.decode()
    assert "Quote 1 (added): Text" in html
    assert "The world needs to know the truth." in html


def test_restore_changes_content_only_not_status_dates_or_corrections(client):
    editor, reporter = make_user(role="Editors"), make_user(role="Reporters")
    article = make_article(published=True, headline="Headline when it was live")
    make_slide(article=article, position=1, photo=make_photo())
    client.force_login(editor)
    save(client, article)
    live_version = Version.objects.get_for_object(article).first()
    services.article_unpublish(article=article, by=editor)
    correction = services.correction_append(
        correction=Correction(article=article, text="We misspelled a name."), by=editor
    )
    save(client, article, headline="Reworked while unpublished")

    client.force_login(reporter)
    revert_url = f"/admin/newsroom/article/{article.pk}/history/{live_version.pk}/"
    form = client.get(revert_url).content.decode()
    assert "We misspelled a name." in form  # The form shows what a save will keep.
    assert "address, status, publication and update times and its corrections stay" in form
    article.refresh_from_db()
    data = make_article_form_data(article, headline="Headline when it was live")
    assert client.post(revert_url, data).status_code == 302

    article.refresh_from_db()
    assert article.headline == "Headline when it was live"
    # A reporter's restore of a live-era version does not republish the story.
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Correction.objects.filter(pk=correction.pk, text="We misspelled a name.").exists()


def test_a_story_never_saved_in_the_admin_can_be_recovered_as_a_draft(editor_client):
    # Imported or demo stories have no version until a save; deleting must not lose them.
    article = make_article(published=True, headline="Imported, then deleted")
    make_slide(article=article, position=1, narrative="Imported slide.")
    pk = article.pk
    assert not Version.objects.get_for_object(article).exists()
    editor_client.post(f"/admin/newsroom/article/{pk}/delete/", {"post": "yes"})

    listing = editor_client.get("/admin/newsroom/article/recover/").content.decode()
    assert "Imported, then deleted" in listing
    version = Version.objects.get_deleted(Article).get(object_id=str(pk))
    recover_url = f"/admin/newsroom/article/recover/{version.pk}/"
    editor_client.get(recover_url)
    slide = version.revision.version_set.get(content_type__model="slide")
    data = make_article_form_data(article) | {"lock_version": 1, "slides-0-id": slide.object_id}
    assert editor_client.post(recover_url, data).status_code == 302

    recovered = Article.objects.get(pk=pk)
    assert recovered.slides.get().narrative == "Imported slide."
    # Back as a draft: going public again is an editor's lifecycle step.
    assert recovered.status == Article.Status.DRAFT
    trail = AuditEntry.objects.filter(article_headline="Imported, then deleted").order_by("pk")
    assert [(e.action, e.note) for e in trail] == [
        ("delete", "Was published; recoverable from its history."),
        ("recover", "Back as a draft."),
    ]


def test_a_slide_edited_on_its_own_page_is_in_the_storys_history_under_its_editor(client):
    article = make_article(published=False)
    slide = make_slide(article=article, position=1, narrative="Before.")
    client.force_login(make_user(role="Editors", first_name="Sam"))
    data = {
        "article": article.pk,
        "position": 1,
        "photo": "",
        "narrative": "After, from the slide page.",
        "article_version": article.version,
        "quotes-TOTAL_FORMS": 0,
        "quotes-INITIAL_FORMS": 0,
        "quotes-MIN_NUM_FORMS": 0,
        "quotes-MAX_NUM_FORMS": 1000,
    }
    response = client.post(f"/admin/newsroom/slide/{slide.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    # Back to the story the editor came from, not to the list of every slide.
    assert response["Location"] == f"/admin/newsroom/article/{article.pk}/change/"

    history = client.get(f"/admin/newsroom/article/{article.pk}/history/").content.decode()
    assert "Sam" in history
    (link,) = re.findall(r'<a href="([^"]+/changes/)">What changed</a>', history)
    assert "After, from the slide page." in client.get(link).content.decode()


def test_a_quote_edited_on_its_own_page_moves_the_storys_lock_and_history(client):
    article = make_article(published=False)
    slide = make_slide(article=article, position=1)
    quote = make_quote(slide=slide, text="Before.", speaker="SBU")
    version = article.version
    client.force_login(make_user(role="Editors", first_name="Quinn"))
    data = make_quote_form_data(quote, text="After.")
    response = client.post(f"/admin/newsroom/quote/{quote.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    article.refresh_from_db()
    assert article.version == version + 1  # An open story form is now stale.
    history = client.get(f"/admin/newsroom/article/{article.pk}/history/").content.decode()
    assert "Quinn" in history


def test_a_quote_moved_to_another_story_moves_the_lock_of_the_story_it_left(client):
    left, joined = make_article(published=False), make_article(published=False)
    slide = make_slide(article=left, position=1)
    target = make_slide(article=joined, position=1)
    quote = make_quote(slide=slide, text="Words said once.", speaker="SBU")
    version = left.version
    client.force_login(make_user(role="Editors", first_name="Quinn"))
    data = make_quote_form_data(quote, slide=target.pk)
    response = client.post(f"/admin/newsroom/quote/{quote.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    left.refresh_from_db()
    assert left.version == version + 1  # A form opened on it before is stale now.
    history = client.get(f"/admin/newsroom/article/{left.pk}/history/").content.decode()
    assert "Quinn" in history


def test_a_correction_appended_on_a_save_is_in_what_changed(editor_client):
    came_out = timezone.now() - timezone.timedelta(days=3)
    article = make_article(published=True, published_at=came_out)
    make_slide(article=article, position=1, photo=make_photo())
    save(editor_client, article)
    article.refresh_from_db()
    data = make_article_form_data(article)
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    data |= make_correction_form_data(
        kind="correction", date=f"{yesterday}", text="An earlier version misspelled Tuva."
    )
    assert editor_client.post(change_url(article), data).status_code == 302

    history = editor_client.get(f"/admin/newsroom/article/{article.pk}/history/").content.decode()
    latest = re.findall(r'<a href="([^"]+/changes/)">What changed</a>', history)[0]
    html = editor_client.get(latest).content.decode()
    assert "Corrections and updates" in html
    assert "Note 1 (added): Text" in html and "An earlier version misspelled Tuva." in html


def test_a_photos_history_is_newest_first_like_a_storys(editor_client):
    import reversion

    from tests.factories import make_photo

    photo = make_photo()
    for caption in ("First caption.", "Second caption."):
        with reversion.create_revision():
            photo.caption = caption
            photo.save()
            reversion.set_comment(f"Set to {caption}")
    history = editor_client.get(f"/admin/gallery/photo/{photo.pk}/history/")
    actions = history.context["action_list"]
    assert [a["revision"].get_comment() for a in actions] == [
        "Set to Second caption.",
        "Set to First caption.",
    ]


def test_an_imported_story_keeps_the_text_the_partner_sent_as_its_first_version(
    editor_client, tmp_path
):
    from django.core.management import call_command

    source = tmp_path / "story.txt"
    source.write_text(
        "Partner headline\nThe partner's standfirst.\nThe partner's narrative.\n"
        "Photo Credit: Agency / Someone\n",
        encoding="utf-8",
    )
    call_command("importstory", str(source), "--slug", "partner-story", stdout=io.StringIO())
    article = Article.objects.get(slug="partner-story")
    save(editor_client, article, standfirst="Rewritten by us.")

    history = editor_client.get(f"/admin/newsroom/article/{article.pk}/history/").content.decode()
    assert "Imported from a partner slideshow." in history
    first = Version.objects.get_for_object(article).last()
    assert first.field_dict["standfirst"] == "The partner's standfirst."
    assert (
        "The partner's narrative."
        in first.revision.version_set.get(content_type__model="slide").serialized_data
    )


def test_the_demo_story_has_a_version_to_go_back_to(demo_story):
    versions = Version.objects.get_for_object(demo_story)
    assert [v.revision.get_comment() for v in versions] == ["The demo story, as loaded."]
    assert versions.get().revision.version_set.filter(content_type__model="slide").count() == 9


def test_a_slides_old_version_is_restored_from_its_story_keeping_status_and_notes(
    editor_client,
):
    article = make_article(published=False)
    slide = make_slide(article=article, position=1, photo=make_photo(), narrative="First.")
    save(editor_client, article)  # A version from while it was a draft.
    version = Version.objects.get_for_object(slide).first()
    Article.objects.filter(pk=article.pk).update(status="published", published_at=timezone.now())
    Correction.objects.create(article=article, text="A correction readers saw.")

    url = f"/admin/newsroom/slide/{slide.pk}/history/{version.pk}/"
    for response in (editor_client.get(url), editor_client.post(url, {"narrative": "x"})):
        assert response.status_code == 302
        assert response["Location"] == f"/admin/newsroom/article/{article.pk}/history/"
    article.refresh_from_db()
    assert article.status == "published" and article.corrections.count() == 1
    assert editor_client.get("/admin/newsroom/slide/recover/").status_code == 302


@pytest.mark.parametrize("model", ["article", "slide", "quote"])
def test_a_made_up_history_address_is_not_a_server_error(editor_client, model):
    response = editor_client.get(f"/admin/newsroom/{model}/abc/history/1/")
    assert response.status_code in (302, 404)


def test_a_made_up_what_changed_address_is_not_a_server_error(editor_client):
    assert editor_client.get("/admin/newsroom/article/abc/history/1/changes/").status_code == 404


def test_a_made_up_photo_history_address_is_not_a_server_error(admin_client):
    assert admin_client.get("/admin/gallery/photo/abc/history/1/").status_code == 404


def test_restoring_a_version_from_before_a_rename_keeps_todays_address(editor_client):
    article = make_article(slug="first-address")
    make_slide(article=article, position=1, photo=make_photo())
    save(editor_client, article)
    before_rename = Version.objects.get_for_object(article).first()
    save(editor_client, article, slug="shared-address")

    article.refresh_from_db()
    url = f"/admin/newsroom/article/{article.pk}/history/{before_rename.pk}/"
    form = editor_client.get(url).content.decode()
    shown = re.search(r'name="slug" value="([^"]*)"', form).group(1)
    # Saved as shown, as an editor does.
    assert editor_client.post(url, make_article_form_data(article, slug=shown)).status_code == 302
    article.refresh_from_db()
    assert article.slug == "shared-address"
    assert editor_client.get("/stories/shared-address/").status_code == 200


def test_restoring_a_version_saved_before_feed_ids_keeps_the_storys_feed_entry(
    editor_client,
):
    import json

    article = make_article(headline="One entry")
    make_slide(article=article, position=1, photo=make_photo())
    save(editor_client, article)
    old = Version.objects.get_for_object(article).first()
    data = json.loads(old.serialized_data)
    del data[0]["fields"]["atom_id"]  # As versions saved before the field hold it.
    Version.objects.filter(pk=old.pk).update(serialized_data=json.dumps(data))
    save(editor_client, article, headline="One entry, renamed")
    article.refresh_from_db()
    url = f"/admin/newsroom/article/{article.pk}/history/{old.pk}/"
    editor_client.get(url)
    assert (
        editor_client.post(url, make_article_form_data(article, headline="One entry")).status_code
        == 302
    )
    assert Article.objects.get(pk=article.pk).atom_id == article.atom_id


def test_line_breaks_posted_by_a_browser_are_not_a_change(editor_client):
    # Imports store LF; a browser posts a textarea's breaks as CRLF.
    article = make_article(published=False, byline="By A")
    make_slide(article=article, position=1, narrative="First paragraph.\nSecond paragraph.")
    save(editor_client, article)
    save(
        editor_client,
        article,
        byline="By B",
        **{"slides-0-narrative": "First paragraph.\r\nSecond paragraph."},
    )
    (latest, _) = Version.objects.get_for_object(article)[:2]
    assert latest.revision.get_comment() == "Changed Byline."
    assert article.slides.get().narrative == "First paragraph.\nSecond paragraph."


@pytest.mark.django_db(transaction=True)
def test_text_saved_with_crlf_before_is_migrated_to_lf():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    article = make_article(published=False, standfirst="One.\r\nTwo.")
    make_slide(article=article, position=1, narrative="First.\r\nSecond.")
    executor = MigrationExecutor(connection)
    executor.migrate([("newsroom", "0013_slide_awaiting_credit_line")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    article.refresh_from_db()
    assert article.standfirst == "One.\nTwo."
    assert article.slides.get().narrative == "First.\nSecond."


def test_what_changed_ignores_crlf_kept_in_versions_from_before(editor_client):
    from newsroom.versions import save_story_versions

    article = make_article(published=False, byline="By A")
    slide = make_slide(article=article, position=1, narrative="First.\r\nSecond.")
    save_story_versions([article], by=None, comment="Saved with CRLF, long ago.")
    type(slide).objects.filter(pk=slide.pk).update(narrative="First.\nSecond.")  # Migrated.
    save(editor_client, article, byline="By B")
    history = editor_client.get(f"/admin/newsroom/article/{article.pk}/history/").content.decode()
    latest = re.findall(r'<a href="([^"]+/changes/)">What changed</a>', history)[0]
    page = editor_client.get(latest).content.decode()
    assert "Byline" in page and "Slide 1" not in page


def test_restoring_a_published_story_reaches_readers_at_once(editor_client):
    from django.test import Client

    reader = Client()  # Not the editor's: staff are never given cached pages.
    article = make_article(headline="First words")
    make_slide(article=article, position=1, photo=make_photo(), narrative="First narrative.")
    save(editor_client, article)
    first = Version.objects.get_for_object(article).first()
    save(editor_client, article, headline="Second words", **{"slides-0-narrative": "Second."})
    assert "Second words" in reader.get(f"/stories/{article.slug}/").content.decode()  # Cached.

    article.refresh_from_db()
    url = f"/admin/newsroom/article/{article.pk}/history/{first.pk}/"
    data = make_article_form_data(article, headline="First words")
    data["slides-0-narrative"] = "First narrative."
    assert editor_client.post(url, data).status_code == 302
    page = reader.get(f"/stories/{article.slug}/").content.decode()
    assert "First words" in page and "First narrative." in page
    assert "First words" in reader.get("/").content.decode()


def restore_queries(client, slides: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = make_article()
    for position in range(1, slides + 1):
        slide = make_slide(article=article, position=position, photo=make_photo())
        make_quote(slide=slide, speaker="A", text=f"Quote number {position}.")
    save(client, article)
    first = Version.objects.get_for_object(article).first()
    save(client, article, headline="Changed")
    article.refresh_from_db()
    url = f"/admin/newsroom/article/{article.pk}/history/{first.pk}/"
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, make_article_form_data(article)).status_code == 302
    return len(queries)


def test_restoring_a_long_story_makes_its_pages_stale_once_not_slide_by_slide(editor_client):
    # django-reversion writes each slide and quote back (about ten queries for the
    # two); the pages they show on are worked out once, not for every row.
    per_slide = (restore_queries(editor_client, 25) - restore_queries(editor_client, 5)) / 20
    assert per_slide <= 12


def test_two_chosen_saves_are_compared_with_everything_changed_in_between(editor_client):
    article = make_article(published=False, headline="Troops captured", byline="By A")
    make_slide(article=article, position=1)
    save(editor_client, article)
    save(editor_client, article, headline="Two soldiers captured")
    save(editor_client, article, byline="By B")
    history = editor_client.get(f"/admin/newsroom/article/{article.pk}/history/")
    page = history.content.decode()
    ids = re.findall(r'name="from" value="(\d+)"', page)
    assert len(ids) == 3
    # Saves made within a minute are told apart by their number, as a screen reader says it.
    labels = re.findall(r'name="from" value="\d+" aria-label="([^"]+)"', page)
    assert [label.split(", of ")[0] for label in labels] == [
        "Compare from save 3",
        "Compare from save 2",
        "Compare from save 1",
    ]
    newest, oldest = ids[0], ids[-1]

    url = f"/admin/newsroom/article/{article.pk}/history/compare/"
    # Chosen either way round, the older save is "before".
    html = editor_client.get(url, {"from": newest, "to": oldest}).content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    assert "everything changed in between" in text
    assert "Troops" in text and "Two soldiers" in text  # The second save's change…
    assert "By [taken out: A][put in: B]" in text  # …and the third's.

    same = editor_client.get(url, {"from": newest, "to": newest}, follow=True)
    assert "Choose two different saves to compare." in same.content.decode()
    other = make_article(published=False)
    make_slide(article=other, position=1)
    save(editor_client, other)
    foreign = Version.objects.get_for_object(other).first().pk
    assert editor_client.get(url, {"from": newest, "to": foreign}).status_code == 404
    assert editor_client.get(url, {"from": "x", "to": newest}, follow=True).status_code == 200
    # Digits str.isdigit() takes and int() does not, and one save written two ways.
    for odd in ("²", "①"):
        assert editor_client.get(url, {"from": odd, "to": newest}, follow=True).status_code == 200
    again = editor_client.get(url, {"from": f"0{newest}", "to": newest}, follow=True)
    assert "Choose two different saves to compare." in again.content.decode()


def test_what_changed_reads_as_editors_see_the_fields(editor_client):
    import reversion

    article = make_article(published=True, headline="Readable changes")
    slide = make_slide(article=article, position=1)
    url = f"/admin/newsroom/article/{article.pk}/history/"

    def version_saved(**changes):
        with reversion.create_revision():
            for name, value in changes.items():
                setattr(article, name, value)
            article.save()
            reversion.add_to_revision(article)
        return Version.objects.get_for_object(article).first()

    def shown(version) -> str:
        html = editor_client.get(f"{url}{version.pk}/changes/").content.decode()
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))

    an_hour_ago = timezone.now().replace(second=10, microsecond=0) - timezone.timedelta(hours=1)
    first = version_saved(published_at=an_hour_ago)
    assert "This is the story's first save" in shown(first)
    slide.is_share_image = True
    slide.save()
    moved = article.published_at + timezone.timedelta(seconds=20)
    later = version_saved(status=Article.Status.DRAFT, published_at=moved)
    text = shown(later)
    assert "Compared with the save before it." in text
    assert "Status Published Draft" in text  # Labels, not "[taken out: published]".
    assert "Share image No Yes" in text
    # 20 seconds apart, in one minute: told apart by their seconds.
    before, after = (timezone.localtime(at) for at in (an_hour_ago, moved))
    assert f"{before:%H:%M}:10" in text and f"{after:%H:%M}:30" in text


def test_a_slide_added_on_its_own_page_is_named_in_the_storys_history(editor_client):
    article = make_article(published=False, headline="Kursk, day three")
    make_slide(article=article, position=1)
    data = {
        "article": article.pk,
        "position": 0,
        "narrative": "A late photo.",
        "article_version": article.version,
        "quotes-TOTAL_FORMS": 0,
        "quotes-INITIAL_FORMS": 0,
    }
    assert editor_client.post("/admin/newsroom/slide/add/", data).status_code == 302
    history = editor_client.get(f"/admin/newsroom/article/{article.pk}/history/")
    assert "Added slide “Kursk, day three — slide 2”." in history.content.decode()
