"""Decide, from the bytes alone, whether an upload is an image we accept."""

import io
import os
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

from gallery.images import widths_for

# HEIC is absent: this Pillow build cannot read it (no pillow-heif). Its files open
# with an ISO box naming one of these brands, and are told apart to say so.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif"}

# Web page code hidden in an image (a "polyglot"). The long tokens are searched
# in the whole file: at six or more bytes, compressed pixel data practically
# never spells them by chance. The short ones only where browsers sniff.
_MARKUP_ANYWHERE = re.compile(
    rb"<(script|html|body|iframe|object|embed|!doctype|\?php)[\s>/]|javascript:", re.IGNORECASE
)
_MARKUP_AT_START = re.compile(rb"<(svg|a|img|div|meta|style|link)[\s>/]", re.IGNORECASE)


# Where browsers once sniffed a file for a page: its first kilobyte.
SNIFFED_BYTES = 1024


def _sniffed_words(data: bytes, fmt: str) -> bytes:
    """The file's first kilobyte without its compressed pixels, which spell "<a/" by
    chance about once in a few thousand photos: its headers, metadata and anything
    after the pixels, where markup would be put.

    The pixels are found by walking the file's own segments or chunks, so that a
    marker's name written in a comment cannot hide what follows it. AVIF, whose
    metadata sits among its pixels, and a file that does not walk cleanly, are
    searched whole.
    """
    head = bytearray(data[:SNIFFED_BYTES])
    for start, end in _pixel_ranges(data, fmt) or ():
        if start >= SNIFFED_BYTES:
            break
        head[start:end] = bytes(min(end, SNIFFED_BYTES) - start)  # Blanked, not joined.
    return bytes(head)


def _pixel_ranges(data: bytes, fmt: str) -> list[tuple[int, int]] | None:
    """Where the compressed pixels are, in order; None when the file does not walk."""
    ranges, size = [], len(data)
    if fmt == "JPEG":
        at = 2  # After start-of-image: segments, each scan followed by its coded data.
        while at + 2 <= size:
            if data[at] != 0xFF:
                return None
            marker = data[at + 1]
            if marker == 0xFF:  # Fill byte.
                at += 1
                continue
            if marker == 0xD9:  # End of image: what follows is no picture.
                return ranges
            if at + 4 > size:
                return None
            at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
            if marker == 0xDA:  # Coded data, to the next marker not a restart or stuffing.
                start = at
                while (at := data.find(b"\xff", at)) >= 0 and at + 1 < size:
                    if data[at + 1] == 0 or 0xD0 <= data[at + 1] <= 0xD7:
                        at += 2
                    else:
                        break
                else:
                    return [*ranges, (start, size)]
                ranges.append((start, at))
        return ranges if at <= size else None
    if fmt in ("PNG", "WEBP"):
        png = fmt == "PNG"
        at = 8 if png else 12  # After the signature, or RIFF, its size and WEBP.
        pixels = (b"IDAT",) if png else (b"VP8 ", b"VP8L", b"ALPH")
        while at + 8 <= size:
            if png:
                kind, length = data[at + 4 : at + 8], int.from_bytes(data[at : at + 4], "big")
                start, following = at + 8, at + 12 + length
            else:
                kind, length = data[at : at + 4], int.from_bytes(data[at + 4 : at + 8], "little")
                start, following = at + 8, at + 8 + length + (length & 1)
            if following > size + 1:
                return None
            if kind in pixels:
                ranges.append((start, min(start + length, size)))
            at = following
        return ranges
    return None


class ImageRejected(ValueError):
    """An upload that is not an image we accept; the message is for the uploader."""


@dataclass(frozen=True)
class InspectedImage:
    format: str
    extension: str
    width: int
    height: int


def sanitise_filename(name: str) -> str:
    """Keep an uploaded name only as harmless metadata: no directories, no control chars."""
    name = unicodedata.normalize("NFC", name or "")
    name = os.path.basename(name.replace("\\", "/"))
    # Bidi controls too: a right-to-left override makes "résumé\u202egpj.exe"
    # display as "résuméexe.jpg" in every list that shows it.
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", name)
    return name.strip(" .")[:200] or "upload"


