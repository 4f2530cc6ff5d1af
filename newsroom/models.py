"""The editorial app: stories (articles) told as ordered photo slides with quotes."""

import datetime as dt
import re
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify

from gallery.dates import refuse_far_dates
from gallery.models import WEB_ADDRESS, Credit, Photo
from gallery.text import NameField, PlainCharField, PlainTextField, WebAddressField


def split_paragraphs(text: str) -> list[str]:
    """One paragraph per non-empty line, as editors and partners write them."""
    return [line.strip() for line in text.splitlines() if line.strip()]


PUBLISH_PERMISSION = "newsroom.publish_article"


def new_preview_key() -> str:
    return secrets.token_urlsafe(9)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The only definition of what the public may see.

        A scheduled story counts as soon as its time has come, so scheduling
        needs no cron job: the comparison with now does the publishing.
        """
        return self.filter(
            status__in=Article.PUBLIC_STATUSES,
            published_at__isnull=False,
            published_at__lte=timezone.now(),
        )

    def with_last_note(self):
        """For feeds and sitemaps: `last_note_at`, the date of each story's latest note."""
        notes = Correction.objects.filter(article=models.OuterRef("pk")).order_by("-published_at")
        return self.annotate(last_note_at=models.Subquery(notes.values("published_at")[:1]))

    def with_lead_photo(self):
        """For lists: `lead_slides` (the first slide, its photo's renditions read) and
        `slide_total`, in the same few queries however long the stories are. The count
        is distinct: the admin's search joins slides and quotes, a row for each match."""
        lead = (
            Slide.objects.select_related("photo")
            .prefetch_related("photo__renditions")
            .order_by("position", "pk")[:1]
        )
        return self.annotate(slide_total=models.Count("slides", distinct=True)).prefetch_related(
            Prefetch("slides", queryset=lead, to_attr="lead_slides")
        )


# The language of the site's own words (base.html); a story may be in another.
SITE_LANGUAGE = "en"


LANGUAGE_CODE = RegexValidator(
    r"\A[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z",  # \Z: "$" would let "en\n" through.
    "A language code such as en, uk, ar or pt-BR.",
)


