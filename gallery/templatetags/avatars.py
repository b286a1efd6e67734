"""`{% user_avatar %}`: a person's avatar on any page (chat, rooms), from their photo or their
initials. Pages listing many people pass `photos` (gallery.photos.photo_urls) to read them in
one query."""

from typing import Any

from django import template

from gallery.photos import photo_urls
from gallery.presenters import initials_of, sector_colour

register = template.Library()


@register.inclusion_tag("gallery/includes/avatar.html")
def user_avatar(
    user_id: int, name: str, photos: dict[int, str] | None = None, size: str = "small"
) -> dict[str, Any]:
    """The small avatar of `user_id` (`size="large"` for a header)."""
    large = size == "large"
    found = photos if photos is not None else photo_urls([user_id], "large" if large else "small")
    return {
        "photo": found.get(user_id),
        "initials": initials_of(name),
        # A stable colour per person (the gallery's palette, picked by id).
        "colour": sector_colour(f"user-{user_id}"),
        "large": large,
        "extra": "" if large else "avatar--small",
    }
