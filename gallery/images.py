"""Pure Pillow operations: from (image, spec) to image or bytes. No ORM here."""

import io
import math
from collections.abc import Iterable, Iterator

from PIL import Image, ImageCms, ImageDraw, ImageFilter, ImageOps

RENDITION_WIDTHS = (480, 800, 1200, 1600, 2400)
RENDITION_FORMATS = ("avif", "webp", "jpeg")
CONTENT_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}
SHARE_SIZE = (1200, 630)
SHARE_SPEC = "share"


def spec_format(spec: str) -> str:
    """'avif', 'webp' or 'jpeg' for 'avif-800' and the like; 'share' for the share image."""
    return spec.split("-", 1)[0]


# (x, y, width, height, method) in pixels of the upright full-size photo.
Region = tuple[int, int, int, int, str]


def open_for_renditions(
    data: bytes, needed_width: int, upright_width: int, needed_height: int = 0
) -> Image.Image:
    """Open the original, letting JPEG decode at a reduced scale when no rendition needs more.

    ``upright_width`` is the photo's width after EXIF orientation; the decoded
    image is never narrower than ``needed_width`` nor shorter than
    ``needed_height`` once turned upright (as far as the original allows).
    """
    image = Image.open(io.BytesIO(data))
    # EXIF orientation 5 to 8 swaps the sides: the upright height is the stored width.
    upright_height = image.height if upright_width == image.width else image.width
    scale = max(needed_width / upright_width, needed_height / upright_height)
    if image.format in ("JPEG", "MPO") and scale < 1:
        # draft() picks the smallest DCT scale (1/2, 1/4, 1/8) at least this size.
        image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    return image


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def to_8_bit(image: Image.Image) -> Image.Image:
    """Scale 16- and 32-bit integer greyscale down to 8-bit "L"; other modes pass through.

    Pillow's convert("L") or convert("RGB") clips such values at 255 instead of
    scaling them, so a 16-bit greyscale PNG would come out almost white.
    """
    if image.mode.startswith("I;16"):
        top = 65535
    elif image.mode == "I":
        low, high = image.getextrema()
        if low < 0 or high > 65535:
            # Not 16-bit data after all: stretch what is there over the 8-bit range.
            image = image.point(lambda value: value - low)
            top = high - low or 1
        else:
            # How 16-bit greyscale arrives from some decoders.
            top = 65535
    else:
        return image
    return image.convert("I").point(lambda value: value * (255 / top)).convert("L")


