"""Public pages: the story list, a whole story, one slide, and the files around them."""

from functools import wraps

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Prefetch, Subquery
from django.http import (
    Http404,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse

from gallery.pictures import attach_notes, attach_public_files
from newsroom import jsonld
from newsroom.addresses import absolute_url
from newsroom.csp import set_shared_page_policy
from newsroom.models import (
    SHAREABLE,
    Article,
    Correction,
    FormerSlug,
    Quote,
    Slide,
    lang_attribute,
)
from newsroom.quotations import MIN_QUOTE_WORDS, as_quoted, quoted_texts

STORIES_PER_PAGE = 12


def follow_renames(view):
    """A story page not found under a story's former slug redirects to its address now.

    Costs a query only on a 404; a slug in use by a published story always wins.
    """

    @wraps(view)
    def wrapper(request, slug: str, *args, **kwargs):
        try:
            return view(request, slug, *args, **kwargs)
        except Http404:
            current = (
                FormerSlug.objects.filter(slug=slug, article__in=Article.objects.published())
                .values_list("article__slug", flat=True)
                .first()
            )
            if current is None or current == slug:
                raise
            path = request.get_full_path().replace(f"/stories/{slug}/", f"/stories/{current}/", 1)
            return HttpResponsePermanentRedirect(path)

    return wrapper


def _slides(article_filter: dict, **annotations) -> list[Slide]:
    return list(
        Slide.objects.filter(**article_filter)
        .select_related("article", "photo__credit")
        .annotate(**annotations)
        .order_by("position", "pk")
    )


def attach_slide_parts(slides: list[Slide], *, notes: bool = True, quotes: bool = True) -> None:
    """What slides show besides their photo and credit, in three queries whatever their number.

    Sets `photo.public_files`, `photo.notes` and `slide.quote_list`. Plain lists
    rather than prefetched managers: on a story page the prefetch machinery cost
    more than the queries. A quote the slide's narrative already gives word for
    word (an import keeps the partner's paragraph) gets `in_narrative`: readers
    read it once, and structured data still says who said it.
    """
    photos = [slide.photo for slide in slides]
    attach_public_files(photos)
    if notes:
        attach_notes(photos)
    if quotes:
        grouped: dict[int, list[Quote]] = {}
        for quote in Quote.objects.filter(slide_id__in={slide.pk for slide in slides}):
            grouped.setdefault(quote.slide_id, []).append(quote)
        for slide in slides:
            slide.quote_list = grouped.get(slide.pk, [])
            quoted = quoted_texts(slide.narrative) if slide.quote_list else set()
            for quote in slide.quote_list:
                # The same words in quotation marks there, as an import leaves them: not
                # words the text only happens to hold, nor a few. One with a link to its
                # source keeps its place: the link is said only under the quote.
                # Nor one whose speaker the text does not name ("…,” he said.).
                words = as_quoted(quote.text)
                quote.in_narrative = (
                    len(words.split()) >= MIN_QUOTE_WORDS
                    and not quote.url
                    and words in quoted
                    and quote.speaker in slide.narrative
                )


# A marker's least size, border included, as site.css draws it.
MARKER = "1.75rem"


def page_css(slides: list[Slide]) -> str:
    """The page's own stylesheet, since the CSP forbids style attributes: marker
    positions, and frames no taller than most of the window.

    Sets `slide.frame_shape`, the class of its photo's shape, and `slide.photo_sizes`,
    the width its photo is drawn at, for the browser to pick a file no larger.
    """
    # One rule per note, however many slides show its photo.
    notes = {note.pk: note for slide in slides for note in jsonld.notes(slide.photo)}
    # A marker is never smaller than a finger's width (site.css): one on a note at
    # the photo's edge is moved in, or it would hang past the edge, and the page
    # scroll sideways on a phone.
    rules = [
        f".a{note.pk}{{left:{_marker_left(note, '%')};"
        f"top:min({note.y:.2%},100% - max({note.height:.2%},{MARKER}));"
        f"width:{note.width:.2%};height:{note.height:.2%}}}"
        for note in notes.values()
    ]
    rules += _labels_apart({slide.photo.pk: slide.photo for slide in slides if slide.photo})
    # A tall photo at the column's full width would push its credit and words off
    # the screen: its frame is as wide as 85% of the window's height allows. One
    # rule per shape, however many photos have it.
    shapes = {}
    for slide in slides:
        photo = slide.photo
        if photo is not None and photo.width and photo.height:
            ratio = photo.width / photo.height
            slide.frame_shape = f"s{round(1000 * ratio)}"
            shapes[slide.frame_shape] = ratio
            slide.photo_sizes = (
                f"(min-width: 60rem) min(58rem, {ratio:.3f} * 85vh), "
                f"min(100vw - 2rem, {ratio:.3f} * 85vh)"
            )
    rules += [f".{name}{{max-width:calc(85vh*{ratio:.3f})}}" for name, ratio in shapes.items()]
    return "".join(rules)


# A marker's number, as wide as a finger, over the narrowest photo drawn (a 320 px
# phone): two notes starting closer than this have their numbers on top of each other.
LABEL_REACH = 0.1


def _marker_left(note, unit: str = "cqw") -> str:
    """Where a note's marker starts, across its photo's frame: in % for the marker, in
    cqw for a number placed from another marker (site.css: .frame is a container,
    so 100cqw is the frame's width)."""
    return f"min({note.x * 100:.2f}{unit},100{unit} - max({note.width * 100:.2f}{unit},{MARKER}))"


def _labels_apart(photos: dict) -> list[str]:
    """Rules moving the number of a note that starts where an earlier one of the same
    photo does (a name and a unit on one ID card) to beside that one's number, toward
    the photo's middle: otherwise the reader sees one number, and the other note is
    lost. Beside it at any width: the frame's width is in the rule (cqw)."""
    rules = []
    for photo in photos.values():
        ratio = photo.width / photo.height if photo.width and photo.height else 1.5
        placed = []
        for note in jsonld.notes(photo):
            near = [
                earlier
                for earlier in placed
                if abs(earlier.x - note.x) < LABEL_REACH
                and abs(earlier.y - note.y) < LABEL_REACH * ratio
            ]
            placed.append(note)
            if near:
                side = "+" if near[0].x < 0.5 else "-"
                # The number's box is placed from the marker's inside edge, 2px in; 2px apart.
                rules.append(
                    f".marker.a{note.pk} span{{left:calc({_marker_left(near[0])} {side} "
                    f"{len(near)} * ({MARKER} + 2px) - {_marker_left(note)} - 2px)}}"
                )
    return rules


def latest_notes(article: Article, dates: dict, *, updated_shown: bool) -> list[Correction]:
    """What the notice under a headline lists: the latest correction and update, by kind.

    The story's own "Updated" time (correction_append sets it with the update note)
    dates the update: where the page already shows that time (`updated_shown`),
    the notice leaves the update out.
    """
    dates = {kind: dates.get(kind) for kind in Correction.Kind}
    if article.significant_update_at:
        dates[Correction.Kind.UPDATE] = None if updated_shown else article.significant_update_at
    return [Correction(kind=kind, published_at=on) for kind, on in dates.items() if on]


def render_reader_page(request, template: str, context: dict):
    """Render a page readers share, with a CSP that holds when the page is cached."""
    response = render(request, template, context)
    return set_shared_page_policy(response, styles=[context.get("page_css", "")])


def home(request):
    # Only the first slide of each story, whatever the story's length.
    lead = Prefetch(
        "slides",
        queryset=Slide.objects.select_related("photo").leads()[:1],
        to_attr="lead_slides",
    )
    articles = Article.objects.published().prefetch_related(lead)
    wanted = request.GET.get("page")
    page = Paginator(articles, STORIES_PER_PAGE).get_page(wanted)
    if wanted is not None and (wanted != str(page.number) or page.number == 1):
        # ?page=abc, 02, 999, 1: one address per page, so one cache entry (middleware);
        # the first page's is the home page's own.
        response = redirect(
            request.path if page.number == 1 else f"{request.path}?page={page.number}"
        )
        # Not for a CDN's default hour: page 3 may exist a minute from now.
        response["Cache-Control"] = "public, max-age=60"
        return response
    listed = list(page.object_list)
    attach_public_files(slide.photo for article in listed for slide in article.lead_slides)
    canonical = request.path if page.number == 1 else f"{request.path}?page={page.number}"
    return render_reader_page(
        request,
        "newsroom/home.html",
        {"page": page, "articles": listed, "canonical_url": absolute_url(request, canonical)},
    )


def story_context(
    request,
    article: Article,
    *,
    slides: list[Slide] | None = None,
    corrections: list[Correction] | None = None,
) -> dict:
    """Everything the story template needs; previews reuse it so they match exactly
    (a preview of unsaved changes passes the form's slides and notes)."""
    if slides is None:
        slides = _slides({"article": article})
    attach_slide_parts(slides)
    story_url = article.get_absolute_url()
    for number, slide in enumerate(slides, start=1):
        # Slide pages live under the story's address (newsroom/urls.py): one reverse() for all.
        slide.url = f"{story_url}{number}/"
        slide.reveal_url = f"{slide.url}?show=1"  # A sensitive photo's, without the script.
    if corrections is None:
        corrections = list(article.corrections.all())  # Oldest first: the last of a kind wins.
    latest = {note.kind: note.published_at for note in corrections}
    share = jsonld.share_image(jsonld.for_sharing(slides))
    modified_at = article.modified_at(max((n.published_at for n in corrections), default=None))
    return {
        "article": article,
        "story_url": story_url,
        "slides": slides,
        "slide_count": len(slides),
        "corrections": corrections,
        "latest_notes": latest_notes(article, latest, updated_shown=True),
        "share": share,
        "canonical_url": absolute_url(request, story_url),
        "modified_at": modified_at,
        "article_jsonld": jsonld.news_article(
            request, article, slides, corrections, modified=modified_at
        ),
        "page_css": page_css(slides),
        "lang": lang_attribute(article),
    }


@follow_renames
def story(request, slug: str):
    # Slides and their story in one query; a story without slides needs a second.
    published = Article.objects.published()
    slides = _slides({"article__in": published, "article__slug": slug})
    article = slides[0].article if slides else get_object_or_404(published, slug=slug)
    context = story_context(request, article, slides=slides)
    return render_reader_page(request, "newsroom/story.html", context)


@follow_renames
def slide(request, slug: str, number: int):
    published = Article.objects.published()
    in_order = Slide.objects.filter(article__in=published, article__slug=slug).order_by(
        "position", "pk"
    )
    # A 200-slide story must cost what a 10-slide one does: plain values for every
    # slide (its count, and the share image for a slide that cannot be one), whole
    # rows only for the slide shown and that share image's.
    rows = list(
        in_order.values_list("pk", ExpressionWrapper(SHAREABLE, BooleanField()), "is_share_image")
    )
    if not 1 <= number <= len(rows):
        if not rows:
            raise Http404("No such slide.")
        # The story is there: a link shared before a photo was taken out leads to it.
        story = published.only("headline", "slug", "language").get(slug=slug)
        context = {"story": story, "photo_count": len(rows), "lang": lang_attribute(story)}
        return render(request, "404.html", context, status=404)
    current_pk = rows[number - 1][0]
    leads = sorted((row for row in rows if row[1]), key=lambda row: not row[2])
    fallback_pk = leads[0][0] if leads else None
    # The story's latest correction and update ride along: shared links land here.
    latest = {
        f"latest_{kind}": Subquery(
            Correction.objects.filter(article=OuterRef("article"), kind=kind)
            .order_by("-published_at")
            .values("published_at")[:1]
        )
        for kind in Correction.Kind
    }
    shown = {s.pk: s for s in _slides({"pk__in": {current_pk, fallback_pk} - {None}}, **latest)}
    current, fallback = shown[current_pk], shown.get(fallback_pk)
    article = current.article
    dates = {kind: getattr(current, f"latest_{kind}") for kind in Correction.Kind}
    attach_slide_parts(list(shown.values()))
    url = reverse("newsroom:slide", args=[slug, number])
    current.reveal_url = f"{url}?show=1"
    return render_reader_page(
        request,
        "newsroom/slide.html",
        {
            "article": article,
            "slide": current,
            "slides": [current],
            "number": number,
            "page_title": f"{article.headline}: photo {number} of {len(rows)}",
            "slide_count": len(rows),
            "show": request.GET.get("show") == "1",
            "share": jsonld.share_image([current, *([fallback] if fallback else [])]),
            "canonical_url": absolute_url(request, article.get_absolute_url()),
            "page_url": absolute_url(request, url),
            "previous_number": number - 1 if number > 1 else None,
            "next_number": number + 1 if number < len(rows) else None,
            "page_css": page_css([current]),
            "latest_notes": latest_notes(article, dates, updated_shown=False),
            "modified_at": article.modified_at(max(filter(None, dates.values()), default=None)),
            "lang": lang_attribute(article),
        },
    )


@follow_renames
def annotations(request, slug: str):
    """The story's photo notes as a W3C Web Annotation collection."""
    published = Article.objects.published()
    slides = _slides({"article__in": published, "article__slug": slug})
    article = slides[0].article if slides else get_object_or_404(published, slug=slug)
    attach_slide_parts(slides, quotes=False)
    return JsonResponse(
        jsonld.annotation_collection(request, article, slides),
        content_type='application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
        json_dumps_params={"ensure_ascii": False},
    )


def bad_request(request, exception=None):
    """Django's 400, in words: above all for an upload with too many files in one request."""
    context = {
        "too_many_files": isinstance(exception, TooManyFilesSent),
        "max_files": settings.GALLERY_MAX_FILES_PER_UPLOAD,
    }
    return render(request, "400.html", context, status=400)


def csrf_failure(request, reason=""):
    """A form refused for its missing or stale security token, in the desk's words: the
    page was open across a log-in elsewhere, or cookies were blocked."""
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """Django's 500 with the site's name: rendered from the settings alone, since
    whatever failed (the database, a context processor) may fail again."""
    page = loader.render_to_string("500.html", {"site_name": settings.SITE_NAME})
    return HttpResponseServerError(page)


def robots(request):
    return render(
        request,
        "robots.txt",
        {"sitemap_url": absolute_url(request, reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
