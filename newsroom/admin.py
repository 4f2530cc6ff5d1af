"""The editors' desk: stories with their slides, slides with their quotes."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from newsroom.models import Article, Quote, Slide


class SlideInline(admin.StackedInline):
    model = Slide
    extra = 0
    fields = ["position", "photo", "narrative", "edit_quotes"]
    readonly_fields = ["edit_quotes"]
    autocomplete_fields = ["photo"]
    ordering = ["position", "pk"]

    @admin.display(description="quotes")
    def edit_quotes(self, obj: Slide):
        if not obj.pk:
            return "Save the story first, then add quotes to this slide."
        url = reverse("admin:newsroom_slide_change", args=[obj.pk])
        count = obj.quotes.count()
        return format_html('<a href="{}">{} quote(s): edit</a>', url, count)


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    fields = ["position", "text", ("speaker", "speaker_role"), ("said_in", "said_on"), "url"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "published_at", "slide_count", "updated_at"]
    list_filter = ["status", "published_at"]
    search_fields = ["headline", "standfirst", "byline", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    date_hierarchy = "published_at"
    inlines = [SlideInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "byline"]}),
        ("Publication", {"fields": ["status", "published_at"]}),
        ("After the last photo", {"fields": ["closing_text"]}),
    ]

    @admin.display(description="slides")
    def slide_count(self, obj: Article) -> int:
        return obj.slides.count()

    def view_on_site(self, obj: Article):
        return obj.get_absolute_url()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if obj.status == Article.Status.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected stories", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        for article in queryset:
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or now
            article.save(update_fields=["status", "published_at", "updated_at"])
        self.message_user(request, f"Published {queryset.count()} stories.")

    @admin.action(description="Unpublish selected stories", permissions=["change"])
    def unpublish(self, request, queryset):
        updated = queryset.update(status=Article.Status.DRAFT)
        self.message_user(request, f"Unpublished {updated} stories.")


@admin.register(Slide)
class SlideAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "position", "photo"]
    list_select_related = ["article", "photo"]
    search_fields = ["article__headline", "narrative"]
    autocomplete_fields = ["photo", "article"]
    inlines = [QuoteInline]


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["speaker", "text", "said_in", "said_on"]
    list_filter = ["said_in"]
    search_fields = ["text", "speaker", "speaker_role"]
    autocomplete_fields = ["slide"]
