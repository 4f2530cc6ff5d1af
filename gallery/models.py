"""The photo library: credits as provenance, photos, public renditions."""

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import pluralize
from django.utils import timezone

from gallery import images
from gallery.dates import refuse_far_dates
from gallery.pictures import pick_jpeg
from gallery.storage import originals
from gallery.text import NameField, PlainCharField, PlainTextField, WebAddressField

# Bump when the image pipeline changes what a rendition looks like, so that
# `manage.py renditions` knows every existing file is stale.
PIPELINE_VERSION = "1"


def originals_storage():
    # Lazy, so that a change of STORAGES (tests against S3) reaches the field.
    return originals


def original_upload_to(instance: "Photo", filename: str) -> str:
    # Stored names are generated; the uploader's file name never reaches storage.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension[:5]}"


def new_address_key() -> str:
    return secrets.token_hex(8)


def rendition_upload_to(instance: "Rendition", filename: str) -> str:
    return f"renditions/{filename}"


# What URLField's form check accepts, for constraints on `url` fields (credits here,
# quotes in newsroom): no javascript: or data: link reaches a page.
WEB_ADDRESS = (
    models.Q(url__istartswith="https://")
    | models.Q(url__istartswith="http://")
    | models.Q(url__istartswith="ftps://")
    | models.Q(url__istartswith="ftp://")
)


