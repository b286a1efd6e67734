"""Booking under contention: our booking service against a naive check-then-insert, same run.

    .venv/bin/python bench/booking.py [--clients 200] [--slots 50] [--attempts 3] [--rounds 3]

Uses PostgreSQL when DATABASE_URL points at one (a scratch database `<name>_bench_booking` is
created on that server and dropped afterwards), otherwise a temporary SQLite file.

200 student clients each try to book 3 of 50 slots at once (as a double click or two tabs
would): 600 requests released together, served by a pool of database workers (an app
server's connection pool; PostgreSQL here allows 100 connections). The 50 slots belong to 10
professionals at the same 5 times, so a student's attempts often overlap each other, and hold
1 to 4 places each. The booking's e-mails and reminders are queued (in memory) as with a broker.
Afterwards both implementations are checked the same way: slots over
capacity, students with two overlapping confirmed bookings. Ours must show zero; the naive
one (read the count, read the student's bookings, insert, without locks or constraints)
shows what happens without them. On SQLite both are serialised by its single writer.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch_db import scratch_database  # noqa: E402

PROFESSIONALS = 10
CAPACITIES = [1, 2, 3, 4]
NAIVE_TABLE = "bench_naive_booking"
ANNOUNCE = "booking_announce"  # the booking service's after-commit side effects


def configure(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--slots", type=int, default=50)
    parser.add_argument("--attempts", type=int, default=3, help="slots each client tries")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=0, help="database workers (0: auto)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-for-anything-real-123456")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ.pop("REDIS_URL", None)  # pushes go to the in-memory layer: no broker needed
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    args.scratch = scratch_database("bench_booking")
    args.workers = args.workers or (32 if args.scratch.is_postgres else 8)
    return args


@dataclass
class World:
    students: list[Any]
    slot_ids: list[int]
    places: int


def seed(args: argparse.Namespace) -> World:
    from accounts.models import Role, User
    from scheduling.models import BookingRules, Mode, Slot

    start = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    start += dt.timedelta(days=7)
    professionals = User.objects.bulk_create(
        User(
            username=f"bench-pro-{n}",
            display_name=f"Pro {n}",
            role=Role.PROFESSIONAL,
            verified=True,
            password="!",  # noqa: S106  (unusable)
        )
        for n in range(PROFESSIONALS)
    )
    for professional in professionals:
        BookingRules.objects.create(professional=professional, min_notice_minutes=0)
    per_pro = max(1, args.slots // PROFESSIONALS)
    slots = [
        Slot(
            professional=professionals[n % PROFESSIONALS],
            starts_at=start + dt.timedelta(minutes=30 * (n // PROFESSIONALS)),
            ends_at=start + dt.timedelta(minutes=30 * (n // PROFESSIONALS) + 30),
            capacity=CAPACITIES[n % len(CAPACITIES)],
            mode=Mode.VIRTUAL,
        )
        for n in range(per_pro * PROFESSIONALS)
    ]
    Slot.objects.bulk_create(slots)
    User.objects.bulk_create(
        User(
            username=f"bench-student-{n}",
            display_name=f"Student {n}",
            role=Role.STUDENT,
            birth_year=2010,
            password="!",  # noqa: S106
        )
        for n in range(args.clients)
    )
    return World(
        students=list(User.objects.filter(role=Role.STUDENT).order_by("pk")),
        slot_ids=[s.pk for s in slots],
        places=sum(s.capacity for s in slots),
    )


_naive_model: Any = None


def naive_model() -> Any:
    """The naive implementation's table: a booking with no constraint and no counter."""
    global _naive_model
    if _naive_model is None:
        from django.conf import settings
        from django.db import models

        from scheduling.models import Slot

        class NaiveBooking(models.Model):
            slot = models.ForeignKey(Slot, on_delete=models.DO_NOTHING, db_constraint=False)
            student = models.ForeignKey(
                settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False
            )
            starts_at = models.DateTimeField()
            ends_at = models.DateTimeField()

            class Meta:
                app_label = "scheduling"
                db_table = NAIVE_TABLE
                managed = False

            def __str__(self) -> str:
                return f"naive booking {self.pk}"

        _naive_model = NaiveBooking
    return _naive_model


