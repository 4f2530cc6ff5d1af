"""File clean-up: storage objects (and CDN copies) go when their rows go, after the commit."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from gallery.cdn import purge_after_commit
from gallery.models import Photo, Rendition
from gallery.tasks import delete_file


def _delete_file_on_commit(field_file, alias: str) -> None:
    if not field_file or not field_file.name:
        return
    name = field_file.name
    # gallery.tasks.delete_file retries while the storage is down.
    transaction.on_commit(lambda: delete_file.call(alias, name))


@receiver(post_delete, sender=Photo)
def delete_original(sender, instance: Photo, **kwargs) -> None:
    _delete_file_on_commit(instance.original, "originals")


@receiver(post_delete, sender=Rendition)
def delete_rendition_file(sender, instance: Rendition, **kwargs) -> None:
    _delete_file_on_commit(instance.file, "default")
    if instance.file and instance.file.name:
        # Gone from storage is not gone from the CDN, which may keep it a year.
        purge_after_commit([instance.file.url])
