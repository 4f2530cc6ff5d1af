"""Taking a story down takes down the image links it spread: share images, copied links."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from reversion.models import Version

from newsroom import services
from tests.factories import (
    make_article,
    make_article_form_data,
    make_photo,
    make_slide,
    make_user,
)
from tests.gallery.test_withdraw import addresses, status

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_user(role="Editors")


def story_with(*photos, **fields):
    article = make_article(**fields)
    for position, photo in enumerate(photos, start=1):
        make_slide(article=article, position=position, photo=photo)
    return article


@pytest.mark.parametrize("step", ["article_unpublish", "article_archive"])
def test_taking_a_story_down_makes_its_old_image_links_answer_404(client, editor, step):
    photo = make_photo()
    article = story_with(photo)
    old = addresses(photo)
    share = old["share"]  # The og:image social networks keep.
    assert status(client, share) == 200

    with TestCase.captureOnCommitCallbacks(execute=True):
        getattr(services, step)(article=article, by=editor)
    assert {status(client, url) for url in old.values()} == {404}

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.article_publish(article=article, by=editor)
    new = addresses(photo)
    assert new.keys() == old.keys()
    assert new["share"] != share
    assert not set(new.values()) & set(old.values())
    assert {status(client, url) for url in new.values()} == {200}
    assert new["avif-480"] in client.get(article.get_absolute_url()).content.decode()


def test_with_a_worker_the_new_files_are_queued_at_once(editor, settings):
    from django_tasks_db.models import DBTaskResult

    photo = make_photo()
    article = story_with(photo)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.article_unpublish(article=article, by=editor)
    queued = DBTaskResult.objects.filter(task_path="gallery.tasks.build_renditions")
    assert [r.args_kwargs["args"] for r in queued] == [[photo.pk]]


def test_deleting_a_live_story_takes_its_image_links_down_too(client, editor):
    photo = make_photo()
    article = story_with(photo)
    old = addresses(photo)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.article_delete(article=article, by=editor)
    assert {status(client, url) for url in old.values()} == {404}


def test_a_photo_shown_again_by_another_way_than_publishing_has_its_files(client, editor):
    # Put in a live story through the form, by an import or a restore: no publish step.
    photo = make_photo()
    article = story_with(photo)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.article_unpublish(article=article, by=editor)
    live = story_with()
    make_slide(article=live, position=1, photo=photo)
    page = client.get(live.get_absolute_url()).content.decode()
    assert addresses(photo) and addresses(photo)["avif-480"] in page
    assert "photo-placeholder" not in page


def test_a_photo_only_a_scheduled_story_will_show_gets_new_addresses_ready_for_it(client, editor):
    from django.utils import timezone

    photo = make_photo()
    article = story_with(photo)
    story_with(photo, status="scheduled", published_at=timezone.now() + timezone.timedelta(days=1))
    old = addresses(photo)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.article_unpublish(article=article, by=editor)
    assert {status(client, url) for url in old.values()} == {404}  # No one shows it now.
    new = addresses(photo)
    assert new.keys() == old.keys()  # Built at once: the other story goes out by itself.
    assert {status(client, url) for url in new.values()} == {200}


def test_a_photo_another_published_story_shows_keeps_its_addresses(client, editor):
    shared, own = make_photo(), make_photo()
    article = story_with(shared, own)
    story_with(shared)  # Still out, and still showing it.
    shared_before, own_before = addresses(shared), addresses(own)

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.article_unpublish(article=article, by=editor)

    assert addresses(shared) == shared_before
    assert {status(client, url) for url in shared_before.values()} == {200}
    assert not set(addresses(own).values()) & set(own_before.values())


def test_a_story_readers_never_saw_leaves_the_addresses_alone(editor):
    photo = make_photo()
    article = story_with(photo, published=False)
    before = addresses(photo)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.article_unpublish(article=article, by=editor)  # Not public: nothing to do.
        services.article_archive(article=article, by=editor)
    assert addresses(photo) == before


def test_a_refused_takedown_changes_no_address():
    photo = make_photo()
    article = story_with(photo)
    before = addresses(photo)
    with pytest.raises(PermissionDenied):
        services.article_unpublish(article=article, by=make_user(role="Reporters"))
    assert addresses(photo) == before


@pytest.mark.django_db(transaction=True)
def test_two_stories_sharing_a_photo_taken_down_at_once_still_withdraw_it(editor):
    # Each takedown, run alone, would see the other story still live.
    import threading

    from django.db import connections, transaction

    from gallery.models import Photo
    from newsroom.models import Article

    photo = make_photo()
    first, second = story_with(photo), story_with(photo)
    first_done, go_on, errors = threading.Event(), threading.Event(), []

    def take_down(article, *, hold: bool):
        try:
            with transaction.atomic():
                services.article_unpublish(article=Article.objects.get(pk=article.pk), by=editor)
                if hold:  # Not yet committed while the other one runs.
                    first_done.set()
                    go_on.wait(10)
        except Exception as error:  # noqa: BLE001  (reported below, from the main thread)
            errors.append(error)
        finally:
            connections.close_all()

    held = threading.Thread(target=take_down, args=(first,), kwargs={"hold": True})
    held.start()
    assert first_done.wait(10)
    other = threading.Thread(target=take_down, args=(second,), kwargs={"hold": False})
    other.start()
    other.join(0.5)
    go_on.set()
    held.join(20)
    other.join(20)
    assert not errors, errors
    assert Photo.objects.get(pk=photo.pk).address_key, "the shared photo kept its addresses"


# Photos an editor takes off a live story: swapped out, their slide deleted, or an
# older version restored. A photo pulled for a legal or safety reason must not stay
# reachable through the share image people posted.


def save_story(client, article, **changes):
    article.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/admin/newsroom/article/{article.pk}/change/",
            make_article_form_data(article, **changes),
            follow=True,
        )
    assert response.redirect_chain, response.content.decode()[:3000]
    return [str(m) for m in response.context["messages"]]


def slide_page_data(slide, **changes):
    return {
        "article": slide.article_id,
        "position": slide.position,
        "photo": slide.photo_id or "",
        "narrative": slide.narrative,
        "article_version": slide.article.version,
        "quotes-TOTAL_FORMS": 0,
        "quotes-INITIAL_FORMS": 0,
        "quotes-MIN_NUM_FORMS": 0,
        "quotes-MAX_NUM_FORMS": 1000,
        **changes,
    }


TAKEN_OFF = "The photos taken off this story got new public addresses"


def test_a_photo_swapped_out_of_a_live_story_loses_its_old_addresses(client, editor):
    pulled, kept, replacement = make_photo(), make_photo(), make_photo()
    article = story_with(pulled, kept)
    pulled_before, kept_before = addresses(pulled), addresses(kept)
    client.force_login(editor)

    said = save_story(client, article, **{"slides-0-photo": replacement.pk})

    assert any(TAKEN_OFF in m for m in said)
    assert {status(client, url) for url in pulled_before.values()} == {404}
    assert addresses(kept) == kept_before  # Still in the story.
    page = client.get(article.get_absolute_url()).content.decode()
    assert addresses(replacement)["avif-480"] in page
    assert pulled_before["avif-480"] not in page


def test_a_slide_deleted_from_a_live_story_takes_its_photo_links_down(client, editor):
    pulled, kept = make_photo(), make_photo()
    article = story_with(pulled, kept)
    before = addresses(pulled)
    client.force_login(editor)
    save_story(client, article, **{"slides-0-DELETE": "on"})
    assert list(article.slides.values_list("photo_id", flat=True)) == [kept.pk]
    assert {status(client, url) for url in before.values()} == {404}


def test_a_photo_still_shown_elsewhere_keeps_its_addresses(client, editor):
    twice, elsewhere, replacement = make_photo(), make_photo(), make_photo()
    article = story_with(twice, twice, elsewhere)
    story_with(elsewhere)  # Another live story shows it.
    before = {twice.pk: addresses(twice), elsewhere.pk: addresses(elsewhere)}
    client.force_login(editor)
    said = save_story(
        client, article, **{"slides-0-photo": replacement.pk, "slides-2-photo": replacement.pk}
    )
    assert addresses(twice) == before[twice.pk]  # Slide 2 of this story still shows it.
    assert addresses(elsewhere) == before[elsewhere.pk]
    assert not any(TAKEN_OFF in m for m in said)


def test_swapping_photos_in_a_draft_leaves_their_addresses_alone(client, editor):
    photo, replacement = make_photo(), make_photo()
    article = story_with(photo, published=False)
    before = addresses(photo)
    client.force_login(editor)
    save_story(client, article, **{"slides-0-photo": replacement.pk})
    assert addresses(photo) == before


def test_a_photo_swapped_or_deleted_on_the_slide_page_loses_its_addresses(client, editor):
    swapped, deleted, replacement = make_photo(), make_photo(), make_photo()
    article = story_with(swapped, deleted)
    first, second = article.slides.order_by("position")
    before = {swapped.pk: addresses(swapped), deleted.pk: addresses(deleted)}
    client.force_login(editor)

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/admin/newsroom/slide/{first.pk}/change/",
            slide_page_data(first, photo=replacement.pk),
            follow=True,
        )
    assert any(TAKEN_OFF in str(m) for m in response.context["messages"])
    assert {status(client, url) for url in before[swapped.pk].values()} == {404}

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/admin/newsroom/slide/{second.pk}/delete/", {"post": "yes"})
    assert {status(client, url) for url in before[deleted.pk].values()} == {404}


def test_restoring_a_version_with_another_photo_takes_todays_photo_links_down(client, editor):
    old, today = make_photo(), make_photo()
    article = story_with(old)
    client.force_login(editor)
    save_story(client, article)  # The version to go back to, showing `old`.
    version = Version.objects.get_for_object(article).first()
    save_story(client, article, **{"slides-0-photo": today.pk})
    before = addresses(today)

    article.refresh_from_db()
    data = make_article_form_data(article, **{"slides-0-photo": old.pk})
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/admin/newsroom/article/{article.pk}/history/{version.pk}/", data)
    assert list(article.slides.values_list("photo_id", flat=True)) == [old.pk]
    assert {status(client, url) for url in before.values()} == {404}
    assert {status(client, url) for url in addresses(old).values()} == {200}


def test_a_slide_moved_from_a_live_story_to_a_draft_takes_its_photo_links_down(client, editor):
    photo, other = make_photo(), make_photo()
    live = story_with(photo, other)
    draft = story_with(published=False)
    before, version = addresses(photo), live.version
    slide = live.slides.get(photo=photo)
    client.force_login(editor)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/admin/newsroom/slide/{slide.pk}/change/",
            slide_page_data(slide, article=draft.pk),
        )
    assert response.status_code == 302
    assert {status(client, url) for url in before.values()} == {404}
    live.refresh_from_db()
    assert live.version > version  # An open form of the story it left is stale now.
    assert Version.objects.get_for_object(live).exists()


def test_the_last_slides_of_a_live_story_are_not_deleted_from_the_slide_pages(client, editor):
    article = story_with(make_photo())
    slide = article.slides.get()
    client.force_login(editor)
    page = client.post(f"/admin/newsroom/slide/{slide.pk}/delete/", {"post": "yes"}, follow=True)
    assert "would have no slides left" in page.content.decode()
    bulk = {"action": "delete_selected", "_selected_action": [slide.pk], "post": "yes"}
    page = client.post("/admin/newsroom/slide/", bulk, follow=True)
    assert "would have no slides left" in page.content.decode()
    assert article.slides.count() == 1


def test_select_all_in_the_slide_list_cannot_empty_a_live_story(client, editor):
    article = story_with(make_photo(), make_photo())
    ticked = article.slides.first()  # Alone, deleting it would leave one.
    client.force_login(editor)
    bulk = {"action": "delete_selected", "_selected_action": [ticked.pk], "post": "yes"}
    page = client.post("/admin/newsroom/slide/", {**bulk, "select_across": "1"}, follow=True)
    assert "would have no slides left" in page.content.decode()
    assert article.slides.count() == 2


# A photo withheld for a source's safety: gone from every page at once, and no save,
# restore or publish brings it back until an editor clears it.


def withhold(client, photo, reason="The family asked: their son is identifiable."):
    from tests.gallery.test_admin import change_form_data

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            f"/admin/gallery/photo/{photo.pk}/change/",
            change_form_data(photo, withheld_reason=reason),
            follow=True,
        )


def test_a_withheld_photo_leaves_every_page_at_once_and_stays_out(client, editor):
    photo = make_photo(alt_text="Oleksandr, 19, in a ward in Kyiv")
    article = story_with(photo, make_photo())
    old = addresses(photo)
    client.force_login(make_user(role="Photo desk"))
    said = withhold(client, photo)
    assert "Withheld: its public files go as soon as the photo store answers, stories show" in (
        said.content.decode()
    )
    assert "CDN" not in said.content.decode()  # No purge set up (CDN_PURGE): none promised.
    assert {status(client, url) for url in old.values()} == {404}
    assert addresses(photo) == {}  # Nothing is built again while it is withheld.

    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Photo withdrawn" in page and "Oleksandr" not in page

    # Attached to a story that is out, or published with one: refused.
    client.force_login(editor)
    other = story_with(make_photo())
    response = client.post(
        f"/admin/newsroom/article/{other.pk}/change/",
        make_article_form_data(other, **{"slides-0-photo": photo.pk}),
    )
    assert "is withheld from readers" in response.content.decode()
    draft = story_with(photo, published=False)
    with pytest.raises(services.ChecklistFailed):
        services.article_publish(article=draft, by=editor)


def test_only_an_editor_lets_a_withheld_photo_back_and_its_files_are_made_again(client, editor):
    photo = make_photo()
    story_with(photo)
    client.force_login(make_user(role="Photo desk"))
    withhold(client, photo)
    refused = withhold(client, photo, reason="")
    assert "Only an editor can let a withheld photo reach readers again." in (
        refused.content.decode()
    )
    client.force_login(editor)
    withhold(client, photo, reason="")
    photo.refresh_from_db()
    assert not photo.withheld_reason and addresses(photo)


def test_nothing_of_a_withheld_photo_stays_public_its_words_included(client, editor):
    from tests.factories import make_annotation, make_credit

    # A local stringer's account can say who was in the room as well as a caption can.
    stringer = make_credit(platform="Telegram", account="@oleksandr_kherson_news")
    photo = make_photo(
        alt_text="Oleksandr, 19, in a ward in Kyiv",
        caption="Oleksandr after the operation.",
        credit=stringer,
    )
    make_annotation(photo=photo, note="His unit's badge, from Tuva")
    street = make_photo(alt_text="A ruined street")
    article = story_with(photo, street)
    client.force_login(make_user(role="Photo desk"))
    withhold(client, photo)
    client.logout()
    pages = [
        article.get_absolute_url(),
        f"{article.get_absolute_url()}1/",
        f"{article.get_absolute_url()}annotations.jsonld",
        "/",
        "/feed/",
        "/sitemap.xml",
    ]
    for url in pages:
        text = client.get(url).content.decode()
        assert "Oleksandr" not in text and "Tuva" not in text, url
        assert "oleksandr_kherson" not in text, url
    assert addresses(street)["avif-480"] in client.get("/").content.decode()  # It leads now.


def test_an_editor_restoring_a_version_from_before_the_withholding_is_told(client, editor):
    import reversion

    from tests.gallery.test_admin import change_form_data

    photo = make_photo()
    story_with(photo)
    with reversion.create_revision():
        reversion.add_to_revision(photo)  # A version from before it was withheld.
    before = Version.objects.get_for_object(photo).first()
    client.force_login(editor)
    withhold(client, photo)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/admin/gallery/photo/{photo.pk}/history/{before.pk}/",
            change_form_data(photo),
            follow=True,
        )
    said = [str(m) for m in response.context["messages"]]
    assert "No longer withheld: its public files are being made." in said
    photo.refresh_from_db()
    assert not photo.withheld_reason and addresses(photo)


def test_a_slide_moved_to_another_story_leaves_its_share_image_tick_behind(client, editor):
    from newsroom.models import Slide

    leaving, staying = story_with(make_photo(), make_photo()), story_with(make_photo())
    moved = leaving.slides.first()
    Slide.objects.filter(pk=moved.pk).update(is_share_image=True)
    Slide.objects.filter(article=staying).update(is_share_image=True)
    client.force_login(editor)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/admin/newsroom/slide/{moved.pk}/change/",
            slide_page_data(moved, article=staying.pk, position=2),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(staying.slides.values_list("is_share_image", flat=True)) == [True, False]
    # The story it went to still saves: one tick, the one its editors chose.
    save_story(client, staying)


def test_a_slide_moved_to_another_story_goes_last_there_and_both_number_afresh(client, editor):
    leaving = story_with(make_photo(), make_photo(), make_photo())
    staying = story_with(make_photo(), make_photo())
    moved = leaving.slides.order_by("position").first()  # Slide 1 of its story.
    client.force_login(editor)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/admin/newsroom/slide/{moved.pk}/change/",
            slide_page_data(moved, article=staying.pk),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(staying.slides.order_by("position").values_list("position", "pk"))[-1] == (
        3,
        moved.pk,
    )
    assert list(staying.slides.values_list("position", flat=True)) == [1, 2, 3]
    assert list(leaving.slides.values_list("position", flat=True)) == [1, 2]


def test_a_slide_moved_to_a_chosen_place_is_versioned_as_numbered(client, editor):
    from reversion.models import Version

    leaving, staying = story_with(make_photo(), make_photo()), story_with(make_photo())
    moved = leaving.slides.order_by("position").last()
    client.force_login(editor)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            f"/admin/newsroom/slide/{moved.pk}/change/",
            slide_page_data(moved, article=staying.pk, position=1),
        )
    revision = Version.objects.get_for_object(staying).first().revision
    ids = [str(pk) for pk in staying.slides.values_list("pk", flat=True)]
    saved = revision.version_set.filter(content_type__model="slide", object_id__in=ids)
    positions = sorted(version.field_dict["position"] for version in saved)
    assert positions == sorted(staying.slides.values_list("position", flat=True)) == [1, 2]


def test_a_number_typed_on_a_slides_own_page_is_where_it_goes(client, editor):
    article = story_with(make_photo(), make_photo(), make_photo())
    first, second, third = article.slides.order_by("position")
    client.force_login(editor)
    response = client.post(
        f"/admin/newsroom/slide/{third.pk}/change/", slide_page_data(third, position=1)
    )
    assert response.status_code == 302
    order = list(article.slides.order_by("position").values_list("pk", "position"))
    assert order == [(third.pk, 1), (first.pk, 2), (second.pk, 3)]


def test_a_slide_added_on_its_own_page_without_a_number_goes_last(client, editor):
    # The add page offers 0: left as it is, the new slide must not become the story's
    # first photo (and so its lead picture and share card).
    article = story_with(make_photo(), make_photo())
    first, second = article.slides.order_by("position")
    client.force_login(editor)
    data = {
        "article": article.pk,
        "position": 0,
        "photo": make_photo().pk,
        "narrative": "A late photo from the front.",
        "article_version": article.version,
        "quotes-TOTAL_FORMS": 0,
        "quotes-INITIAL_FORMS": 0,
    }
    response = client.post("/admin/newsroom/slide/add/", data, follow=True)
    added = article.slides.get(narrative="A late photo from the front.")
    order = list(article.slides.order_by("position").values_list("pk", "position"))
    assert order == [(first.pk, 1), (second.pk, 2), (added.pk, 3)]
    assert "slide 3" in str(list(response.context["messages"])[0])

    data |= {"position": 1, "narrative": "Put first on purpose."}
    client.post("/admin/newsroom/slide/add/", data | {"article_version": article.version + 1})
    assert article.slides.order_by("position").first().narrative == "Put first on purpose."
