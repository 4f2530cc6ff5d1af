from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gallery.management.progress import ProgressBar
from newsroom.bundle import BundleError, bundle_export
from newsroom.models import Article


class Command(BaseCommand):
    help = (
        "Write a story as a self-contained bundle: story.json (docs/story-bundle.md) and the "
        "original photo files. `importstory OUT_DIR` brings it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The story's slug.")
        parser.add_argument("out_dir", type=Path, help="A new or empty directory.")

    def handle(self, *args, slug: str, out_dir: Path, **options):
        article = Article.objects.filter(slug=slug).first()
        if article is None:
            raise CommandError(f"No story has the slug '{slug}'.")
        try:
            bundle_export(
                article=article, out_dir=out_dir, progress=ProgressBar(self.stdout, "Copying")
            )
        except BundleError as error:
            raise CommandError(f"Export failed: {error}") from None
        except OSError as error:
            # Named as typed: the error's own path may be the hidden folder it is built in.
            raise CommandError(
                f"Export failed: {out_dir} cannot be written ({error.strerror})."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Exported '{article.headline}' to {out_dir}"))
