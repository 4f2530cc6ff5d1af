"""Photos an editor takes off a story readers could see lose their public addresses."""

from django.contrib import messages

from gallery.admin.checked import is_an_id
from newsroom import services

BEFORE_ATTR = "newsroom_photos_before"


class PhotosTakenOff:
    """A save or delete that takes photos off a scheduled or published story (a slide
    deleted, its photo swapped, an older version restored) gives those photos new
    public addresses, as a takedown does (services.photos_released): a photo pulled
    for a legal or safety reason must not stay reachable through a shared link.

    For the story admin and the slide admin (whose old versions are restored
    through the story's history); ``slides_of(pk)`` names the slides a row stands
    for. Their save_related calls ``release_photos_taken_off``.
    """

    def slides_of(self, pk):
        raise NotImplementedError

    def _note_photos_before(self, request, object_id) -> None:
        # The first note wins: a restore notes them before reversion writes the old
        # rows back, then runs the change form.
        if not hasattr(request, BEFORE_ATTR) and is_an_id(self.model, object_id):
            setattr(request, BEFORE_ATTR, self.slides_of(object_id).photo_ids_out())

    def revision_view(self, request, object_id, version_id, extra_context=None):
        self._note_photos_before(request, object_id)
        return super().revision_view(request, object_id, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            self._note_photos_before(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def photos_still_on(self, pk) -> set:
        return set(self.slides_of(pk).values_list("photo_id", flat=True))

    def release_photos_taken_off(self, request, pk) -> None:
        """Once the save is written: the photos noted before that the row no longer shows."""
        taken_off = getattr(request, BEFORE_ATTR, set()) - self.photos_still_on(pk)
        self.release_photos(request, taken_off)

    def release_photos(self, request, photo_ids) -> None:
        if photo_ids and services.photos_released(photo_ids=photo_ids):
            self.message_user(
                request,
                "The photos taken off this story got new public addresses: links to "
                "them shared while they were in it no longer work.",
                messages.INFO,
            )
