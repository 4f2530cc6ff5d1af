"""`manage.py renditions [--all] [--photo ID ...] [--read-locations]`: build public renditions
now, with progress."""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from gallery.management.progress import ProgressBar
from gallery.models import Photo
from gallery.services import photo_build_renditions, photo_fill_from_original


class Command(BaseCommand):
    help = (
        "Build missing or out-of-date renditions of every photo (or of the given ones). "
        "--all remakes every rendition, e.g. after a change to the image pipeline. "
        "Also works out look-alike fingerprints that older photos lack. --read-locations "
        "reads the GPS position (for staff only) from the originals of photos that have none, "
        "as photos stored before positions were kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Remake every rendition, not only missing ones."
        )
        parser.add_argument(
            "--photo", type=int, action="append", default=[], help="Only this photo id."
        )
        parser.add_argument(
            "--read-locations",
            action="store_true",
            help="Read the GPS position of photos that have none from their originals.",
        )

    def handle(self, *args, all: bool = False, photo: list[int], read_locations=False, **options):
        photos = Photo.objects.order_by("pk")
        if photo:
            photos = photos.filter(pk__in=photo)
            missing = set(photo) - set(photos.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No photo with id {', '.join(map(str, sorted(missing)))}.")
        total = photos.count()
        made = failed = located = 0
        progress = ProgressBar(self.stdout, "Renditions")
        for done, item in enumerate(photos.iterator(), start=1):
            try:
                made += len(photo_build_renditions(photo=item, force=all))
                located += photo_fill_from_original(photo=item, location=read_locations)
            except Exception as exc:  # noqa: BLE001 - one broken photo must not stop the rest.
                failed += 1
                self.stderr.write(f"\nPhoto {item.pk} ({item}): {exc}")
            progress(done, total, "photos")
        summary = f"{made} renditions made for {total} photo{pluralize(total)}."
        if read_locations:
            summary += f" {located} GPS position{pluralize(located)} read."
        if failed:
            raise CommandError(f"{summary} {failed} photo{pluralize(failed)} failed; see above.")
        self.stdout.write(self.style.SUCCESS(summary))
