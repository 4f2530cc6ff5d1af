import html
import io
import re
import struct

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from gallery.models import Credit, Photo, Redaction
from tests.factories import make_credit, make_image_bytes, make_photo

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/gallery/photo/upload/"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def stored_originals(settings) -> list:
    root = settings.STORAGES["originals"]["OPTIONS"]["location"]
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("desk", password="pw", is_staff=True)


def grant(user, *codenames: str):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    # The permission cache is per instance; a fresh one sees the new rights.
    return type(user).objects.get(pk=user.pk)


def test_bulk_upload_stores_good_files_and_reports_each_bad_one(admin_client, settings):
    before = len(stored_originals(settings))
    jpeg = make_image_bytes((640, 480))
    files = [
        upload("good.jpg", jpeg),
        upload("good.png", make_image_bytes((300, 200), fmt="PNG")),
        upload("empty.jpg", b""),
        upload("notes.jpg", b"just some text, not a picture"),
        upload("cut.jpg", jpeg[: len(jpeg) // 2]),
        upload("../../etc/evil<b>.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
    ]

    response = admin_client.post(UPLOAD_URL, {"files": files})

    assert response.status_code == 200
    page = response.content.decode()
    assert "2 of 6 files stored." in page
    assert "<strong>empty.jpg</strong>: The file is empty." in page
    assert "<strong>notes.jpg</strong>: This is not an image we can read" in page
    assert "<strong>cut.jpg</strong>: The image is damaged or incomplete" in page
    # The traversal name is reduced to a harmless label, and escaped.
    assert "<strong>evilb.svg</strong>: This is not an image" in page
    assert "etc/" not in page
    photos = Photo.objects.order_by("pk")
    assert [p.original_filename for p in photos] == ["good.jpg", "good.png"]
    for photo in photos:
        assert reverse("admin:gallery_photo_change", args=[photo.pk]) in page
    assert len(stored_originals(settings)) == before + 2


def test_bulk_upload_answers_the_script_in_json_one_file_at_a_time(admin_client):
    response = admin_client.post(
        UPLOAD_URL,
        {"files": [upload("one.jpg", make_image_bytes((200, 100)))]},
        headers={"accept": "application/json"},
    )

    assert response.status_code == 200
    [result] = response.json()["results"]
    photo = Photo.objects.get()
    assert result == {
        "name": "one.jpg",
        "ok": True,
        "url": reverse("admin:gallery_photo_change", args=[photo.pk]),
        "label": "one.jpg",
        "small": "At 200×100 pixels it is small: it shows blurred across a phone's screen, "
        "and social networks show no large card for it (they want 600 pixels wide or more). "
        "Look for a larger copy.",
        "lookalikes": [],
    }


def test_a_thin_strip_of_a_panorama_is_pointed_out_like_a_small_photo(admin_client):
    response = admin_client.post(
        UPLOAD_URL,
        {"files": [upload("strip.jpg", make_image_bytes((3000, 100)))]},
        headers={"accept": "application/json"},
    )
    [result] = response.json()["results"]
    assert result["small"] == (
        "At 3000×100 pixels it is a thin strip: across a phone's screen it shows 13 pixels "
        "tall. Crop it, or look for another copy."
    )
    # A long screenshot scrolled down, drawn at most 85% of a phone's height.
    assert Photo(width=1080, height=20000).smallness() == (
        "At 1080×20000 pixels it is a thin strip standing up: on a phone it shows 39 pixels "
        "wide. Crop it to what matters, or split it into several photos."
    )


def test_duplicate_upload_points_to_the_existing_photo(admin_client):
    data = make_image_bytes((200, 100))
    existing = make_photo(data=data, title="Passport, page 1")

    response = admin_client.post(
        UPLOAD_URL, {"files": [upload("again.jpg", data)]}, headers={"accept": "application/json"}
    )

    [result] = response.json()["results"]
    assert result["ok"] is False
    assert result["error"] == "This file was already uploaded."
    assert result["existing_url"] == reverse("admin:gallery_photo_change", args=[existing.pk])
    assert result["existing_label"] == "Passport, page 1"
    assert Photo.objects.count() == 1


def test_more_files_than_allowed_is_refused_with_a_clear_message(admin_client, settings):
    settings.GALLERY_MAX_FILES_PER_UPLOAD = 2
    before = len(stored_originals(settings))

    def files():
        return [upload(f"p{n}.jpg", make_image_bytes((64, 64))) for n in range(3)]

    page = admin_client.post(UPLOAD_URL, {"files": files()})
    as_json = admin_client.post(
        UPLOAD_URL, {"files": files()}, headers={"accept": "application/json"}
    )

    message = "You sent 3 files; send at most 2 at a time. Nothing was uploaded."
    assert page.status_code == 200
    assert message in page.content.decode()
    assert as_json.status_code == 400
    assert as_json.json() == {"error": message}
    assert Photo.objects.count() == 0
    assert len(stored_originals(settings)) == before


def test_a_post_over_djangos_file_cap_gets_a_page_saying_so(admin_client, settings):
    # Past DATA_UPLOAD_MAX_NUMBER_FILES Django will not even read the form.
    settings.DEBUG = False
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [upload(f"p{n}.jpg", make_image_bytes((64, 64))) for n in range(4)]
    response = admin_client.post(UPLOAD_URL, {"files": files})
    assert response.status_code == 400
    html = response.content.decode()
    assert "nothing was saved. Send at most 50 photos at a time." in html
    assert f'<a href="{UPLOAD_URL}">Back to the upload page</a>' in html
    assert Photo.objects.count() == 0


def test_upload_page_links_from_the_photo_list_and_needs_the_add_permission(
    admin_client, client, staff
):
    changelist = admin_client.get(reverse("admin:gallery_photo_changelist"))
    assert f'href="{UPLOAD_URL}"' in changelist.content.decode()
    page = admin_client.get(UPLOAD_URL).content.decode()
    assert "multiple" in page and 'name="files"' in page and "gallery/bulk-upload.js" in page

    client.force_login(staff)
    assert client.get(UPLOAD_URL).status_code == 403
    refused = client.post(UPLOAD_URL, {"files": [upload("a.jpg", make_image_bytes((50, 50)))]})
    assert refused.status_code == 403
    assert Photo.objects.count() == 0
    client.force_login(grant(staff, "add_photo"))
    assert client.get(UPLOAD_URL).status_code == 200


def test_upload_is_csrf_protected(admin_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    response = strict.post(UPLOAD_URL, {"files": [upload("a.jpg", make_image_bytes((50, 50)))]})
    assert response.status_code == 403
    assert Photo.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("staff without permission", 403), ("staff with permission", 200)],
)
def test_original_download_permissions(client, staff, who, status):
    data = make_image_bytes((300, 200))
    photo = make_photo(data=data, filename="kyiv-passport.jpg")
    if who != "anonymous":
        if who == "staff with permission":
            staff = grant(staff, "view_photo", "download_original")
        client.force_login(staff)

    response = client.get(reverse("admin:gallery_photo_original", args=[photo.pk]))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/admin/login/")
    if status == 200:
        assert b"".join(response.streaming_content) == data
        assert response["Content-Disposition"] == 'attachment; filename="kyiv-passport.jpg"'
        assert response["Cache-Control"] == "private, no-store"


def test_view_permission_alone_does_not_reach_originals(client, staff):
    photo = make_photo()
    client.force_login(grant(staff, "view_photo"))
    assert client.get(reverse("admin:gallery_photo_original", args=[photo.pk])).status_code == 403
    preview = reverse("admin:gallery_photo_original_preview", args=[photo.pk])
    assert client.get(preview).status_code == 403


def _iptc_segment(**datasets: bytes) -> bytes:
    """A JPEG APP13 segment carrying IPTC-IIM record 2, as Photoshop writes it."""
    numbers = {"caption": 120, "credit": 110, "byline": 80}
    iim = b"".join(
        b"\x1c\x02" + bytes([numbers[key]]) + struct.pack(">H", len(value)) + value
        for key, value in datasets.items()
    )
    if len(iim) % 2:
        iim += b"\x00"
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim))
    body = b"Photoshop 3.0\x00" + resource + iim
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


