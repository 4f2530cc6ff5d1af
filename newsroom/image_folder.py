"""The images folder that comes with a plain-text slideshow: which file goes on which slide.

Files only, no database here; ``imports.images_in`` turns a refusal into ImportFailed.
"""

import re
import unicodedata
from pathlib import Path

from django.template.defaultfilters import pluralize

# What the gallery accepts (JPEG, PNG, WebP, AVIF), under every name JPEGs go by.
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".avif"}
# Written by file managers, never photos: the only files an images folder may hold besides them.
SYSTEM_FILES = {".ds_store", "thumbs.db", "desktop.ini"}


class FolderRefused(ValueError):
    """An images folder that cannot be used as it is; the message names what is at fault."""


def count(number: int, noun: str) -> str:
    """'1 slide', '2 slides'."""
    return f"{number} {noun}{pluralize(number)}"


def photos_by_slide(directory: Path, slide_count: int) -> dict[int, Path]:
    """The folder's photos by slide number: the last number in each name (slide-3.jpg -> 3).

    Every file must be used: a file that is not a JPEG, PNG, WebP or AVIF, a
    name without a number, a number with no slide, or two files for one slide
    stops the import before anything is stored, naming each file at fault.
    Matching by number rather than by place means a file that cannot be used
    never shifts the later photos onto the wrong slides.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise FolderRefused(f"{directory} is not a directory.")
    entries = sorted(directory.iterdir(), key=lambda path: unicodedata.normalize("NFC", path.name))
    files = [path for path in entries if path.name.lower() not in SYSTEM_FILES]
    if len(files) > slide_count:
        raise FolderRefused(
            f"There are {count(len(files), 'file')} in {directory} for "
            f"{count(slide_count, 'slide')}; remove the extra files or check the story."
        )
    by_slide: dict[int, Path] = {}
    problems = []
    for path in files:
        if path.name.startswith("._"):
            # Checked, never skipped (it could be a photo), but said for what it usually is.
            problems.append(
                f"{path.name}: a hidden file macOS leaves beside {path.name[2:]}; "
                "if it is not a photo, delete it"
            )
            continue
        number, problem = _slide_number(path, slide_count)
        if problem is None and number in by_slide:
            problem = f"slide {number} already has {by_slide[number].name}"
        if problem:
            problems.append(f"{path.name}: {problem}")
        else:
            by_slide[number] = path
    if problems:
        raise FolderRefused(
            "Each file in the images folder must be a JPEG, PNG, WebP or AVIF photo named "
            "with its slide's number (slide-1.jpg, slide-2.png…). " + "; ".join(problems) + "."
        )
    return dict(sorted(by_slide.items()))


def _slide_number(path: Path, slide_count: int) -> tuple[int, str | None]:
    if not path.is_file():
        return 0, "not a file"
    if path.suffix.lower() not in IMAGE_EXTENSIONS:
        kind = f"{path.suffix[1:].upper()} files" if path.suffix else "files without an extension"
        return 0, f"{kind} are not accepted"
    numbers = re.findall(r"\d+", unicodedata.normalize("NFC", path.stem))
    if not numbers:
        return 0, "the name has no slide number"
    number = int(numbers[-1])
    if not 1 <= number <= slide_count:
        return number, f"there is no slide {number} (the story has {count(slide_count, 'slide')})"
    return number, None
