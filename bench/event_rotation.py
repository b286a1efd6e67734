"""Speed-meeting rotation at the size of real events: one push per round against one per
participant, side by side in one run; and the planner's figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/event_rotation.py [--quick] [--participants 1000]
        [--servers 2] [--server uvicorn|daphne] [--mode in_person|virtual] [--changes 5]

1,000 participants (80 % students, 20 % professionals; `--quick`: 300) of one event, checked
in, with four sector wishes per student and a forbidden pair per twenty students, made with
the events services in a scratch database (`<name>_event_rotation` beside DATABASE_URL's,
dropped afterwards; a temporary SQLite file without DATABASE_URL). Each participant connects
over WebSocket (bench/wsclient.py, in a separate process: bench/event_rotation_load.py) to
one of `--servers` server processes (the Procfile's uvicorn by default; production settings,
DEBUG off) and joins `event:<id>`.

The clock is driven from this process as the Celery task does it at a phase's end: the
event's `phase_ends_at` is set to now (the round ran out) and `clock_advance(event_id, round,
phase)` is called, without `force`. For each of `--changes` round changes it measures, from
the transition's commit (stamped by an on_commit callback registered before the clock's own),
the time until each participant received their `round.started` and checks the pairing in it
against the stored plan: the last participant per change, and every participant, as
p50/p99/max. The start (round 1, which also plans every round) is shown apart.

Baseline, alternating change by change with ours in the same run: a second event with the
same participants, moved by a naive clock task (bench/event_rotation_world.py) that sends each
participant their pairing with a push of their own on their `user:` topic, in a loop.

Then the planner: bench/event_planner.py's `measure(quick)` (800 x 200 x 6 rounds with
wishes and forbidden pairs, a re-plan after 10 % no-shows, wishes served; against a
random-restart planner). Targets are printed beside the figures; the exit status is 1 only
when a participant missed their `round.started` or received someone else's pairing.

Redis: REDIS_URL's server with a prefix of this run's own (a private redis-server on a free
port when REDIS_URL is unset: the servers are separate processes and need a channel layer).
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.event_rotation_stack import Load, Measured, Services, pct  # noqa: E402

TARGET_EVERYONE_MS = 1000.0
TARGET_P99_MS = 500.0
TARGET_PLAN_S = 2.0
TARGET_REPLAN_S = 0.5


def configure() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 participants, quick planner")
    parser.add_argument("--participants", type=int, default=0, help="default 1000 (quick 300)")
    parser.add_argument("--servers", type=int, default=2, help="server processes")
    parser.add_argument("--server", choices=["uvicorn", "daphne"], default="uvicorn")
    parser.add_argument("--mode", choices=["in_person", "virtual"], default="in_person")
    parser.add_argument("--changes", type=int, default=5, help="round changes measured")
    parser.add_argument("--per-table", type=int, default=4, help="students per table")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per change")
    parser.add_argument("--skip-planner", action="store_true")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    args.participants = args.participants or (300 if args.quick else 1000)
    args.professionals = args.participants // 5
    args.students = args.participants - args.professionals
    return args


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def ours_start(event_id: int, organiser: Any) -> tuple[float, float]:
    from bench.event_rotation_world import timed_commit
    from events.services.clock import event_start

    _result, called, committed = timed_commit(
        lambda: event_start(organiser=organiser, event_id=event_id)
    )
    return called, committed


def ours_change(event_id: int) -> tuple[float, float]:
    """The clock at the end of the current meeting: the round ran out; the task's call."""
    from django.utils import timezone

    from bench.event_rotation_world import timed_commit
    from events.models import Event
    from events.services.clock import clock_advance

    event = Event.objects.get(pk=event_id)
    now = timezone.now()
    Event.objects.filter(pk=event_id).update(phase_ends_at=now)
    moved, called, committed = timed_commit(
        lambda: clock_advance(
            event_id=event_id, round=event.round, phase=event.phase or "", now=now
        )
    )
    if not moved:
        raise RuntimeError(f"clock_advance did not move event {event_id} past {event.round}")
    return called, committed


