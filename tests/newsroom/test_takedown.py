"""Taking a story down takes down the image links it spread: share images, copied links."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import TestCase

from newsroom import services
from tests.factories import make_article, make_photo, make_slide, make_user
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
