from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Local storage for originals: files on disk, and no URL to reach them."""

    def url(self, name):
        raise ValueError("Originals have no public URL; staff download them through the admin.")