def new_atom_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def lang_attribute(article) -> str:
    """` lang="uk"` for the elements holding a story's own words; "" in the site's language."""
    if article.language == SITE_LANGUAGE:
        return ""
    return format_html(' lang="{}"', article.language)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    PUBLIC_STATUSES = (Status.SCHEDULED, Status.PUBLISHED)

    headline = PlainCharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The end of the story's address, as in /stories/this-part/.",
    )
    standfirst = PlainTextField(
        help_text="One paragraph under the headline that tells the reader what the story is."
    )
    byline = PlainCharField(max_length=200, blank=True, help_text="E.g. 'By Jane Doe'.")
    language = models.CharField(
        max_length=20,
        default=SITE_LANGUAGE,
        validators=[LANGUAGE_CODE],
        help_text="The language the story is written in, as a code: en, uk, ru, ar, fr… "
        "Screen readers read its words with that language's voice, and search engines "
        "are told it. The site's own words, and the photos' alt text, captions and "
        "notes, stay English.",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Shown to readers as the story's date. A time still to come is when the "
        "story goes out, once you press “Save and schedule for the publication time”; saving alone "
        "schedules nothing.",
        validators=[refuse_far_dates],
    )
    significant_update_at = models.DateTimeField(
        "updated",
        null=True,
        blank=True,
        help_text="Shown to readers as 'Updated …'. Set it only for an update that changes "
        "what the story says, not for typo fixes.",
        validators=[refuse_far_dates],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Its entry's id in the feed, minted once: a rename, another host or a move of the
    # site must not show feed readers the story again as new (RFC 4287). Stories from
    # before it have none, and keep the address their entry had.
    atom_id = models.CharField(max_length=100, blank=True, default=new_atom_id, editable=False)
    closing_text = PlainTextField(
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
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Optimistic locking: every save through the desk bumps it, and a save
    # that started from an older number is refused instead of overwriting.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Part of every reviewer link (newsroom.preview): a new key revokes those given out.
    preview_key = models.CharField(max_length=16, default=new_preview_key, editable=False)
    protected_persons_override = PlainTextField(
        "publish despite unredacted protected persons, because",
        blank=True,
        help_text="Editors only. Photos showing prisoners, detainees or minors need redactions "
        "before publication; write here why this story may be published without them.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_article", "Can publish, schedule and unpublish stories")]
        # What the desk calls it: "Add story", "Select story to change".
        verbose_name = "story"
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("newsroom:story", kwargs={"slug": self.slug})

    def closing_paragraphs(self) -> list[str]:
        return split_paragraphs(self.closing_text)

    def byline_name(self) -> str:
        """The byline without its "By", as a name standing alone: for feeds and structured data."""
        name = re.sub(r"^by\s+", "", self.byline.strip(), flags=re.IGNORECASE)
        return re.sub(r"^the\b", "The", name)  # "By the photo desk": "The photo desk".

    def may_be_changed_by(self, user) -> bool:
        """A scheduled or published story is changed only by those who may publish.

        Saving it publishes the change: a reporter's edit would go out unreviewed.
        """
        return self.status not in self.PUBLIC_STATUSES or user.has_perm(PUBLISH_PERMISSION)

    def status_now_display(self) -> str:
        """The status as readers have it: a scheduled story whose time has come is out."""
        if self.status == self.Status.SCHEDULED and self.is_public:
            return "Published (went live as scheduled)"
        return self.get_status_display()

    def modified_at(self, last_note: dt.datetime | None = None) -> dt.datetime | None:
        """When readers last saw it change, for feeds, sitemaps and structured data: its
        publication, its "Updated" time or its latest note (`last_note`, or as
        ArticleQuerySet.with_last_note() read it), whichever is latest."""
        last_note = last_note or getattr(self, "last_note_at", None)
        dates = [at for at in (self.published_at, self.significant_update_at, last_note) if at]
        return max(dates, default=None)

    def clean(self):
        # Taking it would send readers of the other story's shared links here. A story
        # keeping the address it has is left alone, however it came by it.
        kept = self.pk and Article.objects.filter(pk=self.pk, slug=self.slug).exists()
        if self.slug and not kept and (former := FormerSlug.of_another_story(self.slug, self.pk)):
            raise ValidationError({"slug": f"{former.refusal()} Choose another."})

    @property
    def is_public(self) -> bool:
        """Same rule as ArticleQuerySet.published(), for one story already in memory."""
        return (
            self.status in self.PUBLIC_STATUSES
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


# Slides whose photo another site may show as a thumbnail: share cards, feed
# enclosures, sitemap images, the home page's story cards.
SHAREABLE = models.Q(photo__isnull=False, photo__is_sensitive=False, photo__withheld_reason="")


class SlideQuerySet(models.QuerySet):
    def shareable(self):
        return self.filter(SHAREABLE)

    def leads(self):
        """Shareable slides, the one editors chose as the share image first, then in order."""
        return self.shareable().order_by("-is_share_image", "position", "pk")

    def photo_ids_out(self) -> set[int]:
        """The photos these slides show in stories that are out or scheduled: what a
        change to them may take off readers' screens."""
        public = self.filter(article__status__in=Article.PUBLIC_STATUSES, photo__isnull=False)
        return set(public.values_list("photo_id", flat=True))

    def stories_left_empty(self):
        """The stories out or scheduled that deleting these slides would leave with none,
        which the publish checklist would refuse."""
        others = Slide.objects.filter(article=models.OuterRef("pk")).exclude(pk__in=self)
        return (
            Article.objects.filter(status__in=Article.PUBLIC_STATUSES, slides__in=self)
            .exclude(models.Exists(others))
            .distinct()
        )

    def renumber(self, placing: "Slide | None" = None) -> list["Slide"]:
        """Positions 1, 2, 3… in the current order: duplicates and gaps disappear.

        `placing`, a slide just given a number of its own, goes to that place and
        the others make room, as "put this slide first" means. Returns the slides
        whose number changed, with it.
        """
        slides = [s for s in self.order_by("position", "pk") if placing is None or s != placing]
        if placing is not None:
            slides.insert(min(max(placing.position, 1), len(slides) + 1) - 1, placing)
        changed = []
        for number, slide in enumerate(slides, start=1):
            if slide.position != number:
                type(slide).objects.filter(pk=slide.pk).update(position=number)
                slide.position = number
                changed.append(slide)
        return changed


class Slide(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="slides", verbose_name="story"
    )
    position = models.PositiveIntegerField(default=0, help_text="Slides are shown in this order.")
    photo = models.ForeignKey(
        Photo,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="slides",
        help_text="Every slide needs one before the story can be published; on a draft it "
        "may stay empty until the photo comes in.",
    )
    narrative = PlainTextField(
        blank=True, help_text="The text for this photo, one paragraph per line."
    )
    # No unique constraint per story: moving the tick from a later slide to an
    # earlier one saves the earlier row first, and SQLite cannot defer the check.
    # The story form allows one; anything reading several takes the first.
    is_share_image = models.BooleanField(
        "share image",
        default=False,
        help_text="Show this photo on share cards, on the home page and in the feed. Tick one "
        "slide at most. With none ticked, or this photo later marked sensitive or withheld, "
        "the first photo that is neither is used.",
    )
    awaiting_credit = models.ForeignKey(
        Credit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="credit for the photo to come",
        help_text="The credit the wire copy names for this slide's photo. Give the photo "
        "this credit when you upload it.",
    )
    awaiting_credit_line = PlainCharField(
        "credit line in the copy",
        max_length=300,
        blank=True,
        help_text="The credit the imported copy gave, when no library credit matched it and "
        "whoever imported the story could not add one: the photo desk makes the credit.",
    )

    objects = SlideQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.article} — slide {self.position}"

    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.narrative)


