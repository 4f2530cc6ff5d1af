import io
import struct
from datetime import UTC, datetime

import pytest
from PIL import Image

from gallery.metadata import read_metadata
from gallery.models import Photo
from gallery.services import photo_create, upload_prefill
from tests.factories import make_credit, make_photo

pytestmark = pytest.mark.django_db

XMP = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    photoshop:Credit="Screenshot / YouTube SecurityServiceUkraine"
    photoshop:DateCreated="2025-01-12T09:30:00+02:00"
    Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/screenCapture">
   <dc:description><rdf:Alt>
     <rdf:li xml:lang="uk">Полонений солдат</rdf:li>
     <rdf:li xml:lang="x-default">A captured soldier sits on a bed.</rdf:li>
   </rdf:Alt></dc:description>
   <dc:creator><rdf:Seq><rdf:li>Security Service of Ukraine</rdf:li></rdf:Seq></dc:creator>
   <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© SBU</rdf:li></rdf:Alt></dc:rights>
   <Iptc4xmpCore:AltTextAccessibility><rdf:Alt>
     <rdf:li xml:lang="x-default">A young man with a bandaged jaw lies on a hospital bed.</rdf:li>
   </rdf:Alt></Iptc4xmpCore:AltTextAccessibility>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def iptc_segment(datasets: dict[int, str]) -> bytes:
    """An APP13 'Photoshop 3.0' segment holding IPTC-IIM record 2 datasets."""
    iim = b"".join(
        b"\x1c\x02" + bytes([number]) + struct.pack(">H", len(data)) + data
        for number, data in ((n, v.encode()) for n, v in datasets.items())
    )
    if len(iim) % 2:
        iim += b"\0"
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iim)) + iim
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def jpeg(*, exif=None, xmp: str | bytes | None = None, iptc: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    kwargs = {}
    if exif is not None:
        kwargs["exif"] = exif
    if xmp is not None:
        kwargs["xmp"] = xmp.encode() if isinstance(xmp, str) else xmp
    Image.new("RGB", (640, 480), (90, 120, 150)).save(buffer, "JPEG", **kwargs)
    data = buffer.getvalue()
    if iptc:
        data = data[:2] + iptc_segment(iptc) + data[2:]
    return data


def camera_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = "EXIF description"
    exif[0x013B] = "Exif Artist"
    exif[0x8298] = "Exif Copyright"
    details = exif.get_ifd(0x8769)
    details[0x9003] = "2024:12:30 14:05:00"
    details[0x9011] = "+03:00"
    return exif


def test_xmp_fills_every_field_and_wins_over_iptc_and_exif():
    data = jpeg(
        exif=camera_exif(),
        xmp=XMP,
        iptc={120: "IIM caption", 110: "IIM credit", 80: "IIM by-line"},
    )
    found = read_metadata(data)
    assert found.caption == "A captured soldier sits on a bed."
    assert found.credit_line == "Screenshot / YouTube SecurityServiceUkraine"
    assert found.creator == "Security Service of Ukraine"
    assert found.copyright_notice == "© SBU"
    assert found.alt_text == "A young man with a bandaged jaw lies on a hospital bed."
    assert found.taken_at == datetime(2025, 1, 12, 7, 30, tzinfo=UTC)
    assert found.digital_source_type == Photo.SourceType.SCREEN_CAPTURE


def test_iptc_iim_is_read_when_there_is_no_xmp():
    data = jpeg(
        iptc={
            120: "Soldiers in a field.",
            110: "Telegram @V_Zelenskiy_official",
            80: "Staff photographer",
            116: "Copyright 2025 Office of the President",
            55: "20250111",
            60: "101500+0000",
        }
    )
    found = read_metadata(data)
    assert found.caption == "Soldiers in a field."
    assert found.credit_line == "Telegram @V_Zelenskiy_official"
    assert found.creator == "Staff photographer"
    assert found.copyright_notice == "Copyright 2025 Office of the President"
    assert found.taken_at == datetime(2025, 1, 11, 10, 15, tzinfo=UTC)


def test_a_day_alone_never_replaces_the_time_the_camera_wrote():
    # An agency's IPTC often gives the day only (2:55 without 2:60).
    found = read_metadata(jpeg(exif=camera_exif(), iptc={55: "20241230"}))
    assert found.taken_at == datetime(2024, 12, 30, 11, 5, tzinfo=UTC)
    day_alone = read_metadata(jpeg(iptc={55: "20241230"}))
    assert day_alone.taken_at.date().isoformat() == "2024-12-30"  # Better than nothing.


def test_exif_is_the_last_resort():
    found = read_metadata(jpeg(exif=camera_exif()))
    assert (found.caption, found.creator, found.copyright_notice) == (
        "EXIF description",
        "Exif Artist",
        "Exif Copyright",
    )
    assert found.taken_at == datetime(2024, 12, 30, 11, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    "description",
    [
        "OLYMPUS DIGITAL CAMERA",
        "SONY DSC",
        "KODAK Digital Still Camera",
        "IMG_2041.JPG",
        "DSCN0042",
        "Default",
        "Canon EOS R5",  # The camera's own model, repeated.
    ],
)
def test_what_a_camera_writes_in_place_of_a_caption_is_not_taken_for_one(description):
    exif = camera_exif()
    exif[0x010E] = description
    exif[0x010F], exif[0x0110] = "Canon", "Canon EOS R5"
    assert read_metadata(jpeg(exif=exif)).caption == ""


@pytest.mark.parametrize(
    "description",
    [
        "Sony DSC-RX100 photo of the Sudzha checkpoint at dawn",
        "Soldiers inspect a drone fitted with a digital camera",
        "Protest outside the DSC",
    ],
)
def test_a_real_description_from_the_camera_is_kept(description):
    exif = camera_exif()
    exif[0x010E] = description
    exif[0x010F] = "SONY"
    assert read_metadata(jpeg(exif=exif)).caption == description


@pytest.mark.parametrize(
    "data",
    [
        b"not an image",
        jpeg(xmp="<x:xmpmeta><rdf:RDF>unclosed"),
        jpeg(xmp='<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]><x:xmpmeta>&a;</x:xmpmeta>'),
        jpeg(iptc={55: "yesterday", 60: "noon"}),
    ],
)
def test_broken_or_hostile_metadata_gives_empty_values(data):
    found = read_metadata(data)
    assert found.caption == "" and found.taken_at is None


def test_an_xmp_packet_in_utf16_is_read_and_its_doctype_refused_all_the_same():
    caption = "A captured soldier sits on a bed."
    assert read_metadata(jpeg(xmp=XMP.encode("utf-16"))).caption == caption
    planted = (
        '<!DOCTYPE x [<!ENTITY a "Planted credit">]>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">'
        "<photoshop:Credit>&a;</photoshop:Credit></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    # Byte by byte, UTF-16 hides "<!DOCTYPE" from a search in ASCII, with or without
    # a byte order mark (and without one, the parser still knows it for UTF-16).
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        assert read_metadata(jpeg(xmp=planted.encode(encoding))).credit_line == "", encoding


def test_upload_prefills_empty_fields_and_matches_an_existing_credit():
    credit = make_credit(kind="screenshot", platform="YouTube", account="SecurityServiceUkraine")
    data = jpeg(xmp=XMP)
    assert upload_prefill(data=data)["credit"] == credit
    photo = photo_create(data=data, filename="still.jpg", alt_text="", caption="Typed by the desk.")
    assert photo.caption == "Typed by the desk."  # What staff typed wins.
    assert photo.alt_text.startswith("A young man with a bandaged jaw")
    assert photo.embedded_credit_line == "Screenshot / YouTube SecurityServiceUkraine"
    assert photo.credit == credit
    assert photo.digital_source_type == "screenCapture"
    assert photo.creator == "Security Service of Ukraine"


def test_no_public_file_carries_the_embedded_metadata():
    photo = make_photo(data=jpeg(exif=camera_exif(), xmp=XMP, iptc={120: "IIM caption"}))
    for rendition in photo.renditions.all():
        with rendition.file.open("rb") as handle:
            data = handle.read()
        for marker in (b"Photoshop 3.0", b"xmpmeta", b"Exif", b"SecurityService", b"IIM"):
            assert marker not in data, (rendition.spec, marker)


def test_text_too_long_for_its_field_is_cut_at_a_word_with_an_ellipsis():
    exif = Image.Exif()
    exif[0x013B] = "Anna Maria Kovalenko, " * 20  # 440 characters for a field of 200.
    exif[0x010E] = "A long caption. " * 100  # Captions have no limit but MAX_TEXT.

    fields = read_metadata(jpeg(exif=exif)).as_photo_fields()

    creator = fields["creator"]
    assert len(creator) <= Photo._meta.get_field("creator").max_length
    assert creator.startswith("Anna Maria Kovalenko, Anna Maria")
    assert creator.endswith("Kovalenko…")  # Whole words, no dangling comma.
    assert fields["caption"] == ("A long caption. " * 100).strip()


def gps_exif(lat=(50.0, 27.0, 0.0), lat_ref="N", lon=(30.0, 31.0, 18.0), lon_ref="E"):
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = lat_ref, lat, lon_ref, lon
    return exif


def test_the_gps_position_is_read_in_decimal_degrees():
    found = read_metadata(jpeg(exif=gps_exif()))
    assert (found.latitude, found.longitude) == (50.45, 30.521667)
    south_west = read_metadata(jpeg(exif=gps_exif(lat_ref="S", lon_ref="W")))
    assert (south_west.latitude, south_west.longitude) == (-50.45, -30.521667)


@pytest.mark.parametrize(
    "exif",
    [
        gps_exif(lat=(0.0, 0.0, 0.0), lon=(0.0, 0.0, 0.0)),  # No fix: devices write 0, 0.
        gps_exif(lat=(95.0, 0.0, 0.0)),
        gps_exif(lat=(50.0, 27.0)),
        camera_exif(),
    ],
)
def test_no_position_when_the_file_has_none_or_nonsense(exif):
    found = read_metadata(jpeg(exif=exif))
    assert found.latitude is None and found.longitude is None


def test_the_position_is_stored_with_the_photo_and_left_out_of_every_public_file():
    photo = photo_create(data=jpeg(exif=gps_exif()), filename="field.jpg", alt_text="A field")
    photo.refresh_from_db()
    assert (photo.latitude, photo.longitude) == (50.45, 30.521667)
    for rendition in photo.renditions.all():
        with rendition.file.open("rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
            assert not image.getexif().get_ifd(0x8825), rendition.spec


def test_renditions_reads_the_positions_photos_stored_before_lacked():
    from django.core.management import call_command

    photo = photo_create(data=jpeg(exif=gps_exif()), filename="older.jpg", alt_text="A field")
    Photo.objects.filter(pk=photo.pk).update(latitude=None, longitude=None)  # As stored then.
    out = io.StringIO()
    call_command("renditions", stdout=out)
    photo.refresh_from_db()
    assert photo.latitude is None  # Only when asked: it reads every such original.
    call_command("renditions", "--read-locations", stdout=out)
    photo.refresh_from_db()
    assert (photo.latitude, photo.longitude) == (50.45, 30.521667)
    assert "1 GPS position read." in out.getvalue()


@pytest.mark.parametrize("stamp", ["0001:01:01 00:00:00", "9999:12:31 23:59:59"])
def test_a_camera_clock_never_set_gives_no_date(settings, stamp):
    settings.TIME_ZONE = "Europe/Kyiv"  # Where year 1 would run off the calendar.
    exif = camera_exif()
    exif.get_ifd(0x8769)[0x9003] = stamp
    del exif.get_ifd(0x8769)[0x9011]
    assert read_metadata(jpeg(exif=exif)).taken_at is None
