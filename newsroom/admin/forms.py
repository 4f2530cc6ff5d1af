"""Admin forms for stories and slides, with the optimistic edit lock."""

from django import forms

from newsroom.admin.common import LIVE_STORY_REFUSED, current_state, stale_message
from newsroom.models import Article, Quote, Slide


def _refuse_locked_story(form, *stories) -> None:
    """The post a locked story's form lets through (common.LiveStoryLock) is refused here."""
    user = getattr(form, "user", None)
    if user is None:
        return
    if any(story is not None and not story.may_be_changed_by(user) for story in stories):
        form.add_error(None, LIVE_STORY_REFUSED)


class ArticleForm(forms.ModelForm):
    # Not named `version`: the model field is not editable, so a form field of
    # that name would clash with it.
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "standfirst",
            "byline",
            "published_at",
            "significant_update_at",
            "protected_persons_override",
            "closing_text",
        ]

    # Set by ArticleAdmin while a revision is restored: reversion writes the old
    # row back before the form runs, so the lock must compare with the version
    # the row had before that.
    version_before_revert: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the database, not the instance, for the same reason.
            self.fields["lock_version"].initial = self.version_before_revert or (
                Article.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            _refuse_locked_story(self, self.instance)
            current = current_state(self.instance.pk)
            if current and self.version_before_revert:
                current["version"] = self.version_before_revert
            if current and cleaned.get("lock_version") != current["version"]:
                raise forms.ValidationError(
                    stale_message(current=current, model_name="story"), code="stale"
                )
        return cleaned


class SlideForm(forms.ModelForm):
    article_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Slide
        fields = ["article", "position", "photo", "narrative"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["article_version"].initial = self.instance.article.version

    def clean(self):
        cleaned = super().clean()
        # Where it goes, and where it comes from: leaving a live story changes it too.
        before = self.instance.article if self.instance.pk else None
        _refuse_locked_story(self, cleaned.get("article"), before)
        if self.instance.pk:
            current = current_state(self.instance.article_id)
            if current and cleaned.get("article_version") != current["version"]:
                raise forms.ValidationError(
                    stale_message(current=current, model_name="story or slide"), code="stale"
                )
        return cleaned


class QuoteForm(forms.ModelForm):
    class Meta:
        model = Quote
        fields = [
            "slide",
            "position",
            "text",
            "speaker",
            "speaker_role",
            "said_in",
            "said_on",
            "url",
        ]

    def clean(self):
        cleaned = super().clean()
        slide = cleaned.get("slide")
        before = self.instance.slide.article if self.instance.pk else None
        _refuse_locked_story(self, slide.article if slide else None, before)
        return cleaned
