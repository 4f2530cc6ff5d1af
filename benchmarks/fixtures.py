"""Build benchmark stories: N slides, each with its own small photo and a quote."""

import io

from django.test import TestCase
from PIL import Image


def photo_bytes(n: int) -> bytes:
    image = Image.new("RGB", (1200, 800), ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def make_story(slides: int, slug: str):
    from django.utils import timezone

    from gallery.models import Credit
    from gallery.services import DuplicatePhoto, photo_create
    from newsroom.models import Article, Quote, Slide

    credit, _ = Credit.objects.get_or_create(
        kind=Credit.Kind.SOCIAL, platform="Telegram", account="@bench"
    )
    article = Article.objects.create(
        headline=f"Benchmark story with {slides} slides",
        slug=slug,
        standfirst="A story made for measuring.",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timezone.timedelta(hours=1),
        closing_text="The end.",
    )
    for n in range(1, slides + 1):
        data = photo_bytes(n)
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                photo = photo_create(
                    data=data, filename=f"{n}.jpg", alt_text=f"Photo {n}", credit=credit
                )
        except DuplicatePhoto as duplicate:
            photo = duplicate.existing
        slide = Slide.objects.create(
            article=article, position=n, photo=photo, narrative=f"Paragraph for slide {n}."
        )
        Quote.objects.create(slide=slide, text=f"Quote {n}", speaker="Someone")
    return article