def create_naive_table() -> None:
    from django.db import connection

    with connection.schema_editor() as editor:
        editor.create_model(naive_model())


def reset() -> None:
    from scheduling.models import Booking, Slot

    Booking.objects.all().delete()
    Slot.objects.update(booked_count=0, status="open")
    naive_model().objects.all().delete()


# --- The two implementations -------------------------------------------------------------------


def ours(student: Any, slot_id: int) -> bool:
    from scheduling.errors import SchedulingError
    from scheduling.services import booking_create

    try:
        booking_create(student=student, slot_id=slot_id)
    except SchedulingError:
        return False
    return True


def ours_quiet(student: Any, slot_id: int) -> bool:
    """Ours without its after-commit side effects, to show what the guards alone cost."""
    return ours(student, slot_id)


def naive(student: Any, slot_id: int) -> bool:
    """What one writes first: the same checks, then count the places, look for the student's
    other bookings and insert, in a transaction but without locks or constraints."""
    from django.db import transaction
    from django.utils import timezone

    from scheduling.models import Slot
    from scheduling.selectors import booking_rules_of

    bookings = naive_model().objects
    now = timezone.now()
    with transaction.atomic():
        slot = Slot.objects.select_related("professional__booking_rules").get(pk=slot_id)
        rules = booking_rules_of(professional=slot.professional)
        if not slot.professional.verified or slot.status != "open":
            return False
        if slot.starts_at < now + dt.timedelta(minutes=rules.min_notice_minutes):
            return False
        if bookings.filter(slot=slot).count() >= slot.capacity:
            return False
        overlapping = bookings.filter(
            student=student, starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at
        )
        if overlapping.exists():
            return False
        bookings.create(slot=slot, student=student, starts_at=slot.starts_at, ends_at=slot.ends_at)
    return True


# --- Running and checking ----------------------------------------------------------------------


@dataclass
class Result:
    booked: int
    rejected: int
    errors: int
    seconds: float
    over_capacity: int
    double_booked: int


def run(
    book: Callable[[Any, int], bool],
    world: World,
    args: argparse.Namespace,
    rng: random.Random,
    pool: ThreadPoolExecutor,
) -> tuple[int, int, int, float]:
    clients = list(world.students)
    rng.shuffle(clients)
    # A client's attempts go out together (a double click, two tabs): they race each other.
    requests = [
        (student, slot) for student in clients for slot in rng.sample(world.slot_ids, args.attempts)
    ]
    outcomes: list[Any] = []
    lock = threading.Lock()

    def attempt(student: Any, slot: int) -> None:
        try:
            outcome: Any = book(student, slot)
        except Exception as exc:  # deadlocks, lock timeouts: counted, never hidden
            outcome = exc
        with lock:
            outcomes.append(outcome)

    started = time.perf_counter()
    futures = [pool.submit(attempt, student, slot) for student, slot in requests]
    for future in futures:
        future.result()
    elapsed = time.perf_counter() - started
    booked = sum(1 for o in outcomes if o is True)
    rejected = sum(1 for o in outcomes if o is False)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    if errors:
        print(f"  {len(errors)} errors, first: {errors[0]!r}")
    return booked, rejected, len(errors), elapsed


def close_pool_connections(pool: ThreadPoolExecutor, workers: int) -> None:
    """Close the database connection of every worker thread (one task per thread)."""
    from django.db import connections

    barrier = threading.Barrier(workers)

    def close() -> None:
        connections.close_all()
        barrier.wait(timeout=30)

    for future in [pool.submit(close) for _ in range(workers)]:
        future.result()


