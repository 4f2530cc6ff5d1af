"""Previews: staff see an unpublished story exactly as readers will.

Reviewers without an account get a signed link (django.core.signing) that
expires; an expired or altered link is a plain 404, revealing nothing. Editors
also see the story as their form has it, before saving (`render_unsaved`, posted
by the story form's "Preview changes").
"""

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from newsroom.models import Article
from newsroom.views import render_reader_page, story_context

PREVIEW_LINK_DAYS = 7
_SALT = "newsroom.preview"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


def signed_preview_path(article: Article) -> str:
    # The key lets the desk revoke links given out (services.article_preview_links_revoke).
    value = f"{article.pk}:{article.preview_key}"
    return reverse("preview:signed", kwargs={"token": _signer().sign(value)})


def _render(request, article: Article, *, slides=None, corrections=None, unsaved=False):
    context = story_context(request, article, slides=slides, corrections=corrections)
    # Photo pages exist only once a story is public: in a preview, each photo's
    # link (and the address the slideshow shows) stays on this page.
    context["story_url"] = request.path
    shown = request.GET.get("show")
    for number, slide in enumerate(context["slides"], start=1):
        slide.url = f"{request.path}#slide-{number}"
        # Without the script, "Show image" on a sensitive photo comes back here. Not
        # to unsaved edits: they were posted, and a link cannot post them again.
        slide.reveal_url = "" if unsaved else f"{request.path}?show={number}#slide-{number}"
        slide.shown = shown == str(number)
    # The banner says what readers have: a reviewer's link outlives the draft.
    context["preview_public"] = article.is_public
    if article.status == Article.Status.SCHEDULED and not article.is_public:
        context["preview_goes_out"] = article.published_at
    context.update(preview=True, preview_unsaved=unsaved)
    return _private(render_reader_page(request, "newsroom/story.html", context))


def render_unsaved(request, article: Article, *, slides: list, corrections: list):
    """The story as an editor's form has it, nothing saved: `article` and `slides` are
    the form's instances (slides in the order they will have, their photos read)."""
    return _render(request, article, slides=slides, corrections=corrections, unsaved=True)


def _private(response):
    # A draft must not sit in any cache nor in a search index.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def story(request, pk: int):
    if not (request.user.is_staff and request.user.has_perm("newsroom.view_article")):
        raise PermissionDenied
    return _render(request, get_object_or_404(Article, pk=pk))


def signed(request, token: str):
    try:
        value = _signer().unsign(token, max_age=PREVIEW_LINK_DAYS * 24 * 3600)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return _link_gone(request)
    pk, _, key = value.partition(":")
    article = (
        Article.objects.exclude(status=Article.Status.ARCHIVED)
        .filter(pk=pk, preview_key=key or None)
        .first()
    )
    return _render(request, article) if article else _link_gone(request)


def _link_gone(request):
    """A reviewer's link that expired, was withdrawn or never was: say so, and what to do."""
    return _private(
        render(request, "newsroom/preview_gone.html", {"days": PREVIEW_LINK_DAYS}, status=404)
    )