def refuse_days_to_come(day) -> None:
    """A quote's day, checked wherever it comes from (the admin, a bundle). A day's
    grace: where it was said, that day may already have begun."""
    if day and day > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError("That day has not come yet: a quote is dated when it was said.")


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
    text = PlainTextField(
        help_text="The quoted words only, without quotation marks. Words the slide's "
        "narrative already gives are not shown again below it; search engines are still "
        "told who said them."
    )
    speaker = NameField(max_length=200, blank=True, help_text="Who said it.")
    speaker_role = NameField(max_length=200, blank=True, help_text="E.g. 'President of Ukraine'.")
    language = models.CharField(
        "language of the words",
        max_length=20,
        blank=True,
        validators=[LANGUAGE_CODE],
        help_text="Only if the quoted words are in another language than the story's: ar, "
        "ru, uk… Screen readers then read them with that language's voice.",
    )
    said_in = models.CharField("where it was said", max_length=20, choices=Medium, blank=True)
    said_on = models.DateField(
        "when it was said",
        null=True,
        blank=True,
        validators=[refuse_far_dates, refuse_days_to_come],
    )
    url = WebAddressField("link to the original", max_length=500, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            # The form's URL check does not run for every write (imports,
            # restored versions, scripts); readers get this as a link.
            models.CheckConstraint(
                condition=models.Q(url="") | WEB_ADDRESS,
                name="quote_url_is_a_web_address",
                violation_error_message="The link to the original must be a web address "
                "starting with https:// or http://.",
            )
        ]

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


# Clocks differ a little between an editor's computer and the server.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def is_to_come(at: dt.datetime | None) -> bool:
    """For dates readers see as soon as they are saved (notes, "Updated"): a date still
    to come would be read today as if it had passed."""
    return at is not None and at > timezone.now() + FUTURE_TOLERANCE


def has_come_out(published_at: dt.datetime | None) -> bool:
    """A publication time that has passed: readers have had the story, or will have had
    it whatever is saved next. Not yet: no note or update can be older than it."""
    return published_at is not None and published_at <= timezone.now()