def baseline_change(event_id: int, participant_ids: list[int]) -> tuple[float, float]:
    from bench.event_rotation_world import naive_round_change, timed_commit

    _result, called, committed = timed_commit(lambda: naive_round_change(event_id, participant_ids))
    return called, committed


def summarise(name: str, changes: list[Measured]) -> dict[str, float]:
    lasts = [change.last for change in changes]
    every = [latency for change in changes for latency in change.latencies]
    return {
        "last_p50": pct(lasts, 0.5),
        "last_p99": pct(lasts, 0.99),
        "last_max": max(lasts) if lasts else float("nan"),
        "all_p50": pct(every, 0.5),
        "all_p99": pct(every, 0.99),
        "all_max": max(every) if every else float("nan"),
        "transition_p50": pct([change.transition_ms for change in changes], 0.5),
        # The round's end (the clock's trigger) until the last participant had their pairing.
        "trigger_last_max": max(
            (change.transition_ms + change.last for change in changes), default=float("nan")
        ),
        "missing": sum(change.missing for change in changes),
        "wrong": sum(change.wrong for change in changes),
    }


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report_rotation(
    args: argparse.Namespace, ours: dict[str, float], base: dict[str, float]
) -> None:
    print(
        f"\n== round changes: {args.participants} participants ({args.students} students, "
        f"{args.professionals} professionals), {args.changes} changes, {args.servers} x "
        f"{args.server}, {args.mode} =="
    )
    print(f"  {'ms after the commit':<30} {'ours':>9} {'baseline':>9} {'baseline/ours':>14}")
    for key, title in (
        ("last_p50", "last participant, p50"),
        ("last_p99", "last participant, p99"),
        ("last_max", "last participant, max"),
        ("all_p50", "all participants, p50"),
        ("all_p99", "all participants, p99"),
        ("all_max", "all participants, max"),
        ("transition_p50", "trigger → commit, p50"),
        ("trigger_last_max", "trigger → last participant, max"),
    ):
        ratio = base[key] / ours[key] if ours[key] else float("nan")
        print(f"  {title:<30} {ours[key]:9.1f} {base[key]:9.1f} {ratio:13.2f}x")
    print(
        f"  missing / wrong pairings: ours {ours['missing']:.0f} / {ours['wrong']:.0f}, "
        f"baseline {base['missing']:.0f} / {base['wrong']:.0f}"
    )
    everyone = (
        ours["trigger_last_max"] <= TARGET_EVERYONE_MS and not ours["missing"] and not ours["wrong"]
    )
    print(
        f"  target: everyone moved within {TARGET_EVERYONE_MS:.0f} ms of the round's end "
        f"(trigger → last, max {ours['trigger_last_max']:.1f} ms): {verdict(everyone)}; "
        f"p99 ≤ {TARGET_P99_MS:.0f} ms "
        f"(all p99 {ours['all_p99']:.1f} ms): {verdict(ours['all_p99'] <= TARGET_P99_MS)}"
    )


def report_planner(quick: bool) -> None:
    """bench/event_planner.py's figures (H1's), with the issue's targets beside them."""
    print("\n== planner (bench/event_planner.py) ==", flush=True)
    from bench.event_planner import measure

    figures = measure(quick)
    for key, value in figures.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"  {key:<34} {shown}")
    plan_s, replan_s = figures["plan_s"], figures["replan_s"]
    ours, base = figures["wishes_served"], figures["baseline_wishes_served"]
    print(
        f"  target: plan ≤ {TARGET_PLAN_S:.0f} s ({plan_s:.3f} s wall, "
        f"{figures['plan_cpu_s']:.3f} s processor): {verdict(plan_s <= TARGET_PLAN_S)}; "
        f"re-plan ≤ {TARGET_REPLAN_S * 1000:.0f} ms ({replan_s * 1000:.0f} ms wall, "
        f"{figures['replan_cpu_s'] * 1000:.0f} ms processor): "
        f"{verdict(replan_s <= TARGET_REPLAN_S)}; more wishes served than the baseline "
        f"({ours:.3f} against {base:.3f}): {verdict(ours > base)}"
    )