XMP = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
 xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">
<rdf:Description rdf:about="">
 <Iptc4xmpCore:AltTextAccessibility><rdf:Alt>
  <rdf:li xml:lang="x-default">Two men in hospital beds, faces hidden</rdf:li>
 </rdf:Alt></Iptc4xmpCore:AltTextAccessibility>
 <Iptc4xmpExt:DigitalSourceType
  rdf:resource="http://cv.iptc.org/newscodes/digitalsourcetype/screenCapture"/>
</rdf:Description></rdf:RDF></x:xmpmeta>"""


def make_jpeg_with_metadata(credit_line: str) -> bytes:
    exif = Image.Exif()
    exif[0x8298] = "(c) Office of the President"  # Copyright
    exif.get_ifd(0x8769)[0x9003] = "2025:01:11 10:30:00"  # DateTimeOriginal
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (120, 90, 60)).save(
        buffer, "JPEG", exif=exif.tobytes(), xmp=XMP.encode()
    )
    jpeg = buffer.getvalue()
    iptc = _iptc_segment(
        caption=b"Captured soldiers in Kyiv", credit=credit_line.encode(), byline=b"Press office"
    )
    return jpeg[:2] + iptc + jpeg[2:]


def test_metadata_in_the_file_prefills_the_photo(admin_client):
    credit = make_credit(platform="Telegram", account="@V_Zelenskiy_official")
    data = make_jpeg_with_metadata(credit.line)

    response = admin_client.post(
        UPLOAD_URL,
        {"files": [upload("soldiers.jpg", data)]},
        headers={"accept": "application/json"},
    )

    assert response.json()["results"][0]["ok"] is True
    photo = Photo.objects.get()
    assert photo.caption == "Captured soldiers in Kyiv"
    assert photo.alt_text == "Two men in hospital beds, faces hidden"
    assert photo.creator == "Press office"
    assert photo.copyright_notice == "(c) Office of the President"
    assert photo.digital_source_type == "screenCapture"
    assert photo.taken_at.date().isoformat() == "2025-01-11"
    assert photo.credit == credit


def test_unknown_credit_line_is_kept_as_a_hint_on_the_change_form(admin_client):
    data = make_jpeg_with_metadata("Screenshot / YouTube SecurityServiceUkraine")

    admin_client.post(UPLOAD_URL, {"files": [upload("still.jpg", data)]})

    photo = Photo.objects.get()
    assert photo.credit is None
    page = admin_client.get(reverse("admin:gallery_photo_change", args=[photo.pk]))
    html = page.content.decode()
    assert 'value="Screenshot / YouTube SecurityServiceUkraine"' in html
    assert "Captured soldiers in Kyiv" in html  # Caption is editable there too.


def test_single_upload_prefers_what_staff_typed_over_the_file(admin_client):
    data = make_jpeg_with_metadata("Somewhere")

    response = admin_client.post(
        reverse("admin:gallery_photo_add"),
        {"upload": upload("one.jpg", data), "caption": "Typed by the desk", "alt_text": ""},
    )

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.caption == "Typed by the desk"
    assert photo.alt_text == "Two men in hospital beds, faces hidden"


def test_single_upload_of_a_bad_file_is_a_form_error(admin_client):
    response = admin_client.post(
        reverse("admin:gallery_photo_add"), {"upload": upload("x.jpg", b"<html>hi</html>")}
    )
    assert response.status_code == 200
    assert "x.jpg: This is not an image we can read" in response.content.decode()
    assert Photo.objects.count() == 0


# A new solid box at (50, 50), 200x150, in the photo page's redactions.
ONE_BOX = {
    "redactions-TOTAL_FORMS": "1",
    "redactions-0-x": "50",
    "redactions-0-y": "50",
    "redactions-0-width": "200",
    "redactions-0-height": "150",
    "redactions-0-method": "box",
}


def change_form_data(photo: Photo, **overrides) -> dict:
    data = {
        "title": photo.title,
        "alt_text": photo.alt_text,
        "caption": photo.caption,
        "credit": photo.credit_id or "",
        "embedded_credit_line": "",
        "creator": "",
        "copyright_notice": "",
        "taken_at_0": "",
        "taken_at_1": "",
        "digital_source_type": "",
        "sensitivity_warning": "",
        "focal_x": "",
        "focal_y": "",
        "redactions-TOTAL_FORMS": "0",
        "redactions-INITIAL_FORMS": "0",
        "redactions-MIN_NUM_FORMS": "0",
        "redactions-MAX_NUM_FORMS": "1000",
        "annotations-TOTAL_FORMS": "0",
        "annotations-INITIAL_FORMS": "0",
        "annotations-MIN_NUM_FORMS": "0",
        "annotations-MAX_NUM_FORMS": "1000",
    }
    if "opened_at" not in overrides:
        # As the page opened now shows it: the photo's edit lock.
        data["opened_at"] = Photo.objects.get(pk=photo.pk).updated_at.isoformat()
    data.update(overrides)
    return data


def jpeg_pixel(photo: Photo, spec: str, xy: tuple[int, int]):
    rendition = photo.renditions.get(spec=spec)
    with rendition.file.open("rb") as handle, Image.open(handle) as image:
        return rendition.file.name, image.convert("RGB").getpixel(xy)


def test_a_new_redaction_with_a_box_left_empty_is_a_form_error_that_keeps_the_edits(
    admin_client,
):
    photo = make_photo(data=make_image_bytes((800, 400)))
    response = admin_client.post(
        reverse("admin:gallery_photo_change", args=[photo.pk]),
        change_form_data(
            photo, alt_text="Typed meanwhile", **{**ONE_BOX, "redactions-0-height": ""}
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required." in page
    assert "Typed meanwhile" in page
    assert not photo.redactions.exists()


def test_saving_a_redaction_in_the_inline_regenerates_the_renditions(
    admin_client, django_capture_on_commit_callbacks
):
    photo = make_photo(data=make_image_bytes((800, 400), color=(250, 250, 250)))
    old_name, old_pixel = jpeg_pixel(photo, "jpeg-800", (100, 100))
    assert old_pixel[0] > 240

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:gallery_photo_change", args=[photo.pk]),
            change_form_data(photo, **ONE_BOX, **{"redactions-0-note": "passport"}),
        )

    assert response.status_code == 302
    assert Redaction.objects.get(photo=photo).note == "passport"
    new_name, new_pixel = jpeg_pixel(photo, "jpeg-800", (100, 100))
    assert new_name != old_name
    assert new_pixel[0] < 40  # The solid box replaced the white pixels.


def test_a_redaction_outside_the_photo_is_a_row_error(admin_client):
    photo = make_photo(size=(400, 300))
    response = admin_client.post(
        reverse("admin:gallery_photo_change", args=[photo.pk]),
        change_form_data(
            photo,
            **{
                "redactions-TOTAL_FORMS": "1",
                "redactions-0-x": "300",
                "redactions-0-y": "0",
                "redactions-0-width": "200",
                "redactions-0-height": "10",
                "redactions-0-method": "blur",
            },
        ),
    )
    assert response.status_code == 200
    assert "The region must lie inside the photo (400x300 pixels)." in response.content.decode()
    assert not Redaction.objects.exists()


def test_change_form_shows_the_editor_on_the_unredacted_preview_and_the_download(admin_client):
    photo = make_photo(size=(600, 400))
    page = admin_client.get(reverse("admin:gallery_photo_change", args=[photo.pk]))
    html = page.content.decode()
    preview_url = reverse("admin:gallery_photo_original_preview", args=[photo.pk])
    assert f'src="{preview_url}"' in html
    assert 'data-photo-width="600"' in html
    assert reverse("admin:gallery_photo_original", args=[photo.pk]) in html
    assert "gallery/photo-editor.js" in html
    assert ' style="' not in html.split('id="photo-editor"')[1].split("</fieldset>")[0]

    preview = admin_client.get(preview_url)
    assert preview["Content-Type"] == "image/jpeg"
    assert preview["Cache-Control"] == "private, no-store"
    assert Image.open(io.BytesIO(preview.content)).size == (600, 400)


def test_sensitive_without_a_warning_is_refused(admin_client):
    photo = make_photo()
    response = admin_client.post(
        reverse("admin:gallery_photo_change", args=[photo.pk]),
        change_form_data(photo, is_sensitive="on"),
    )
    assert response.status_code == 200
    assert "A sensitive photo needs a warning for readers." in response.content.decode()


def test_photo_list_columns_filters_and_rebuild_action(
    admin_client, django_capture_on_commit_callbacks
):
    protected = make_photo(title="Prisoner, ward 3", shows_prisoners=True)
    Redaction.objects.create(photo=protected, x=0, y=0, width=10, height=10)
    make_photo(title="Street scene")
    url = reverse("admin:gallery_photo_changelist")

    page = admin_client.get(url).content.decode()
    assert "Renditions ready" in page and 'class="gallery-thumbnail"' in page
    assert "Prisoners, detainees or minors" in page and "Has redactions" in page
    filtered = admin_client.get(url, {"protected": "yes"}).content.decode()
    assert "Prisoner, ward 3" in filtered and "Street scene" not in filtered
    redacted = admin_client.get(url, {"redacted": "yes"}).content.decode()
    assert "Prisoner, ward 3" in redacted and "Street scene" not in redacted

    old = set(protected.renditions.values_list("file", flat=True))
    rebuild = {"action": "rebuild_renditions", "_selected_action": [protected.pk]}
    with django_capture_on_commit_callbacks() as queued:
        response = admin_client.post(url, rebuild, follow=True)
        assert "Rebuilding the renditions of 1 photo; readers see the current ones" in (
            response.content.decode()
        )
        # Until the worker gets to it, readers keep today's files, not a placeholder.
        assert set(protected.renditions.values_list("file", flat=True)) == old
        # A second click queues nothing more.
        again = admin_client.post(url, rebuild, follow=True).content.decode()
        assert "Nothing more was queued. 1 was waiting for a rebuild already." in again
        assert "1 was waiting for a rebuild already" in again
    assert len(queued) == 1
    queued[0]()
    new = set(protected.renditions.values_list("file", flat=True))
    # The redaction added behind the pipeline's back is in the files now: new
    # bytes, new addresses (a file that came out the same keeps its own).
    assert len(new) == len(old) and len(new - old) >= 6
    # Done: it can be rebuilt again.
    with django_capture_on_commit_callbacks() as queued:
        admin_client.post(url, rebuild)
    assert len(queued) == 1


def test_credit_picker_searches_by_account(admin_client):
    credit = make_credit(platform="YouTube", account="SecurityServiceUkraine")
    make_credit(platform="Telegram", account="@someone_else")
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "SecurityService",
            "app_label": "gallery",
            "model_name": "photo",
            "field_name": "credit",
        },
    )
    assert [item["id"] for item in response.json()["results"]] == [str(credit.pk)]


def test_staff_without_the_download_right_draw_on_what_readers_see(client, staff):
    photo = make_photo(size=(600, 400))
    client.force_login(grant(staff, "view_photo", "change_photo"))

    html = client.get(reverse("admin:gallery_photo_change", args=[photo.pk])).content.decode()

    widest = max(photo.renditions.filter(spec__startswith="jpeg-"), key=lambda r: r.width)
    assert f'src="{widest.file.url}"' in html.split('id="photo-editor"')[1]
    assert reverse("admin:gallery_photo_original_preview", args=[photo.pk]) not in html
    assert "Download original" not in html and "Download the original" not in html


def test_single_upload_form_offers_the_file_and_the_credit_picker(admin_client):
    html = admin_client.get(reverse("admin:gallery_photo_add")).content.decode()
    assert 'type="file" name="upload"' in html
    assert "admin-autocomplete" in html  # Credits are picked, not retyped.
    assert 'id="add_id_credit"' in html  # …and made on the spot with "+".


def test_far_more_files_than_allowed_still_gets_the_clear_message(admin_client, settings):
    # Above Django's own default cap of 100 files, which would answer a bare 400.
    tiny = make_image_bytes((8, 8))
    files = [upload(f"p{n}.jpg", tiny) for n in range(120)]
    page = admin_client.post(UPLOAD_URL, {"files": files})
    assert page.status_code == 200
    assert "You sent 120 files; send at most 50 at a time." in page.content.decode()
    assert Photo.objects.count() == 0


def test_overlong_metadata_is_cut_to_fit_and_the_photo_saves_again(admin_client):
    exif = Image.Exif()
    exif[0x013B] = "Photographer " * 35  # Artist: 455 characters; the field holds 200.
    exif[0x8298] = "All rights reserved by the agency. " * 17  # Copyright: 595 of 300.
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (120, 90, 60)).save(buffer, "JPEG", exif=exif.tobytes())
    iptc = _iptc_segment(credit=b"Credit " * 60)  # 420 characters; the field holds 300.
    data = buffer.getvalue()[:2] + iptc + buffer.getvalue()[2:]

    response = admin_client.post(
        UPLOAD_URL, {"files": [upload("long.jpg", data)]}, headers={"accept": "application/json"}
    )

    assert response.json()["results"][0]["ok"] is True
    photo = Photo.objects.get()
    assert photo.creator.startswith("Photographer Photographer") and photo.creator.endswith("…")
    assert len(photo.creator) <= 200
    assert len(photo.copyright_notice) <= 300 and photo.copyright_notice.endswith("…")
    assert len(photo.embedded_credit_line) <= 300
    saved = admin_client.post(
        reverse("admin:gallery_photo_change", args=[photo.pk]),
        change_form_data(
            photo,
            creator=photo.creator,
            copyright_notice=photo.copyright_notice,
            embedded_credit_line=photo.embedded_credit_line,
        ),
    )
    assert saved.status_code == 302, saved.context["adminform"].form.errors


@pytest.mark.parametrize(
    "fields",
    [{}, {"line_override": "   "}, {"kind": "agency"}],
    ids=["nothing", "blank override", "agency without a name"],
)
def test_a_credit_that_says_nothing_is_refused(admin_client, fields):
    response = admin_client.post(
        reverse("admin:gallery_credit_add"),
        {"kind": "social", "verification": "unverified", **fields},
    )

    assert response.status_code == 200
    assert "This credit would read “Photo Credit: ” with nothing after it." in (
        response.content.decode()
    )
    assert not Credit.objects.exists()


def test_an_annotation_outside_the_photo_is_explained_once_on_its_row(admin_client):
    photo = make_photo(size=(400, 300))
    response = admin_client.post(
        reverse("admin:gallery_photo_change", args=[photo.pk]),
        change_form_data(
            photo,
            **{
                "annotations-TOTAL_FORMS": "1",
                "annotations-0-position": "1",
                "annotations-0-note": "Military ID in another name",
                "annotations-0-x": "0.8",
                "annotations-0-y": "0.1",
                "annotations-0-width": "0.3",
                "annotations-0-height": "0.2",
            },
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "is violated" not in html
    message = "The box runs past the right edge of the photo"
    assert html.count(message) == 1
    [row_errors] = [f.errors for f in response.context["inline_admin_formsets"][1].formset]
    assert message in row_errors["width"][0]
    assert not photo.annotations.exists()


def test_a_redaction_of_no_size_is_explained_once_on_its_row(admin_client):
    photo = make_photo(size=(400, 300))
    response = admin_client.post(
        reverse("admin:gallery_photo_change", args=[photo.pk]),
        change_form_data(
            photo,
            **{
                "redactions-TOTAL_FORMS": "1",
                "redactions-0-x": "10",
                "redactions-0-y": "10",
                "redactions-0-width": "0",
                "redactions-0-height": "40",
                "redactions-0-method": "box",
            },
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "is violated" not in html
    assert html.count("A redaction needs a width of at least 1 pixel.") == 1
    assert not Redaction.objects.exists()


def test_a_file_just_over_the_limit_is_told_so_in_the_units_of_the_upload_page(
    admin_client, settings
):
    assert settings.GALLERY_MAX_UPLOAD_BYTES == 40 * 1024 * 1024  # 41,943,040 bytes.
    big = upload("big.jpg", b"\0" * 41_943_100)

    response = admin_client.post(
        UPLOAD_URL, {"files": [big]}, headers={"accept": "application/json"}
    )

    [result] = response.json()["results"]
    assert result["error"] == (
        "The file is 41,943,100 bytes; the limit is 41,943,040 bytes (40.0\xa0MB)."
    )
    page = admin_client.get(UPLOAD_URL).content.decode()
    assert "and 40.0\xa0MB per file." in page


def test_a_file_well_over_the_limit_names_both_sizes(admin_client, settings):
    settings.GALLERY_MAX_UPLOAD_BYTES = 10 * 1024
    response = admin_client.post(
        reverse("admin:gallery_photo_add"), {"upload": upload("big.jpg", b"\0" * 15_000)}
    )
    assert "big.jpg: The file is 14.6\xa0KB; the limit is 10.0\xa0KB." in (
        response.content.decode()
    )


def test_photo_list_thumbnails_fit_an_80_pixel_square(admin_client):
    make_photo(size=(100, 1400), title="Tall scan")
    make_photo(size=(1200, 800), title="Landscape")

    page = admin_client.get(reverse("admin:gallery_photo_changelist")).content.decode()

    thumbnails = re.findall(r'<img [^>]*class="gallery-thumbnail"[^>]*>', page)
    sizes = sorted(re.search(r'width="(\d+)" height="(\d+)"', tag).groups() for tag in thumbnails)
    assert sizes == [("6", "80"), ("80", "53")]


def test_a_copy_of_a_library_photo_is_stored_with_a_warning(admin_client):
    from gallery.services import photo_create
    from tests.factories import jpeg_bytes, make_picture

    picture = make_picture(seed=7)
    first = photo_create(data=jpeg_bytes(picture, quality=92), filename="telegram.jpg")
    forwarded = jpeg_bytes(picture.resize((800, 533)), quality=45)

    response = admin_client.post(UPLOAD_URL, {"files": [upload("again.jpg", forwarded)]})
    page = " ".join(response.content.decode().split())
    assert "1 of 1 file stored." in page
    change = reverse("admin:gallery_photo_change", args=[first.pk])
    assert f'It looks like <a href="{change}">' in page
    assert "already in the library: check it is not the same picture." in page

    other = jpeg_bytes(picture.resize((640, 427)), quality=60)
    response = admin_client.post(
        "/admin/gallery/photo/add/",
        {"upload": upload("third.jpg", other), "title": "Third copy", "alt_text": "Men"},
        follow=True,
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert f'This photo looks like <a href="{change}">' in shown
    assert Photo.objects.count() == 3


def test_where_a_photo_was_taken_shows_only_to_staff_who_may_see_originals(client, staff):
    photo = make_photo()
    Photo.objects.filter(pk=photo.pk).update(latitude=51.233, longitude=35.1)
    change = reverse("admin:gallery_photo_change", args=[photo.pk])

    client.force_login(grant(staff, "view_photo", "change_photo", "download_original"))
    page = client.get(change).content.decode()
    assert "51.233000, 35.100000" in page
    assert "https://www.openstreetmap.org/?mlat=51.233000&amp;mlon=35.100000" in page

    narrowed = "/admin/gallery/photo/?latitude__gt=51.2329"
    assert 'name="_selected_action"' in client.get(narrowed).content.decode()

    client.force_login(grant(staff.__class__.objects.create_user("r", is_staff=True), "view_photo"))
    page = client.get(change).content.decode()
    assert "51.233" not in page and "where taken" not in page.lower()
    # Nor found out through the list's filters, narrowing a little at a time.
    for lookup in ("latitude__gt=51.2329", "longitude__isnull=False", "original__icontains=jpg"):
        assert client.get(f"/admin/gallery/photo/?{lookup}").status_code == 400


def _protected_photo_in_a_story(*, published: bool) -> Photo:
    from tests.factories import make_article, make_slide

    photo = make_photo(size=(400, 300), alt_text="Prisoners", is_sensitive=True)
    Photo.objects.filter(pk=photo.pk).update(
        shows_prisoners=True, sensitivity_warning="This photo shows prisoners of war."
    )
    photo.refresh_from_db()
    Redaction.objects.create(photo=photo, x=10, y=10, width=50, height=50, method="box")
    make_slide(article=make_article(published=published), position=1, photo=photo)
    return photo


def _lifting_post(photo: Photo) -> dict:
    """Untick the warning and prisoners, and delete the only redaction."""
    redaction = photo.redactions.get()
    return change_form_data(
        photo,
        **{
            "sensitivity_warning": photo.sensitivity_warning,
            "redactions-TOTAL_FORMS": "1",
            "redactions-INITIAL_FORMS": "1",
            "redactions-0-id": str(redaction.pk),
            "redactions-0-photo": str(photo.pk),
            "redactions-0-x": "10",
            "redactions-0-y": "10",
            "redactions-0-width": "50",
            "redactions-0-height": "50",
            "redactions-0-method": "box",
            "redactions-0-DELETE": "on",
        },
    )


def _desk(role: str):
    from tests.factories import make_user

    return make_user(role=role)


def test_the_photo_desk_cannot_lift_the_protection_of_a_photo_readers_see(client):
    photo = _protected_photo_in_a_story(published=True)
    client.force_login(_desk("Photo desk"))
    url = reverse("admin:gallery_photo_change", args=[photo.pk])

    # Unticking the marks: each box says why, and nothing changes.
    response = client.post(url, _lifting_post(photo))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("only an editor can take away its warning") >= 2
    photo.refresh_from_db()
    assert photo.is_sensitive and photo.shows_prisoners and photo.redactions.count() == 1

    # Keeping the marks but deleting the last redaction: refused too.
    data = _lifting_post(photo) | {"is_sensitive": "on", "shows_prisoners": "on"}
    response = client.post(url, data)
    assert "only an editor can take away its warning" in response.content.decode()
    assert photo.redactions.count() == 1


def test_a_photo_taken_in_a_year_to_come_is_a_field_error(admin_client):
    photo = make_photo()
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    data = change_form_data(photo, taken_at_0="2099-05-01", taken_at_1="12:00:00")
    response = admin_client.post(url, data)
    assert "That date has not come yet: check the year." in response.content.decode()
    photo.refresh_from_db()
    assert photo.taken_at is None


def test_the_desk_cannot_move_a_redaction_off_what_it_hid_but_may_cover_more(client):
    # Same size, moved: as much area hidden, and the face it covered out in the open.
    photo = _protected_photo_in_a_story(published=True)  # One 50x50 box at 10, 10.
    client.force_login(_desk("Photo desk"))
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    kept = _lifting_post(photo) | {"is_sensitive": "on", "shows_prisoners": "on"}
    kept["redactions-0-DELETE"] = ""

    moved = kept | {"redactions-0-x": "200"}
    assert "make its redactions hide less" in client.post(url, moved).content.decode()
    blurred = kept | {"redactions-0-method": "blur"}  # A box hides more than a blur.
    assert "make its redactions hide less" in client.post(url, blurred).content.decode()
    assert photo.redactions.get().x == 10

    # Moved, with a second box over the old place: nothing comes out.
    covered = moved | {
        "redactions-TOTAL_FORMS": "2",
        **{f"redactions-1-{k}": v for k, v in {"x": 0, "y": 0, "width": 70, "height": 70}.items()},
        "redactions-1-method": "box",
    }
    assert client.post(url, covered).status_code == 302
    assert sorted(photo.redactions.values_list("x", flat=True)) == [0, 200]


def test_an_editor_may_move_a_redaction_of_a_public_photo(client):
    photo = _protected_photo_in_a_story(published=True)
    client.force_login(_desk("Editors"))
    data = _lifting_post(photo) | {"is_sensitive": "on", "shows_prisoners": "on"}
    data |= {"redactions-0-DELETE": "", "redactions-0-x": "200"}
    response = client.post(reverse("admin:gallery_photo_change", args=[photo.pk]), data)
    assert response.status_code == 302
    assert photo.redactions.get().x == 200


@pytest.mark.parametrize(("role", "published"), [("Editors", True), ("Photo desk", False)])
def test_an_editor_or_a_draft_may_lift_the_protection(client, role, published):
    photo = _protected_photo_in_a_story(published=published)
    client.force_login(_desk(role))
    response = client.post(
        reverse("admin:gallery_photo_change", args=[photo.pk]), _lifting_post(photo)
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert not photo.is_sensitive and not photo.shows_prisoners
    assert photo.redactions.count() == 0


def test_an_original_downloads_as_the_image_it_is_whatever_its_name_said(client, staff):
    photo = make_photo(data=make_image_bytes((300, 200)), filename="report.html")
    client.force_login(grant(staff, "view_photo", "download_original"))
    response = client.get(reverse("admin:gallery_photo_original", args=[photo.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="report.jpg"'


def test_restoring_an_old_version_cannot_lift_the_protection_either(client):
    import reversion
    from reversion.models import Version

    photo = _protected_photo_in_a_story(published=True)
    with reversion.create_revision():
        Photo.objects.filter(pk=photo.pk).update(shows_prisoners=False, is_sensitive=False)
        photo.refresh_from_db()
        reversion.add_to_revision(photo)  # An old version without the marks.
    Photo.objects.filter(pk=photo.pk).update(shows_prisoners=True, is_sensitive=True)
    photo.refresh_from_db()
    old = Version.objects.get_for_object(photo).first()

    client.force_login(_desk("Photo desk"))
    url = reverse("admin:gallery_photo_revision", args=[photo.pk, old.pk])
    data = change_form_data(photo, sensitivity_warning=photo.sensitivity_warning)
    data |= {"redactions-TOTAL_FORMS": "0", "redactions-INITIAL_FORMS": "0"}
    response = client.post(url, data)
    assert "only an editor can take away its warning" in response.content.decode()
    photo.refresh_from_db()
    assert photo.shows_prisoners and photo.is_sensitive


def test_the_desk_cannot_shrink_the_redactions_of_a_public_photo_but_may_grow_them(client):
    photo = _protected_photo_in_a_story(published=True)  # One 50x50 box.
    client.force_login(_desk("Photo desk"))
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    kept = _lifting_post(photo) | {"is_sensitive": "on", "shows_prisoners": "on"}
    kept["redactions-0-DELETE"] = ""

    shrunk = kept | {"redactions-0-width": "1", "redactions-0-height": "1"}
    assert "make its redactions hide less" in client.post(url, shrunk).content.decode()
    assert photo.redactions.get().width == 50

    grown = kept | {"redactions-0-width": "80"}
    assert client.post(url, grown).status_code == 302
    assert photo.redactions.get().width == 80


def test_the_desk_cannot_take_the_last_redaction_off_any_photo_readers_see(client):
    # A document or a name tag, not only protected people: it would go public at once.
    from tests.factories import make_article, make_slide

    photo = make_photo(size=(400, 300), alt_text="A letter on a desk")
    Redaction.objects.create(photo=photo, x=10, y=10, width=50, height=50, method="box")
    make_slide(article=make_article(), position=1, photo=photo)
    client.force_login(_desk("Photo desk"))
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    answer = client.post(url, _lifting_post(photo) | {"sensitivity_warning": ""})
    assert "only an editor can" in answer.content.decode()
    assert photo.redactions.count() == 1


def test_deleting_a_photo_a_story_uses_names_the_story_not_a_missing_permission(client):
    from tests.factories import make_article, make_slide

    photo = make_photo()
    make_slide(article=make_article(headline="Captured in Kursk"), position=1, photo=photo)
    client.force_login(_desk("Photo desk"))
    page = client.get(reverse("admin:gallery_photo_delete", args=[photo.pk])).content.decode()
    assert "doesn’t have permission to delete" not in page
    assert "would require deleting the following protected related objects" in page
    assert "Captured in Kursk" in page
    client.post(reverse("admin:gallery_photo_delete", args=[photo.pk]), {"post": "yes"})
    assert Photo.objects.filter(pk=photo.pk).exists()


@pytest.mark.parametrize("emptied", ["alt_text", "credit"])
def test_a_photo_readers_see_keeps_its_alt_text_and_credit(admin_client, emptied):
    from tests.factories import make_article, make_slide

    photo = make_photo(alt_text="Two soldiers in a hospital ward")
    make_slide(article=make_article(), position=1, photo=photo)
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    response = admin_client.post(url, change_form_data(photo, **{emptied: ""}))
    assert "Readers can see this photo: it needs" in response.content.decode()
    photo.refresh_from_db()
    assert photo.alt_text and photo.credit_id

    draft_photo = make_photo()
    make_slide(article=make_article(published=False), position=1, photo=draft_photo)
    url = reverse("admin:gallery_photo_change", args=[draft_photo.pk])
    assert admin_client.post(url, change_form_data(draft_photo, **{emptied: ""})).status_code == 302


def test_a_disputed_credit_never_reaches_a_story_readers_see_from_the_photo_desk(client):
    from django.contrib.messages import get_messages

    from tests.factories import make_article, make_slide, make_user

    doubted = make_credit(platform="YouTube", account="Copycat", verification="disputed")
    live, library = make_photo(), make_photo()
    make_slide(article=make_article(), position=1, photo=live)
    client.force_login(make_user(role="Photo desk"))

    url = reverse("admin:gallery_photo_change", args=[live.pk])
    page = client.post(url, change_form_data(live, credit=doubted.pk)).content.decode()
    assert f"the credit “{doubted}” is marked disputed, and a story that is out" in page

    action = {"action": "give_credit", "_selected_action": [live.pk, library.pk]}
    response = client.post("/admin/gallery/photo/", action | {"credit": doubted.pk}, follow=True)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [
        f"Gave 1 photo the credit “{doubted}”.",
        f"1 photo that readers can see kept its credit: “{doubted}” is marked disputed, and "
        "a story that is out may not show one. Settle it on the credit's page first.",
        f"“{doubted}” is marked disputed: stories with the photos given it cannot be "
        "published until it is settled.",
    ]
    live.refresh_from_db()
    library.refresh_from_db()
    assert live.credit != doubted and library.credit == doubted
    # Run again: the other photo has it already, and says so.
    response = client.post("/admin/gallery/photo/", action | {"credit": doubted.pk}, follow=True)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said[0] == f"The other 1 photo has the credit “{doubted}” already."


def test_restoring_a_version_without_alt_text_cannot_empty_a_live_photos(admin_client):
    import reversion
    from reversion.models import Version

    from tests.factories import make_article, make_slide

    photo = make_photo(alt_text="Two soldiers in a hospital ward")
    with reversion.create_revision():
        Photo.objects.filter(pk=photo.pk).update(alt_text="")
        photo.refresh_from_db()
        reversion.add_to_revision(photo)  # An old version from before it had alt text.
    Photo.objects.filter(pk=photo.pk).update(alt_text="Two soldiers in a hospital ward")
    photo.refresh_from_db()
    make_slide(article=make_article(), position=1, photo=photo)
    old = Version.objects.get_for_object(photo).first()

    url = reverse("admin:gallery_photo_revision", args=[photo.pk, old.pk])
    response = admin_client.post(url, change_form_data(photo, alt_text=""))
    assert "Readers can see this photo: it needs its alt text" in response.content.decode()
    photo.refresh_from_db()
    assert photo.alt_text == "Two soldiers in a hospital ward"


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("protected=yes", {"prisoner"}),
        ("protected=no", {"plain", "redacted", "withheld"}),
        ("redacted=yes", {"redacted"}),
        ("redacted=no", {"plain", "prisoner", "withheld"}),
        ("withheld=yes", {"withheld"}),
        ("withheld=no", {"plain", "prisoner", "redacted"}),
    ],
)
def test_the_photo_list_filters_split_the_photos_yes_or_no(admin_client, query, shown):
    make_photo(title="plain")
    make_photo(title="prisoner", shows_prisoners=True)
    redacted = make_photo(title="redacted")
    for x in (1, 20):  # Two regions: still one row in the list.
        Redaction.objects.create(photo=redacted, x=x, y=1, width=10, height=10)
    make_photo(title="withheld", withheld_reason="Source safety")
    response = admin_client.get(f"{reverse('admin:gallery_photo_changelist')}?{query}")
    listed = [str(photo) for photo in response.context["cl"].result_list]
    assert sorted(listed) == sorted(shown)  # Each once: no duplicate rows from a join.


def lose_original(photo: Photo) -> bytes:
    with photo.original.open("rb") as handle:
        data = handle.read()
    photo.original.storage.delete(photo.original.name)
    return data


def test_a_photo_whose_original_is_lost_says_so_and_takes_back_that_very_file(
    admin_client, django_capture_on_commit_callbacks
):
    photo = make_photo(data=make_image_bytes((800, 400), color=(250, 250, 250)))
    data = lose_original(photo)
    url = reverse("admin:gallery_photo_change", args=[photo.pk])

    page = admin_client.get(url).content.decode()
    assert "has gone from the photo store" in page
    assert 'name="restore_original"' in page

    # A redaction saved meanwhile drops the unredacted files and says none can be made.
    redaction = ONE_BOX
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, change_form_data(photo, **redaction), follow=True)
    assert "cannot be made again until the original is restored" in response.content.decode()
    assert not photo.renditions.exists()
    page = admin_client.get(url).content.decode()
    assert "None can be made: the original has gone from the photo store." in page
    assert "Download the original" not in page  # It would answer 404.

    other = make_image_bytes((800, 400), color=(10, 10, 10))
    saved = change_form_data(photo, **{**redaction, "redactions-INITIAL_FORMS": "1"})
    saved["redactions-0-id"] = Redaction.objects.get(photo=photo).pk
    saved["redactions-0-photo"] = photo.pk
    response = admin_client.post(
        url, {**saved, "title": "Kept", "restore_original": upload("other.jpg", other)}
    )
    assert response.status_code == 200
    assert "other.jpg is not the file uploaded as this photo" in response.content.decode()
    assert not photo.original.storage.exists(photo.original.name)
    assert Photo.objects.get(pk=photo.pk).title != "Kept"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {**saved, "restore_original": upload("again.jpg", data)}, follow=True
        )
    assert "The original is back" in response.content.decode()
    assert photo.original.storage.exists(photo.original.name)
    assert photo.renditions.filter(spec="jpeg-800").exists()
    assert jpeg_pixel(photo, "jpeg-800", (100, 100))[1][0] < 40  # Made with the redaction.
    page = admin_client.get(url).content.decode()
    assert "has gone from the photo store" not in page
    assert 'name="restore_original"' not in page


def test_a_credits_page_says_how_many_of_its_photos_readers_see(admin_client):
    from tests.factories import make_article, make_slide

    credit = make_credit(platform="Telegram", account="@desk_test")
    url = reverse("admin:gallery_credit_change", args=[credit.pk])
    assert "No photo yet." in admin_client.get(url).content.decode()

    shown, kept_back = make_photo(credit=credit), make_photo(credit=credit)
    make_slide(article=make_article(published=True), position=1, photo=shown)
    make_slide(article=make_article(published=False), position=1, photo=kept_back)
    page = admin_client.get(url).content.decode()
    assert "2 photos, 1 of them in published or scheduled stories" in page
    assert "readers see a change to this credit there at once" in page


def test_a_photo_saved_from_a_stale_page_is_refused_and_keeps_what_was_saved_meanwhile(
    admin_client,
):
    photo = make_photo()
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    page = admin_client.get(url).content.decode()
    (opened_at,) = re.findall(r'name="opened_at" value="([^"]+)"', page)
    editor_tab = change_form_data(photo, opened_at=opened_at, alt_text="Better alt text")

    # Meanwhile the desk withholds it, from a page opened after.
    withheld = change_form_data(photo, withheld_reason="A source's safety")
    assert admin_client.post(url, withheld).status_code == 302

    response = admin_client.post(url, editor_tab)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone saved this photo after you opened it" in page
    assert "Better alt text" in page  # What was typed is still there.
    photo.refresh_from_db()
    assert photo.withheld_reason == "A source's safety"
    assert photo.alt_text != "Better alt text"


def test_a_deleted_photo_says_its_original_goes_and_once_recovered_asks_for_it(
    admin_client, django_capture_on_commit_callbacks
):
    from reversion.models import Version

    photo = make_photo(data=make_image_bytes((800, 400)))
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, change_form_data(photo, title="Kept")).status_code == 302
    delete_url = reverse("admin:gallery_photo_delete", args=[photo.pk])
    assert "The original file goes with the photo, for good." in (
        admin_client.get(delete_url).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(delete_url, {"post": "yes"})
    assert not Photo.objects.filter(pk=photo.pk).exists()

    version = Version.objects.get_deleted(Photo).get()
    recover = reverse("admin:gallery_photo_recover", args=[version.pk])
    page = admin_client.get(recover).content.decode()
    assert "has gone from the photo store" in page
    assert 'name="restore_original"' in page
    (opened_at,) = re.findall(r'name="opened_at" value="([^"]*)"', page)
    data = change_form_data(photo, title="Kept", opened_at=opened_at)
    assert admin_client.post(recover, data).status_code == 302
    recovered = Photo.objects.get(pk=photo.pk)
    assert recovered.title == "Kept"
    # Its redactions and notes did not come back: withheld until a person has looked.
    assert recovered.withheld_reason.startswith("Recovered after it was deleted")


def test_a_stale_recover_page_or_a_file_uploaded_again_sends_the_desk_to_the_photo_there(
    admin_client, django_capture_on_commit_callbacks
):
    from reversion.models import Version

    data = make_image_bytes((640, 400))
    photo = make_photo(data=data)
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, change_form_data(photo, title="Kept"))
        admin_client.post(reverse("admin:gallery_photo_delete", args=[photo.pk]), {"post": "yes"})
    version = Version.objects.get_deleted(Photo).get()
    recover = reverse("admin:gallery_photo_recover", args=[version.pk])
    opened = admin_client.get(recover).content.decode()
    (opened_at,) = re.findall(r'name="opened_at" value="([^"]*)"', opened)
    stale = change_form_data(photo, title="Kept", opened_at=opened_at)
    assert admin_client.post(recover, stale).status_code == 302  # Recovered once.
    Photo.objects.filter(pk=photo.pk).update(withheld_reason="A source's safety")

    response = admin_client.post(recover, stale, follow=True)  # The same page, again.
    assert "This photo is in the library already" in response.content.decode()
    assert Photo.objects.get(pk=photo.pk).withheld_reason == "A source's safety"

    # Deleted again, and the same file uploaded since as a new photo: no 500.
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:gallery_photo_delete", args=[photo.pk]), {"post": "yes"})
    again = make_photo(data=data)
    version = Version.objects.get_deleted(Photo).get()
    response = admin_client.get(reverse("admin:gallery_photo_recover", args=[version.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:gallery_photo_change", args=[again.pk])


def test_marking_a_credit_disputed_warns_of_the_stories_that_stay_out(admin_client):
    from tests.factories import make_article, make_slide

    credit = make_credit(kind="agency", platform="Reuters", account="", creator="John Doe")
    make_slide(article=make_article(published=True), position=1, photo=make_photo(credit=credit))
    url = reverse("admin:gallery_credit_change", args=[credit.pk])
    data = {
        "kind": "agency",
        "platform": "Reuters",
        "account": "",
        "creator": "John Doe",
        "line_override": "",
        "url": "",
        "retrieved_at_0": "",
        "retrieved_at_1": "",
        "licence": "",
        "verification": "disputed",
        "verification_note": "The agency denies it.",
        "opened_at": credit.updated_at.isoformat(),
    }
    response = admin_client.post(url, data, follow=True)
    assert "1 photo with this credit is in published or scheduled stories" in (
        response.content.decode()
    )


def test_a_credit_reading_like_another_is_pointed_out(admin_client):
    from django.contrib.messages import get_messages

    original = make_credit(kind="screenshot", platform="YouTube", account="SecurityService")
    data = {
        "kind": "screenshot",
        "platform": "YouTube",
        "account": "SecurityService",
        "verification": "disputed",
        "retrieved_at_0": "",
        "retrieved_at_1": "",
    }
    response = admin_client.post(reverse("admin:gallery_credit_add"), data, follow=True)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert (
        f"Another credit reads “Screenshot / YouTube SecurityService” too (#{original.pk}, "
        "not verified): readers cannot tell them apart, and credit pickers only by their "
        "numbers." in " ".join(said)
    )
    twin = Credit.objects.exclude(pk=original.pk).get()
    # The photo form's picker names each with its verification and number.
    found = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "SecurityService",
            "app_label": "gallery",
            "model_name": "photo",
            "field_name": "credit",
        },
    ).json()["results"]
    line = "Screenshot / YouTube SecurityService"
    assert sorted(item["text"] for item in found) == sorted(
        [f"{line} · not verified · #{original.pk}", f"{line} · disputed · #{twin.pk}"]
    )
    photo = make_photo(credit=twin)
    page = admin_client.get(reverse("admin:gallery_photo_change", args=[photo.pk])).content
    assert f"{line} · disputed · #{twin.pk}</option>" in page.decode()


def test_a_photo_uploaded_with_others_is_in_its_history_and_can_be_recovered(
    admin_client, django_capture_on_commit_callbacks
):
    from reversion.models import Version

    files = [upload(f"{n}.jpg", make_image_bytes((300 + n, 200))) for n in (1, 2)]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(UPLOAD_URL, {"files": files})
    photo = Photo.objects.get(original_filename="1.jpg")
    history = reverse("admin:gallery_photo_history", args=[photo.pk])
    assert "Uploaded with others." in admin_client.get(history).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:gallery_photo_delete", args=[photo.pk]), {"post": "yes"})
    recoverable = admin_client.get(reverse("admin:gallery_photo_recoverlist")).content.decode()
    version = Version.objects.get_deleted(Photo).get()
    assert reverse("admin:gallery_photo_recover", args=[version.pk]) in recoverable
    assert Photo.objects.filter(original_filename="2.jpg").exists()  # Its own version only.


def test_the_photo_desk_credits_a_batch_of_photos_at_once(client):
    from django.contrib.messages import get_messages
    from reversion.models import Version

    from tests.factories import make_user

    client.force_login(make_user(role="Photo desk"))
    channel = make_credit(platform="Telegram", account="@V_Zelenskiy_official")
    batch = [make_photo() for _ in range(3)]
    already = make_photo(credit=channel)
    listing = client.get("/admin/gallery/photo/").content.decode()
    assert 'name="credit"' in listing and "Credit to give" in listing

    chosen = [photo.pk for photo in (*batch, already)]
    action = {"action": "give_credit", "_selected_action": chosen}
    response = client.post("/admin/gallery/photo/", action, follow=True)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [
        "No credit was given: choose one in “Credit to give” beside the action, then "
        "select the photos again and run it."
    ]
    assert not Photo.objects.filter(pk=batch[0].pk, credit=channel).exists()

    # A credit deleted since the list was opened: said so, not "No action selected."
    response = client.post("/admin/gallery/photo/", action | {"credit": 99999}, follow=True)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said[0].startswith(
        "No credit was given: the credit chosen is no longer in the library (deleted since"
    )

    response = client.post("/admin/gallery/photo/", action | {"credit": channel.pk}, follow=True)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [f"Gave 3 photos the credit “{channel}”. 1 had it already."]
    assert Photo.objects.filter(credit=channel).count() == 4
    # Each change is in its photo's history, where it can be undone: the photo as it
    # was before, though it had never been saved in its form, and as it is now.
    now, before = Version.objects.get_for_object(batch[0])
    assert now.revision.comment.startswith(f"Credit: “{channel}”")
    assert before.field_dict["credit_id"] == batch[0].credit_id != channel.pk
    # Its own: restoring it restores this photo alone, not the batch.
    assert now.revision.version_set.count() == before.revision.version_set.count() == 1


def test_a_photo_too_small_for_readers_is_pointed_out_at_upload(admin_client):
    files = [
        upload("big.jpg", make_image_bytes((640, 480))),
        upload("tiny.jpg", make_image_bytes((40, 30))),
    ]
    page = html.unescape(admin_client.post(UPLOAD_URL, {"files": files}).content.decode())
    page = " ".join(page.split())
    assert page.count("it is small") == 1
    assert "At 40×30 pixels it is small: it shows blurred across a phone's screen" in page

    response = admin_client.post(
        "/admin/gallery/photo/add/",
        {"upload": upload("thumb.jpg", make_image_bytes((300, 200))), "alt_text": "A thumb"},
        follow=True,
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "At 300×200 pixels it is small" in shown


def test_credits_naming_no_platform_have_a_filter_that_says_so(admin_client):
    by_name = make_credit(kind="agency", platform="", account="", creator="Jane Doe")
    make_credit(platform="Telegram")
    page = admin_client.get("/admin/gallery/credit/").content.decode()
    assert '<a href="?platform=">' not in page  # A link with no words.
    assert ">None named</a>" in page
    listed = admin_client.get("/admin/gallery/credit/", {"platform": "-"}).context["cl"]
    assert list(listed.result_list) == [by_name]


def test_renditions_never_made_say_so_on_the_photo_page_not_being_prepared(admin_client):
    import datetime as dt

    from django.utils import timezone

    photo = make_photo()
    photo.renditions.all().delete()
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    assert "Renditions are being prepared." in admin_client.get(url).content.decode()
    # Long past the task's last try.
    Photo.objects.filter(pk=photo.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    page = admin_client.get(url).content.decode()
    assert "None: making them failed (the task worker&#x27;s log says why)." in page


def test_a_photo_withdrawn_waits_for_its_new_files_and_is_not_said_to_have_failed(
    admin_client, settings, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from gallery.services import photo_withdraw_files

    photo = make_photo()
    Photo.objects.filter(pk=photo.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    photo.refresh_from_db()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # A worker.
    with django_capture_on_commit_callbacks(execute=True):
        photo_withdraw_files(photo=photo)
    assert not photo.renditions.exists()  # Queued, not made yet.
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    assert "Renditions are being prepared." in admin_client.get(url).content.decode()


def opened_at_of(page) -> str:
    """The edit lock's value, as the page opened shows it."""
    (opened_at,) = re.findall(r'name="opened_at" value="([^"]+)"', page.content.decode())
    return opened_at