def too_big_message(size: int) -> str:
    """Why a file of ``size`` bytes is refused, in the units the upload page states."""
    limit = settings.GALLERY_MAX_UPLOAD_BYTES
    size_text, limit_text = filesizeformat(size), filesizeformat(limit)
    if size_text == limit_text:
        # Just over the limit: rounded, both would read the same.
        return f"The file is {size:,} bytes; the limit is {limit:,} bytes ({limit_text})."
    return f"The file is {size_text}; the limit is {limit_text}."


# WebP's limit; JPEG and AVIF allow more. A rendition past it can never be made.
TALLEST_RENDITION = 16383


def _refuse_too_tall(image: Image.Image) -> None:
    width, height = image.size
    if image.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # Turned a quarter when upright.
        width, height = height, width
    widest = max(widths_for(width, tuple(settings.GALLERY_RENDITION_WIDTHS)))
    if height * widest / width > TALLEST_RENDITION:
        raise ImageRejected(
            f"The picture is {width}x{height}: too tall for its width. At {widest} pixels "
            f"wide it would be more than {TALLEST_RENDITION} pixels high, more than web "
            "images may be. Crop it, or split it into several photos."
        )


def inspect_image(data: bytes) -> InspectedImage:
    """Check the bytes are a complete JPEG, PNG, WebP or AVIF within the limits."""
    if not data:
        raise ImageRejected("The file is empty.")
    max_bytes = settings.GALLERY_MAX_UPLOAD_BYTES
    if len(data) > max_bytes:
        raise ImageRejected(too_big_message(len(data)))
    max_pixels = settings.GALLERY_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # A decompression bomb is an error here, not a warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                # Phones (Ultra HDR's gain map) and cameras (depth, previews) add
                # pictures to a JPEG: the Multi-Picture format. Every viewer shows its
                # first picture, the photo, and so do our renditions.
                multi_picture = image.format == "MPO"
                fmt = "JPEG" if multi_picture else image.format
                width, height = image.size
                if fmt not in ACCEPTED_FORMATS:
                    raise ImageRejected(
                        f"{fmt or 'This'} files are not accepted; upload JPEG, PNG, WebP or AVIF."
                    )
                if width * height > max_pixels:
                    raise ImageRejected(
                        f"The image is {width}x{height} ({width * height / 1e6:.1f} megapixels); "
                        f"the limit is {max_pixels / 1e6:g} megapixels."
                    )
                frames = 1 if multi_picture else getattr(image, "n_frames", 1)
                if frames > 1:
                    # Renditions are stills: readers would silently get the first frame.
                    raise ImageRejected(
                        f"This is an animation ({frames} frames); readers would see only its "
                        "first frame. Upload a still: export the frame you want as JPEG or PNG."
                    )
                image.verify()
            # verify() does not decode pixel data; a full load catches truncation.
            with Image.open(io.BytesIO(data)) as image:
                _refuse_too_tall(image)  # Reading EXIF here: verify() must come first.
                image.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected(
            f"The image is too large to process safely (over {max_pixels / 1e6:g} megapixels)."
        ) from None
    except UnidentifiedImageError:
        if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
            raise ImageRejected(
                "This is a HEIC photo (what iPhones save by default), which we cannot read: "
                "export it as JPEG and upload that (on the iPhone, Settings › Camera › "
                "Formats › Most Compatible makes JPEGs from then on)."
            ) from None
        raise ImageRejected(
            "This is not an image we can read; upload JPEG, PNG, WebP or AVIF."
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        if "Decompressed data too large" in str(exc):
            raise ImageRejected(
                "The file hides an oversized compressed block (a 'decompression bomb'); "
                "it cannot be accepted."
            ) from None
        raise ImageRejected(
            "The image is damaged or incomplete: part of the file is missing or unreadable. "
            "Export or download it again, then upload that."
        ) from None
    # Only now: a file that is no image at all deserves "not an image", not this.
    if _MARKUP_AT_START.search(_sniffed_words(data, fmt)) or _MARKUP_ANYWHERE.search(data):
        raise ImageRejected(
            "The file contains web page code (HTML or script) besides any picture; "
            "export the picture again as a plain JPEG or PNG."
        )
    return InspectedImage(fmt, ACCEPTED_FORMATS[fmt], width, height)
