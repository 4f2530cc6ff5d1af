"""`manage.py gallery_cleanup [--dry-run]`: find and remove what the photo library lost track of.

An upload that died between storing a file and saving its row (storage or
database down) can leave either half behind. This reports both kinds and
removes what is safe to remove:
- files in either storage that no row points at, stored over an hour ago and
  named as this app names them: deleted (and on local disk, the folders this
  leaves empty);
- renditions whose file is gone: the row is deleted and a rebuild of the
  photo's renditions is queued for the task worker; so is one for a photo that
  has no public files at all (the task gave up);
- photos whose original is gone: reported only, since staff must re-upload;
- on S3, multipart uploads cut off more than an hour ago (a large upload
  whose storage hung): aborted, since their parts hold an original's bytes,
  are billed, and no listing of files shows them.
A storage that cannot be reached stops the command with one line saying so.
"""

import argparse
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus
from django.tasks.backends.immediate import ImmediateBackend

from gallery.models import Photo, Rendition
from gallery.services import renditions_queued_lately
from gallery.tasks import build_renditions


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


def remove_empty_folders(storage, names: list[str]) -> None:
    """On local disk, remove the folders that deleting these files left empty."""
    if not isinstance(storage, FileSystemStorage):
        return  # Object stores have no folders.
    root = Path(storage.location).resolve()
    for folder in sorted({Path(storage.path(name)).parent for name in names}, reverse=True):
        while folder != root and root in folder.parents:
            try:
                folder.rmdir()
            except OSError:  # Not empty (or already gone): leave it and its parents.
                break
            folder = folder.parent


# Far longer than any upload of ours takes (40 MB at most): one still going on is left alone.
ABANDONED_AFTER = timedelta(hours=1)
# The names this app gives files in each storage (gallery.models): a bucket may be
# shared, and another system's long upload is not ours to abort.
OUR_NAMES = {
    "originals": re.compile(r"\d{4}/\d{2}/[0-9a-f]{32}\.\w{1,5}"),
    "default": re.compile(r"renditions/.+"),
}


def abandoned_uploads(alias: str) -> list:
    """Our multipart uploads into an S3 storage begun over ABANDONED_AFTER ago."""
    storage = storages[alias]
    bucket = getattr(storage, "bucket", None)  # storages.backends.s3.S3Storage
    if bucket is None:
        return []
    prefix = f"{storage.location}/" if storage.location else ""
    cutoff = datetime.now(UTC) - ABANDONED_AFTER
    return [
        upload
        for upload in bucket.multipart_uploads.filter(Prefix=prefix)
        if upload.initiated <= cutoff and OUR_NAMES[alias].fullmatch(upload.key[len(prefix) :])
    ]


@contextmanager
def reaching(alias: str):
    """Turn a storage failure into one line naming the storage, not a traceback."""
    try:
        yield
    except Exception as exc:
        storage = storages[alias]
        where = getattr(storage, "bucket_name", None) or getattr(storage, "location", "")
        raise CommandError(
            f"The {alias} storage ({type(storage).__name__} {where}) could not be reached: "
            f"{type(exc).__name__}: {exc}".replace("\n", " ")
        ) from exc


