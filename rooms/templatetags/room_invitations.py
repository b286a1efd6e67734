"""`{% invitation_notices user as notices %}`: the invitations the shell shows on every page
(rooms/includes/invite_notices.html), in the shape of the `room.invited` push."""

from typing import Any

from django import template

from accounts.models import User
from chat.payloads import author_payload
from rooms.payloads import room_payload
from rooms.selectors import invitations_to_show

register = template.Library()


@register.simple_tag
def invitation_notices(user: Any) -> list[dict[str, Any]]:
    if not isinstance(user, User):
        return []
    return [
        {"room": room_payload(invite.room), "by": author_payload(invite.room.host)}
        for invite in invitations_to_show(user=user)
    ]
