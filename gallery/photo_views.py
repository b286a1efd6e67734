"""Profile photos on the pages: the editor's upload and removal, and the stored files.

The files are served here rather than by the web server so they work the same with DEBUG on
or off, and only to signed-in people (the gallery is not public).
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import request_user
from accounts.models import Role
from gallery import photos, views
from gallery.forms import WitnessProfileForm

_SIZES = "|".join(str(size) for size in photos.PHOTO_SIZES.values())
_FILE_NAME = re.compile(rf"^[A-Za-z0-9_-]{{16,40}}-(?:{_SIZES})\.webp$")
# The name changes with each upload: a browser may keep a file as long as it likes.
CACHE_CONTROL = "private, max-age=31536000, immutable"


@require_GET
def photo_file(request: HttpRequest, name: str) -> FileResponse:
    if not request.user.is_authenticated or not _FILE_NAME.match(name):
        raise Http404
    try:
        handle = default_storage.open(f"{photos.FOLDER}/{name}", "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/webp")
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def profile_photo(request: HttpRequest) -> HttpResponse:
    """The editor's photo form: "upload" with a file, or "remove"."""
    user = request_user(request)
    if user.role != Role.PROFESSIONAL:
        raise PermissionDenied
    if request.POST.get("action") == "remove":
        if photos.photo_remove(user=user):
            messages.success(request, _("Your photo is removed."))
        return redirect("gallery:profile_edit")
    upload = request.FILES.get("photo")
    try:
        if upload is None:
            raise photos.PhotoError("bad_request", _("Choose a picture first."), field="photo")
        photos.photo_set(user=user, upload=upload, size=upload.size or 0)
    except photos.PhotoError as exc:
        # The editor again, with the error beside the photo field.
        own = views.own_profile(user)
        form = WitnessProfileForm(profile=own)
        return views.editor_render(
            request, form=form, has_profile=own is not None, photo_error=exc.message, status=400
        )
    messages.success(request, _("Your photo is saved."))
    return redirect("gallery:profile_edit")
