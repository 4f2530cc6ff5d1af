"""Change requests on the story form: asking the editors for a change, and marking it done.

A reporter cannot edit a story readers can see; the request is how a wrong
name or a typo in it reaches someone who can. Editors find stories with open
requests in the story list (a filter and a column) and on the story itself.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from gallery.admin.checked import is_an_id
from newsroom import services
from newsroom.models import Article, ChangeRequest

# A refused request's words, kept for the form it came from (a redirect loses them).
DRAFT_SESSION_KEY = "newsroom_change_request_draft"


def open_requests():
    return ChangeRequest.objects.filter(article=models.OuterRef("pk"), done_at=None)


class OpenChangeRequestsFilter(admin.SimpleListFilter):
    title = "change requests"
    parameter_name = "requests"

    def lookups(self, request, model_admin):
        return [("open", "Open requests")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(models.Exists(open_requests()))
        return queryset


class ChangeRequestViews:
    """For ArticleAdmin: the story form's requests, and the two small forms around them."""

    def get_urls(self):
        return [
            path(
                "<int:object_id>/request-change/",
                self.admin_site.admin_view(self.request_change_view),
                name="newsroom_article_request_change",
            ),
            path(
                "<int:object_id>/change-requests/<int:request_id>/done/",
                self.admin_site.admin_view(self.change_request_done_view),
                name="newsroom_article_change_request_done",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        count = open_requests().values("article").annotate(total=models.Count("pk")).values("total")
        return (
            super()
            .get_queryset(request)
            .annotate(open_request_total=Coalesce(models.Subquery(count), 0))
        )

    @admin.display(description="open requests", ordering="open_request_total")
    def open_request_count(self, obj) -> str:
        return str(obj.open_request_total) if obj.open_request_total else ""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            user = request.user
            requests = list(obj.change_requests.select_related("requested_by", "done_by"))
            done = sorted((r for r in requests if not r.is_open), key=lambda r: r.done_at)[::-1]
            draft = request.session.get(DRAFT_SESSION_KEY) or {}
            if draft.get("story") != obj.pk:
                draft = {}
            elif request.method == "GET":
                del request.session[DRAFT_SESSION_KEY]
            may_change = obj.may_be_changed_by(user)
            context.update(
                open_change_requests=[r for r in requests if r.is_open],
                done_change_requests=done[:5],
                # Not has_change_permission: that lets posts through to the form, which
                # then refuses a reporter's save and points here.
                may_request_change=user.has_perm("newsroom.add_changerequest") and not may_change,
                may_mark_requests_done=(
                    user.has_perm("newsroom.change_changerequest") and may_change
                ),
                change_request_draft=draft.get("text", ""),
                change_request_refused=draft.get("error", ""),
                change_request_max_length=ChangeRequest.MAX_LENGTH,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _story_page(self, article) -> HttpResponseRedirect:
        # The top of the page, where the message is; the requests come right after it.
        return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[article.pk]))

    @method_decorator(require_POST)
    def request_change_view(self, request, object_id: int):
        article = self.get_object(request, str(object_id)) if is_an_id(Article, object_id) else None
        if article is None:
            raise Http404
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        text = request.POST.get("text", "")
        try:
            services.change_request_make(article=article, by=request.user, text=text)
        except ValidationError as refused:
            # Said beside the box, which the words go back into (change_requests.html).
            error = " ".join(refused.messages)
            request.session[DRAFT_SESSION_KEY] = {"story": article.pk, "text": text, "error": error}
        else:
            self.message_user(
                request,
                "Your request went to the editors. They see it at the top of this story and "
                "in the story list (filter: Open requests).",
            )
        return self._story_page(article)

    @method_decorator(require_POST)
    def change_request_done_view(self, request, object_id: int, request_id: int):
        if not (is_an_id(Article, object_id) and is_an_id(ChangeRequest, request_id)):
            raise Http404
        change_request = get_object_or_404(
            ChangeRequest.objects.select_related("article"), pk=request_id, article_id=object_id
        )
        services.change_request_done(change_request=change_request, by=request.user)
        self.message_user(request, f"Marked done: “{change_request.text[:80]}”")
        return self._story_page(change_request.article)
