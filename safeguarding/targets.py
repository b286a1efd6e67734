"""What can be reported: target kinds, registered by the apps that own them.

A report names its target by kind and id (`("conversation", 12)`), not by a foreign key:
safeguarding sits below the apps whose things are reported. Each such app registers a
`ReportTarget` for its kind (chat: `chat/reports.py`, from `ChatConfig.ready`), which tells
safeguarding who may report what, how the moderators' list names a target and what a
moderator reads of it. Moderators may then read a reported target where its app asks
`safeguarding.access.moderator_may_read`.
"""

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from accounts.models import User


@dataclass(frozen=True)
class RecordLine:
    """One entry of a reported target as moderators see it (a message of a conversation):
    the body is kept even when its author deleted it."""

    seq: int
    author: str
    body: str
    created_at: dt.datetime
    edited: bool
    deleted: bool
    reported: bool


@dataclass(frozen=True)
class ReportRecord:
    """What a moderator reads of a reported target: the people in it (`name`, `role`), its
    latest lines in order, and whether older ones were left out."""

    members: list[dict[str, Any]]
    lines: list[RecordLine]
    truncated: bool


@dataclass(frozen=True)
class ReportTarget:
    """One kind of reportable thing.

    - `check(reporter, target_id, item_id)`: raises `safeguarding.services.ReportError` unless
      `reporter` may report the target (or the item of it, e.g. one message);
    - `refs(target_ids)`: how reports name each target on the wire, for every id asked (one
      query for a whole page of reports);
    - `record(target_id, item_id)`: what a moderator reads of it, `item_id` marked.
    """

    kind: str
    check: Callable[[User, int, int | None], None]
    refs: Callable[[Collection[int]], dict[int, dict[str, Any]]]
    record: Callable[[int, int | None], ReportRecord]


_TARGETS: dict[str, ReportTarget] = {}


def register_report_target(target: ReportTarget) -> None:
    """Make `target.kind` reportable. Registering a kind again replaces it."""
    _TARGETS[target.kind] = target


def report_target(kind: str) -> ReportTarget | None:
    """The registered target of `kind`, or None for a kind nobody registered."""
    return _TARGETS.get(kind)
