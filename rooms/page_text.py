"""The room page's texts for its ES modules, translated on the server (one JSON script tag).

Placeholders are `%(name)s`, filled in by room.js; plural entries carry the language's
"one" and "other" forms, picked in the browser with Intl.PluralRules.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role


def room_page_text() -> dict[str, str | dict[str, str]]:
    """Every string the room page's modules show (room.js, panels.js, tiles.js, notices.js,
    invites.js...), in the active language."""
    return {
        "you": _("%(name)s (you)"),
        "role_host": _("Host"),
        "role_stage": _("On stage"),
        "role_audience": _("Audience"),
        # Literal strings in each call, so makemessages finds them.
        "people_count": {
            "one": ngettext("%(count)s person here", "%(count)s people here", 1),
            "other": ngettext("%(count)s person here", "%(count)s people here", 2),
        },
        "votes": {
            "one": ngettext("%(count)s vote", "%(count)s votes", 1),
            "other": ngettext("%(count)s vote", "%(count)s votes", 2),
        },
        "hand_raised": _("Hand raised"),
        "on_stage": _("Bring on stage"),
        "on_stage_named": _("Bring %(name)s on stage"),
        "off_stage": _("Take off stage"),
        "off_stage_named": _("Take %(name)s off stage"),
        "ask_mute": _("Ask to mute"),
        "ask_mute_named": _("Ask %(name)s to turn their microphone off"),
        "ask_camera_off": _("Ask to stop video"),
        "ask_camera_off_named": _("Ask %(name)s to turn their camera off"),
        "remove": _("Remove"),
        "remove_named": _("Remove %(name)s from the room"),
        "admit": _("Let in"),
        "admit_named": _("Let %(name)s in"),
        "vote": _("Upvote"),
        "voted": _("Upvoted"),
        "vote_named": _("Upvote the question of %(name)s"),
        "voted_named": _("You upvoted the question of %(name)s"),
        "mark_answered": _("Mark as answered"),
        "answered": _("Answered"),
        "confirm_remove": _("Remove %(name)s from the room? They will not be able to come back."),
        "confirm_end": _("End the room for everyone?"),
        "error_forbidden": _("You are not allowed to do this."),
        "error_rate_limited": _("Too fast: wait a moment and try again."),
        "error_not_found": _("This person or this question is no longer here."),
        "error_generic": _("Something went wrong. Please try again."),
        "error_voted": _("You already upvoted this question."),
        "error_full": _("The room is full. Try again a little later."),
        "error_not_open": _("This room is not open yet: come back 15 minutes before it starts."),
        "error_refused": _("You cannot join this room."),
        "waiting": _("You are in the waiting room. The host will let you in shortly."),
        "admitted": _("The host let you in."),
        "ended": _("This room has ended. Thank you for taking part!"),
        "removed": _("The host removed you from this room."),
        "left_room": _("You left the room."),
        "mic_off": _("Mute"),
        "mic_on": _("Unmute"),
        "camera_off": _("Stop video"),
        "camera_on": _("Start video"),
        "microphone_n": _("Microphone %(n)s"),
        "camera_n": _("Camera %(n)s"),
        "camera_busy": _("Another app is using your camera: you take part with sound only."),
        "no_camera": _("No camera found: you take part with sound only."),
        "media_denied": _(
            "Camera and microphone are blocked. Allow them for this site in your browser's "
            "settings, then reload the page."
        ),
        "media_no_device": _("No camera or microphone found. Plug one in, then reload the page."),
        "media_busy": _(
            "Another app is using your camera or microphone. Close it, then reload the page."
        ),
        "media_unsupported": _(
            "This browser cannot use a camera here. Try a recent Chrome, Firefox or Safari."
        ),
        "camera_lost": _("Your camera stopped. Choose another one under “Devices”."),
        "microphone_lost": _("Your microphone stopped. Choose another one under “Devices”."),
        "you_on_stage": _("You are on stage: your camera and microphone are on."),
        "you_off_stage": _("You are back in the audience."),
        "now_on_stage": _("%(name)s is on stage."),
        "now_off_stage": _("%(name)s left the stage."),
        "hand_announce": _("%(name)s raised a hand."),
        "question_announce": _("New question from %(name)s."),
        "lobby_announce": _("%(name)s is waiting to be let in."),
        "joined": _("%(name)s joined."),
        "left": _("%(name)s left."),
        "asked_mute": _("The host asks you to turn your microphone off."),
        "asked_camera_off": _("The host asks you to turn your camera off."),
        "raise_hand": _("Raise my hand"),
        "lower_hand": _("Lower my hand"),
        "you_raised": _("Your hand is raised."),
        "you_lowered": _("Your hand is lowered."),
        "question_sent": _("Your question is in the queue."),
        "sound_on": _("Turn sound on"),
        "video_of": _("Video of %(name)s"),
        "camera_is_off": _("Camera off"),
        "microphone_is_off": _("Microphone off"),
        "mic_off_announce": _("%(name)s turned their microphone off."),
        "mic_on_announce": _("%(name)s turned their microphone on."),
        "invite_sent": _("Invitation sent to %(name)s."),
        "invite_failed": _("The invitation could not be sent. Please try again."),
        "invite": _("Invite"),
        "invite_named": _("Invite %(name)s"),
        "invite_searching": _("Searching…"),
        "invite_found": {
            "one": ngettext("%(count)s professional found.", "%(count)s professionals found.", 1),
            "other": ngettext("%(count)s professional found.", "%(count)s professionals found.", 2),
        },
        "invite_found_none": _("No verified professional matches “%(query)s”."),
        "invite_search_failed": _("The search did not work. Please try again."),
        # The roles' own labels, as `get_role_display` shows them.
        **{f"user_role_{role.value}": str(role.label) for role in Role},
    }