def agency_credit_form(opened_at: str, **values) -> dict:
    """The credit page's post for make_credit(kind="agency", platform="Reuters", …)."""
    return {
        "kind": "agency",
        "platform": "Reuters",
        "account": "",
        "creator": "John Doe",
        "line_override": "",
        "url": "",
        "retrieved_at_0": "",
        "retrieved_at_1": "",
        "licence": "",
        "verification": "unverified",
        "verification_note": "",
        "opened_at": opened_at,
        **values,
    }


def test_a_credit_saved_from_a_stale_page_is_refused_and_keeps_what_was_saved_meanwhile(
    admin_client,
):
    credit = make_credit(kind="agency", platform="Reuters", account="", creator="John Doe")
    url = reverse("admin:gallery_credit_change", args=[credit.pk])
    opened_at = opened_at_of(admin_client.get(url))
    first_tab = agency_credit_form(opened_at, licence="Free for editorial use")
    second_tab = agency_credit_form(opened_at, licence="Pool photo, no sales")
    assert admin_client.post(url, first_tab).status_code == 302

    response = admin_client.post(url, second_tab)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone saved this credit after you opened it" in page
    assert "Pool photo, no sales" in page  # What was typed is still there.
    credit.refresh_from_db()
    assert credit.licence == "Free for editorial use"


