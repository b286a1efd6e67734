"""The speed-meeting planner: who sits at which professional's table in each round.

A pure, deterministic function (no database, no clock): the same request and seed give the
same plan, whatever the order of the ids in the request. `events/planning.py` builds the
request from an event's rows and stores the plan.

Rules, and which yields when they conflict (each rule only ever yields to the ones above it):

1. Hard rules, never broken: a student never meets the same professional twice (counting the
   pairs of `met`, the rounds already played, and the rounds planned before in this plan); a
   forbidden pair never meets; a table never holds more than `seats_per_table` students.
   A student whom the hard rules leave no seat sits the round out.
2. Seat as many students as possible: every round seats the most students the hard rules
   allow given the rounds before it, so every student meets as many distinct professionals as
   the rounds allow. Rounds are planned in order; when that leaves a seat empty or a student
   out in some round (e.g. as many rounds as professionals: each student must meet them
   all), the plan is made again looking ahead (each round also pulled towards the
   professionals that the most students still have to meet, above affinity), and the plan
   that fills more seats over all the rounds is kept. This is a heuristic, not a proof: a
   rare mix of forbidden pairs and history can still leave a student out of a later round
   that another choice of earlier rounds would have seated.
3. Fairness: when not everyone can be seated, those who sat out the most so far (`sat_out`
   plus the rounds planned before) are seated first, ties broken by a seeded random draw.
   So among students who could have been seated, sit-outs differ by at most one whenever
   the hard rules allow it (a student who sat out while a student with fewer sit-outs was
   seated is one the hard rules kept from that seat).
4. Balance: among the professionals of a round, table sizes differ by at most one and no
   professional sits alone while there are at least as many students as professionals,
   whenever rules 1-3 allow it (otherwise the sizes are as even as they can be: the sum of
   their squares is least).
5. Affinity (sector wishes, shared interests): the seating with the highest total affinity
   among those that satisfy rules 1-4 (in a plan made again looking ahead, the look-ahead's
   pull comes first). Rounds are planned in order, so the pairs with the
   highest affinity are met first. With `sectors`, a wish is served once: after a student
   has met a professional of a sector, the affinity to that sector's other professionals
   counts a quarter.

How: each round is one assignment problem (scipy's `linear_sum_assignment`, min cost) of the
students to seat columns, `seats_per_table` columns per professional. A column's cost grows
with its seat's rank at the table (so the solver fills every professional's first seats
before anyone's later ones: rule 4), a student's seated cost falls with their fairness
priority (rule 3), a pair's affinity lowers it (rule 5), and a pair the hard rules forbid
costs more than everything else put together (a student assigned there sits out). The
weights are scaled so that each rule outweighs every rule below it. Two exact shortcuts keep
the problem small: with more students than seats, only the students first by fairness enter
it when they can all be seated; with fewer, only the seat ranks balanced tables need (plus
one), when everyone can be seated in them.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

# After a student met a professional of a sector, a wish for that sector is served: the
# other professionals of the sector keep a quarter of their affinity (shared interests).
SERVED_SECTOR_FACTOR = 0.25


@dataclass(frozen=True)
class PlanRequest:
    students: Sequence[int]  # present students (user ids)
    professionals: Sequence[int]  # present professionals
    rounds: Sequence[int]  # round numbers to plan, e.g. (3, 4, 5)
    seats_per_table: int  # 1..10
    # (professional, student) who already met in played rounds.
    met: frozenset[tuple[int, int]] = frozenset()
    # student -> rounds they sat out so far (played rounds).
    sat_out: Mapping[int, int] = field(default_factory=dict)
    # (professional, student) who must never meet.
    forbidden: frozenset[tuple[int, int]] = frozenset()
    # (professional, student) -> weight >= 0 (wishes, shared interests).
    affinity: Mapping[tuple[int, int], float] = field(default_factory=dict)
    seed: int = 0
    # professional -> sector id (optional): a student's wish for a sector is served once.
    sectors: Mapping[int, int] = field(default_factory=dict)
    # When a round cannot seat everyone, plan again looking ahead (see the module docstring).
    look_ahead: bool = True


@dataclass(frozen=True)
class PlannedTable:
    professional: int
    students: tuple[int, ...]


def plan(request: PlanRequest) -> dict[int, list[PlannedTable]]:
    """Plan `request.rounds`: round -> the tables that have at least one student, sorted by
    professional, each table's students sorted. See the module docstring for the rules."""
    rounds = sorted(set(request.rounds))
    students = sorted(set(request.students))
    professionals = sorted(set(request.professionals))
    seats = request.seats_per_table
    if not students or not professionals or seats < 1 or not rounds:
        return {number: [] for number in rounds}

    row = {student: i for i, student in enumerate(students)}
    column = {professional: j for j, professional in enumerate(professionals)}
    # blocked[i, j]: student i may not sit with professional j (met before, or forbidden).
    blocked = np.zeros((len(students), len(professionals)), dtype=bool)
    for pairs in (request.met, request.forbidden):
        for professional, student in pairs:
            if professional in column and student in row:
                blocked[row[student], column[professional]] = True
    affinity = np.zeros(blocked.shape)
    for (professional, student), weight in request.affinity.items():
        if professional in column and student in row and weight > 0:
            affinity[row[student], column[professional]] = float(weight)
    sector_of = _sector_columns(professionals, request.sectors)
    # met_sector[i, s]: student i met a professional of sector s (its wish is served).
    met_sector = np.zeros((len(students), int(sector_of.max(initial=-1)) + 1), dtype=bool)
    for professional, student in request.met:
        if professional in column and student in row and sector_of[column[professional]] >= 0:
            met_sector[row[student], sector_of[column[professional]]] = True
    sat_out = np.array([max(0, int(request.sat_out.get(s, 0))) for s in students], dtype=np.int64)
    inputs = _Inputs(students, professionals, seats, affinity, sector_of, request.seed)
    result, seated = _plan_rounds(inputs, rounds, blocked, met_sector, sat_out, look_ahead=False)
    everyone = min(len(students), len(professionals) * seats)
    if request.look_ahead and seated < everyone * len(rounds):
        # Some round left seats empty or students out: plan again steering each round towards
        # the professionals in demand, and keep that plan if it seats more in all.
        again, seated_again = _plan_rounds(
            inputs, rounds, blocked, met_sector, sat_out, look_ahead=True
        )
        if seated_again > seated:
            return again
    return result


