"""Words people type, paste or import are kept free of control characters."""

import pytest
from django.apps import apps
from django.db import connection

from gallery.models import Credit, Photo
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


def test_a_speaker_cannot_show_readers_a_name_turned_round(admin_client):
    from newsroom.models import Quote
    from tests.factories import make_quote, make_quote_form_data, make_slide

    article = make_article(slides=0)
    quote = make_quote(slide=make_slide(article=article, position=1), text="We stand.")
    data = make_quote_form_data(quote, speaker="\u202eikswelenZ", speaker_role="Pres\u2066ident")
    response = admin_client.post(f"/admin/newsroom/quote/{quote.pk}/change/", data)
    assert response.status_code == 302
    quote = Quote.objects.get(pk=quote.pk)
    assert (quote.speaker, quote.speaker_role) == ("ikswelenZ", "President")


def test_names_saved_before_are_cleaned_by_the_migration():
    from newsroom.models import Quote
    from tests.factories import make_credit, make_quote, make_slide

    article = make_article(headline="Kept\u202e as typed", slides=0)
    quote = make_quote(slide=make_slide(article=article, position=1), speaker="Clean")
    credit = make_credit(platform="Telegram")
    with connection.cursor() as cursor:  # As rows saved before the fields cleaned them hold.
        cursor.execute("UPDATE newsroom_quote SET speaker = %s", ["\u202eikswelenZ"])
        cursor.execute("UPDATE gallery_credit SET account = %s", ["@a\u2067b"])

    clean_saved_text(apps, connection, ["newsroom.Quote", "gallery.Credit"], names_only=True)

    assert Quote.objects.get(pk=quote.pk).speaker == "ikswelenZ"
    assert Credit.objects.get(pk=credit.pk).account == "@ab"
    # A headline is not a name: what direction it needs is the editors' to give.
    assert Article.objects.get(pk=article.pk).headline == "Kept\u202e as typed"
