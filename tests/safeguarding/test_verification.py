"""Verification run by organisers and moderators (issue 19): the fixed endpoints, the record
of each decision, what the professional is told, and what withdrawing ends."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from rooms.models import Room, RoomStatus
from safeguarding import verification
from safeguarding.models import VerificationDecision
from tests.factories import make_witness
from tests.gallery.conftest import taxonomy  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(make_user: Any) -> Any:
    return make_user(role="organiser")


@pytest.fixture
def moderator(make_user: Any) -> Any:
    return make_user(role="moderator")


@pytest.fixture
def newcomer(make_user: Any) -> Any:
    """A professional who signed up and waits for verification."""
    return make_user(role="professional", verified=False)


def _verify(api_client: Any, user: Any, target: Any, body: dict[str, Any]) -> Any:
    api_client.force_authenticate(user)
    return api_client.post(f"/api/professionals/{target.pk}/verify/", body, format="json")


@pytest.mark.parametrize("role", ["organiser", "moderator"])
def test_organiser_and_moderator_verify_with_the_fixed_shape(
    api_client: Any, make_user: Any, newcomer: Any, role: str
) -> None:
    decider = make_user(role=role)
    response = _verify(api_client, decider, newcomer, {"level": "standard", "note": "ID card"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["verified"] is True
    assert body["level"] == "standard"
    assert body["verified_by"] == decider.pk
    assert dt.datetime.fromisoformat(body["verified_at"]) <= timezone.now()
    newcomer.refresh_from_db()
    assert newcomer.verified is True
    decision = VerificationDecision.objects.get(professional=newcomer)
    assert (decision.status, decision.identity_seen, decision.note) == ("verified", True, "ID card")
    assert decision.decided_by == decider


def test_enhanced_level_records_the_extract_date(
    api_client: Any, moderator: Any, newcomer: Any
) -> None:
    # The fixed body alone (level and note) is enough for the enhanced level.
    plain = _verify(api_client, moderator, newcomer, {"level": "enhanced", "note": "596.2 seen"})
    assert plain.status_code == 200 and plain.json()["level"] == "enhanced"
    dated = _verify(
        api_client,
        moderator,
        newcomer,
        {"level": "enhanced", "note": "", "extract_date": "2026-11-02"},
    )
    assert dated.status_code == 200 and dated.json()["extract_date"] == "2026-11-02"
    history = verification.decision_history(professional=newcomer)
    assert [d.extract_date for d in history] == [dt.date(2026, 11, 2), None]
    assert verification.verification_standing(professional=newcomer).level == "enhanced"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": "gold", "note": ""}, "level"),
        ({"note": "no level"}, "level"),
        ({"level": "standard", "identity_seen": False}, "identity_seen"),
        ({"level": "enhanced", "extract_date": "2999-01-01"}, "extract_date"),
    ],
)
def test_bad_verify_bodies_change_nothing(
    api_client: Any, organiser: Any, newcomer: Any, body: dict[str, Any], field: str
) -> None:
    response = _verify(api_client, organiser, newcomer, body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    newcomer.refresh_from_db()
    assert newcomer.verified is False
    assert not VerificationDecision.objects.exists()


@pytest.mark.parametrize("role", ["student", "professional"])
def test_other_roles_are_refused(
    api_client: Any, make_user: Any, newcomer: Any, professional: Any, role: str
) -> None:
    caller = make_user(role=role, verified=True)
    for path, body in [
        (f"/api/professionals/{newcomer.pk}/verify/", {"level": "standard", "note": ""}),
        (f"/api/professionals/{professional.pk}/unverify/", {"reason": "no"}),
        (f"/api/professionals/{newcomer.pk}/refuse/", {"reason": "no"}),
        (f"/api/professionals/{newcomer.pk}/request-information/", {"message": "more"}),
    ]:
        api_client.force_authenticate(caller)
        response = api_client.post(path, body, format="json")
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "forbidden"
    assert api_client.get("/api/verification/queue/").status_code == 403
    newcomer.refresh_from_db()
    professional.refresh_from_db()
    assert (newcomer.verified, professional.verified) == (False, True)
    assert not VerificationDecision.objects.exists()


def test_anonymous_and_superuser_without_role_are_refused(
    api_client: Any, make_user: Any, newcomer: Any
) -> None:
    anonymous = api_client.post(
        f"/api/professionals/{newcomer.pk}/verify/", {"level": "standard"}, format="json"
    )
    assert anonymous.status_code in (401, 403)
    admin = make_user(role="student", is_superuser=True, is_staff=True)
    assert _verify(api_client, admin, newcomer, {"level": "standard"}).status_code == 403
    with pytest.raises(verification.VerificationError) as refused:
        verification.verify(decider=admin, professional_id=newcomer.pk, level="standard")
    assert refused.value.code == "forbidden"
    newcomer.refresh_from_db()
    assert newcomer.verified is False


def test_only_professionals_are_verified(
    api_client: Any, organiser: Any, student: Any, moderator: Any
) -> None:
    for target_id in (student.pk, moderator.pk, 999999):
        api_client.force_authenticate(organiser)
        response = api_client.post(
            f"/api/professionals/{target_id}/verify/", {"level": "standard"}, format="json"
        )
        assert response.status_code == 404
    student.refresh_from_db()
    assert student.verified is False


def test_queue_lists_waiting_and_questioned_professionals(
    api_client: Any, organiser: Any, make_user: Any, professional: Any
) -> None:
    waiting = make_user(role="professional", verified=False)
    questioned = make_user(role="professional", verified=False)
    refused = make_user(role="professional", verified=False)
    verification.request_more_information(
        decider=organiser, professional_id=questioned.pk, message="Send your ID, please."
    )
    verification.refuse(decider=organiser, professional_id=refused.pk, reason="Not a real job.")
    api_client.force_authenticate(organiser)
    results = api_client.get("/api/verification/queue/").json()["results"]
    statuses = {row["id"]: row["status"] for row in results}
    assert statuses == {waiting.pk: "pending", questioned.pk: "more_info_requested"}
    assert professional.pk not in statuses  # verified: not waiting


def test_ask_for_more_then_verify(api_client: Any, moderator: Any, newcomer: Any) -> None:
    api_client.force_authenticate(moderator)
    asked = api_client.post(
        f"/api/professionals/{newcomer.pk}/request-information/",
        {"message": "Please bring your ID to the next session."},
        format="json",
    )
    assert asked.status_code == 200 and asked.json()["status"] == "more_info_requested"
    standing = verification.verification_standing(professional=newcomer)
    assert standing.status == "more_info_requested"
    assert standing.message == "Please bring your ID to the next session."
    empty = api_client.post(
        f"/api/professionals/{newcomer.pk}/request-information/", {"message": " "}, format="json"
    )
    assert empty.status_code == 400
    assert _verify(api_client, moderator, newcomer, {"level": "standard"}).status_code == 200
    read = api_client.get(f"/api/professionals/{newcomer.pk}/verification/").json()
    assert read["status"] == "verified" and read["verified"] is True
    assert [row["status"] for row in read["history"]] == ["verified", "more_info_requested"]


def test_refusal_reason_is_shown_on_the_professionals_home(
    api_client: Any, organiser: Any, newcomer: Any
) -> None:
    api_client.force_authenticate(organiser)
    refused = api_client.post(
        f"/api/professionals/{newcomer.pk}/refuse/",
        {"reason": "We could not confirm your employer.", "note": "internal only"},
        format="json",
    )
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    again = api_client.post(
        f"/api/professionals/{newcomer.pk}/refuse/", {"reason": "again"}, format="json"
    )
    assert again.status_code == 409
    page = Client()
    page.force_login(newcomer)
    html = page.get("/home/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "We could not confirm your employer." in html
    assert "internal only" not in html


def test_verified_home_shows_the_level(api_client: Any, moderator: Any, newcomer: Any) -> None:
    newcomer.preferred_language = "en"  # a signed-in user's pages speak their language
    newcomer.save(update_fields=["preferred_language"])
    page = Client()
    page.force_login(newcomer)
    before = page.get("/home/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-verification-status="pending"' in before
    _verify(api_client, moderator, newcomer, {"level": "enhanced", "extract_date": "2026-10-01"})
    after = page.get("/home/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-verification-status="verified"' in after
    assert "criminal-record extract" in after


@pytest.mark.usefixtures("taxonomy")
def test_withdrawal_hides_the_professional_and_ends_their_live_room(
    api_client: Any, organiser: Any, make_user: Any
) -> None:
    pro = make_user(role="professional", verified=False)
    student = make_user(role="student", birth_year=2009)
    verification.verify(decider=organiser, professional_id=pro.pk, level="enhanced")
    pro.refresh_from_db()
    profile = make_witness(pro, job_title="Infirmière", sector="health")

    def listed() -> set[int]:
        api_client.force_authenticate(student)
        return {row["id"] for row in api_client.get("/api/profiles/").json()["results"]}

    assert profile.pk in listed()  # positive control: verified pros are in the gallery
    api_client.force_authenticate(pro)
    created = api_client.post("/api/rooms/", {"title": "Ask me anything"}, format="json")
    assert created.status_code == 201, created.content
    room = Room.objects.get(pk=created.json()["id"])
    assert room.status != RoomStatus.ENDED
    api_client.force_authenticate(organiser)
    withdrawn = api_client.post(
        f"/api/professionals/{pro.pk}/unverify/", {"reason": "Complaint confirmed."}, format="json"
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["verified"] is False
    pro.refresh_from_db()
    room.refresh_from_db()
    assert pro.verified is False
    assert room.status == RoomStatus.ENDED and room.ended_at is not None
    assert profile.pk not in listed()
    assert verification.verification_standing(professional=pro).message == "Complaint confirmed."
    api_client.force_authenticate(organiser)
    again = api_client.post(f"/api/professionals/{pro.pk}/unverify/", {}, format="json")
    assert again.status_code == 409


def test_withdrawal_of_a_suspended_professional_still_ends_their_rooms(
    organiser: Any, professional: Any
) -> None:
    room = Room.objects.create(
        host=professional, title="Later", starts_at=timezone.now(), capacity=10
    )
    User.objects.filter(pk=professional.pk).update(is_active=False)
    verification.withdraw(decider=organiser, professional_id=professional.pk)
    room.refresh_from_db()
    assert room.status == RoomStatus.ENDED


@pytest.mark.usefixtures("taxonomy")
def test_queue_page_verifies_asks_and_refuses(organiser: Any, make_user: Any) -> None:
    waiting = make_user(role="professional", verified=False, display_name="Nadia Peeters")
    make_witness(waiting, job_title="Vétérinaire", sector="health", hook="Animals all day")
    other = make_user(role="professional", verified=False)
    organiser.preferred_language = "en"
    organiser.save(update_fields=["preferred_language"])
    page = Client()
    page.force_login(organiser)
    html = page.get("/verification/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nadia Peeters" in html and "Vétérinaire" in html and "Animals all day" in html
    url = f"/verification/{waiting.pk}/decide/"
    # Enhanced without the extract's date: refused on the page, nothing recorded.
    missing = page.post(url, {"action": "verify", "identity_seen": "on", "level": "enhanced"})
    assert missing.status_code == 400 and "date printed on the extract" in missing.content.decode()
    assert not VerificationDecision.objects.exists()
    done = page.post(
        url,
        {
            "action": "verify",
            "identity_seen": "on",
            "level": "enhanced",
            "extract_date": "2026-09-01",
            "note": "Seen at school",
        },
    )
    assert done.status_code == 302
    waiting.refresh_from_db()
    assert waiting.verified is True
    asked = page.post(f"/verification/{other.pk}/decide/", {"action": "ask", "message": "ID?"})
    assert asked.status_code == 302
    html = page.get("/verification/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "More information asked on" in html and "Seen at school" in html
    refused = page.post(f"/verification/{other.pk}/decide/", {"action": "refuse", "reason": "No"})
    assert refused.status_code == 302
    assert verification.verification_standing(professional=other).status == "refused"
    withdrawn = page.post(url, {"action": "withdraw", "reason": "Complaint"})
    assert withdrawn.status_code == 302
    waiting.refresh_from_db()
    assert waiting.verified is False


def test_queue_page_is_hidden_from_other_roles(make_user: Any, newcomer: Any) -> None:
    for role in ("student", "professional"):
        page = Client()
        page.force_login(make_user(role=role))
        assert page.get("/verification/").status_code == 404
        decided = page.post(
            f"/verification/{newcomer.pk}/decide/",
            {"action": "verify", "identity_seen": "on", "level": "standard"},
        )
        assert decided.status_code == 404
    newcomer.refresh_from_db()
    assert newcomer.verified is False
