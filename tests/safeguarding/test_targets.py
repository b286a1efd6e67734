"""Report targets (safeguarding/targets.py): apps register what can be reported, safeguarding
stores a kind and an id, and moderators read a target only where a report names it."""

from collections.abc import Collection
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chat.access import ChatAccessError, access_conversation_read
from chat.models import Conversation
from safeguarding import services, targets
from safeguarding.access import moderator_may_read
from safeguarding.models import Report
from safeguarding.selectors import report_payloads
from safeguarding.services import ReportError
from safeguarding.targets import RecordLine, ReportRecord, ReportTarget
from tests.chat.conftest import open_conversation

pytestmark = pytest.mark.django_db


class Board:
    """A stand-in app's target: boards, of which only board 7 may be reported."""

    def __init__(self) -> None:
        self.checked: list[tuple[int, int, int | None]] = []

    def check(self, reporter: Any, target_id: int, item_id: int | None) -> None:
        self.checked.append((reporter.pk, target_id, item_id))
        if target_id != 7:
            raise ReportError("forbidden", "Not your board.", field="board")

    def refs(self, ids: Collection[int]) -> dict[int, dict[str, Any]]:
        return {pk: {"id": pk, "name": f"board {pk}"} for pk in ids}

    def record(self, target_id: int, item_id: int | None) -> ReportRecord:
        line = RecordLine(
            seq=1,
            author="Ann",
            body=f"note {item_id} on board {target_id}",
            created_at=timezone.now(),
            edited=False,
            deleted=False,
            reported=True,
        )
        return ReportRecord(
            members=[{"name": "Ann", "role": "student"}], lines=[line], truncated=False
        )


@pytest.fixture
def board(monkeypatch: pytest.MonkeyPatch) -> Board:
    stand_in = Board()
    target = ReportTarget(
        kind="board", check=stand_in.check, refs=stand_in.refs, record=stand_in.record
    )
    monkeypatch.setitem(targets._TARGETS, "board", target)
    return stand_in


@pytest.fixture
def moderator(make_user: Any) -> Any:
    return make_user(role="moderator")


def test_chat_registers_conversations() -> None:
    target = targets.report_target("conversation")
    assert target is not None and target.kind == "conversation"
    assert targets.report_target("nothing-of-that-kind") is None


def test_a_report_goes_through_its_kind_s_check(student: Any, board: Board) -> None:
    with pytest.raises(ReportError) as refused:
        services.report_create(
            reporter=student, target_kind="board", target_id=8, item_id=None, reason="spam"
        )
    assert (refused.value.code, refused.value.field) == ("forbidden", "board")
    report = services.report_create(
        reporter=student, target_kind="board", target_id=7, item_id=3, reason="spam"
    )
    assert board.checked == [(student.pk, 8, None), (student.pk, 7, 3)]
    assert (report.target_kind, report.target_id, report.item_id) == ("board", 7, 3)
    payload = report_payloads([report])[0]
    assert payload["board"] == {"id": 7, "name": "board 7"} and payload["message"] == 3


def test_an_unregistered_kind_cannot_be_reported(student: Any) -> None:
    with pytest.raises(ReportError) as refused:
        services.report_create(
            reporter=student, target_kind="board", target_id=7, item_id=None, reason="spam"
        )
    assert refused.value.code == "not_found"
    assert not Report.objects.exists()


def test_a_moderator_reads_the_record_its_app_gives(
    moderator: Any, student: Any, board: Board
) -> None:
    report = services.report_create(
        reporter=student, target_kind="board", target_id=7, item_id=3, reason="spam"
    )
    client = Client()
    client.force_login(moderator)
    page = client.get(f"/moderation/reports/{report.pk}/").content.decode()
    assert "note 3 on board 7" in page and "chat-message--reported" in page


def test_moderators_read_only_targets_of_the_kind_reported(
    moderator: Any, student: Any, professional: Any, board: Board
) -> None:
    conversation = open_conversation(student, professional)
    # A report on a board with the conversation's id does not open the conversation.
    Report.objects.create(
        reporter=student, target_kind="board", target_id=conversation.pk, reason="spam"
    )
    assert not moderator_may_read(
        user=moderator, target_kind="conversation", target_id=conversation.pk
    )
    with pytest.raises(ChatAccessError):
        access_conversation_read(user=moderator, topic=conversation.topic)
    Report.objects.create(
        reporter=student, target_kind="conversation", target_id=conversation.pk, reason="spam"
    )
    assert moderator_may_read(user=moderator, target_kind="conversation", target_id=conversation.pk)
    assert access_conversation_read(user=moderator, topic=conversation.topic) == (
        conversation,
        True,
    )
    # Only moderators read this way.
    assert not moderator_may_read(
        user=student, target_kind="conversation", target_id=conversation.pk
    )


def test_the_report_list_names_targets_in_a_fixed_number_of_queries(
    api_client: Any, moderator: Any, make_user: Any, professional: Any
) -> None:
    def reported_conversations(count: int) -> None:
        for _ in range(count):
            student = make_user(role="student")
            conversation = open_conversation(student, professional)
            Report.objects.create(
                reporter=student,
                target_kind="conversation",
                target_id=conversation.pk,
                reason="spam",
            )

    def listed() -> tuple[list[dict[str, Any]], int]:
        with CaptureQueriesContext(connection) as queries:
            results: list[dict[str, Any]] = api_client.get("/api/reports/").json()["results"]
        return results, len(queries.captured_queries)

    api_client.force_authenticate(moderator)
    reported_conversations(2)
    few, queries_for_few = listed()
    reported_conversations(3)
    many, queries_for_many = listed()
    assert (len(few), len(many)) == (2, 5)
    assert queries_for_many == queries_for_few
    topics = dict(Conversation.objects.values_list("id", "topic"))
    for report in many:
        target = report["conversation"]
        assert target == {"id": target["id"], "topic": topics[target["id"]]}