def prepare(image: Image.Image) -> Image.Image:
    """Apply EXIF orientation, convert to sRGB and to RGB; the result carries no metadata."""
    image = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    image = to_8_bit(image)
    if image.mode in ("LA", "PA") or "transparency" in image.info:
        # Alpha first: a palette or colour marked transparent (PNG's tRNS) is
        # lost by any other conversion, and would come out black.
        image = image.convert("RGBA")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            mode = "RGBA" if image.mode == "RGBA" else "RGB"
            if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
                image = image.convert(mode)
            image = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # A broken profile is not worth refusing the photo over.
    if image.mode == "RGBA":
        flattened = Image.new("RGB", image.size, (255, 255, 255))
        flattened.paste(image, mask=image.getchannel("A"))
        image = flattened
    elif image.mode != "RGB":
        image = image.convert("RGB")
    # A fresh image: nothing of the original's info (EXIF, XMP, ICC, comments) comes along.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def redact(image: Image.Image, regions: Iterable[Region], scale: float = 1.0) -> Image.Image:
    """Destroy each region's pixels; ``scale`` maps full-size coordinates onto ``image``."""
    image = image.copy()
    for x, y, width, height, method in regions:
        box = (
            max(0, math.floor(x * scale)),
            max(0, math.floor(y * scale)),
            min(image.width, math.ceil((x + width) * scale)),
            min(image.height, math.ceil((y + height) * scale)),
        )
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        if method == "box":
            ImageDraw.Draw(image).rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=0)
            continue
        region = image.crop(box)
        # Two blocks across the shorter side: a box drawn tight around a line of a
        # document is then one row of blocks, each wider than a letter, and a face
        # four patches of colour. Six across (as before) left a 56-pixel name readable.
        block = max(8, math.ceil(min(region.size) / 2))
        small = region.resize(
            (max(1, region.width // block), max(1, region.height // block)),
            Image.Resampling.BOX,
        )
        if method == "pixelate":
            region = small.resize(region.size, Image.Resampling.NEAREST)
        elif method == "blur":
            region = small.resize(region.size, Image.Resampling.BICUBIC)
            region = region.filter(ImageFilter.GaussianBlur(radius=block / 2))
        else:
            raise ValueError(f"Unknown redaction method: {method}")
        image.paste(region, box[:2])
    return image


def share_crop(
    image: Image.Image, focal: tuple[float, float], size: tuple[int, int] = SHARE_SIZE
) -> Image.Image:
    """The largest crop of the share image's shape centred as near the focal point as fits."""
    target_ratio = size[0] / size[1]
    if image.width / image.height > target_ratio:
        crop_w, crop_h = round(image.height * target_ratio), image.height
    else:
        crop_w, crop_h = image.width, round(image.width / target_ratio)
    left = min(max(0, round(focal[0] - crop_w / 2)), image.width - crop_w)
    top = min(max(0, round(focal[1] - crop_h / 2)), image.height - crop_h)
    cropped = image.crop((left, top, left + crop_w, top + crop_h))
    # Never upscale: a small original gives a smaller share image of the same shape.
    width = min(size[0], crop_w)
    return cropped.resize(
        (width, max(1, round(width / target_ratio))), Image.Resampling.LANCZOS, reducing_gap=3.0
    )


def widths_for(original_width: int, widths: tuple[int, ...] = RENDITION_WIDTHS) -> list[int]:
    """Rendition widths never larger than the original, and the original's own width
    when it falls well between two of them: a 640-pixel screenshot is not served
    at 480 to a page showing it at 640 or more."""
    fitting = [w for w in widths if w <= original_width]
    if not fitting or (original_width < max(widths) and original_width > fitting[-1] * 1.1):
        fitting.append(original_width)
    return fitting


def resize_to_width(image: Image.Image, width: int) -> Image.Image:
    if width >= image.width:
        return image.copy()
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    match fmt:
        case "jpeg":
            image.save(buffer, "JPEG", quality=80, optimize=True, progressive=True)
        case "webp":
            image.save(buffer, "WEBP", quality=76, method=4)
        case "avif":
            # speed=8: ~10x faster than the default at a similar size.
            image.save(buffer, "AVIF", quality=55, speed=8)
        case _:
            raise ValueError(f"Unknown rendition format: {fmt}")
    return buffer.getvalue()


def specs_for(widths: Iterable[int]) -> list[str]:
    """The public files of one photo: each width in each format, then the share image."""
    return [f"{fmt}-{width}" for width in widths for fmt in RENDITION_FORMATS] + [SHARE_SPEC]


def render(
    data: bytes,
    *,
    upright_width: int,
    widths: list[int],
    regions: Iterable[Region] = (),
    focal: tuple[int, int] | None = None,
    wanted: set[str] | None = None,
) -> Iterator[tuple[str, str, Image.Image, bytes]]:
    """Every public file of one original: (spec, format, image, encoded bytes).

    Specs are ``<format>-<width>`` and ``share``; ``wanted`` limits the work to
    some of them. Redaction happens once, on the largest image, before any
    resize or crop, so no file can escape it.
    """
    specs = specs_for(widths)
    wanted = set(specs) if wanted is None else wanted & set(specs)
    if not wanted:
        return
    share = SHARE_SPEC in wanted
    needed = max([*widths, SHARE_SIZE[0] if share else 0])
    # A panorama's share image is cut from its full height: that must not be decoded smaller.
    needed_height = SHARE_SIZE[1] if share else 0
    with open_for_renditions(data, needed, upright_width, needed_height) as source:
        prepared = prepare(source)
    scale = prepared.width / upright_width
    prepared = redact(prepared, regions, scale)
    for width in widths:
        formats = [fmt for fmt in RENDITION_FORMATS if f"{fmt}-{width}" in wanted]
        if formats:
            resized = resize_to_width(prepared, width)
            for fmt in formats:
                yield f"{fmt}-{width}", fmt, resized, encode(resized, fmt)
    if SHARE_SPEC in wanted:
        x, y = focal if focal is not None else (upright_width / 2, prepared.height / scale / 2)
        share = share_crop(prepared, (x * scale, y * scale))
        yield SHARE_SPEC, "jpeg", share, encode(share, "jpeg")


def fingerprint(data: bytes) -> str:
    """A 64-bit difference hash of the upright picture, as 16 hex digits; "" if too plain.

    Re-encoding, resizing or recompressing a picture moves only a few of its
    bits; different pictures differ in about half. A nearly flat image (a
    plain colour, a blank page) has too little in it to compare, so gets none.
    """
    with Image.open(io.BytesIO(data)) as image:
        image.draft("L", (160, 160))  # JPEG decodes at 1/8 scale: fast on any size.
        small = ImageOps.exif_transpose(image).convert("L").resize((9, 8), Image.Resampling.BOX)
    pixels = small.tobytes()
    bits = 0
    for row in range(8):
        for col in range(8):
            left, right = pixels[row * 9 + col], pixels[row * 9 + col + 1]
            bits = bits << 1 | (left > right)
    if not 8 <= bits.bit_count() <= 56:
        return ""
    return f"{bits:016x}"


def fingerprint_distance(a: str, b: str) -> int:
    """How many of the 64 bits differ: up to about 6 for copies of one picture."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