# Narrower than this, a photo is blown up across a phone's screen (390 points at two
# or three pixels each), and share cards fall back to a thumbnail.
SMALLEST_GOOD_WIDTH = 600
# Wider than this for its height (or taller for its width), a photo is a strip on a
# phone's screen (a 30000 × 200 panorama shows 3 pixels tall); 4 or 5 to 1 still reads.
WIDEST_GOOD_SHAPE = 6


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
    platform = NameField(
        max_length=100,
        blank=True,
        help_text="Where it was published: Telegram, YouTube, X, Facebook… "
        "For agency and handout credits, the organisation's name.",
    )
    account = NameField(
        max_length=200,
        blank=True,
        help_text="The account or channel exactly as shown, e.g. @V_Zelenskiy_official.",
    )
    creator = NameField(
        max_length=200, blank=True, help_text="The photographer's name, when known."
    )
    url = WebAddressField(
        "original URL", max_length=500, blank=True, help_text="Link to the post or video."
    )
    retrieved_at = models.DateTimeField(
        "retrieved",
        null=True,
        blank=True,
        help_text="When staff took the image from the source.",
        validators=[refuse_far_dates],
    )
    licence = PlainCharField(
        "licence or usage terms",
        max_length=300,
        blank=True,
        help_text="E.g. 'Official channel, free for editorial use'.",
    )
    verification = models.CharField(
        max_length=20, choices=Verification, default=Verification.UNVERIFIED
    )
    verification_note = PlainTextField(
        blank=True,
        help_text="How it was checked, e.g. 'posted on the president's verified channel'.",
    )
    line_override = NameField(
        "credit line (override)",
        max_length=300,
        blank=True,
        help_text="Leave empty to build the credit line from the parts above.",
    )
    line = NameField("credit line", max_length=300, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["line"]
        constraints = [
            # Structured data gives it to search engines as the source: the form's URL
            # check does not run for every write (imports, restored versions, scripts).
            models.CheckConstraint(
                condition=models.Q(url="") | WEB_ADDRESS,
                name="credit_url_is_a_web_address",
                violation_error_message="The original URL must be a web address starting "
                "with https:// or http://.",
            )
        ]

    def __str__(self) -> str:
        return self.line or self.derive_line()

    def save(self, *args, **kwargs):
        # The parts as they will be saved (NameField), so the line has no gap where a
        # direction control stood beside a space.
        for field in self._meta.concrete_fields:
            if isinstance(field, NameField):
                setattr(self, field.attname, field.to_python(getattr(self, field.attname)))
        self.line = self.compose_line()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.retrieved_at and self.retrieved_at > timezone.now() + timedelta(days=1):
            raise ValidationError({"retrieved_at": "That date has not come yet: check the year."})
        if not self.compose_line():
            raise ValidationError(
                "This credit would read “Photo Credit: ” with nothing after it. Fill in "
                "the platform or organisation, the account or the photographer, or write "
                "the credit line yourself."
            )
        # Search engines are told the photographer (or the account) by name: a line
        # naming someone else would credit two people for one photo.
        named = self.creator.strip() or self.account.strip()
        override = self.line_override.strip()
        before = (
            Credit.objects.filter(pk=self.pk).values("creator", "account", "line_override").first()
            if self.pk
            else None
        )
        # Judged when one of them is set: a credit saved before this rule can still be
        # marked disputed, say, without rewriting its line first.
        touched = before != {
            "creator": self.creator,
            "account": self.account,
            "line_override": self.line_override,
        }
        if (
            touched
            and override
            and named
            and named.lstrip("@").casefold() not in override.casefold()
        ):
            field = "photographer" if self.creator.strip() else "account"
            raise ValidationError(
                {
                    "line_override": f"This line does not name the {field} given above "
                    f"({named}), whom search engines are told took the photo. Name them "
                    f"in the line, or correct the {field} if it is someone else."
                }
            )

    def choice_label(self) -> str:
        """How credit pickers name it: two credits may read alike (one made twice by
        mistake, one verified and one disputed), and the line alone hid which is which."""
        return f"{self.line} · {self.get_verification_display().lower()} · #{self.pk}"

    def compose_line(self) -> str:
        """The line readers see: the override if there is one, else the parts."""
        return self.line_override.strip() or self.derive_line().strip()

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
    class SourceType(models.TextChoices):
        # IPTC Digital Source Type NewsCodes (the last part of each URI).
        DIGITAL_CAPTURE = "digitalCapture", "Original digital capture (camera)"
        SCREEN_CAPTURE = "screenCapture", "Screen capture (screenshot or video still)"
        NEGATIVE_FILM = "negativeFilm", "Scan of a negative"
        POSITIVE_FILM = "positiveFilm", "Scan of a slide"
        PRINT = "print", "Scan of a print"
        COMPOSITE = "composite", "Composite of several images"
        COMPOSITE_SYNTHETIC = "compositeSynthetic", "Composite including synthetic elements"
        ALGORITHMIC_MEDIA = "trainedAlgorithmicMedia", "Generated by AI"
        COMPOSITE_WITH_AI = "compositeWithTrainedAlgorithmicMedia", "Edited with AI"
        DATA_DRIVEN = "dataDrivenMedia", "Data-driven media"
        VIRTUAL_RECORDING = "virtualRecording", "Virtual recording"
        ALGORITHMIC_ENHANCEMENT = "algorithmicallyEnhanced", "Algorithmically enhanced"
        MINOR_HUMAN_EDITS = "minorHumanEdits", "Minor human edits"

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
    # Same picture, other bytes (re-encoded, resized): see images.fingerprint.
    # "" when the picture is too plain to compare; None when not worked out yet
    # (photos from before fingerprints: `manage.py renditions` fills them in).
    fingerprint = models.CharField(  # noqa: DJ001  None and "" mean different things here.
        max_length=16, null=True, blank=True, editable=False
    )
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    title = PlainCharField(max_length=200, blank=True, help_text="For the photo desk only.")
    alt_text = PlainTextField(
        blank=True,
        help_text="What the photo shows, for readers who cannot see it. "
        "Required before a story using it can be published.",
    )
    caption = PlainTextField(blank=True, help_text="Shown under the photo, before the credit.")
    credit = models.ForeignKey(
        Credit, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )

    # What the file said about itself on upload (IPTC, XMP, EXIF); staff may correct it.
    embedded_credit_line = PlainCharField(
        "credit line in the file",
        max_length=300,
        blank=True,
        help_text="The credit written into the file, if any. "
        "Readers see the structured credit above, not this.",
    )
    creator = NameField(
        max_length=200, blank=True, help_text="Photographer or author named in the file."
    )
    copyright_notice = PlainCharField(max_length=300, blank=True)
    taken_at = models.DateTimeField(
        "date taken",
        null=True,
        blank=True,
        help_text="When the picture was made, if known.",
        validators=[refuse_far_dates],
    )
    digital_source_type = models.CharField(
        max_length=50,
        choices=SourceType,
        blank=True,
        help_text="How the image was made, e.g. a screen capture of a video.",
    )
    # Kept for verification only: public files are rebuilt from pixels without
    # it, and no reader page, feed or bundle carries it.
    latitude = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        help_text="From the file's GPS data. Never published.",
    )
    longitude = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        help_text="From the file's GPS data. Never published.",
    )

    # Where a crop (the 1200x630 share image) centres, in pixels of the upright photo.
    focal_x = models.PositiveIntegerField(
        "focal point x", null=True, blank=True, help_text="Empty means the centre."
    )
    focal_y = models.PositiveIntegerField("focal point y", null=True, blank=True)

    is_sensitive = models.BooleanField(
        "sensitive",
        default=False,
        help_text="Readers see a warning before the photo (e.g. injuries, death).",
    )
    sensitivity_warning = PlainCharField(
        max_length=300,
        blank=True,
        help_text="The warning readers see, e.g. 'This photo shows a wounded soldier.'",
    )
    shows_prisoners = models.BooleanField(
        "shows prisoners of war",
        default=False,
        help_text="The Geneva Conventions protect prisoners of war from public curiosity: "
        "redact faces and identity documents.",
    )
    shows_detainees = models.BooleanField(default=False)
    shows_minors = models.BooleanField("shows minors", default=False)

    withheld_reason = PlainTextField(
        "withheld from readers",
        blank=True,
        help_text="Why this photo must not reach readers again: a source's safety, a legal "
        "demand, consent withdrawn. While this says something, the photo has no public "
        "files (stories show “Photo withdrawn” in its place, at once) and no story can be "
        "published with it. The private original is kept. Only an editor can clear it.",
    )

    # Part of every public file's name; a new one gives them all new addresses
    # (services.photo_withdraw_files). "" until the first withdrawal: photos
    # keep the names they had before keys existed.
    address_key = models.CharField(max_length=16, blank=True, default="", editable=False)

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
        permissions = [
            ("download_original", "Can download the original file"),
            ("lift_protection", "Can lift the protection of a photo readers can see"),
        ]

    def __str__(self) -> str:
        return self.title or self.original_filename or f"Photo {self.pk}"

    def smallness(self) -> str:
        """For the uploader, when the picture is too small (or too thin a strip) to serve
        readers well."""
        if self.width and self.height and self.width > WIDEST_GOOD_SHAPE * self.height:
            tall = max(1, round(390 * self.height / self.width))
            return (
                f"At {self.width}×{self.height} pixels it is a thin strip: across a "
                f"phone's screen it shows {tall} pixel{pluralize(tall)} tall. Crop it, or "
                "look for another copy."
            )
        if self.width and self.height and self.height > WIDEST_GOOD_SHAPE * self.width:
            # Drawn at most 85% of the window's height (views.page_css), on a phone's
            # 844-point screen, say.
            wide = max(1, round(0.85 * 844 * self.width / self.height))
            return (
                f"At {self.width}×{self.height} pixels it is a thin strip standing up: on a "
                f"phone it shows {wide} pixel{pluralize(wide)} wide. Crop it to what matters, "
                "or split it into several photos."
            )
        if self.width >= SMALLEST_GOOD_WIDTH:
            return ""
        return (
            f"At {self.width}×{self.height} pixels it is small: it shows blurred across a "
            "phone's screen, and social networks show no large card for it (they want "
            f"{SMALLEST_GOOD_WIDTH} pixels wide or more). Look for a larger copy."
        )

    def clean(self) -> None:
        if (self.focal_x is None) != (self.focal_y is None):
            raise ValidationError("Give both focal point coordinates, or neither.")
        inside = self.focal_x is None or (
            self.focal_x < (self.width or 1) and self.focal_y < (self.height or 1)
        )
        if not inside:
            raise ValidationError(
                f"The focal point must lie inside the photo ({self.width}x{self.height})."
            )
        if self.is_sensitive and not self.sensitivity_warning.strip():
            raise ValidationError(
                {"sensitivity_warning": "A sensitive photo needs a warning for readers."}
            )

    @property
    def aspect_ratio(self) -> float:
        return self.width / self.height if self.height else 1.0

    @property
    def shows_protected_people(self) -> bool:
        """Prisoners, detainees or minors: the story checklist wants redactions then."""
        return self.shows_prisoners or self.shows_detainees or self.shows_minors

    @property
    def focal_point(self) -> tuple[int, int]:
        if self.focal_x is None or self.focal_y is None:
            return self.width // 2, self.height // 2
        return self.focal_x, self.focal_y

    def height_for(self, width: int) -> int:
        return round(width * self.height / self.width) if self.width else width

    def redaction_regions(self) -> list[tuple[int, int, int, int, str]]:
        """(x, y, width, height, method) for each region, in a stable order."""
        return [
            (r.x, r.y, r.width, r.height, r.method)
            for r in sorted(self.redactions.all(), key=lambda r: (r.y, r.x, r.pk or 0))
        ]

    def rendition_source_key(self, *, share: bool = False) -> str:
        """A fingerprint of everything a rendition is made from; a change means a stale file."""
        parts = [PIPELINE_VERSION, self.sha256, repr(self.redaction_regions())]
        if share:
            parts.append(repr(self.focal_point))
        if self.address_key:
            parts.append(self.address_key)
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]

    def jpeg_rendition(self, max_width: int | None = None) -> "Rendition | None":
        """The widest JPEG no wider than `max_width` (the narrowest if all are wider).

        Without `max_width`, the widest. Reads the prefetched renditions: no query.
        """
        return pick_jpeg(self.renditions.all(), max_width)


