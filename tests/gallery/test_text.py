"""Words people type, paste or import are kept free of control characters."""

import pytest
from django.apps import apps
from django.db import connection

from gallery.models import Photo
from gallery.text import clean_saved_text, plain_text
from newsroom.models import Article
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db


def test_a_soft_line_break_is_a_line_break_and_invisible_controls_go():
    assert plain_text("One\x0btwo\u2028three\x07\ufffe") == "One\ntwo\nthree"
    assert plain_text("One\x0btwo", multiline=False) == "One two"
    assert plain_text("Tab\tand\r\nbreaks stay") == "Tab\tand\r\nbreaks stay"


def test_words_saved_before_are_cleaned_by_the_migration():
    article = make_article(headline="Clean")
    photo = make_photo(alt_text="Clean")
    untouched = make_article(headline="Never dirty")
    with connection.cursor() as cursor:  # As rows saved before the fields cleaned them hold.
        cursor.execute(
            "UPDATE newsroom_article SET headline = %s, standfirst = %s WHERE id = %s",
            ["Old\x0bheadline\x07", "Line one\x0cline two", article.pk],
        )
        cursor.execute(
            "UPDATE gallery_photo SET alt_text = %s WHERE id = %s", ["A man\x1b\ufffe.", photo.pk]
        )
    saved_at = Article.objects.get(pk=untouched.pk).updated_at

    clean_saved_text(apps, connection, ["newsroom.Article", "gallery.Photo"])

    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("Old headline", "Line one\nline two")
    assert Photo.objects.get(pk=photo.pk).alt_text == "A man."
    assert Article.objects.get(pk=untouched.pk).updated_at == saved_at
