import pytest
from django.test import TestCase

from gallery.pictures import attach_notes, attach_public_files
from gallery.services import photo_set_redactions
from tests.factories import make_annotation, make_article, make_photo, make_slide

pytestmark = pytest.mark.django_db


def test_public_files_of_many_photos_come_in_one_query(django_assert_num_queries):
    photos = [make_photo(), make_photo(), make_photo()]
    with django_assert_num_queries(1):
        attach_public_files(photos)
    for photo in photos:
        assert {f.url for f in photo.public_files.files} == {
            r.file.url for r in photo.renditions.all()
        }
        # Narrowest first; the widest JPEG is what search engines get.
        widths = [f.width for f in photo.public_files.files]
        assert widths == sorted(widths)
        assert photo.public_files.jpeg().url == photo.jpeg_rendition().file.url
        assert photo.public_files.share().url == photo.renditions.get(spec="share").file.url


def test_a_redacted_photo_shows_no_old_file_on_the_story_page(client):
    photo = make_photo()
    article = make_article()
    make_slide(article=article, position=1, photo=photo)
    before = {r.file.url for r in photo.renditions.all()}
    with TestCase.captureOnCommitCallbacks(execute=True):
        photo_set_redactions(
            photo=photo,
            regions=[{"x": 500, "y": 300, "width": 200, "height": 200, "method": "box"}],
        )
    html = client.get(article.get_absolute_url()).content.decode()
    after = {r.file.url for r in photo.renditions.all()}
    assert after and after.isdisjoint(before)
    assert all(url in html for url in after if "/share." not in url)
    assert not any(url in html for url in before)


def test_notes_are_attached_in_reading_order_to_every_copy_of_a_photo(django_assert_num_queries):
    photo = make_photo()
    make_annotation(photo=photo, note="Second", position=2)
    make_annotation(photo=photo, note="First", position=1)
    # Two slides showing one photo load two Photo instances; both need the notes.
    copies = [type(photo).objects.get(pk=photo.pk) for _ in range(2)]
    with django_assert_num_queries(1):
        attach_notes([*copies, None])
    assert [[n.note for n in copy.notes] for copy in copies] == [["First", "Second"]] * 2