class Redaction(models.Model):
    """A rectangle destroyed in every public file; the private original keeps it."""

    class Method(models.TextChoices):
        BLUR = "blur", "Blur"
        PIXELATE = "pixelate", "Pixelate"
        BOX = "box", "Solid box"

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="redactions")
    x = models.PositiveIntegerField(help_text="Left edge, in pixels of the upright photo.")
    y = models.PositiveIntegerField(help_text="Top edge, in pixels.")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    method = models.CharField(max_length=10, choices=Method, default=Method.BOX)
    note = PlainCharField(
        max_length=200,
        blank=True,
        help_text="For the desk, e.g. 'face of the soldier on the left'.",
    )

    class Meta:
        ordering = ["y", "x", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(width__gt=0, height__gt=0),
                name="redaction_not_empty",
                violation_error_message="A redaction needs a width and a height "
                "of at least 1 pixel.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.width}x{self.height} at ({self.x}, {self.y})"

    def clean(self) -> None:
        # On the field itself: an error there also spares staff the constraint's
        # own message, which Django skips once a field it names has failed.
        errors = {
            name: f"A redaction needs a {name} of at least 1 pixel."
            for name in ("width", "height")
            if getattr(self, name) == 0
        }
        if errors:
            raise ValidationError(errors)
        photo = self.photo if self.photo_id else None
        if None in (self.x, self.y, self.width, self.height):
            return  # A box left empty: its field says so.
        if photo and (self.x + self.width > photo.width or self.y + self.height > photo.height):
            raise ValidationError(
                f"The region must lie inside the photo ({photo.width}x{photo.height} pixels)."
            )


# The far edge of an annotation's box, with a little slack for float rounding.
ANNOTATION_EDGE = 1.0001


class Annotation(models.Model):
    """A note readers see on a region of the photo, e.g. 'Russian military ID in another name'.

    The box is in fractions of the photo's width and height, so it fits every rendition.
    """

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="annotations")
    x = models.FloatField(help_text="Left edge, as a fraction of the width (0 to 1).")
    y = models.FloatField(help_text="Top edge, as a fraction of the height (0 to 1).")
    width = models.FloatField(help_text="As a fraction of the photo's width.")
    height = models.FloatField(help_text="As a fraction of the photo's height.")
    note = PlainCharField(
        max_length=300, help_text="Shown to readers under the photo, numbered like its marker."
    )
    position = models.PositiveIntegerField(default=0, help_text="Notes are numbered in this order.")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    x__gte=0,
                    y__gte=0,
                    width__gt=0,
                    height__gt=0,
                    x__lte=ANNOTATION_EDGE - models.F("width"),
                    y__lte=ANNOTATION_EDGE - models.F("height"),
                ),
                name="annotation_inside_photo",
                violation_error_message="The box must lie inside the photo: x, y, width "
                "and height are fractions from 0 to 1, x + width and y + height at most 1.",
            )
        ]

    def __str__(self) -> str:
        return self.note[:60]

    def clean(self) -> None:
        # Each problem on its field; Django then skips the constraint's message.
        errors = {}
        for name, label in (("x", "left edge"), ("y", "top edge")):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 1:
                errors[name] = f"The {label} must be a fraction from 0 to 1."
        for name, start, edge in (("width", "x", "right"), ("height", "y", "bottom")):
            size, offset = getattr(self, name), getattr(self, start)
            if size is None:
                continue
            if size <= 0:
                errors[name] = f"The {name} must be more than 0."
            elif offset is not None and start not in errors and offset + size > ANNOTATION_EDGE:
                errors[name] = (
                    f"The box runs past the {edge} edge of the photo: {start} + {name} "
                    f"is {offset + size:g}, and may be at most 1."
                )
        if errors:
            raise ValidationError(errors)


class Rendition(models.Model):
    """A public derivative of a photo: oriented, stripped of metadata, resized."""

    SHARE_SPEC = images.SHARE_SPEC

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="renditions")
    spec = models.CharField(max_length=50, help_text="e.g. 'jpeg-800' or 'share'")
    file = models.FileField(upload_to=rendition_upload_to, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(
        default=0, help_text="Bytes; kept so feeds need not ask the storage (0: not recorded)."
    )
    source_key = models.CharField(
        max_length=32, blank=True, help_text="Photo.rendition_source_key() when it was made."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["photo", "spec"], name="unique_rendition_per_spec")
        ]

    def __str__(self) -> str:
        return f"{self.photo_id}:{self.spec}"

    @property
    def format(self) -> str:
        return images.spec_format(self.spec)

    @property
    def is_share(self) -> bool:
        return self.spec == self.SHARE_SPEC