def test_an_old_version_of_a_credit_can_be_restored_unless_saved_since(admin_client):
    from reversion.models import Version

    credit = make_credit(kind="agency", platform="Reuters", account="", creator="John Doe")
    url = reverse("admin:gallery_credit_change", args=[credit.pk])

    def save(licence):
        opened_at = opened_at_of(admin_client.get(url))
        return admin_client.post(url, agency_credit_form(opened_at, licence=licence))

    assert save("First terms").status_code == 302
    assert save("Second terms").status_code == 302
    first = Version.objects.get_for_object(credit).order_by("pk").first()
    restore = reverse("admin:gallery_credit_revision", args=[credit.pk, first.pk])
    opened_at = opened_at_of(admin_client.get(restore))

    assert save("Third terms").status_code == 302  # Meanwhile, from another tab.
    stale = admin_client.post(restore, agency_credit_form(opened_at, licence="First terms"))
    assert "Someone saved this credit after you opened it" in stale.content.decode()
    credit.refresh_from_db()
    assert credit.licence == "Third terms"

    opened_at = opened_at_of(admin_client.get(restore))
    assert (
        admin_client.post(restore, agency_credit_form(opened_at, licence="First terms")).status_code
        == 302
    )
    credit.refresh_from_db()
    assert credit.licence == "First terms"


