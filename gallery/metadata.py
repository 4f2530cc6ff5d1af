"""Read what an uploaded file says about itself (XMP, IPTC, EXIF), to pre-fill the form.

Nothing read here ever reaches a public file: renditions are built from fresh
pixels (see images.prepare). Values are trimmed strings, never trusted markup.
"""

import io
import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass
from datetime import datetime
from xml.parsers import expat

from django.utils import timezone
from PIL import Image, IptcImagePlugin

from gallery.dates import is_within_years

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "core": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    "ext": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IPTC-IIM dataset numbers (record 2).
IIM_CAPTION, IIM_CREDIT, IIM_BYLINE, IIM_COPYRIGHT = 120, 110, 80, 116
IIM_DATE, IIM_TIME = 55, 60

# EXIF tags.
EXIF_DESCRIPTION, EXIF_ARTIST, EXIF_COPYRIGHT = 0x010E, 0x013B, 0x8298
EXIF_MAKE, EXIF_MODEL = 0x010F, 0x0110
EXIF_IFD, EXIF_DATETIME_ORIGINAL, EXIF_OFFSET_ORIGINAL = 0x8769, 0x9003, 0x9011
GPS_IFD, GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 0x8825, 1, 2, 3, 4

MAX_TEXT = 2000
# Set beside taken_at by a source that gave a day and no time of day.
DATE_ONLY = "taken_at_is_a_day"

# What cameras and phones write into EXIF ImageDescription when nobody wrote a
# caption ("OLYMPUS DIGITAL CAMERA", "SONY DSC", a file name): never a caption.
CAMERA_BOILERPLATE = re.compile(
    r"""(?ix)
    (\w+\s+){0,2}digital\s+(still\s+)?camera | \w+\s+DSC  # A brand, perhaps a model, then these.
    | default | untitled | (an\s+)?(image|picture|photo)
    | dcim\b.* | (img|dsc[nf]?|pict?|p|photo)[\s_-]?\d+(\.\w{3,4})?
    """
)


@dataclass(frozen=True)
class EmbeddedMetadata:
    caption: str = ""
    credit_line: str = ""
    creator: str = ""
    copyright_notice: str = ""
    alt_text: str = ""
    taken_at: datetime | None = None
    digital_source_type: str = ""
    latitude: float | None = None
    longitude: float | None = None

    def as_photo_fields(self) -> dict:
        """Non-empty values keyed by Photo field name, ready to pre-fill a form.

        Text is cut to its field's max_length: a value that does not fit would
        fail the upload on PostgreSQL, and the admin form on every database.
        """
        from gallery.models import Photo

        values = asdict(self)
        values["embedded_credit_line"] = values.pop("credit_line")
        for name, value in values.items():
            limit = Photo._meta.get_field(name).max_length
            if isinstance(value, str) and limit:
                values[name] = shorten(value, limit)
        return {name: value for name, value in values.items() if value not in ("", None)}


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending "…" after the last whole word when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    # One very long word (a URL, say) is cut inside rather than dropped.
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + "…"


