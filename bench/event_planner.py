"""The speed-meeting planner at the size of real events, against a random-restart planner.

    .venv/bin/python bench/event_planner.py [--quick] [--seed 11]

800 students and 200 professionals (`--quick`: 240 and 60), 4 students per table, 6 rounds.
Each professional works in one of 20 sectors; each student wishes 4 sectors, ranked (weights
8, 6, 4, 2 as events/planning.py gives them) and shares up to 3 of 30 interests with some
professionals (one point each); 1 % of all (professional, student) pairs are forbidden.

Timed, in this process, pure functions only (no database: events/planning.py's reads and
writes are measured by its tests' query counts):
- the plan of all 6 rounds (`events.planner.plan`);
- the re-plan of rounds 3..6 after rounds 1 and 2 were played as planned and 10 % of the
  students and of the professionals did not come back (their history given as `met` and
  `sat_out`);
- the share of (student, wished sector) pairs served by the full plan.

Baseline, same run, same world: a random-restart planner. Each restart seats the students of
each round in a random order, each at a random professional they may meet (hard rules
respected: no repeat, no forbidden pair, table capacity) that still has a free seat; the
restart with the most total affinity wins. It restarts until it has used as much processor
time as our planner took (at least once), so the comparison is at equal time.

Times are the median of `--repeats` runs, wall clock and processor time (this process's): on
a busy machine the wall clock grows with the load average (printed), the processor time not.

`measure(quick)` returns the figures as a dict (bench/event_rotation.py prints them).
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from events.planner import PlannedTable, PlanRequest, plan  # noqa: E402

SECTORS = 20
INTERESTS = 30
WISH_WEIGHTS = (8.0, 6.0, 4.0, 2.0)  # events.planning.WISH_WEIGHTS, ranks 1..4
SEATS = 4
ROUNDS = 6
PLAYED = 2  # rounds played before the no-shows are known
NO_SHOWS = 0.10
FORBIDDEN_SHARE = 0.01

Plan = dict[int, list[PlannedTable]]


@dataclass
class World:
    request: PlanRequest
    wishes: set[tuple[int, int]]  # (student, sector)
    sector_of: dict[int, int]  # professional -> sector


def make_world(n_students: int, n_professionals: int, seed: int) -> World:
    rng = random.Random(seed)
    students = list(range(100_000, 100_000 + n_students))
    professionals = list(range(1, n_professionals + 1))
    sector_of = {p: rng.randrange(SECTORS) for p in professionals}
    by_sector: dict[int, list[int]] = {}
    for p, sector in sector_of.items():
        by_sector.setdefault(sector, []).append(p)
    pro_interests = {p: set(rng.sample(range(INTERESTS), 3)) for p in professionals}
    by_interest: dict[int, list[int]] = {}
    for p, interests in pro_interests.items():
        for interest in interests:
            by_interest.setdefault(interest, []).append(p)
    affinity: dict[tuple[int, int], float] = {}
    wishes: set[tuple[int, int]] = set()
    for s in students:
        for weight, sector in zip(WISH_WEIGHTS, rng.sample(range(SECTORS), 4), strict=True):
            wishes.add((s, sector))
            for p in by_sector.get(sector, []):
                affinity[p, s] = affinity.get((p, s), 0.0) + weight
        shared: dict[int, int] = {}
        for interest in rng.sample(range(INTERESTS), 3):
            for p in by_interest.get(interest, []):
                shared[p] = shared.get(p, 0) + 1
        for p, count in shared.items():
            affinity[p, s] = affinity.get((p, s), 0.0) + min(count, 3)
    pairs = n_students * n_professionals
    forbidden = frozenset(
        (rng.choice(professionals), rng.choice(students))
        for _ in range(int(pairs * FORBIDDEN_SHARE))
    )
    request = PlanRequest(
        students=students,
        professionals=professionals,
        rounds=tuple(range(1, ROUNDS + 1)),
        seats_per_table=SEATS,
        forbidden=forbidden,
        affinity=affinity,
        seed=seed,
        sectors=sector_of,
    )
    return World(request=request, wishes=wishes, sector_of=sector_of)


def after_no_shows(world: World, played: Plan, seed: int) -> PlanRequest:
    """The request of rounds PLAYED+1.. once the played rounds are history and 10 % of each
    side did not come back."""
    rng = random.Random(seed + 1)
    request = world.request
    met = {(t.professional, s) for tables in played.values() for t in tables for s in t.students}
    seated = {number: {s for t in tables for s in t.students} for number, tables in played.items()}
    sat_out = {
        s: n for s in request.students if (n := sum(s not in seats for seats in seated.values()))
    }
    students = [s for s in request.students if rng.random() >= NO_SHOWS]
    professionals = [p for p in request.professionals if rng.random() >= NO_SHOWS]
    return replace(
        request,
        students=students,
        professionals=professionals,
        rounds=tuple(range(PLAYED + 1, ROUNDS + 1)),
        met=frozenset(met),
        sat_out={s: n for s, n in sat_out.items() if s in set(students)},
    )


# --- The baseline ------------------------------------------------------------------------------


def random_restarts(request: PlanRequest, budget: float, seed: int) -> tuple[Plan, int, float]:
    """The best of random valid plans by total affinity, restarting until `budget` seconds
    of processor time are used (at least one restart). Returns (plan, restarts, processor
    seconds used)."""
    rng = np.random.default_rng(seed)
    students = sorted(request.students)
    professionals = sorted(request.professionals)
    row = {s: i for i, s in enumerate(students)}
    column = {p: j for j, p in enumerate(professionals)}
    base_blocked = np.zeros((len(students), len(professionals)), dtype=bool)
    for pairs in (request.met, request.forbidden):
        for p, s in pairs:
            if p in column and s in row:
                base_blocked[row[s], column[p]] = True
    affinity = np.zeros(base_blocked.shape)
    for (p, s), weight in request.affinity.items():
        if p in column and s in row:
            affinity[row[s], column[p]] = weight
    best: Plan = {}
    best_score = -1.0
    restarts = 0
    started = time.process_time()
    while restarts == 0 or time.process_time() - started < budget:
        restarts += 1
        blocked = base_blocked.copy()
        candidate: Plan = {}
        score = 0.0
        for number in sorted(request.rounds):
            free = np.full(len(professionals), request.seats_per_table)
            tables: dict[int, list[int]] = {}
            for i in rng.permutation(len(students)):
                choices = np.flatnonzero(~blocked[i] & (free > 0))
                if not len(choices):
                    continue  # sits out
                j = int(rng.choice(choices))
                free[j] -= 1
                blocked[i, j] = True
                score += affinity[i, j]
                tables.setdefault(j, []).append(students[i])
            candidate[number] = [
                PlannedTable(professionals[j], tuple(sorted(tables[j]))) for j in sorted(tables)
            ]
        if score > best_score:
            best, best_score = candidate, score
    return best, restarts, time.process_time() - started


# --- Reading plans -----------------------------------------------------------------------------


def wishes_served(world: World, result: Plan) -> float:
    met = {
        (s, world.sector_of[t.professional])
        for tables in result.values()
        for t in tables
        for s in t.students
    }
    return len(world.wishes & met) / len(world.wishes)


def violations(request: PlanRequest, result: Plan) -> int:
    """Hard-rule breaks: repeats (with `met`), forbidden pairs, tables over capacity."""
    seen = set(request.met)
    broken = 0
    for _, tables in sorted(result.items()):
        for t in tables:
            broken += len(t.students) > request.seats_per_table
            for s in t.students:
                broken += (t.professional, s) in seen or (t.professional, s) in request.forbidden
                seen.add((t.professional, s))
    return broken


def seated_share(request: PlanRequest, result: Plan) -> float:
    seats = sum(len(t.students) for tables in result.values() for t in tables)
    possible = len(result) * min(
        len(request.students), len(request.professionals) * request.seats_per_table
    )
    return seats / possible if possible else 1.0


def timed(run: Callable[[], Plan], repeats: int) -> tuple[Plan, float, float]:
    """The plan and the median wall-clock and processor times of `repeats` runs (the planner
    is deterministic)."""
    wall, cpu = [], []
    result: Plan = {}
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = run()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return result, statistics.median(wall), statistics.median(cpu)


def measure(quick: bool, seed: int = 11, repeats: int = 3) -> dict[str, Any]:
    """The planner's figures and the baseline's, side by side (see the module docstring)."""
    n_students, n_professionals = (240, 60) if quick else (800, 200)
    world = make_world(n_students, n_professionals, seed)
    plan(replace(world.request, rounds=(1,)))  # imports and first-call costs out of the timing
    load = os.getloadavg()[0]
    full, plan_s, plan_cpu_s = timed(lambda: plan(world.request), repeats)
    again = after_no_shows(world, {r: full[r] for r in range(1, PLAYED + 1)}, seed)
    replanned, replan_s, replan_cpu_s = timed(lambda: plan(again), repeats)
    base_full, restarts, base_cpu_s = random_restarts(world.request, plan_cpu_s, seed)
    base_replanned, replan_restarts, base_replan_cpu_s = random_restarts(again, replan_cpu_s, seed)
    ours_served = wishes_served(world, full)
    base_served = wishes_served(world, base_full)
    return {
        "students": n_students,
        "professionals": n_professionals,
        "rounds": ROUNDS,
        "seats_per_table": SEATS,
        "forbidden_pairs": len(world.request.forbidden),
        "load_average": load,
        "plan_s": plan_s,
        "plan_cpu_s": plan_cpu_s,
        "replan_s": replan_s,
        "replan_cpu_s": replan_cpu_s,
        "replan_students": len(again.students),
        "replan_professionals": len(again.professionals),
        "wishes_served": ours_served,
        "seated_share": seated_share(world.request, full),
        "replan_seated_share": seated_share(again, replanned),
        "violations": violations(world.request, full) + violations(again, replanned),
        "baseline_plan_cpu_s": base_cpu_s,
        "baseline_replan_cpu_s": base_replan_cpu_s,
        "baseline_restarts": restarts,
        "baseline_replan_restarts": replan_restarts,
        "baseline_wishes_served": base_served,
        "baseline_seated_share": seated_share(world.request, base_full),
        "baseline_replan_seated_share": seated_share(again, base_replanned),
        "baseline_violations": violations(world.request, base_full)
        + violations(again, base_replanned),
        "time_ratio": base_cpu_s / plan_cpu_s if plan_cpu_s else float("inf"),
        "wishes_served_ratio": ours_served / base_served if base_served else float("inf"),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="240 students, 60 professionals")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs (median shown)")
    args = parser.parse_args(argv)
    f = measure(args.quick, seed=args.seed, repeats=args.repeats)
    print(
        f"{f['students']} students, {f['professionals']} professionals, {f['rounds']} rounds, "
        f"{f['seats_per_table']} per table, {f['forbidden_pairs']} forbidden pairs; re-plan of "
        f"rounds {PLAYED + 1}..{ROUNDS} with {f['replan_students']} students and "
        f"{f['replan_professionals']} professionals (10 % no-shows); load average at start "
        f"{f['load_average']:.2f}"
    )
    print(
        f"{'':18}{'plan s':>8}{'cpu s':>7}{'re-plan s':>11}{'cpu s':>7}{'restarts':>10}"
        f"{'wishes':>8}{'seated':>8}{'re-seated':>11}{'broken':>8}"
    )
    times = f"{f['plan_s']:8.3f}{f['plan_cpu_s']:7.3f}{f['replan_s']:11.3f}{f['replan_cpu_s']:7.3f}"
    print(
        f"{'ours (assignment)':18}{times}{'':>10}"
        f"{f['wishes_served']:8.1%}{f['seated_share']:8.1%}{f['replan_seated_share']:11.1%}"
        f"{f['violations']:8d}"
    )
    restarts = f"{f['baseline_restarts']}/{f['baseline_replan_restarts']}"
    print(
        f"{'random restarts':18}{'':8}{f['baseline_plan_cpu_s']:7.3f}{'':11}"
        f"{f['baseline_replan_cpu_s']:7.3f}"
        f"{restarts:>10}{f['baseline_wishes_served']:8.1%}{f['baseline_seated_share']:8.1%}"
        f"{f['baseline_replan_seated_share']:11.1%}{f['baseline_violations']:8d}"
    )
    print(
        "(plan and re-plan: median of the timed runs, wall clock and processor time; the "
        "baseline is given the same processor time and restarts until it is used: restarts "
        "for the plan / the re-plan. wishes: share of (student, wished sector) pairs served by "
        "the full plan; seated: seats filled out of min(students, seats) per round; broken: "
        "hard-rule breaks.)"
    )
    print(
        f"ratios: processor time, baseline / ours: {f['time_ratio']:.2f} (equal by design); "
        f"wishes served, ours / baseline: "
        f"{f['wishes_served_ratio']:.2f}"
    )
    print(
        f"targets (wall clock): plan ≤ 2 s: {'met' if f['plan_s'] <= 2 else 'MISSED'}; "
        f"re-plan ≤ 0.5 s: {'met' if f['replan_s'] <= 0.5 else 'MISSED'}; more wishes served "
        f"than the baseline: "
        f"{'met' if f['wishes_served'] > f['baseline_wishes_served'] else 'MISSED'}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
