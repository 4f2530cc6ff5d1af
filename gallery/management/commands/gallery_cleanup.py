"""`manage.py gallery_cleanup [--dry-run]`: find and remove what the photo library lost track of.

An upload that died between storing a file and saving its row (storage or
database down) can leave either half behind. This reports both kinds and
removes what is safe to remove:
- files in either storage that no row points at: deleted;
- renditions whose file is gone: the row is deleted, so the worker remakes it;
- photos whose original is gone: reported only, since staff must re-upload.
"""

from django.core.files.storage import storages
from django.core.management.base import BaseCommand

from gallery.models import Photo, Rendition


def walk(storage, path: str = ""):
    """Every file name below `path` in a storage, local or S3."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{path}/{name}" if path else name
    for directory in directories:
        yield from walk(storage, f"{path}/{directory}" if path else directory)


class Command(BaseCommand):
    help = "Report and remove orphan files and rows in the photo library."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be removed; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        verb = "Would delete" if dry_run else "Deleted"
        problems = 0

        known_originals = set(Photo.objects.values_list("original", flat=True))
        known_renditions = set(Rendition.objects.values_list("file", flat=True))
        for alias, known in (("originals", known_originals), ("default", known_renditions)):
            storage = storages[alias]
            for name in walk(storage):
                if name in known:
                    continue
                problems += 1
                self.stdout.write(f"{verb} orphan file in {alias} storage: {name}")
                if not dry_run:
                    storage.delete(name)

        for rendition in Rendition.objects.select_related("photo").iterator():
            if not rendition.file.storage.exists(rendition.file.name):
                problems += 1
                self.stdout.write(
                    f"{verb} rendition {rendition.spec} of photo {rendition.photo_id}: "
                    f"its file {rendition.file.name} is missing (it will be rebuilt)"
                )
                if not dry_run:
                    rendition.delete()

        lost = 0
        for photo in Photo.objects.iterator():
            if not photo.original.storage.exists(photo.original.name):
                lost += 1
                self.stderr.write(
                    f"Photo {photo.pk} ('{photo}') has lost its original file "
                    f"{photo.original.name}: re-upload it from the admin."
                )
        if problems == 0 and lost == 0:
            self.stdout.write(self.style.SUCCESS("The photo library is consistent."))
        elif lost:
            self.stdout.write(f"{problems} orphan(s) handled; {lost} photo(s) need staff.")
            raise SystemExit(1)
        else:
            self.stdout.write(f"{problems} orphan(s) handled.")
