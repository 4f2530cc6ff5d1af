"""Template tags for the desks' own admin pages."""

from django import template
from django.db.models import Exists

from newsroom.admin.requests import open_requests
from newsroom.models import Article

register = template.Library()


@register.simple_tag(takes_context=True)
def stories_with_open_requests(context) -> int:
    """How many stories wait on a change request, for those who can deal with them."""
    request = context.get("request")
    if request is None or not request.user.has_perm("newsroom.change_changerequest"):
        return 0
    return Article.objects.filter(Exists(open_requests())).count()


@register.simple_tag(takes_context=True)
def stories_in_review(context) -> int:
    """How many stories reporters have submitted, for those who may publish them."""
    request = context.get("request")
    if request is None or not request.user.has_perm("newsroom.publish_article"):
        return 0
    return Article.objects.filter(status=Article.Status.IN_REVIEW).count()


@register.filter
def live_stories(stories) -> list[Article]:
    """Those of these stories readers can see now."""
    return [story for story in stories if story.is_public]
