"""The story's lifecycle in the admin: the buttons under the form, and the list's actions.

Every step goes through newsroom.services, which checks who may take it, runs the
publish checklist and writes the audit log.
"""

import reversion
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from gallery.admin.checked import is_an_id
from newsroom import services
from newsroom.admin.common import local_time
from newsroom.models import Article

LIFECYCLE = {
    # button value: (label, service, needs the publish permission)
    "submit": ("Submit for review", services.article_submit_for_review, False),
    "publish": ("Publish now", services.article_publish, True),
    "schedule": ("Schedule for the publication time", services.article_schedule, True),
    "unpublish": ("Unpublish", services.article_unpublish, True),
    "archive": ("Archive", services.article_archive, True),
}

TAKEN_DOWN_BY = ("unpublish", "archive")

# The buttons a story shows, by its status: the steps that would change something.
# A published story may still be scheduled: taken off until its new time, saying so.
STEPS_FROM = {
    Article.Status.DRAFT: ("submit", "publish", "schedule", "archive"),
    Article.Status.IN_REVIEW: ("publish", "schedule", "archive"),
    Article.Status.SCHEDULED: ("publish", "schedule", "unpublish", "archive"),
    Article.Status.PUBLISHED: ("schedule", "unpublish", "archive"),
    Article.Status.ARCHIVED: ("submit", "publish", "schedule"),
}


def stories(count: int) -> str:
    return f"{count} {'story' if count == 1 else 'stories'}"


def left_alone(count: int) -> str:
    return f"left as {'it was' if count == 1 else 'they were'}."


def _as_readers_have_it(article: Article | None) -> str:
    """The status whose steps a story is offered: one that went live as scheduled is out."""
    if article is None:
        return Article.Status.DRAFT
    return Article.Status.PUBLISHED if article.is_public else article.status


class LifecycleSteps:
    """For the story admin: a post's ``_lifecycle`` button runs its step after the save."""

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm(services.PUBLISH_PERMISSION)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        step = request.POST.get("_lifecycle") if request.method == "POST" else None
        if step is not None:
            if step not in LIFECYCLE:
                raise PermissionDenied
            if LIFECYCLE[step][2] and not self.has_publish_permission(request):
                raise PermissionDenied
        current = None
        if object_id and is_an_id(Article, object_id):
            current = Article.objects.filter(pk=object_id).only("status", "published_at").first()
        # Before the save, which may change the publication time: was it out?
        request.newsroom_was_out = current is not None and current.is_public
        status = _as_readers_have_it(current)
        extra_context = {
            **(extra_context or {}),
            "lifecycle_steps": [
                (value, label)
                for value, (label, _, needs_publish) in LIFECYCLE.items()
                if value in STEPS_FROM[status]
                if not needs_publish or self.has_publish_permission(request)
            ],
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def run_lifecycle_step(self, request, article: Article, step: str) -> None:
        label, service, _ = LIFECYCLE[step]
        was_out = getattr(request, "newsroom_was_out", False)
        status = Article.Status.PUBLISHED if was_out else article.status
        if step not in STEPS_FROM[status]:
            # Only a crafted post sends a step the page does not offer (a stale page is
            # refused by the edit lock first): say it did nothing.
            self.message_user(
                request,
                f"Saved. “{label}” changed nothing: the story is "
                f"{Article.Status(status).label.lower()} already.",
                messages.WARNING,
            )
            return
        kwargs = {"article": article, "by": request.user}
        if step == "schedule":
            if article.published_at is None:
                self.message_user(
                    request,
                    "Saved, but not scheduled: give a publication time first.",
                    messages.ERROR,
                )
                return
            kwargs["at"] = article.published_at
        passed = step == "schedule" and article.published_at <= timezone.now()
        if passed and was_out:
            self.message_user(
                request,
                "Saved. The publication time given has passed and the story is out: it "
                "stays published, with its date. To take it off until a later time, give "
                "that time, then schedule.",
                messages.WARNING,
            )
            return
        try:
            service(**kwargs)
        except services.ChecklistFailed as exc:
            self.message_user(
                request,
                format_html(
                    "Saved, but not {}. Still missing:<ul>{}</ul>",
                    "scheduled" if step == "schedule" else "published",
                    format_html_join("", "<li>{}</li>", ((p,) for p in exc.problems)),
                ),
                messages.ERROR,
            )
        else:
            request.newsroom_lifecycle_done = article.get_status_display()
            done = f"{label}: done. Status is now {article.get_status_display()}."
            if passed:
                # article_schedule publishes now rather than back-date the story.
                done = "The publication time given had passed, so the story was published now."
            elif step == "schedule":
                # The desk's own clock may be hours from the site's: the zone is said.
                zone = timezone.localtime(article.published_at).tzname()
                done = f"Scheduled: it goes out at {local_time(article.published_at)} ({zone})."
                if was_out:
                    done += " Until then readers cannot see it: its pages answer “not found”."
            self.message_user(request, done)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        status = getattr(request, "newsroom_lifecycle_done", None)
        if status and reversion.is_active():
            # In the story's history: "Status: Published." rather than "No fields changed."
            changed = entry.get_change_message()
            fields = "" if changed == "No fields changed." else f" {changed}"
            reversion.set_comment(f"Status: {status}.{fields}")
        return entry

    # Actions ---------------------------------------------------------------

    @admin.action(description="Publish selected stories", permissions=["publish"])
    def publish(self, request, queryset):
        published = 0
        out = 0
        for article in queryset:
            if article.is_public:
                out += 1  # Publishing again would only log it, or refuse what readers have.
                continue
            try:
                services.article_publish(article=article, by=request.user)
                published += 1
            except services.ChecklistFailed as exc:
                # Stories may share a headline (a partner's file imported twice): each
                # refusal links to its own story.
                message = format_html(
                    '<a href="{}">“{}”</a> ({}) cannot be published yet: {}',
                    reverse("admin:newsroom_article_change", args=[article.pk]),
                    article,
                    article.slug,
                    " ".join(exc.problems),
                )
                self.message_user(request, message, messages.ERROR)
        if published or out:
            message = f"Published {stories(published)}." if published else ""
            if out:
                message += f" {stories(out)} out already: {left_alone(out)}"
            self.message_user(request, message.strip())

    @admin.action(description="Unpublish selected stories", permissions=["publish"])
    def unpublish(self, request, queryset):
        public = [article for article in queryset if article.status in Article.PUBLIC_STATUSES]
        for article in public:
            services.article_unpublish(article=article, by=request.user)
        message = f"Unpublished {stories(len(public))}."
        if left := len(queryset) - len(public):
            message += f" {stories(left)} neither published nor scheduled: {left_alone(left)}"
        self.message_user(request, message)