@dataclass(frozen=True)
class _Inputs:
    students: list[int]
    professionals: list[int]
    seats: int
    affinity: np.ndarray
    sector_of: np.ndarray
    seed: int


def _plan_rounds(
    inputs: _Inputs,
    rounds: list[int],
    blocked: np.ndarray,
    met_sector: np.ndarray,
    sat_out: np.ndarray,
    *,
    look_ahead: bool,
) -> tuple[dict[int, list[PlannedTable]], int]:
    """Plan the rounds in order, each given the ones before: (the plan, seats filled)."""
    blocked, met_sector, sat_out = blocked.copy(), met_sector.copy(), sat_out.copy()
    students, professionals, sector_of = inputs.students, inputs.professionals, inputs.sector_of
    affinity, seats = inputs.affinity, inputs.seats
    draw = random.Random(inputs.seed)  # noqa: S311  (a seeded, reproducible tie-break)
    result: dict[int, list[PlannedTable]] = {}
    filled = 0
    for index, number in enumerate(rounds):
        weights = affinity
        if met_sector.shape[1]:
            has_sector = sector_of >= 0
            served = np.zeros(blocked.shape, dtype=bool)
            served[:, has_sector] = met_sector[:, sector_of[has_sector]]
            weights = np.where(served, affinity * SERVED_SECTOR_FACTOR, affinity)
        if look_ahead:
            weights = weights + _demand(blocked, seats, len(rounds) - index, weights)
        ties = [draw.random() for _ in students]
        seating = _plan_round(blocked, weights, sat_out, ties, seats)
        tables: dict[int, list[int]] = {}
        seated = np.zeros(len(students), dtype=bool)
        for i, j in seating:
            tables.setdefault(j, []).append(students[i])
            seated[i] = True
            blocked[i, j] = True
            if sector_of[j] >= 0:
                met_sector[i, sector_of[j]] = True
        sat_out += ~seated
        filled += len(seating)
        result[number] = [
            PlannedTable(professional=professionals[j], students=tuple(sorted(tables[j])))
            for j in sorted(tables)
        ]
    return result, filled


