"""Pure Pillow operations: from (image, spec) to image or bytes. No ORM here."""

import io

from PIL import Image, ImageCms, ImageOps

RENDITION_WIDTHS = (480, 800, 1200, 1600, 2400)
RENDITION_FORMATS = ("avif", "webp", "jpeg")
CONTENT_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def prepare(image: Image.Image) -> Image.Image:
    """Apply EXIF orientation, convert to sRGB and to RGB; the result carries no metadata."""
    image = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB"
            if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
                image = image.convert(mode)
            image = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # A broken profile is not worth refusing the photo over.
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flattened = Image.new("RGB", rgba.size, (255, 255, 255))
        flattened.paste(rgba, mask=rgba.getchannel("A"))
        image = flattened
    elif image.mode != "RGB":
        image = image.convert("RGB")
    # A fresh image: nothing of the original's info (EXIF, XMP, ICC, comments) comes along.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def widths_for(original_width: int, widths: tuple[int, ...] = RENDITION_WIDTHS) -> list[int]:
    """Rendition widths never larger than the original."""
    fitting = [w for w in widths if w <= original_width]
    return fitting or [original_width]


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
