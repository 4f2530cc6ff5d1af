"""List filters shared by the desk's lists of stories, slides and quotes."""

from django.contrib import admin
from django.db.models import Q

from newsroom.models import Article


def status_filter(path: str = "", title: str = "status") -> type[admin.SimpleListFilter]:
    """Stories by their status as readers have it, as the lists' status columns say it
    (Article.status_now_display): a scheduled story whose time has come is published.
    `path` leads from the list's rows to their story ("article__")."""

    class StatusNowFilter(admin.SimpleListFilter):
        parameter_name = "status"

        def lookups(self, request, model_admin):
            return Article.Status.choices

        def queryset(self, request, queryset):
            value = self.value()
            if not value:
                return queryset
            out = Q(**{f"{path}pk__in": Article.objects.published()})
            if value == Article.Status.PUBLISHED:
                return queryset.filter(out)
            return queryset.filter(**{f"{path}status": value}).exclude(out)

    StatusNowFilter.title = title
    return StatusNowFilter