def _demand(blocked: np.ndarray, seats: int, rounds_left: int, weights: np.ndarray) -> np.ndarray:
    """The look-ahead's pull towards each professional: the students who may still meet them
    over the seats they have left, scaled to outweigh one pair's affinity. Meeting the
    professionals most in demand first leaves every student someone to meet in later rounds."""
    free = ~blocked
    demand = free.sum(axis=0) / (seats * rounds_left)
    if not demand.max(initial=0.0):
        return np.zeros(blocked.shape)
    pull = 4.0 * (float(weights.max(initial=0.0)) + 1.0) * demand / demand.max()
    return np.where(free, pull[None, :], 0.0)


def _sector_columns(professionals: list[int], sectors: Mapping[int, int]) -> np.ndarray:
    """Each professional's sector as a small index (-1 for none)."""
    index: dict[int, int] = {}
    out = np.full(len(professionals), -1, dtype=np.int64)
    for j, professional in enumerate(professionals):
        sector = sectors.get(professional)
        if sector is not None:
            out[j] = index.setdefault(sector, len(index))
    return out


def _plan_round(
    blocked: np.ndarray,
    affinity: np.ndarray,
    sat_out: np.ndarray,
    ties: list[float],
    seats: int,
) -> list[tuple[int, int]]:
    """One round: the (student row, professional column) pairs seated."""
    n_students, n_professionals = blocked.shape
    # Fairness priority: most sit-outs first, then the seeded draw. Weights 1..n in that
    # order: seatable sets form a matroid (students matchable to seats), so the seated set of
    # greatest total weight is the largest one and, within that, the greedy one by priority.
    order = np.array(sorted(range(n_students), key=lambda i: (-int(sat_out[i]), ties[i])))
    priority = np.empty(n_students)
    priority[order] = np.arange(n_students, 0, -1, dtype=float)
    capacity = n_professionals * seats
    if n_students > capacity:
        # More students than seats: when the `capacity` first by priority can all be seated,
        # they are the greedy set, so the rest need not enter the (much larger) problem.
        top = np.sort(order[:capacity])
        seating = _assign(blocked[top], affinity[top], priority[top], seats)
        if len(seating) == capacity:
            return [(int(top[i]), j) for i, j in seating]
    else:
        # Everyone fits: tables balanced within one need ceil(n / professionals) seats each;
        # one more leaves room for the hard rules. When everyone is seated with that many
        # columns, the full problem has an optimum as balanced (a convex, separable cost on
        # table sizes has a least-maximum optimum), so its deeper seats would stay empty.
        levels = min(seats, -(-n_students // n_professionals) + 1)
        if levels < seats:
            seating = _assign(blocked, affinity, priority, levels)
            if len(seating) == n_students:
                return seating
    return _assign(blocked, affinity, priority, seats)


def _assign(
    blocked: np.ndarray, affinity: np.ndarray, priority: np.ndarray, seats: int
) -> list[tuple[int, int]]:
    """The min-cost assignment of these students (rows) to seat columns."""
    n_students, n_professionals = blocked.shape
    # Each rule's weight exceeds the largest swing all the rules below it can make.
    affinity_swing = n_students * float(affinity.max(initial=0.0)) + 1.0
    seat_unit = affinity_swing  # one seat rank deeper at a table
    balance_swing = seat_unit * n_professionals * seats * (seats - 1) / 2 + affinity_swing
    fairness_unit = balance_swing + 1.0
    top_priority = float(priority.max(initial=0.0))
    forbidden_cost = fairness_unit * (top_priority * (top_priority + 1) / 2 + 2)

    # Column c = professional c // seats, seat rank c % seats.
    seat_rank = np.tile(np.arange(seats, dtype=float), n_professionals) * seat_unit
    pair_cost = -np.repeat(affinity, seats, axis=1)
    cost = pair_cost + seat_rank[None, :] - (fairness_unit * priority)[:, None]
    cost[np.repeat(blocked, seats, axis=1)] = forbidden_cost
    rows, columns = linear_sum_assignment(cost)
    return [
        (int(i), int(c) // seats)
        for i, c in zip(rows, columns, strict=True)
        if not blocked[i, c // seats]
    ]
