"""Pure parts of the rooms: the TURN credential, the SDP media check, the media policy."""

import base64
import hashlib
import hmac
import subprocess
from typing import Any

import pytest

from rooms.ice import ice_servers, turn_credential
from rooms.media import MESH, media_policy, sdp_sends_media
from tests.rooms.conftest import OFFER_RECVONLY, OFFER_SENDRECV


def test_turn_credential_matches_a_known_value() -> None:
    # Computed independently with openssl:
    # printf '%s' '1700000000:42' | openssl dgst -sha1 -hmac 'north' -binary | base64
    assert turn_credential(secret="north", username="1700000000:42") == (
        "DWX3FI7DiPIpadEYQAZsnZBAagI="
    )


def test_turn_credential_agrees_with_openssl() -> None:
    try:
        out = subprocess.run(
            ["openssl", "dgst", "-sha1", "-hmac", "s3cret", "-binary"],
            input=b"1764112345:12",
            capture_output=True,
            check=True,
        ).stdout
    except FileNotFoundError:
        pytest.skip("openssl is not installed")
    expected = base64.b64encode(out).decode()
    assert turn_credential(secret="s3cret", username="1764112345:12") == expected


def test_ice_servers_from_settings(settings: Any) -> None:
    settings.ROOMS_STUN_URLS = []
    settings.TURN_URLS = []
    settings.TURN_SECRET = ""
    assert ice_servers(user_id=12, now=1000) == []
    settings.ROOMS_STUN_URLS = ["stun:stun.example.org:3478"]
    settings.TURN_URLS = ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"]
    assert ice_servers(user_id=12, now=1000) == [{"urls": ["stun:stun.example.org:3478"]}]
    settings.TURN_SECRET = "s3cret"
    settings.TURN_TTL_SECONDS = 600
    stun, turn = ice_servers(user_id=12, now=1_764_111_745.7)
    assert stun == {"urls": ["stun:stun.example.org:3478"]}
    assert turn["urls"] == settings.TURN_URLS
    assert turn["username"] == "1764112345:12"
    digest = hmac.new(b"s3cret", b"1764112345:12", hashlib.sha1).digest()
    assert turn["credential"] == base64.b64encode(digest).decode()


@pytest.mark.parametrize(
    ("sdp", "sends"),
    [
        (OFFER_SENDRECV, True),
        (OFFER_RECVONLY, False),
        (OFFER_RECVONLY.replace("a=mid:1\r\na=recvonly", "a=mid:1\r\na=sendonly"), True),
        # No direction attribute: sendrecv by default.
        ("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n", True),
        # The session-level direction applies to sections without their own.
        ("v=0\r\na=recvonly\r\nm=audio 9 RTP/AVP 0\r\nm=video 9 RTP/AVP 96\r\n", False),
        ("v=0\r\na=recvonly\r\nm=audio 9 RTP/AVP 0\r\na=sendrecv\r\n", True),
        # A rejected section (port 0) and a data channel carry no media.
        ("v=0\r\nm=video 0 UDP/TLS/RTP/SAVPF 96\r\na=sendrecv\r\n", False),
        ("v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sendrecv\r\n", False),
        ("v=0\r\nm=audio 9 RTP/AVP 0\r\na=inactive\r\n", False),
        ("", False),
    ],
)
def test_sdp_sends_media(sdp: str, sends: bool) -> None:
    assert sdp_sends_media(sdp) is sends


def test_mesh_policy() -> None:
    assert media_policy("mesh") is MESH
    assert MESH.limit(capacity=4) == 4 and MESH.limit(capacity=50) == 6
    assert MESH.may_publish("host") and MESH.may_publish("stage")
    assert not MESH.may_publish("audience")
    assert MESH.connects(a_publishes=True, b_publishes=False)
    assert not MESH.connects(a_publishes=False, b_publishes=False)
    assert MESH.sdp_allowed(sdp=OFFER_SENDRECV, publishes=True)
    assert not MESH.sdp_allowed(sdp=OFFER_SENDRECV, publishes=False)
    assert MESH.sdp_allowed(sdp=OFFER_RECVONLY, publishes=False)
    with pytest.raises(KeyError):
        media_policy("sfu")
