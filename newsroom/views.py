"""Public pages: the story list, a whole story, one slide."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from newsroom.models import Article, Slide

STORIES_PER_PAGE = 12


def home(request):
    articles = Article.objects.published().with_lead_photo()
    page = Paginator(articles, STORIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "newsroom/home.html", {"page": page, "articles": page.object_list})


def story_context(request, article: Article) -> dict:
    """Everything the story template needs; previews reuse it so they match exactly."""
    slides = list(article.slides.for_display())
    return {"article": article, "slides": slides, "slide_count": len(slides)}


def story(request, slug: str):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return render(request, "newsroom/story.html", story_context(request, article))


def slide(request, slug: str, number: int):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    slides = article.slides.all()
    count = slides.count()
    if not 1 <= number <= count:
        raise Http404("No such slide.")
    current = (
        Slide.objects.for_display().filter(article=article).order_by("position", "pk")[number - 1]
    )
    return render(
        request,
        "newsroom/slide.html",
        {
            "article": article,
            "slide": current,
            "number": number,
            "slide_count": count,
            "previous_number": number - 1 if number > 1 else None,
            "next_number": number + 1 if number < count else None,
        },
    )