def minutes(value: str) -> int:
    """--older-than: whole minutes, none in the future, at most a year."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of minutes") from None
    if not 0 <= number <= 525_600:
        raise argparse.ArgumentTypeError(f"{number} is not from 0 to 525600 minutes (a year)")
    return number


class Command(BaseCommand):
    help = "Report and remove orphan files and rows in the photo library."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be removed; change nothing."
        )
        parser.add_argument(
            "--older-than",
            type=minutes,
            default=int(ABANDONED_AFTER.total_seconds() // 60),
            metavar="MINUTES",
            help="Only files stored at least this long ago can be orphans: an upload "
            "stores its file before its row (default: %(default)s).",
        )

    def handle(self, *args, dry_run: bool = False, older_than: int = 60, **options):
        verb = "Would delete" if dry_run else "Deleted"
        problems = young = 0
        # A file stored while this runs (listing a bucket takes minutes) belongs to an
        # upload whose row is not saved, or not committed, yet: it is no orphan.
        stored_before = datetime.now(UTC) - timedelta(minutes=older_than)

        rows = {
            "originals": lambda name: Photo.objects.filter(original=name).exists(),
            "default": lambda name: Rendition.objects.filter(file=name).exists(),
        }
        known_originals = set(Photo.objects.values_list("original", flat=True))
        known_renditions = set(Rendition.objects.values_list("file", flat=True))
        for alias, known in (("originals", known_originals), ("default", known_renditions)):
            storage, deleted = storages[alias], []
            with reaching(alias):
                for name in walk(storage):
                    if name in known or not OUR_NAMES[alias].fullmatch(name):
                        continue  # Not ours: a bucket or folder may be shared.
                    if rows[alias](name):
                        continue  # Its row was saved since the list of known files was read.
                    if storage.get_modified_time(name) > stored_before:
                        young += 1
                        continue
                    problems += 1
                    self.stdout.write(f"{verb} orphan file in {alias} storage: {name}")
                    if not dry_run:
                        storage.delete(name)
                        deleted.append(name)
                remove_empty_folders(storage, deleted)
        if young:
            self.stdout.write(
                f"Left alone: {young} file(s) stored in the last {older_than} minute(s) "
                "without a row yet (an upload may still be saving one); run again later."
            )

        verb_abort, aborted = ("Would abort" if dry_run else "Aborted"), 0
        for alias in ("originals", "default"):
            with reaching(alias):
                for upload in abandoned_uploads(alias):
                    aborted += 1
                    self.stdout.write(
                        f"{verb_abort} an upload into the {alias} storage cut off since "
                        f"{upload.initiated:%Y-%m-%d %H:%M} UTC: {upload.key}"
                    )
                    if not dry_run:
                        upload.abort()

        lost = []
        for photo in Photo.objects.iterator():
            with reaching("originals"):
                if not photo.original.storage.exists(photo.original.name):
                    lost.append(photo)

        to_rebuild, lost_pks = set(), {photo.pk for photo in lost}
        for rendition in Rendition.objects.iterator():
            with reaching("default"):
                if rendition.file.storage.exists(rendition.file.name):
                    continue
            problems += 1
            message = (
                f"{verb} rendition {rendition.spec} of photo {rendition.photo_id}: "
                f"its file {rendition.file.name} is missing"
            )
            if rendition.photo_id in lost_pks:
                message += ", and it cannot be rebuilt while the photo's original is missing too"
            else:
                to_rebuild.add(rendition.photo_id)
            self.stdout.write(message)
            if not dry_run:
                rendition.delete()
        # Photos with no public file at all, long after their last change: the task that
        # makes them gave up (storage down for longer than its retries).
        never_made = (
            Photo.objects.filter(withheld_reason="", renditions__isnull=True)
            .filter(updated_at__lt=stored_before)
            .exclude(pk__in=lost_pks | to_rebuild)
        )
        for pk in never_made.values_list("pk", flat=True):
            if renditions_queued_lately(pk):
                continue  # A withdrawal's new files, which the worker has yet to make.
            problems += 1
            self.stdout.write(f"Photo {pk} has no public files: they were never made.")
            to_rebuild.add(pk)
        # After the rows are gone: the task makes exactly the missing files.
        failed = sum(not self.rebuild(pk, dry_run=dry_run) for pk in sorted(to_rebuild))

        for photo in lost:
            self.stderr.write(
                f"Photo {photo.pk} ('{photo}') has lost its original file "
                f"{photo.original.name}: upload that same file under “Restore the "
                "original” on the photo's page in the admin."
            )
        would = "would be " if dry_run else ""
        handled = f"{problems} orphan(s) {would}handled" + (
            f", {aborted} cut-off upload(s) {would}aborted" if aborted else ""
        )
        if problems == aborted == 0 and not lost:
            if young:
                self.stdout.write("Nothing else to handle.")
            else:
                self.stdout.write(self.style.SUCCESS("The photo library is consistent."))
        elif lost or failed:
            self.stdout.write(f"{handled}; {len(lost) + failed} photo(s) need staff.")
            raise SystemExit(1)
        else:
            self.stdout.write(f"{handled}.")

    def rebuild(self, photo_pk: int, *, dry_run: bool) -> bool:
        """Rebuild (immediate backend) or queue a rebuild of a photo's renditions."""
        immediate = isinstance(build_renditions.get_backend(), ImmediateBackend)
        if dry_run:
            how = "rebuild" if immediate else "queue a rebuild of"
            self.stdout.write(f"Would {how} the renditions of photo {photo_pk}.")
            return True
        result = build_renditions.enqueue(photo_pk)
        if result.status == TaskResultStatus.SUCCESSFUL:  # The immediate backend ran it.
            self.stdout.write(f"Rebuilt {result.return_value} rendition(s) of photo {photo_pk}.")
        elif result.status == TaskResultStatus.FAILED:
            self.stderr.write(
                f"Rebuilding the renditions of photo {photo_pk} failed "
                f"({result.errors[-1].traceback.strip().splitlines()[-1]}): "
                f"run manage.py renditions --photo {photo_pk} once the cause is fixed."
            )
            return False
        else:
            self.stdout.write(
                f"Queued a rebuild of the renditions of photo {photo_pk}: "
                "the task worker (manage.py db_worker) makes them."
            )
        return True