def main() -> None:
    args = configure()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(f"load average at start: {loadavg()}", flush=True)
    began = time.monotonic()
    ours: list[Measured] = []
    base: list[Measured] = []
    start: Measured | None = None
    with tempfile.TemporaryDirectory(prefix="bench-events-") as tmp_name:
        services = Services(Path(tmp_name))
        load: Load | None = None
        try:
            services.start()
            from bench.event_rotation_world import expected_pairings, make_event, make_users
            from realtime.tickets import ticket_issue

            made = time.monotonic()
            world = make_users(args.students, args.professionals, args.seed)
            for name in ("ours", "baseline"):
                make_event(
                    world,
                    name,
                    rounds=args.changes + 1,
                    per_table=args.per_table,
                    mode=args.mode,
                    seed=args.seed,
                )
            print(
                f"set-up: {len(world.participants)} participants in two events, "
                f"{time.monotonic() - made:.1f} s",
                flush=True,
            )
            services.start_servers(args.server, args.servers)
            ports = services.ports
            clients = [
                {
                    "url": f"ws://127.0.0.1:{ports[n % len(ports)]}/ws/?ticket="
                    f"{ticket_issue(user=user).ticket}",
                    "user_id": user.pk,
                }
                for n, user in enumerate(world.participants)
            ]
            connected = time.monotonic()
            load = Load(clients, f"event:{world.events['ours']}")
            hello = load.receive()
            print(
                f"connected and joined: {hello['connected']} clients in "
                f"{time.monotonic() - connected:.1f} s (join reply p50 "
                f"{pct(hello['join_ms'], 0.5):.1f} ms, p99 {pct(hello['join_ms'], 0.99):.1f} ms)",
                flush=True,
            )
            user_ids = [user.pk for user in world.participants]
            ours_id, base_id = world.events["ours"], world.events["baseline"]

            from events.services.clock import event_start

            # Round 1 of ours: the start also makes the plan of every round.
            # The plan does not exist before the start: its pairings are not checked (later
            # rounds' are, against the plan the start made).
            start = load.measure(
                "ours start → round 1",
                "event",
                1,
                dict.fromkeys(map(str, user_ids)),
                lambda: ours_start(ours_id, world.organiser),
                args.timeout,
                check=False,
            )
            event_start(organiser=world.organiser, event_id=base_id)
            for number in range(2, args.changes + 2):
                label = f"{number - 1} → {number}"
                expected = expected_pairings(ours_id, number, user_ids)
                ours.append(
                    load.measure(
                        f"ours {label}",
                        "event",
                        number,
                        expected,
                        lambda: ours_change(ours_id),
                        args.timeout,
                    )
                )
                print(ours[-1].line(), flush=True)
                expected = expected_pairings(base_id, number, user_ids)
                base.append(
                    load.measure(
                        f"baseline {label}",
                        "user",
                        number,
                        expected,
                        lambda: baseline_change(base_id, user_ids),
                        args.timeout,
                    )
                )
                print(base[-1].line(), flush=True)
        except Exception:
            print(services.logs_tail(), file=sys.stderr)
            raise
        finally:
            if load is not None:
                load.close()
            services.stop()
    if start is not None:
        print(
            f"\n  start (plans every round, then pushes round 1): transition "
            f"{start.transition_ms:.1f} ms, last participant {start.last:.1f} ms after commit"
        )
    if ours and base:
        report_rotation(args, summarise("ours", ours), summarise("baseline", base))
    if not args.skip_planner:
        report_planner(args.quick)
    print(f"\nload average at end: {loadavg()}; {time.monotonic() - began:.0f} s")
    # Correctness, not speed, decides the exit status (a smoke run must not fail on a slow
    # machine): a participant without their round.started, or with someone else's pairing.
    if any(change.missing or change.wrong for change in [*ours, *base]) or (
        start is not None and start.missing
    ):
        sys.exit(1)


if __name__ == "__main__":
    main()
