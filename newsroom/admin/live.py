"""On a story readers see, a save publishes at once: it must pass the publish checklist."""

from gallery.admin.checked import is_an_id
from newsroom import services
from newsroom.checklist import Problem, findings, problems_added
from newsroom.models import Article

BEFORE_ATTR = "newsroom_live_problems_before"
REFUSED_ATTR = "newsroom_live_problems_refused"


class NewProblems(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems


class LiveStoryChecklist:
    """A save to a scheduled or published story that adds a problem the publish
    checklist would refuse (a photo of a prisoner without redactions, a photo without
    alt text or credit, an empty standfirst) is refused: the changes are rolled back
    and the form comes back with what was typed and what is wrong. Problems the story
    already had only warn, so urgent fixes stay possible; an override recorded on the
    story counts, as it does when publishing.

    For the story admin and the slide admin (whose old versions are restored
    through the story's history); ``stories_touched(request, object_id)`` names the
    stories a post may change.
    """

    def stories_touched(self, request, object_id) -> set:
        raise NotImplementedError

    def _note_problems_before(self, request, object_id) -> None:
        # The first note wins: a restore notes them before reversion writes the old
        # rows back, then runs the change form.
        if hasattr(request, BEFORE_ATTR):
            return
        ids = [pk for pk in self.stories_touched(request, object_id) if is_an_id(Article, pk)]
        live = Article.objects.filter(pk__in=ids, status__in=Article.PUBLIC_STATUSES)
        setattr(request, BEFORE_ATTR, {article.pk: findings(article) for article in live})

    # The refused save runs again, and its form refuses it (get_form), showing what
    # was typed. Caught outside reversion's revision (VersionAdmin opens it in
    # add_view and change_view), so the refused attempt leaves no version behind.

    def _refusing_new_problems(self, request, view, *args):
        try:
            return view(*args)
        except NewProblems as refusal:
            setattr(request, REFUSED_ATTR, refusal.problems)
            return view(*args)

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "POST":
            self._note_problems_before(request, None)
        return self._refusing_new_problems(
            request, super().add_view, request, form_url, extra_context
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            self._note_problems_before(request, object_id)
        return self._refusing_new_problems(
            request, super().change_view, request, object_id, form_url, extra_context
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        self._note_problems_before(request, object_id)
        request.newsroom_restoring = True
        return super().revision_view(request, object_id, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if not getattr(request, "newsroom_restoring", False):
            return super().changeform_view(request, object_id, form_url, extra_context)
        # A restore runs the form inside its own revision, which reversion rolls back
        # whenever the form comes back: the retry can be here.
        return self._refusing_new_problems(
            request, super().changeform_view, request, object_id, form_url, extra_context
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.refused_problems = getattr(request, REFUSED_ATTR, None)
        return form

    def refuse_new_problems(self, request, *, log_overrides: bool = True) -> None:
        """Once the save is written, inside its transaction: raise NewProblems if it
        left a story readers see with a problem it did not have. A problem let through
        by the story's recorded override is logged, as when publishing (pass
        ``log_overrides=False`` when a publishing step follows and logs it)."""
        before = getattr(request, BEFORE_ATTR, {})
        live = Article.objects.filter(pk__in=before, status__in=Article.PUBLIC_STATUSES)
        for article in live:
            new, let_through = problems_added(article, before[article.pk])
            if new:
                raise NewProblems(new)
            if let_through and log_overrides:
                services.override_record(
                    article=article, by=request.user, problems=[p.message for p in let_through]
                )
