"""Withdrawing a photo's public files: new addresses, and the old ones gone everywhere."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TestCase
from django.urls import reverse

from gallery import signals
from gallery.models import Photo
from gallery.services import photo_build_renditions, photo_sync_renditions, photo_withdraw_files
from tests.factories import make_article, make_photo, make_slide, make_user
from tests.gallery.test_admin import change_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:gallery_photo_changelist")


def addresses(photo: Photo) -> dict[str, str]:
    return {r.spec: r.file.url for r in photo.renditions.all()}


def status(client, url: str) -> int:
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # Reading it to the end closes the file.
    return response.status_code


def shown_to_readers(photo: Photo) -> Photo:
    make_slide(article=make_article(), position=1, photo=photo)
    return photo


def withdraw_by_action(client, photos, *, confirmed=True):
    data = {"action": "withdraw_public_files", "_selected_action": [p.pk for p in photos]}
    if confirmed:
        data["confirm_withdrawal"] = "on"
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(CHANGELIST, data, follow=True)


def test_withdrawing_gives_every_public_file_a_new_address_and_the_old_ones_answer_404(client):
    photo = make_photo()
    old = addresses(photo)
    assert {status(client, url) for url in old.values()} == {200}

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert photo_withdraw_files(photo=photo) == len(old)

    new = addresses(photo)
    assert new.keys() == old.keys()
    assert not set(new.values()) & set(old.values())
    assert {status(client, url) for url in old.values()} == {404}
    assert {status(client, url) for url in new.values()} == {200}


def test_the_old_files_go_at_commit_and_the_cdn_is_asked_to_drop_them(monkeypatch):
    photo = make_photo()
    old = [r.file.name for r in photo.renditions.all()]
    storage = photo.renditions.first().file.storage
    purged = []
    monkeypatch.setattr(signals, "purge_after_commit", purged.extend)
    # Commit, but leave the rebuild queued: the worker is busy.
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        photo_withdraw_files(photo=photo)
    for callback in callbacks:
        if "_enqueue_renditions" not in callback.__code__.co_names:
            callback()
    assert photo.renditions.count() == 0  # Pages show the placeholder meanwhile.
    assert not any(storage.exists(name) for name in old)
    assert sorted(purged) == sorted(storage.url(name) for name in old)


def test_building_again_keeps_the_new_addresses():
    photo = make_photo()
    with TestCase.captureOnCommitCallbacks(execute=True):
        photo_withdraw_files(photo=photo)
    new = addresses(photo)
    assert photo_sync_renditions(photo=photo) == 0
    assert photo_build_renditions(photo=photo) == []
    assert addresses(photo) == new


@pytest.mark.django_db(transaction=True)
def test_migrating_leaves_the_existing_renditions_fresh():
    photo = make_photo()
    before = addresses(photo)
    executor = MigrationExecutor(connection)
    executor.migrate([("gallery", "0008_photo_lift_protection")])
    executor.loader.build_graph()
    executor.migrate([("gallery", "0009_photo_address_key")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # And on, to today's schema.

    photo = Photo.objects.get(pk=photo.pk)
    assert photo_sync_renditions(photo=photo) == 0
    assert photo_build_renditions(photo=photo) == []
    assert addresses(photo) == before


def test_the_list_action_withdraws_the_selected_photos_and_says_how_many(admin_client):
    public, unused = shown_to_readers(make_photo()), make_photo()
    kept = make_photo()
    old_public, old_unused = addresses(public), addresses(unused)
    kept_before = addresses(kept)

    response = withdraw_by_action(admin_client, [public, unused])

    page = response.content.decode()
    assert "Withdrew the public files of 2 photos: their old image links stop working" in page
    assert "CDN" not in page  # No CDN to purge (CDN_PURGE unset): none is promised.
    for photo, before in ((public, old_public), (unused, old_unused)):
        after = addresses(photo)
        assert after.keys() == before.keys()
        assert not set(after.values()) & set(before.values())
        assert {status(admin_client, url) for url in before.values()} == {404}
    assert addresses(kept) == kept_before


def test_the_list_action_explains_itself_and_changes_nothing_until_confirmed(admin_client):
    photo = make_photo()
    before = addresses(photo)

    response = withdraw_by_action(admin_client, [photo], confirmed=False)

    page = response.content.decode()
    assert "Nothing was withdrawn." in page
    assert "every link to the old ones stops working for good" in page
    assert "Yes, old image links stop working" in page  # The box to tick, on the bar.
    assert addresses(photo) == before


def test_only_those_who_may_change_photos_can_withdraw_their_files(client):
    photo = make_photo()
    before = addresses(photo)
    client.force_login(make_user(role="Reporters"))  # May look at photos, not change them.

    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert "withdraw_public_files" not in listing.content.decode()
    withdraw_by_action(client, [photo])
    assert addresses(photo) == before
    page = client.get(reverse("admin:gallery_photo_change", args=[photo.pk]))
    assert page.status_code == 200
    assert "Withdraw public files" not in page.content.decode()


def test_the_photo_desk_can_withdraw_from_the_photos_page(client):
    photo = shown_to_readers(make_photo())
    before = addresses(photo)
    client.force_login(make_user(role="Photo desk"))
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    page = client.get(url).content.decode()
    assert "Withdraw public files (new addresses)" in page
    assert "stops working for good" in page

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, change_form_data(photo, withdraw_files="on"), follow=True)

    assert "Withdrew the public files of 1 photo:" in response.content.decode()
    after = addresses(photo)
    assert after.keys() == before.keys()
    assert not set(after.values()) & set(before.values())


def test_saving_without_the_box_keeps_the_addresses(admin_client):
    photo = make_photo()
    before = addresses(photo)
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        admin_client.post(url, change_form_data(photo, caption="A new caption."))
    assert addresses(photo) == before


def test_restoring_a_version_from_before_a_withdrawal_does_not_bring_old_addresses_back(
    admin_client,
):
    import reversion
    from reversion.models import Version

    photo = make_photo()
    first = addresses(photo)
    with reversion.create_revision():
        reversion.add_to_revision(photo)  # A version saved before the takedown.
    with TestCase.captureOnCommitCallbacks(execute=True):
        photo_withdraw_files(photo=photo)
    withdrawn = addresses(photo)
    old = Version.objects.get_for_object(photo).get()

    url = reverse("admin:gallery_photo_revision", args=[photo.pk, old.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = admin_client.post(url, change_form_data(photo))
    assert response.status_code == 302
    assert addresses(photo) == withdrawn
    assert not set(withdrawn.values()) & set(first.values())