def read_metadata(data: bytes) -> EmbeddedMetadata:
    """Best effort: a file with broken metadata gives empty values, never an error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                xmp = _xmp_values(_xmp_packet(image))
                iptc = _iptc_values(image)
                exif = _exif_values(image)
    except Exception:  # noqa: BLE001 - metadata is a convenience, not a gate.
        return EmbeddedMetadata()
    merged = {}
    # XMP is the modern home of these fields; IIM and EXIF fill the gaps.
    for source in (exif, iptc, xmp):
        found = {key: value for key, value in source.items() if value not in ("", None)}
        if found.pop(DATE_ONLY, False) and merged.get("taken_at"):
            # A day alone ("20250111") never replaces the time a camera wrote.
            found.pop("taken_at", None)
        merged.update(found)
    return EmbeddedMetadata(**merged)


def _clean(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", str(value or ""))
    return text.strip()[:MAX_TEXT]


def _xmp_packet(image: Image.Image) -> bytes:
    packet = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
    return packet.encode() if isinstance(packet, str) else packet


class _Doctype(Exception):
    pass


def _declares_doctype(xml: bytes) -> bool:
    """Whether the XML parser would meet a DOCTYPE, in whatever encoding it reads the bytes.

    Asked of the parser itself: a search of the bytes misses UTF-16, whose
    "<!DOCTYPE" is not ASCII, with or without a byte order mark.
    """

    def refuse(*args):
        raise _Doctype

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(xml, True)
    except _Doctype:
        return True
    except expat.ExpatError:
        pass  # Not well-formed: ElementTree refuses it too.
    return False


def _xmp_values(packet: bytes) -> dict:
    start = packet.find(b"<x:xmpmeta")
    if start < 0:
        start = packet.find(b"<rdf:RDF")
    xml = packet[max(start, 0) :].split(b"<?xpacket end")[0]
    # A DOCTYPE has no business in XMP and is how entity expansion attacks start.
    if not xml or _declares_doctype(xml):
        return {}
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return {}
    return {
        "caption": _xmp_text(root, "dc", "description"),
        "credit_line": _xmp_text(root, "photoshop", "Credit"),
        "creator": _xmp_text(root, "dc", "creator"),
        "copyright_notice": _xmp_text(root, "dc", "rights"),
        "alt_text": _xmp_text(root, "core", "AltTextAccessibility"),
        "taken_at": _parse_datetime(created := _xmp_text(root, "photoshop", "DateCreated")),
        DATE_ONLY: _day_only(created),
        "digital_source_type": _source_type(_xmp_text(root, "ext", "DigitalSourceType")),
    }


def _xmp_text(root: ET.Element, prefix: str, name: str) -> str:
    tag = f"{{{NS[prefix]}}}{name}"
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        if tag in description.attrib:
            return _clean(description.attrib[tag])
    for element in root.iter(tag):
        items = list(element.iter(f"{{{NS['rdf']}}}li"))
        if not items:
            resource = element.attrib.get(f"{{{NS['rdf']}}}resource", "")
            return _clean(element.text or resource)
        default = [li for li in items if li.attrib.get(XML_LANG) == "x-default"]
        return _clean((default or items)[0].text)
    return ""


def _iptc_values(image: Image.Image) -> dict:
    info = IptcImagePlugin.getiptcinfo(image) or {}
    date, time = _clean(info.get((2, IIM_DATE))), _clean(info.get((2, IIM_TIME)))
    taken_at, stamp = None, ""
    if re.fullmatch(r"\d{8}", date):
        stamp = f"{date[:4]}-{date[4:6]}-{date[6:]}"
        if re.fullmatch(r"\d{6}([+-]\d{4})?", time):
            stamp += f"T{time[:2]}:{time[2:4]}:{time[4:6]}{time[6:]}"
        taken_at = _parse_datetime(stamp)
    return {
        DATE_ONLY: _day_only(stamp),
        "caption": _clean(info.get((2, IIM_CAPTION))),
        "credit_line": _clean(info.get((2, IIM_CREDIT))),
        "creator": _clean(info.get((2, IIM_BYLINE))),
        "copyright_notice": _clean(info.get((2, IIM_COPYRIGHT))),
        "taken_at": taken_at,
    }


def _exif_values(image: Image.Image) -> dict:
    exif = image.getexif()
    details = exif.get_ifd(EXIF_IFD)
    stamp = _clean(details.get(EXIF_DATETIME_ORIGINAL))
    taken_at = None
    if re.fullmatch(r"\d{4}:\d\d:\d\d \d\d:\d\d:\d\d", stamp):
        iso = stamp[:10].replace(":", "-") + "T" + stamp[11:]
        taken_at = _parse_datetime(iso + _clean(details.get(EXIF_OFFSET_ORIGINAL)))
    latitude, longitude = _gps_position(exif.get_ifd(GPS_IFD))
    return {
        "caption": _exif_caption(exif),
        "creator": _clean(exif.get(EXIF_ARTIST)),
        "copyright_notice": _clean(exif.get(EXIF_COPYRIGHT)),
        "taken_at": taken_at,
        "latitude": latitude,
        "longitude": longitude,
    }


def _exif_caption(exif: Image.Exif) -> str:
    """ImageDescription, unless it is what the camera writes in place of a caption."""
    text = _clean(exif.get(EXIF_DESCRIPTION))
    make, model = _clean(exif.get(EXIF_MAKE)), _clean(exif.get(EXIF_MODEL))
    camera = {make.casefold(), model.casefold(), f"{make} {model}".strip().casefold()}
    if CAMERA_BOILERPLATE.fullmatch(text) or " ".join(text.split()).casefold() in camera:
        return ""
    return text


def _gps_position(gps: dict) -> tuple[float | None, float | None]:
    """Decimal degrees from EXIF GPS (degrees, minutes, seconds and a hemisphere letter).

    Anything unreadable or out of range gives no position, and so does exactly
    0, 0: what devices write when they had no fix.
    """
    try:
        latitude = _degrees(gps[GPS_LAT], _clean(gps.get(GPS_LAT_REF)), "S")
        longitude = _degrees(gps[GPS_LON], _clean(gps.get(GPS_LON_REF)), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or latitude == longitude == 0:
        return None, None
    return round(latitude, 6), round(longitude, 6)


def _degrees(parts, ref: str, negative: str) -> float:
    degrees, minutes, seconds = (float(part) for part in parts)
    value = degrees + minutes / 60 + seconds / 3600
    return -value if ref.upper() == negative else value


def _day_only(stamp: str) -> bool:
    """An ISO date with no time of day ("2025-01-11")."""
    return bool(stamp) and "T" not in stamp


def _parse_datetime(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if not is_within_years(parsed):
        return None  # A camera clock never set ("0001:01:01"), or a file made up.
    if timezone.is_naive(parsed):
        # A camera clock without a zone: read it in the site's time zone.
        parsed = timezone.make_aware(parsed)
    return parsed


def _source_type(value: str) -> str:
    # "http://cv.iptc.org/newscodes/digitalsourcetype/screenCapture" -> "screenCapture"
    from gallery.models import Photo

    code = value.rstrip("/").rsplit("/", 1)[-1]
    return code if code in Photo.SourceType.values else ""