@pytest.mark.parametrize("posted", ["abc", "99999999999999999999999"])
def test_a_photo_posted_with_a_credit_no_one_could_choose_is_a_form_error(admin_client, posted):
    photo = make_photo(title="Kept")
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    response = admin_client.post(url, change_form_data(photo, credit=posted, title="Typed"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page and "Typed" in page


def test_a_credit_given_from_the_photo_list_reaches_readers_at_once(admin_client, client):
    from tests.factories import make_article, make_slide

    article = make_article()
    photos = [make_photo() for _ in range(3)]
    for position, photo in enumerate(photos, start=1):
        make_slide(article=article, position=position, photo=photo)
    agency = make_credit(kind="agency", platform="Reuters", account="", creator="Jane Roe")
    assert "Jane Roe" not in client.get(article.get_absolute_url()).content.decode()  # Cached.

    action = {
        "action": "give_credit",
        "_selected_action": [photo.pk for photo in photos],
        "credit": agency.pk,
    }
    assert admin_client.post("/admin/gallery/photo/", action).status_code == 302
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count(f"Photo Credit: {agency.line}") == 3


def test_choosing_a_library_photo_answers_only_the_window_that_asked(admin_client):
    photo = make_photo(title="Filed by the desk")
    url = reverse("admin:gallery_photo_choose", args=[photo.pk])
    assert admin_client.get(url)["Location"] == reverse(
        "admin:gallery_photo_change", args=[photo.pk]
    )
    answer = admin_client.get(url, {"_popup": 1, "_to_field": "id"})
    assert f'"value": "{photo.pk}"' in answer.content.decode().replace("&quot;", '"')
    assert admin_client.get(url, {"_popup": 1, "_to_field": "sha256"}).status_code == 400
    assert admin_client.get(reverse("admin:gallery_photo_choose", args=[999999])).status_code == 404


def test_a_duplicate_upload_in_a_slides_popup_opens_the_library_photo_beside_it(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import make_image_bytes

    data = make_image_bytes((300, 200))
    photo = make_photo(data=data, title="Filed by the desk")
    response = admin_client.post(
        "/admin/gallery/photo/add/?_popup=1&_to_field=id",
        {"upload": SimpleUploadedFile("a.jpg", data, "image/jpeg"), "_popup": "1"},
    )
    page = response.content.decode()
    change = reverse("admin:gallery_photo_change", args=[photo.pk])
    assert f'<a href="{change}" target="_blank">Filed by the desk</a> (opens in a new tab)' in page
    assert "Use that photo here" in page
    # Outside a popup, the link opens the photo in place.
    plain = admin_client.post(
        "/admin/gallery/photo/add/", {"upload": SimpleUploadedFile("a.jpg", data, "image/jpeg")}
    ).content.decode()
    assert f'<a href="{change}">Filed by the desk</a>.' in plain


def test_who_may_not_open_library_photos_is_not_offered_links_to_them(client):
    from django.contrib.auth.models import Permission
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import make_image_bytes, make_user

    data = make_image_bytes((300, 200))
    make_photo(data=data, title="Filed by the desk")
    uploader = make_user()
    uploader.is_staff = True
    uploader.save()
    uploader.user_permissions.add(Permission.objects.get(codename="add_photo"))
    client.force_login(uploader)
    response = client.post(
        "/admin/gallery/photo/add/?_popup=1&_to_field=id",
        {"upload": SimpleUploadedFile("a.jpg", data, "image/jpeg"), "_popup": "1"},
    )
    page = response.content.decode()
    assert "This file is in the photo library already; ask the photo desk for it." in page
    assert "Use that photo here" not in page and "Filed by the desk" not in page


def test_a_photos_page_names_the_stories_using_it_and_those_readers_see(client):
    from tests.factories import make_article, make_slide, make_user

    photo = make_photo()
    live = make_article(headline="Captured in Kursk")
    draft = make_article(headline="Next week's follow-up", published=False)
    for story in (live, draft):
        make_slide(article=story, position=1, photo=photo)
    client.force_login(make_user(role="Editors"))
    page = client.get(reverse("admin:gallery_photo_change", args=[photo.pk])).content.decode()
    live_url = reverse("admin:newsroom_article_change", args=[live.pk])
    assert f'<a href="{live_url}">Captured in Kursk (published)</a> — readers see it' in page
    assert "Next week&#x27;s follow-up (draft)</a></li>" in page
    # The photo desk may not open stories in the admin: named, not linked to a 403.
    client.force_login(make_user(role="Photo desk"))
    page = client.get(reverse("admin:gallery_photo_change", args=[photo.pk])).content.decode()
    assert "<li>Captured in Kursk (published) — readers see it</li>" in page
    assert live_url not in page
    lone = make_photo()
    page = client.get(reverse("admin:gallery_photo_change", args=[lone.pk])).content.decode()
    assert "No story yet." in page


def credit_form_data(**overrides) -> dict:
    """The credit add form's post, as staff fill it in."""
    return {
        "kind": "screenshot",
        "platform": "YouTube",
        "account": "SecurityService",
        "verification": "unverified",
        "retrieved_at_0": "",
        "retrieved_at_1": "",
        **overrides,
    }


def test_a_credit_links_only_to_an_address_a_browser_opens(admin_client):
    data = credit_form_data(url="ftp://files.example.org/clip.mp4")
    page = admin_client.post(reverse("admin:gallery_credit_add"), data).content.decode()
    assert "Give a web address starting with https:// or http://." in page
    assert not Credit.objects.exists()


@pytest.mark.parametrize(
    "action", ["delete_selected", "withdraw_public_files", "give_credit", "rebuild_renditions"]
)
def test_a_photo_action_the_account_may_not_take_is_refused_not_ignored(client, action):
    from tests.factories import make_user

    photo = make_photo()
    client.force_login(make_user(role="Reporters"))
    posted = {"action": action, "_selected_action": [photo.pk], "post": "yes"}
    response = client.post(reverse("admin:gallery_photo_changelist"), posted)
    assert response.status_code == 403
    assert "Your account may not open this page" in response.content.decode()
    assert Photo.objects.filter(pk=photo.pk, withheld_reason="").exists()


def test_a_date_off_the_calendar_is_a_form_error_in_any_time_zone(admin_client, settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    data = credit_form_data(retrieved_at_0="0001-01-01", retrieved_at_1="00:00")
    page = admin_client.post(reverse("admin:gallery_credit_add"), data).content.decode()
    assert "Give a date between the years 1800 and 2999." in page
    assert 'value="SecurityService"' in page
    assert not Credit.objects.exists()


def test_the_first_day_allowed_is_judged_in_utc_as_bundles_carry_it(admin_client, settings):
    settings.TIME_ZONE = "Europe/Kyiv"  # Midnight on 1 January 1800 there is 1799 in UTC.
    data = credit_form_data(retrieved_at_0="1800-01-01", retrieved_at_1="00:00")
    page = admin_client.post(reverse("admin:gallery_credit_add"), data).content.decode()
    assert "Give a date between the years 1800 and 2999." in page
    data["retrieved_at_0"] = "1800-01-02"
    assert admin_client.post(reverse("admin:gallery_credit_add"), data).status_code == 302


def test_a_withheld_photos_original_restored_makes_no_public_files_and_says_none(
    admin_client, django_capture_on_commit_callbacks
):
    photo = make_photo()
    Photo.objects.filter(pk=photo.pk).update(withheld_reason="A court order.")
    photo.refresh_from_db()
    data = lose_original(photo)
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    posted = change_form_data(photo, withheld_reason="A court order.")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {**posted, "restore_original": upload("again.jpg", data)}, follow=True
        )
    said = response.content.decode()
    assert "The original is back." in said and "public files are being made" not in said
    assert photo.original.storage.exists(photo.original.name)
