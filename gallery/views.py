"""Staff-only views of the photo desk, mounted by PhotoAdmin.get_urls()."""

import logging
from pathlib import PurePath

from django.conf import settings
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from PIL import Image

from gallery import images
from gallery.forms import BulkUploadForm, too_big_message
from gallery.models import Photo
from gallery.services import DuplicatePhoto, StorageFailed, photo_create, photos_like
from gallery.validation import ImageRejected, sanitise_filename

logger = logging.getLogger(__name__)

PREVIEW_WIDTH = 1200


def can_see_originals(user) -> bool:
    """Originals show what public files hide (redacted faces, documents): staff with rights only."""
    if not (user.is_active and user.is_staff and user.has_perm("gallery.view_photo")):
        return False
    # A dedicated permission, when the model declares one, narrows it further.
    codenames = {codename for codename, _ in Photo._meta.permissions}
    return "download_original" not in codenames or user.has_perm("gallery.download_original")


def upload_one(upload, *, user) -> dict:
    """Store one uploaded file; the result says what became of it, in words for the uploader."""
    name = sanitise_filename(upload.name)
    result = {"name": name, "ok": False}
    if upload.size > settings.GALLERY_MAX_UPLOAD_BYTES:
        # Refuse before reading a huge file into memory.
        return {**result, "error": too_big_message(upload.size)}
    data = upload.read()
    try:
        # photo_create() fills caption, credit, creator… from the file's own metadata.
        photo = photo_create(data=data, filename=upload.name, by=user)
    except DuplicatePhoto as exc:
        existing = exc.existing
        return {
            **result,
            "error": "This file was already uploaded.",
            "existing_url": reverse("admin:gallery_photo_change", args=[existing.pk]),
            "existing_label": str(existing),
        }
    except (ImageRejected, StorageFailed) as exc:
        return {**result, "error": str(exc)}
    except Exception:
        # One broken file must not cost the others their upload, nor the page a 500.
        logger.exception("Storing upload %r failed", name)
        return {**result, "error": "This file could not be stored; nothing was saved. Try again."}
    return {
        **result,
        "ok": True,
        "photo": photo,  # For the upload's log; not part of the answer.
        "url": reverse("admin:gallery_photo_change", args=[photo.pk]),
        "label": str(photo),
        "small": photo.smallness(),
        # Stored all the same: a near copy may be a better one, or a burst of shots.
        "lookalikes": [
            {"url": reverse("admin:gallery_photo_change", args=[other.pk]), "label": str(other)}
            for other in photos_like(photo)
        ],
    }


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


@never_cache
@require_http_methods(["GET", "POST"])
def bulk_upload(request, *, model_admin: ModelAdmin):
    """Many files at once. The page's script sends them one per request and reads JSON;
    without script the same form posts them all and gets the result list as a page."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    results = []
    form = BulkUploadForm()
    if request.method == "POST":
        form = BulkUploadForm(request.POST, request.FILES)
        if form.is_valid():
            results = [
                upload_one(upload, user=request.user) for upload in form.cleaned_data["files"]
            ]
            for result in results:
                if photo := result.pop("photo", None):
                    # In the photo's history and the admin's recent actions, as the add
                    # form's upload is.
                    model_admin.log_addition(request, photo, "Uploaded with others.")
        elif _wants_json(request):
            return JsonResponse({"error": " ".join(form.errors["files"])}, status=400)
        if _wants_json(request):
            return JsonResponse({"results": results})
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Upload photos",
        "opts": Photo._meta,
        "form": form,
        "results": results,
        "stored": sum(result["ok"] for result in results),
        "max_files": settings.GALLERY_MAX_FILES_PER_UPLOAD,
        # In the units the size errors use.
        "max_size": filesizeformat(settings.GALLERY_MAX_UPLOAD_BYTES),
    }
    return TemplateResponse(request, "admin/gallery/photo/bulk_upload.html", context)


def _photo_for_staff(request, object_id) -> Photo:
    # Permission before lookup, so that nobody learns which photos exist.
    if not can_see_originals(request.user):
        raise PermissionDenied
    return get_object_or_404(Photo, pk=object_id)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


MISSING = "The original file is missing from storage."
UNREACHABLE = (
    "The photo store could not be reached, so the original cannot be shown. "
    "Nothing is lost: try again in a moment."
)


class StoreUnreachable(Exception):
    pass


def _open_original(photo: Photo):
    """The original, opened and begun (S3 fetches on the first read, so a failure is
    known before an answer starts). Http404 when it is not there; StoreUnreachable
    when the store cannot say (down, or not answering): the file may well be there."""
    try:
        handle = photo.original.open("rb")
        handle.read(1)
        handle.seek(0)
        return handle
    except FileNotFoundError:
        raise Http404(MISSING) from None
    except Exception as exc:  # OSError on disk, botocore's errors on S3.
        try:
            there = photo.original.storage.exists(photo.original.name)
        except Exception:
            there = None
        if there is False:
            raise Http404(MISSING) from None
        logger.warning("The original of photo %s could not be read: %r", photo.pk, exc)
        raise StoreUnreachable from exc


def _unreachable(request) -> HttpResponse:
    response = TemplateResponse(
        request, "admin/gallery/photo/store_unreachable.html", {"message": UNREACHABLE}, status=503
    )
    response["Retry-After"] = "30"
    return _private(response)


@require_http_methods(["GET"])
def original_download(request, object_id, **kwargs):
    """The original file, byte for byte, as an attachment."""
    photo = _photo_for_staff(request, object_id)
    try:
        handle = _open_original(photo)
    except StoreUnreachable:
        return _unreachable(request)
    # Named and typed by what the file is (checked on upload), not by what its name
    # said: a JPEG sent as "report.html" must not open as a web page.
    extension = photo.original.name.rsplit(".", 1)[-1]
    stem = PurePath(photo.original_filename).stem if photo.original_filename else ""
    filename = f"{stem or f'photo-{photo.pk}'}.{extension}"
    content_type = "image/jpeg" if extension == "jpg" else f"image/{extension}"
    return _private(
        FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    )


@require_http_methods(["GET"])
def original_preview(request, object_id, **kwargs):
    """The original, upright and smaller, unredacted: what staff draw redactions on."""
    photo = _photo_for_staff(request, object_id)
    try:
        with _open_original(photo) as handle, Image.open(handle) as source:
            prepared = images.prepare(source)
    except StoreUnreachable:
        return _unreachable(request)
    except OSError:  # Pillow cannot read what is there.
        raise Http404("The original file cannot be read as an image.") from None
    resized = images.resize_to_width(prepared, min(PREVIEW_WIDTH, prepared.width))
    return _private(HttpResponse(images.encode(resized, "jpeg"), content_type="image/jpeg"))
