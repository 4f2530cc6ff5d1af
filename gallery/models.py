"""The photo library: credits as provenance, photos, public renditions."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone


def originals_storage():
    return storages["originals"]


def original_upload_to(instance: "Photo", filename: str) -> str:
    # Stored names are generated; the uploader's file name never reaches storage.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension[:5]}"


def rendition_upload_to(instance: "Rendition", filename: str) -> str:
    return f"renditions/{filename}"


class Credit(models.Model):
    """Where a photo came from: who made it, where it was published, and on what terms."""

    class Kind(models.TextChoices):
        STAFF = "staff", "Staff photo"
        AGENCY = "agency", "Agency"
        HANDOUT = "handout", "Handout"
        SOCIAL = "social", "Social media post"
        SCREENSHOT = "screenshot", "Screenshot or video still"

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", "Not verified"
        VERIFIED = "verified", "Verified"
        DISPUTED = "disputed", "Disputed"

    kind = models.CharField(max_length=20, choices=Kind, default=Kind.SOCIAL)
    platform = models.CharField(
        max_length=100,
        blank=True,
        help_text="Where it was published: Telegram, YouTube, X, Facebook… "
        "For agency and handout credits, the organisation's name.",
    )
    account = models.CharField(
        max_length=200,
        blank=True,
        help_text="The account or channel exactly as shown, e.g. @V_Zelenskiy_official.",
    )
    creator = models.CharField(
        max_length=200, blank=True, help_text="The photographer's name, when known."
    )
    url = models.URLField(
        "original URL", max_length=500, blank=True, help_text="Link to the post or video."
    )
    retrieved_at = models.DateTimeField(
        "retrieved", null=True, blank=True, help_text="When staff took the image from the source."
    )
    licence = models.CharField(
        "licence or usage terms",
        max_length=300,
        blank=True,
        help_text="E.g. 'Official channel, free for editorial use'.",
    )
    verification = models.CharField(
        max_length=20, choices=Verification, default=Verification.UNVERIFIED
    )
    verification_note = models.TextField(
        blank=True,
        help_text="How it was checked, e.g. 'posted on the president's verified channel'.",
    )
    line_override = models.CharField(
        "credit line (override)",
        max_length=300,
        blank=True,
        help_text="Leave empty to build the credit line from the parts above.",
    )
    line = models.CharField("credit line", max_length=300, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["line"]

    def __str__(self) -> str:
        return self.line or self.derive_line()

    def save(self, *args, **kwargs):
        self.line = self.line_override.strip() or self.derive_line()
        super().save(*args, **kwargs)

    def derive_line(self) -> str:
        source = " ".join(part for part in (self.platform, self.account) if part)
        match self.kind:
            case self.Kind.SCREENSHOT:
                return f"Screenshot / {source}" if source else "Screenshot"
            case self.Kind.HANDOUT:
                return f"Handout / {source}" if source else "Handout"
            case self.Kind.AGENCY | self.Kind.STAFF:
                return " / ".join(part for part in (source, self.creator) if part)
            case _:
                return source or self.creator


class Photo(models.Model):
    original = models.FileField(
        upload_to=original_upload_to,
        storage=originals_storage,
        max_length=200,
        help_text="The file as uploaded. Kept private; readers only ever get renditions.",
    )
    original_filename = models.CharField(
        max_length=255, blank=True, editable=False, help_text="Uploaded file name (sanitised)."
    )
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200, blank=True, help_text="For the photo desk only.")
    alt_text = models.TextField(
        blank=True,
        help_text="What the photo shows, for readers who cannot see it. "
        "Required before a story using it can be published.",
    )
    caption = models.TextField(blank=True, help_text="Shown under the photo, before the credit.")
    credit = models.ForeignKey(
        Credit, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title or self.original_filename or f"Photo {self.pk}"

    @property
    def aspect_ratio(self) -> float:
        return self.width / self.height if self.height else 1.0

    def height_for(self, width: int) -> int:
        return round(width * self.height / self.width) if self.width else width


class Rendition(models.Model):
    """A public derivative of a photo: oriented, stripped of metadata, resized."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="renditions")
    spec = models.CharField(max_length=50, help_text="e.g. 'jpeg-800' or 'share'")
    file = models.FileField(upload_to=rendition_upload_to, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["photo", "spec"], name="unique_rendition_per_spec")
        ]

    def __str__(self) -> str:
        return f"{self.photo_id}:{self.spec}"

    @property
    def format(self) -> str:
        return self.spec.split("-", 1)[0]
