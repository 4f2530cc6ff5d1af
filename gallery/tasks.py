"""Rendition generation, off the request path."""

from django.tasks import task

from gallery.models import Photo


@task()
def build_renditions(photo_pk: int) -> int:
    from gallery.services import photo_build_renditions

    photo = Photo.objects.filter(pk=photo_pk).first()
    if photo is None:
        return 0  # Deleted before the worker got to it: nothing to do.
    return len(photo_build_renditions(photo=photo))
