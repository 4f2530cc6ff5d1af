"""Storages for the photo library: public renditions and private originals."""

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """Local storage for originals: files on disk, and no URL to reach them."""

    def url(self, name):
        raise ValueError("Originals have no public URL; staff download them through the admin.")


class OriginalsStorage(LazyObject):
    """The "originals" alias, looked up on first use so settings (and tests) can change it."""

    def _setup(self) -> None:
        self._wrapped = storages["originals"]


originals = OriginalsStorage()


@receiver(setting_changed)
def _reset_originals(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        originals._wrapped = empty
