"""Small helpers that make model instances and in-memory images for tests."""

import io
import itertools

from django.test import TestCase
from django.utils import timezone
from PIL import Image

from gallery.models import Credit, Photo
from gallery.services import photo_create
from newsroom.models import Article, Quote, Slide

_counter = itertools.count(1)


def make_image_bytes(size=(1200, 800), color=None, fmt="JPEG", **save_kwargs) -> bytes:
    n = next(_counter)
    color = color or ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256)
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt, **save_kwargs)
    return buffer.getvalue()


def make_picture(seed: int, size=(1200, 800)) -> Image.Image:
    """A picture with shapes in it, unlike the flat make_image_bytes(): one per seed."""
    import random

    from PIL import ImageDraw

    rng = random.Random(seed)
    colour = lambda: (rng.randrange(256), rng.randrange(256), rng.randrange(256))  # noqa: E731
    image = Image.new("RGB", size, colour())
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.ellipse([x, y, x + rng.randrange(50, 400), y + rng.randrange(50, 300)], fill=colour())
    return image


def jpeg_bytes(image: Image.Image, **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **save_kwargs)
    return buffer.getvalue()


def make_credit(**fields) -> Credit:
    fields.setdefault("kind", Credit.Kind.SOCIAL)
    fields.setdefault("platform", "Telegram")
    fields.setdefault("account", f"@account{next(_counter)}")
    return Credit.objects.create(**fields)


def make_photo(*, credit: Credit | None = None, alt_text="A test photo", **fields) -> Photo:
    """A stored photo with its renditions built, as the task worker would."""
    data = fields.pop("data", None) or make_image_bytes(fields.pop("size", (1200, 800)))
    # Renditions are queued on commit; run them now, inside the test's transaction.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return photo_create(
            data=data,
            filename=fields.pop("filename", "test.jpg"),
            alt_text=alt_text,
            credit=credit if credit is not None else make_credit(),
            **fields,
        )


def make_article(*, published=True, slides=0, **fields) -> Article:
    n = next(_counter)
    fields.setdefault("headline", f"Test story {n}")
    fields.setdefault("slug", f"test-story-{n}")
    fields.setdefault("standfirst", f"Standfirst of test story {n}.")
    if published:
        fields.setdefault("status", Article.Status.PUBLISHED)
        fields.setdefault("published_at", timezone.now() - timezone.timedelta(minutes=5))
    article = Article.objects.create(**fields)
    for position in range(1, slides + 1):
        make_slide(article=article, position=position)
    return article


def make_slide(*, article: Article, position: int, photo=None, narrative=None) -> Slide:
    return Slide.objects.create(
        article=article,
        position=position,
        photo=photo,
        narrative=narrative if narrative is not None else f"Narrative for slide {position}.",
    )


def make_quote(*, slide: Slide, **fields) -> Quote:
    fields.setdefault("text", "Something worth quoting.")
    fields.setdefault("speaker", "A Speaker")
    return Quote.objects.create(slide=slide, **fields)


def make_user(*, role: str | None = None, superuser=False, **fields):
    """A staff member in one of the desk's groups ("Editors", "Reporters", "Photo desk")."""
    from django.contrib.auth.models import Group, User

    n = next(_counter)
    fields.setdefault("username", f"user{n}")
    fields.setdefault("first_name", f"Staff{n}")
    user = User.objects.create_user(
        password="pw", is_staff=role is not None or superuser, is_superuser=superuser, **fields
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_article_form_data(article: Article, **overrides) -> dict:
    """The POST the admin's story change form sends, slides and corrections included."""
    slides = list(article.slides.order_by("position", "pk"))
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "byline": article.byline,
        "language": article.language,
        "closing_text": article.closing_text,
        "protected_persons_override": article.protected_persons_override,
        "lock_version": article.version,
        "published_at_0": "",
        "published_at_1": "",
        "significant_update_at_0": "",
        "significant_update_at_1": "",
        "slides-TOTAL_FORMS": len(slides),
        "slides-INITIAL_FORMS": len(slides),
        "slides-MIN_NUM_FORMS": 0,
        "slides-MAX_NUM_FORMS": 1000,
        "corrections-TOTAL_FORMS": 0,
        "corrections-INITIAL_FORMS": 0,
        "corrections-MIN_NUM_FORMS": 0,
        "corrections-MAX_NUM_FORMS": 1000,
    }
    if article.published_at:
        local = timezone.localtime(article.published_at)
        data["published_at_0"] = f"{local:%Y-%m-%d}"
        data["published_at_1"] = f"{local:%H:%M:%S}"
    for i, slide in enumerate(slides):
        data |= {
            f"slides-{i}-id": slide.pk,
            f"slides-{i}-article": article.pk,
            f"slides-{i}-position": slide.position,
            f"slides-{i}-photo": slide.photo_id or "",
            f"slides-{i}-narrative": slide.narrative,
        }
        if slide.is_share_image:  # A checkbox: sent only when ticked.
            data[f"slides-{i}-is_share_image"] = "on"
    data.update(overrides)
    return data


def make_correction_form_data(
    *, kind: str, date: str, text: str, time: str = "10:00:00", untouched: bool = False
) -> dict:
    """One new correction or update in the story form's post (add to make_article_form_data).

    ``untouched``: the date is the one the blank row came with, left as it was.
    """
    data = {
        "corrections-TOTAL_FORMS": 1,
        "corrections-0-kind": kind,
        "corrections-0-published_at_0": date,
        "corrections-0-published_at_1": time,
        "corrections-0-text": text,
    }
    if untouched:
        data |= {"initial-corrections-0-published_at_0": date}
        data |= {"initial-corrections-0-published_at_1": time}
    return data


def make_quote_form_data(quote: Quote | None = None, **overrides) -> dict:
    """The POST of a quote's own page, as it opens (its story's lock included)."""
    data = {"position": 1, "text": "", "speaker": "", "speaker_role": ""}
    data |= {"said_in": "", "said_on": "", "url": ""}
    if quote is not None:
        data |= {"slide": quote.slide_id, "text": quote.text, "speaker": quote.speaker}
        data["article_version"] = quote.slide.article.version
    return data | overrides


def make_annotation(*, photo: Photo, note="A noted detail", position=1, **box):
    """A note on a region of the photo; the box is in fractions of its width and height."""
    from gallery.models import Annotation

    for name, value in {"x": 0.1, "y": 0.2, "width": 0.3, "height": 0.25}.items():
        box.setdefault(name, value)
    return Annotation.objects.create(photo=photo, note=note, position=position, **box)
