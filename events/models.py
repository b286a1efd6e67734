"""Speed-meeting events: the event and its clock, who takes part, the plan and the feedback.

The clock is the event row itself (`status`, `round`, `phase`, `phase_ends_at`): every
transition locks the row and checks the (round, phase) it expects, so a repeated, late or
concurrent trigger finds the event already moved on and does nothing (events/services/clock.py).
`EventPhaseLog` keeps one row per phase begun, unique, as the record that nothing ran twice.

The plan is one `EventTable` per table and round (a professional and their students in
`EventSeat`); rounds already played are never re-planned.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 120
VENUE_MAX_LENGTH = 200
MAX_ROUNDS = 20
MIN_ROUND_SECONDS = 30
MAX_ROUND_SECONDS = 3600
MAX_BREAK_SECONDS = 900
MAX_STUDENTS_PER_TABLE = 10
MAX_WISHES = 4
COMMENT_MAX_LENGTH = 500
ANNOUNCEMENT_MAX_LENGTH = 500
MAX_EXTEND_SECONDS = 600


class EventMode(models.TextChoices):
    VIRTUAL = "virtual", _("Online")
    IN_PERSON = "in_person", _("In person")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Not started")
    LIVE = "live", _("Live")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class Phase(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    BREAK = "break", _("Break")


class ParticipantRole(models.TextChoices):
    STUDENT = "student", _("Student")
    PROFESSIONAL = "professional", _("Professional")


class Event(models.Model):
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organised_events"
    )
    starts_at = models.DateTimeField(_("starts at"))
    mode = models.CharField(_("format"), max_length=16, choices=EventMode.choices)
    venue = models.CharField(_("venue"), max_length=VENUE_MAX_LENGTH, blank=True)
    rounds = models.PositiveSmallIntegerField(_("rounds"))
    round_seconds = models.PositiveIntegerField(_("round length (seconds)"))
    break_seconds = models.PositiveIntegerField(_("break length (seconds)"))
    students_per_table = models.PositiveSmallIntegerField(_("students per table"))
    # Students of the event join it with this code (or the link that carries it).
    join_code = models.CharField(max_length=16, unique=True)
    # The planner's seed: the same participants and seed give the same plan.
    seed = models.PositiveIntegerField(default=0)
    # The clock.
    status = models.CharField(max_length=8, choices=EventStatus.choices, default=EventStatus.DRAFT)
    round = models.PositiveSmallIntegerField(default=0)  # 0 before round 1
    # NULL, not "": no phase (a draft or ended event) is JSON null in the fixed `state`.
    phase = models.CharField(  # noqa: DJ001
        max_length=8, choices=Phase.choices, null=True, blank=True
    )
    phase_ends_at = models.DateTimeField(null=True, blank=True)
    # While paused: what was left of the phase, restored on resume.
    paused_remaining = models.FloatField(null=True, blank=True)
    # Who the stored plan of the rounds not yet played was made for (a digest of the
    # checked-in participants): a round start re-plans only when it changed.
    planned_for = models.CharField(max_length=64, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("starts_at", "pk")
        indexes = [models.Index(fields=("status", "phase_ends_at"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(rounds__gte=1) & Q(rounds__lte=MAX_ROUNDS), name="event_rounds_range"
            ),
            models.CheckConstraint(
                condition=Q(round_seconds__gte=MIN_ROUND_SECONDS)
                & Q(round_seconds__lte=MAX_ROUND_SECONDS),
                name="event_round_seconds_range",
            ),
            models.CheckConstraint(
                condition=Q(break_seconds__lte=MAX_BREAK_SECONDS), name="event_break_range"
            ),
            models.CheckConstraint(
                condition=Q(students_per_table__gte=1)
                & Q(students_per_table__lte=MAX_STUDENTS_PER_TABLE),
                name="event_students_per_table_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def topic(self) -> str:
        return f"event:{self.pk}"


class EventParticipant(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_participations"
    )
    role = models.CharField(max_length=16, choices=ParticipantRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("event", "role", "pk")
        constraints = [
            models.UniqueConstraint(fields=("event", "user"), name="event_participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in event {self.event_id} ({self.role})"


class ForbiddenPair(models.Model):
    """A professional and a student of the event who must not meet (a parent and their child)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="forbidden_pairs")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("event", "professional", "student"), name="event_forbidden_pair_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.professional_id} ≠ {self.student_id} in event {self.event_id}"


class EventWish(models.Model):
    """A sector a student most wants to meet at the event (up to MAX_WISHES, ranked 1 first)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="wishes")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sector = models.ForeignKey("gallery.Sector", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("event", "student", "rank")
        constraints = [
            models.UniqueConstraint(fields=("event", "student", "sector"), name="event_wish_once"),
            models.UniqueConstraint(
                fields=("event", "student", "rank"), name="event_wish_rank_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} wishes sector {self.sector_id} ({self.rank})"


class EventTable(models.Model):
    """One table of one round: a professional, their students (EventSeat) and, online, a room."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tables")
    round = models.PositiveSmallIntegerField()
    table = models.PositiveSmallIntegerField()  # 1, 2, ... within the round
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    room = models.ForeignKey(
        "rooms.Room", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("event", "round", "table")
        constraints = [
            models.UniqueConstraint(fields=("event", "round", "table"), name="event_table_once"),
            models.UniqueConstraint(
                fields=("event", "round", "professional"), name="event_table_professional_once"
            ),
        ]

    def __str__(self) -> str:
        return f"event {self.event_id}, round {self.round}, table {self.table}"


class EventSeat(models.Model):
    """A student at a table. `event` and `round` repeat the table's, so that a student sits at
    one table per round (a constraint) and a student's rounds are one indexed read."""

    table = models.ForeignKey(EventTable, on_delete=models.CASCADE, related_name="seats")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField()
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("event", "round", "student"), name="event_seat_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_id} at {self.table_id} (round {self.round})"


class EventPhaseLog(models.Model):
    """One row per phase begun: the clock's record that no phase ran twice."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="phase_log")
    round = models.PositiveSmallIntegerField()
    phase = models.CharField(max_length=8, choices=Phase.choices)
    started_at = models.DateTimeField()

    class Meta:
        ordering = ("event", "started_at", "pk")
        constraints = [
            models.UniqueConstraint(fields=("event", "round", "phase"), name="event_phase_once")
        ]

    def __str__(self) -> str:
        return f"event {self.event_id}: {self.phase} of round {self.round}"


class EventFeedback(models.Model):
    """A student's word on one meeting: the round they sat at a professional's table."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    round = models.PositiveSmallIntegerField()
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    rating = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=COMMENT_MAX_LENGTH, blank=True)
    contact_requested = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("event", "round", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("event", "round", "student"), name="event_feedback_once"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="event_feedback_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} on round {self.round} of event {self.event_id}: {self.rating}"
