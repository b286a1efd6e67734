"""Profile photos: check an upload, re-encode it without its metadata, store and remove it.

An upload is trusted for nothing: its content decides the format (JPEG, PNG or WebP only), its
declared dimensions are checked before any pixel is decoded (a few KB of PNG can claim
20000 x 20000 pixels), and what is stored is a fresh WebP drawn from the pixels alone, so EXIF
(GPS position, camera serial) and other metadata never leave the upload. Files are named after
a random key that changes with each upload: the serving view caches them for a year.
"""

import io
import secrets
import warnings
from collections.abc import Iterable
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.models import User
from core.errors import ServiceError
from gallery.models import ProfilePhoto, WitnessProfile

# Stored sizes in pixels (square): the profile page and cards, and small avatars (chat, rooms).
PHOTO_SIZES = {"large": 512, "small": 96}
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# A 48-megapixel phone photo passes; a bomb claiming more is refused before decoding.
MAX_PIXELS = 50_000_000
FOLDER = "photos"
WEBP_QUALITY = 85


class PhotoError(ServiceError):
    """A refused photo (`bad_request`: not a picture we take; `too_large`: over the limit)."""


def _refuse_format() -> PhotoError:
    return PhotoError("bad_request", _("Choose a JPEG, PNG or WebP picture."), field="photo")


def _refuse_dimensions() -> PhotoError:
    return PhotoError(
        "bad_request",
        _("This picture has too many pixels: choose one under %(megapixels)d megapixels.")
        % {"megapixels": MAX_PIXELS // 1_000_000},
        field="photo",
    )


def _open(data: IO[bytes]) -> Image.Image:
    """The upload as an image whose pixels are not decoded yet; refuses what is not one."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(data, formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse_dimensions() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _refuse_format() from exc
    width, height = image.size
    if width < 1 or height < 1:
        raise _refuse_format()
    if width * height > MAX_PIXELS:
        raise _refuse_dimensions()
    return image


def _square(image: Image.Image, size: int) -> bytes:
    fitted = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    # A new image from the pixels alone: nothing of the upload's info (EXIF, XMP, ICC) follows.
    clean = Image.new("RGB", fitted.size)
    clean.paste(fitted)
    out = io.BytesIO()
    clean.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def photo_render(data: IO[bytes]) -> dict[str, bytes]:
    """The stored files of an upload: {"large": webp, "small": webp}. Raises PhotoError."""
    image = _open(data)
    largest = max(PHOTO_SIZES.values())
    if image.format == "JPEG":
        # Decode at a reduced scale: a large photo costs a fraction of its memory.
        image.draft("RGB", (largest * 2, largest * 2))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as exc:
        raise _refuse_format() from exc
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        # Transparent parts become white, as on the page's cards.
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    else:
        upright = upright.convert("RGB")
    return {name: _square(upright, size) for name, size in PHOTO_SIZES.items()}


def photo_path(key: str, size: int) -> str:
    return f"{FOLDER}/{key}-{size}.webp"


def photo_url(key: str, name: str = "large") -> str:
    return f"{settings.MEDIA_URL}{photo_path(key, PHOTO_SIZES[name])}"


def photo_files_remove(key: str) -> None:
    for size in PHOTO_SIZES.values():
        default_storage.delete(photo_path(key, size))


def _files_store(files: dict[str, bytes]) -> str:
    key = secrets.token_urlsafe(18)
    stored: list[str] = []
    try:
        for name, content in files.items():
            path = photo_path(key, PHOTO_SIZES[name])
            stored.append(default_storage.save(path, ContentFile(content)))
    except Exception:
        for path in stored:
            default_storage.delete(path)
        raise
    return key


def photo_set(*, user: User, upload: IO[bytes], size: int) -> ProfilePhoto:
    """Store `upload` (of `size` bytes) as `user`'s photo, replacing any previous one, whose
    files go once the change is committed. Raises PhotoError; nothing is stored then."""
    limit = settings.PROFILE_PHOTO_MAX_BYTES
    if size > limit:
        raise PhotoError(
            "too_large",
            _("This picture is too large: choose one under %(megabytes)d MB.")
            % {"megabytes": limit // (1024 * 1024)},
            field="photo",
        )
    key = _files_store(photo_render(upload))
    try:
        with transaction.atomic():
            previous = ProfilePhoto.objects.select_for_update().filter(user=user).first()
            old_key = previous.key if previous is not None else None
            photo, _created = ProfilePhoto.objects.update_or_create(
                user=user, defaults={"key": key}
            )
            if old_key:
                transaction.on_commit(lambda: photo_files_remove(old_key))
    except Exception:
        photo_files_remove(key)
        raise
    return photo


def photo_remove(*, user: User) -> bool:
    """Remove `user`'s photo (its files once committed). False when there was none."""
    photo = ProfilePhoto.objects.filter(user=user).first()
    if photo is None:
        return False
    key = photo.key
    photo.delete()
    transaction.on_commit(lambda: photo_files_remove(key))
    return True


def profile_photo_key(profile: WitnessProfile) -> str | None:
    """The key of a witness profile's photo (loaded with `user__profile_photo` when listed)."""
    try:
        return profile.user.profile_photo.key
    except ProfilePhoto.DoesNotExist:
        return None


def photo_urls(user_ids: Iterable[int], name: str = "large") -> dict[int, str]:
    """{user id: photo URL} of those of `user_ids` who have a photo (chat, rooms, lists)."""
    rows = ProfilePhoto.objects.filter(user_id__in=set(user_ids)).values_list("user_id", "key")
    return {user_id: photo_url(key, name) for user_id, key in rows}


def photo_url_of(user: User, name: str = "large") -> str | None:
    return photo_urls([user.pk], name).get(user.pk)