def violations(table: str, confirmed: str) -> tuple[int, int]:
    """(slots over capacity, students' overlapping pairs) in a booking table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT b.slot_id FROM {table} b "  # noqa: S608
            f"JOIN scheduling_slot s ON s.id = b.slot_id WHERE {confirmed} "
            "GROUP BY b.slot_id, s.capacity HAVING count(*) > s.capacity) AS over"
        )
        over = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT count(*) FROM {table} a JOIN {table} b "  # noqa: S608
            "ON a.student_id = b.student_id AND a.id < b.id "
            "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at "
            f"WHERE {confirmed.replace('b.', 'a.')} AND {confirmed}"
        )
        double = cursor.fetchone()[0]
    return over, double


def count_mismatches() -> int:
    """Slots whose booked_count is not their number of confirmed bookings (ours only)."""
    from django.db.models import Count, F, Q

    from scheduling.models import Slot

    return (
        Slot.objects.annotate(real=Count("bookings", filter=Q(bookings__status="confirmed")))
        .exclude(booked_count=F("real"))
        .count()
    )


def main(argv: list[str]) -> None:
    args = configure(argv)
    args.scratch.recreate()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from config.celery import app
    from scheduling.services import booking as booking_service

    # As in production: the booking's e-mails and reminders are queued for a worker (here an
    # in-memory broker nobody reads), not sent inline as in the embedded mode.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False

    try:
        call_command("migrate", verbosity=0)
        world = seed(args)
        create_naive_table()
        results: dict[str, list[Result]] = {"ours": [], "quiet": [], "naive": []}
        mismatches = 0
        pool = ThreadPoolExecutor(max_workers=args.workers)
        # Start every worker thread (and its connection) before timing anything.
        close_pool_connections(pool, args.workers)
        for round_number in range(args.rounds):
            for name, book, table, confirmed in (
                ("ours", ours, "scheduling_booking", "b.status = 'confirmed'"),
                ("quiet", ours_quiet, "scheduling_booking", "b.status = 'confirmed'"),
                ("naive", naive, NAIVE_TABLE, "1 = 1"),
            ):
                reset()
                rng = random.Random(args.seed + round_number)  # the same requests for all
                announce = getattr(booking_service, ANNOUNCE)
                if name == "quiet":
                    setattr(booking_service, ANNOUNCE, lambda **kwargs: None)
                try:
                    booked, rejected, errors, seconds = run(book, world, args, rng, pool)
                finally:
                    setattr(booking_service, ANNOUNCE, announce)
                over, double = violations(table, confirmed)
                if name != "naive":
                    mismatches += count_mismatches()
                results[name].append(Result(booked, rejected, errors, seconds, over, double))
        requests = args.clients * args.attempts
        print(
            f"database: {connection.vendor}, clients: {args.clients}, slots: "
            f"{len(world.slot_ids)} ({world.places} places), requests: {requests} "
            f"({args.attempts} per client, all at once), database workers: {args.workers}, "
            f"rounds: {args.rounds}"
        )
        print(
            f"{'':24}{'booked':>8}{'refused':>9}{'errors':>8}{'bookings/s':>12}"
            f"{'requests/s':>12}{'over-cap':>10}{'double':>8}"
        )
        rates: dict[str, float] = {}
        labels = (
            ("ours", "ours"),
            ("quiet", "ours, no side effects"),
            ("naive", "naive check-insert"),
        )
        for name, label in labels:
            rows = results[name]
            median_booked = statistics.median(r.booked for r in rows)
            rate = statistics.median(r.booked / r.seconds for r in rows)
            request_rate = statistics.median(requests / r.seconds for r in rows)
            rates[name] = request_rate
            print(
                f"{label:24}{median_booked:8.0f}{statistics.median(r.rejected for r in rows):9.0f}"
                f"{sum(r.errors for r in rows):8d}{rate:12.0f}{request_rate:12.0f}"
                f"{sum(r.over_capacity for r in rows):10d}{sum(r.double_booked for r in rows):8d}"
            )
        print(
            "(median of the rounds; over-cap: slots above capacity, double: overlapping pairs "
            "of one student's bookings, summed over all rounds. `ours` queues each booking's "
            "e-mails and reminders and pushes to both sides; the other two do not.)"
        )
        print(f"booked_count out of step with the bookings (ours): {mismatches}")
        print(
            f"ratio to naive, requests per second: ours {rates['ours'] / rates['naive']:.2f}, "
            f"ours without side effects {rates['quiet'] / rates['naive']:.2f}"
        )
        close_pool_connections(pool, args.workers)
        pool.shutdown()
    finally:
        connection.close()
        args.scratch.recreate(drop_only=True)


if __name__ == "__main__":
    main(sys.argv[1:])
