"""Importing a plain-text slideshow from the admin: upload, preview, confirm.

The text travels between the steps in a hidden form field and is parsed again
on confirmation, so nothing is kept on the server between requests.
"""

from collections import Counter
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gallery.forms import MultipleFileField, MultipleFileInput
from gallery.models import Credit
from gallery.validation import too_big_message
from newsroom.image_folder import FolderRefused, files_by_slide
from newsroom.importer import (
    MAX_BYTES,
    ParsedStory,
    ParseError,
    decode_text,
    parse_story,
    refuse_control_characters,
)
from newsroom.imports import (
    ImportFailed,
    credit_in_library,
    credits_by_line,
    may_add_credits,
    slug_for,
    slug_from,
    story_import,
)
from newsroom.models import Article, Quote, free_slug

app_name = "article_import"

ADD_PERMISSION = "newsroom.add_article"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Slideshow text file",
        help_text="Plain text from a partner (UTF-8, or UTF-16 as Word saves it): the "
        "headline, the standfirst, then each "
        "slide's paragraphs closed by a 'Photo Credit:' line, then the closing paragraphs. "
        f"At most {MAX_BYTES // 1_000_000} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,text/plain"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                f"The file is {upload.size / 1e6:.1f} MB; a slideshow text is at most "
                f"{MAX_BYTES / 1e6:.0f} MB. Is this the right file?"
            )
        try:
            self.text = decode_text(upload.read())
            self.story = parse_story(self.text)
        except ParseError as error:
            raise ValidationError(str(error)) from None
        return upload


