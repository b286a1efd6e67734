"""Pictures for the demo professionals, drawn with Pillow at seed time (nothing downloaded):
the person's initials over simple shapes, in colours picked from their name. Demo data only."""

import io
import zlib

from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

from accounts.models import Role, User
from gallery import photos
from gallery.models import ProfilePhoto
from gallery.presenters import initials_of

SIZE = 512
# Background and shape colours, dark enough for white initials (≥ 4.5:1).
PALETTES = (
    ((67, 24, 196), (236, 72, 153)),
    ((15, 118, 110), (250, 204, 21)),
    ((194, 65, 12), (253, 186, 116)),
    ((29, 78, 216), (56, 189, 248)),
    ((126, 34, 206), (244, 114, 182)),
    ((21, 128, 61), (163, 230, 53)),
    ((159, 18, 57), (251, 146, 60)),
    ((30, 58, 138), (45, 212, 191)),
)


def demo_picture(name: str) -> bytes:
    """A PNG of `name`'s initials on a coloured, geometric background (the same every time)."""
    seed = zlib.crc32(name.encode())
    background, accent = PALETTES[seed % len(PALETTES)]
    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)
    shape = (seed >> 4) % 3
    offset = (seed >> 8) % 160
    if shape == 0:  # two overlapping discs
        draw.ellipse((-80 + offset, 260, 300 + offset, 640), fill=accent)
        draw.ellipse((300 - offset // 2, -120, 640, 220), fill=accent)
    elif shape == 1:  # diagonal bands
        for band in range(-2, 3):
            start = band * 200 + offset
            draw.polygon(
                [(start, 0), (start + 70, 0), (start + 70 + SIZE, SIZE), (start + SIZE, SIZE)],
                fill=accent,
            )
    else:  # a large triangle and a small square
        draw.polygon([(0, SIZE), (SIZE, SIZE), (SIZE // 2 + offset - 80, 300)], fill=accent)
        draw.rectangle((60 + offset, 60, 150 + offset, 150), fill=accent)
    # A dark disc behind the initials keeps them readable on any shape.
    draw.ellipse((106, 106, 406, 406), fill=background)
    font = ImageFont.load_default(size=150)
    draw.text((SIZE / 2, SIZE / 2), initials_of(name), fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _has_files(photo: ProfilePhoto) -> bool:
    return default_storage.exists(photos.photo_path(photo.key, photos.PHOTO_SIZES["large"]))


def demo_photos_seed(usernames: list[str]) -> int:
    """Give each of these professionals a drawn photo unless they have one (whose files still
    exist): running it twice draws nothing. Returns how many were drawn."""
    drawn = 0
    users = User.objects.filter(username__in=usernames, role=Role.PROFESSIONAL)
    existing = {photo.user_id: photo for photo in ProfilePhoto.objects.filter(user__in=users)}
    for user in users:
        photo = existing.get(user.pk)
        if photo is not None and _has_files(photo):
            continue
        picture = demo_picture(user.display_name or user.username)
        photos.photo_set(user=user, upload=io.BytesIO(picture), size=len(picture))
        drawn += 1
    return drawn
