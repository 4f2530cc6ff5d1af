from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsroom.models import Article, Quote, Slide
from tests.factories import make_article, make_quote, make_slide

pytestmark = pytest.mark.django_db

NOW = timezone.now()
PAST = NOW - timezone.timedelta(minutes=1)
FUTURE = NOW + timezone.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("status", "published_at", "public"),
    [
        (Article.Status.DRAFT, PAST, False),
        (Article.Status.IN_REVIEW, PAST, False),
        (Article.Status.ARCHIVED, PAST, False),
        (Article.Status.PUBLISHED, PAST, True),
        (Article.Status.PUBLISHED, None, False),
        (Article.Status.PUBLISHED, FUTURE, False),
        (Article.Status.SCHEDULED, PAST, True),
        (Article.Status.SCHEDULED, FUTURE, False),
    ],
)
def test_published_is_status_and_time(status, published_at, public):
    article = make_article(published=False, status=status, published_at=published_at)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        assert (article in Article.objects.published()) is public
        assert article.is_public is public


def test_scheduled_story_goes_public_exactly_at_its_time():
    at = NOW + timezone.timedelta(hours=2)
    article = make_article(published=False, status=Article.Status.SCHEDULED, published_at=at)
    one_microsecond = timezone.timedelta(microseconds=1)
    with mock.patch("django.utils.timezone.now", return_value=at - one_microsecond):
        assert not Article.objects.published().filter(pk=article.pk).exists()
    with mock.patch("django.utils.timezone.now", return_value=at):
        assert Article.objects.published().filter(pk=article.pk).exists()


def test_renumber_removes_duplicates_and_gaps():
    article = make_article(published=False)
    first = make_slide(article=article, position=5)
    second = make_slide(article=article, position=5)
    third = make_slide(article=article, position=40)
    Slide.objects.filter(article=article).renumber()
    positions = list(article.slides.values_list("pk", "position"))
    assert positions == [(first.pk, 1), (second.pk, 2), (third.pk, 3)]


def test_a_quote_links_only_to_a_web_address_however_it_is_saved():
    slide = make_slide(article=make_article(), position=1)
    hostile = Quote(slide=slide, text="Words.", url="javascript:alert(document.cookie)")
    with pytest.raises(ValidationError, match="must be a web address starting with https://"):
        hostile.validate_constraints()
    # An import, a restored version or a script skips the form: the database refuses.
    with pytest.raises(IntegrityError), transaction.atomic():
        hostile.save()
    assert make_quote(slide=slide, url="HTTPS://example.org/post/1").pk


def test_a_language_code_saved_with_a_newline_is_trimmed_by_its_migration():
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    article = make_article()
    with connection.cursor() as cursor:  # As saved before the check ended at \Z.
        cursor.execute(
            "UPDATE newsroom_article SET language = %s WHERE id = %s", ["uk\n", article.pk]
        )
    import_module("newsroom.migrations.0024_language_codes_trimmed").trim(apps, None)
    article.refresh_from_db()
    assert article.language == "uk"
