"""The editorial app: stories (articles) told as ordered photo slides with quotes."""

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from gallery.models import Photo, Rendition


def split_paragraphs(text: str) -> list[str]:
    """One paragraph per non-empty line, as editors and partners write them."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The only definition of what the public may see."""
        return self.filter(
            status=Article.Status.PUBLISHED,
            published_at__isnull=False,
            published_at__lte=timezone.now(),
        )

    def with_lead_photo(self):
        first_slides = Slide.objects.select_related("photo__credit").prefetch_related(
            Prefetch("photo__renditions", queryset=Rendition.objects.order_by("width"))
        )
        return self.prefetch_related(Prefetch("slides", queryset=first_slides))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The story's address: /stories/<slug>/."
    )
    standfirst = models.TextField(
        help_text="One paragraph under the headline that tells the reader what the story is."
    )
    byline = models.CharField(max_length=200, blank=True, help_text="E.g. 'By Jane Doe'.")
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Shown to readers as the story's date."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closing_text = models.TextField(
        blank=True, help_text="Paragraphs after the last photo, one per line."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("newsroom:story", kwargs={"slug": self.slug})

    def closing_paragraphs(self) -> list[str]:
        return split_paragraphs(self.closing_text)


class SlideQuerySet(models.QuerySet):
    def for_display(self):
        """Everything a slide shows, in a fixed number of queries."""
        return self.select_related("photo__credit").prefetch_related(
            Prefetch("photo__renditions", queryset=Rendition.objects.order_by("width")),
            "quotes",
        )


class Slide(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="slides")
    position = models.PositiveIntegerField(default=0, help_text="Slides are shown in this order.")
    photo = models.ForeignKey(
        Photo,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="slides",
        help_text="May stay empty until the photo is uploaded; readers then see a placeholder.",
    )
    narrative = models.TextField(
        blank=True, help_text="The text for this photo, one paragraph per line."
    )

    objects = SlideQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.article} — slide {self.position}"

    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.narrative)


class Quote(models.Model):
    class Medium(models.TextChoices):
        X = "x", "Post on X"
        TELEGRAM = "telegram", "Telegram post"
        FACEBOOK = "facebook", "Facebook post"
        REPORT = "report", "Official report"
        VIDEO = "video", "Video"
        INTERVIEW = "interview", "Interview"
        STATEMENT = "statement", "Statement"
        OTHER = "other", "Other"

    slide = models.ForeignKey(Slide, on_delete=models.CASCADE, related_name="quotes")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(help_text="The quoted words only, without quotation marks.")
    speaker = models.CharField(max_length=200, blank=True, help_text="Who said it.")
    speaker_role = models.CharField(
        max_length=200, blank=True, help_text="E.g. 'President of Ukraine'."
    )
    said_in = models.CharField("where it was said", max_length=20, choices=Medium, blank=True)
    said_on = models.DateField("when it was said", null=True, blank=True)
    url = models.URLField("link to the original", max_length=500, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.speaker or 'Unattributed'}: {self.text[:60]}"

    def said_in_phrase(self) -> str:
        """'on X', 'in an official report': reads naturally after the speaker."""
        return {
            self.Medium.X: "on X",
            self.Medium.TELEGRAM: "on Telegram",
            self.Medium.FACEBOOK: "on Facebook",
            self.Medium.REPORT: "in an official report",
            self.Medium.VIDEO: "in a video",
            self.Medium.INTERVIEW: "in an interview",
            self.Medium.STATEMENT: "in a statement",
        }.get(self.said_in, "")