class ConfirmForm(forms.Form):
    # No max_length: browsers send the text's line breaks back as CR LF, so its
    # length is judged after they are read as LF again (clean_text).
    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    slug = forms.SlugField(
        max_length=200,
        help_text="The end of the story's address, as in /stories/this-part/. Must not be in use.",
        error_messages={
            "required": "Write the end of the story's address: letters a to z, digits and "
            "hyphens. None could be made from this headline."
        },
    )

    photos = MultipleFileField(
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/avif"}),
        label="Photos",
        help_text="Optional: the photos that came with the text, each named with its "
        "slide's number (slide-1.jpg, slide-2.png…), at most "
        f"{settings.GALLERY_MAX_FILES_PER_UPLOAD}. Slides without one await a photo.",
    )

    def __init__(self, *args, may_add_photos: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_add_photos:
            # Not the photo desk's: photos reach the library through its own pages.
            del self.fields["photos"]

    def clean_text(self):
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        if len(text) > MAX_BYTES:  # What the upload allowed, in characters at most.
            raise ValidationError(
                f"The text is over {MAX_BYTES:,} characters, the most a slideshow may have."
            )
        try:
            # Checked as the upload was: the text comes back from the browser, maybe altered.
            self.story = parse_story(refuse_control_characters(text))
        except ParseError as error:
            raise ValidationError(str(error)) from None
        return text

    def clean_photos(self) -> dict[int, UploadedFile]:
        """The photos by slide number; every file must go on a slide, as from a folder."""
        chosen = self.cleaned_data["photos"]
        files = {file.name: file for file in chosen}
        story = getattr(self, "story", None)
        if not files or story is None:
            return {}
        limit = settings.GALLERY_MAX_FILES_PER_UPLOAD
        if len(chosen) > limit:
            # One post, one transaction: hundreds of photos would hold a server for
            # minutes and be lost together by one bad file, as the bulk upload's would.
            raise ValidationError(
                f"You chose {len(chosen)} photos; an import takes at most {limit}. Import "
                f"with the photos of the first {limit} slides, then add the others on their "
                "slides. Nothing was imported."
            )
        if len(files) < len(chosen):
            [(twice, _)] = Counter(file.name for file in chosen).most_common(1)
            raise ValidationError(
                f"Two files are named {twice}: which one goes on the slide cannot be told."
            )
        for file in files.values():
            if file.size > settings.GALLERY_MAX_UPLOAD_BYTES:
                raise ValidationError(f"{file.name}: {too_big_message(file.size)}")
        try:
            numbered = files_by_slide(
                [(name, True) for name in files],
                len(story.slides),
                among="chosen",
                each="Each photo",
            )
        except FolderRefused as refused:
            raise ValidationError(str(refused)) from None
        return {number: files[name] for number, name in numbered.items()}

    def clean_slug(self):
        try:
            return slug_for("", self.cleaned_data["slug"])
        except ImportFailed as error:
            raise ValidationError(str(error).replace(" (--slug on the command line)", "")) from None


def _may_add_photos(request: HttpRequest) -> bool:
    return request.user.has_perm("gallery.add_photo")


def _require_add_permission(request: HttpRequest) -> None:
    if not request.user.has_perm(ADD_PERMISSION):
        raise PermissionDenied("Importing a slideshow needs permission to add stories.")


def _context(request: HttpRequest, title: str, **extra) -> dict:
    return {
        **admin.site.each_context(request),
        "opts": Article._meta,
        "title": title,
        **extra,
    }


def _credits_not_added(request: HttpRequest, story: ParsedStory) -> str:
    """The credits this import would need to add that the user may not add, with their slides."""
    if may_add_credits(request.user):
        return ""
    known: dict[str, bool] = {}
    missing = {}
    for number, slide in enumerate(story.slides, start=1):
        line = slide.credit.line
        if line not in known:
            known[line] = credit_in_library(slide.credit) is not None
        if not known[line]:
            missing[number] = line
    return credits_by_line(missing)


def _preview(request: HttpRequest, story: ParsedStory, form: ConfirmForm) -> HttpResponse:
    # The parser's values (kinds, media) in the words the rest of the admin uses.
    slides = [
        {
            "slide": slide,
            "kind": Credit.Kind(slide.credit.kind).label,
            "quotes": [
                (quote, Quote.Medium(quote.said_in).label if quote.said_in else "")
                for quote in slide.quotes
            ],
        }
        for slide in story.slides
    ]
    context = _context(
        request,
        "Check the imported slideshow",
        story=story,
        slides=slides,
        form=form,
        credits=story.credits(),
        quotes=story.quotes(),
        credits_not_added=_credits_not_added(request, story),
        **_same_headline(story.headline),
    )
    return render(request, "admin/newsroom/import/preview.html", context)


def _same_headline(headline: str, shown: int = 3) -> dict:
    """The same file imported twice makes a second story (slug "…-2"): the stories
    under this headline, those readers have or will have first, then the newest."""
    stories = Article.objects.filter(headline=headline)
    public = Case(When(status__in=Article.PUBLIC_STATUSES, then=0), default=1)
    first = list(stories.order_by(public, "-pk")[:shown])
    more = stories.count() - len(first) if len(first) == shown else 0
    return {"same_headline": first, "same_headline_more": more}


def upload(request: HttpRequest) -> HttpResponse:
    _require_add_permission(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        confirm_form = ConfirmForm(
            initial={"text": form.text, "slug": free_slug(form.story.headline)},
            may_add_photos=_may_add_photos(request),
        )
        return _preview(request, form.story, confirm_form)
    context = _context(request, "Import a slideshow", form=form)
    return render(request, "admin/newsroom/import/upload.html", context)


def _just_imported(form, user) -> Article | None:
    """The story this very import made within the last minutes, if another post of
    the same form did: same address, same person, same words. Another file under the
    same headline and address is not it: that is refused as a taken address."""
    recent = timezone.now() - timedelta(minutes=2)
    story = form.story
    article = Article.objects.filter(
        slug=(form.data.get("slug") or "").strip() or slug_from(story.headline),
        headline=story.headline,
        standfirst=story.standfirst,
        closing_text=story.closing_text,
        created_by=user,
        created_at__gte=recent,
    ).first()
    if article is None:
        return None
    narratives = list(article.slides.order_by("position").values_list("narrative", flat=True))
    return article if narratives == [slide.narrative for slide in story.slides] else None


def _already_imported(request, article: Article) -> HttpResponse:
    # The same post twice (a double click, a resend): the first one did it.
    messages.info(
        request,
        f"“{article.headline}” was imported a moment ago, from this same form: here it is. "
        "Nothing more was imported.",
    )
    return redirect("admin:newsroom_article_change", article.pk)


@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    _require_add_permission(request)
    if request.FILES.getlist("photos") and not _may_add_photos(request):
        raise PermissionDenied("Adding photos to the library needs the photo desk's permission.")
    form = ConfirmForm(request.POST, request.FILES, may_add_photos=_may_add_photos(request))
    if not form.is_valid():
        if "text" in form.errors:
            messages.error(request, " ".join(form.errors["text"]))
            return redirect("article_import:upload")
        if set(form.errors) == {"slug"} and (twin := _just_imported(form, request.user)):
            return _already_imported(request, twin)
        return _preview(request, form.story, form)
    try:
        report = story_import(
            story=form.story,
            images=form.cleaned_data.get("photos", {}),
            slug=form.cleaned_data["slug"],
            by=request.user,
        )
    except ImportFailed as error:
        if twin := _just_imported(form, request.user):
            return _already_imported(request, twin)
        form.add_error(None, f"{error} Nothing was imported.")
        return _preview(request, form.story, form)
    article = report.article
    for warning in report.credit_warnings():
        messages.warning(request, warning)
    slides, quotes = len(form.story.slides), len(form.story.quotes())
    awaiting = len(report.slides_awaiting_photo)
    messages.success(
        request,
        f"Imported “{article.headline}” as a draft: {slides} slide{pluralize(slides)}, "
        f"{quotes} quote{pluralize(quotes)}. {awaiting} slide{pluralize(awaiting)} "
        f"await{pluralize(awaiting, 's,')} a photo; "
        "the publish checklist lists what is still missing.",
    )
    if report.awaiting_credit_lines:
        # One entry per credit, however many slides share it.
        by_credit: dict[str, list[int]] = {}
        for number, line in report.awaiting_credit_lines.items():
            by_credit.setdefault(line, []).append(number)
        lines = "; ".join(
            f"{line} (slide{pluralize(numbers)} {_numbers(numbers)})"
            for line, numbers in by_credit.items()
        )
        messages.info(request, f"Credits for the photos still to upload: {lines}.")
    return redirect(reverse("admin:newsroom_article_change", args=[article.pk]))


def _numbers(numbers: list[int]) -> str:
    """1, 2, 3, 5 → '1–3, 5': a 200-slide story's list stays readable."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(
        f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs
    )


urlpatterns = [
    path("", admin.site.admin_view(upload), name="upload"),
    path("confirm/", admin.site.admin_view(confirm), name="confirm"),
]
