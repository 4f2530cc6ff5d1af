"""The images folder that comes with a plain-text slideshow: which file goes on which slide.

Files only, no database here; ``imports.images_in`` turns a refusal into ImportFailed.
"""

import re
import unicodedata
from pathlib import Path, PurePath

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
    files = {path.name: path for path in entries if path.name.lower() not in SYSTEM_FILES}
    numbered = files_by_slide(
        [(name, path.is_file()) for name, path in files.items()],
        slide_count,
        among=f"in {directory}",
        each="Each file in the images folder",
    )
    return {number: files[name] for number, name in numbered.items()}


def files_by_slide(
    files: list[tuple[str, bool]], slide_count: int, *, among: str, each: str
) -> dict[int, str]:
    """(name, is a file) by slide number, by the rules of ``photos_by_slide``; ``among``
    and ``each`` say in its refusals where the files are ("in ./images")."""
    if len(files) > slide_count:
        raise FolderRefused(
            f"There are {count(len(files), 'file')} {among} for "
            f"{count(slide_count, 'slide')}; remove the extra files or check the story."
        )
    by_slide: dict[int, str] = {}
    problems = []
    for name, is_file in files:
        if name.startswith("._"):
            # Checked, never skipped (it could be a photo), but said for what it usually is.
            problems.append(
                f"{name}: a hidden file macOS leaves beside {name[2:]}; "
                "if it is not a photo, delete it"
            )
            continue
        number, problem = _slide_number(PurePath(name), is_file, slide_count)
        if problem is None and number in by_slide:
            problem = f"slide {number} already has {by_slide[number]}"
        if problem:
            problems.append(f"{name}: {problem}")
        else:
            by_slide[number] = name
    if problems:
        raise FolderRefused(
            f"{each} must be a JPEG, PNG, WebP or AVIF photo named "
            "with its slide's number (slide-1.jpg, slide-2.png…). " + "; ".join(problems) + "."
        )
    return dict(sorted(by_slide.items()))


def _slide_number(path: PurePath, is_file: bool, slide_count: int) -> tuple[int, str | None]:
    if not is_file:
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