class Correction(models.Model):
    """A dated note appended to a story; readers see them all at its end."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    # Readers would see a note dated before the story it corrects.
    STORY_NOT_OUT = (
        "This story has not come out yet, so there is no reader to tell: put the text "
        "right instead. Add a note once it is out."
    )

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CORRECTION)
    text = PlainTextField(
        help_text="What was wrong and what is right now, or what is new, in one or two sentences."
    )
    published_at = models.DateTimeField(
        default=timezone.now,
        help_text="Shown to readers as the note's date.",
        validators=[refuse_far_dates],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["published_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.published_at:%Y-%m-%d}: {self.text[:60]}"

    @staticmethod
    def may_be_added_to(article: Article) -> bool:
        """Only to a story that has come out (it may be down since)."""
        return has_come_out(article.published_at)

    def clean(self):
        # Readers see the note, and "Updated <its date>", as soon as it is saved.
        if is_to_come(self.published_at):
            raise ValidationError(
                {"published_at": "A note goes out when it is saved: date it now or earlier."}
            )


def free_slug(text: str) -> str:
    """A slug made from `text` that no story has, nor had (a former address still
    leads to its story); "" if none can be made."""
    base = slugify(text)[:190].strip("-")
    if not base:
        return ""
    taken = set(Article.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= set(FormerSlug.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


class FormerSlug(models.Model):
    """An address a story had before it was renamed: shared links to it still arrive."""

    slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="former_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"/stories/{self.slug}/ → {self.article.get_absolute_url()}"

    @classmethod
    def of_another_story(cls, slug: str, article_pk: int | None = None) -> "FormerSlug | None":
        """The former address `slug` of a story other than `article_pk`, if it is one."""
        found = cls.objects.filter(slug=slug).exclude(article_id=article_pk)
        return found.select_related("article").first()

    def refusal(self) -> str:
        return (
            f"“{self.slug}” was the address of “{self.article.headline}” before it was "
            "renamed, and links shared then still lead there."
        )


class AuditEntry(models.Model):
    """Who published, unpublished, scheduled or overrode the checklist, and when.

    Kept apart from the admin's LogEntry so it survives admin clean-ups and
    can be queried per story; the article is kept by id and headline so the
    trail outlives a deleted story.
    """

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted for review"
        SCHEDULE = "schedule", "Scheduled"
        PUBLISH = "publish", "Published"
        UNPUBLISH = "unpublish", "Unpublished"
        ARCHIVE = "archive", "Archived"
        OVERRIDE = "override", "Checklist override"
        REFUSED = "refused", "Publication refused"
        DELETE = "delete", "Deleted"
        RECOVER = "recover", "Recovered"
        COPY = "copy", "Copied as a new draft"

    article = models.ForeignKey(
        Article, null=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    # The story's id outlives the link to it: a story recovered takes its trail back.
    article_number = models.PositiveBigIntegerField(null=True, editable=False, db_index=True)
    article_headline = models.CharField(max_length=200)
    action = models.CharField(max_length=20, choices=Action)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.article_headline}"

    def save(self, *args, **kwargs):
        if self.article_id is not None:
            self.article_number = self.article_id
        super().save(*args, **kwargs)


class ChangeRequest(models.Model):
    """A change someone asks the editors to make to a story they may not change themselves.

    Reporters cannot edit a story readers can see (Article.may_be_changed_by):
    this is how they point out a wrong name or a typo in one. Not part of the
    story's versions: restoring an old version leaves the requests as they are.
    """

    MAX_LENGTH = 2000

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="change_requests")
    text = PlainTextField("what should change", max_length=MAX_LENGTH)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            # The story list counts each story's open requests.
            models.Index(
                fields=["article"], condition=models.Q(done_at=None), name="open_change_requests"
            )
        ]

    def __str__(self) -> str:
        return f"Change to “{self.article.headline}”: {self.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class LoginFailure(models.Model):
    """A wrong password at the staff log-in, kept for the throttle (newsroom.admin.login).

    In the database rather than the cache: counted exactly however many
    requests arrive at once, shared by every process, and still counted when
    the cache is down. Rows older than the lock time are deleted as new ones come.
    """

    address = models.CharField(max_length=64)  # An IPv4 address, or an IPv6 /64.
    account = models.CharField(max_length=64)  # A hash of the username as typed, folded.
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["address", "at"], name="login_failures_by_address"),
            models.Index(fields=["at"], name="login_failures_by_time"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} from {self.address}"


class PageCacheEpoch(models.Model):
    """One row: renewed when a change could not reach the page cache (newsroom.invalidation).

    In the database because it is the cache that failed.
    """

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Page cache epoch {self.value}"
