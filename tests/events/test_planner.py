"""The planner's rules as properties over random events (Hypothesis), and the clear cases.

Each rule of events/planner.py is checked by an independent test of the plan it returns:
hard rules directly; "as many seated as possible" against a maximum matching computed here
with another algorithm; fairness, balance and affinity as "no single swap or move would do
better" (what the planner's precedence promises), and as the plain max - min <= 1 in the
conditions where the hard rules cannot get in the way.
"""

import os
import random
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from events.planner import PlannedTable, PlanRequest, plan

# Derandomized: the same 150 examples on every run, so CI never meets a new one by chance
# (`HYPOTHESIS_SEARCH=1` explores fresh ones when working on the planner).
PROPERTIES = settings(
    max_examples=150, deadline=None, derandomize=not os.environ.get("HYPOTHESIS_SEARCH")
)

Plan = dict[int, list[PlannedTable]]


@st.composite
def requests(
    draw: Any,
    *,
    max_students: int = 40,
    max_professionals: int = 12,
    history: bool = True,
    forbidden: bool = True,
) -> PlanRequest:
    """A random request: sizes, rounds (not always starting at 1), seats, wishes as affinity
    weights, forbidden pairs, already-met pairs and sit-outs of played rounds."""
    n_students = draw(st.integers(0, max_students))
    n_professionals = draw(st.integers(0, max_professionals))
    students = draw(st.permutations([1000 + n for n in range(n_students)]))
    professionals = draw(st.permutations(list(range(1, n_professionals + 1))))
    first = draw(st.integers(1, 4)) if history else 1
    rounds = tuple(range(first, first + draw(st.integers(1, 8))))
    pairs = [(p, s) for p in professionals for s in students]
    rng = random.Random(draw(st.integers(0, 2**16)))

    def some_pairs(share: float) -> frozenset[tuple[int, int]]:
        return frozenset(pair for pair in pairs if rng.random() < share)

    met = some_pairs(draw(st.sampled_from([0.0, 0.1, 0.3]))) if history else frozenset()
    sat_out = {s: rng.randrange(3) for s in students if rng.random() < 0.3} if history else {}
    banned = some_pairs(draw(st.sampled_from([0.0, 0.05, 0.2]))) if forbidden else frozenset()
    affinity = {pair: float(rng.choice([1, 2, 4, 6, 8, 11])) for pair in some_pairs(0.3)}
    sectors = {p: rng.randrange(4) for p in professionals} if draw(st.booleans()) else {}
    return PlanRequest(
        students=students,
        professionals=professionals,
        rounds=rounds,
        seats_per_table=draw(st.integers(1, 4)),
        met=met,
        sat_out=sat_out,
        forbidden=banned,
        affinity=affinity,
        seed=draw(st.integers(0, 2**31)),
        sectors=sectors,
    )


# --- Reading a plan ----------------------------------------------------------------------------


def seating(tables: Iterable[PlannedTable]) -> dict[int, int]:
    """student -> professional for one round."""
    return {s: t.professional for t in tables for s in t.students}


def rounds_in_order(request: PlanRequest, result: Plan) -> list[tuple[int, dict[int, int]]]:
    return [(number, seating(result[number])) for number in sorted(result)]


def history_before(request: PlanRequest, result: Plan, number: int) -> set[tuple[int, int]]:
    """(professional, student) pairs met before round `number`: `met` and planned rounds."""
    met = set(request.met)
    for earlier, seats in rounds_in_order(request, result):
        if earlier < number:
            met |= {(p, s) for s, p in seats.items()}
    return met


def sit_outs_before(request: PlanRequest, result: Plan, number: int) -> dict[int, int]:
    counts = {s: request.sat_out.get(s, 0) for s in request.students}
    for earlier, seats in rounds_in_order(request, result):
        if earlier < number:
            for s in request.students:
                counts[s] += s not in seats
    return counts


def allowed(request: PlanRequest, met: set[tuple[int, int]], p: int, s: int) -> bool:
    return (p, s) not in met and (p, s) not in request.forbidden


def max_seatable(request: PlanRequest, met: set[tuple[int, int]]) -> int:
    """The most students one round could seat (a maximum matching into seats, by another
    algorithm than the planner's)."""
    students, professionals = list(request.students), list(request.professionals)
    k = request.seats_per_table
    if not students or not professionals:
        return 0
    rows, columns = [], []
    for i, s in enumerate(students):
        for j, p in enumerate(professionals):
            if allowed(request, met, p, s):
                rows += [i] * k
                columns += [j * k + seat for seat in range(k)]
    graph = csr_matrix(
        (np.ones(len(rows)), (rows, columns)), shape=(len(students), len(professionals) * k)
    )
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


# --- Hard rules, determinism -------------------------------------------------------------------


@PROPERTIES
@given(requests())
def test_hard_rules_are_never_broken(request: PlanRequest) -> None:
    result = plan(request)
    assert sorted(result) == sorted(set(request.rounds))
    met = set(request.met)
    for _number, tables in sorted(result.items()):
        assert [t.professional for t in tables] == sorted({t.professional for t in tables})
        seen: set[int] = set()
        for table in tables:
            assert table.professional in request.professionals
            assert 1 <= len(table.students) <= request.seats_per_table
            assert list(table.students) == sorted(table.students)
            for s in table.students:
                assert s in request.students
                assert s not in seen, "a student at two tables in one round"
                seen.add(s)
                assert (table.professional, s) not in request.forbidden
                assert (table.professional, s) not in met, "met the same professional twice"
        met |= {(t.professional, s) for t in tables for s in t.students}


@PROPERTIES
@given(requests(), st.randoms(use_true_random=False))
def test_same_input_and_seed_give_the_same_plan_whatever_the_order(
    request: PlanRequest, rng: random.Random
) -> None:
    students, professionals = list(request.students), list(request.professionals)
    rng.shuffle(students)
    rng.shuffle(professionals)
    shuffled = replace(
        request,
        students=students,
        professionals=professionals,
        rounds=tuple(reversed(request.rounds)),
        affinity=dict(reversed(list(request.affinity.items()))),
    )
    assert plan(request) == plan(shuffled) == plan(request)


def test_the_seed_changes_who_sits_out() -> None:
    request = PlanRequest(
        students=range(20), professionals=[100, 101], rounds=[1], seats_per_table=2
    )
    outs = {
        frozenset(set(range(20)) - set(seating(plan(replace(request, seed=seed))[1])))
        for seed in range(10)
    }
    assert len(outs) > 1


# --- Seating as many as possible, fairly -------------------------------------------------------


@PROPERTIES
@given(requests())
def test_each_round_seats_as_many_students_as_the_hard_rules_allow(request: PlanRequest) -> None:
    result = plan(request)
    for number, seats in rounds_in_order(request, result):
        assert len(seats) == max_seatable(request, history_before(request, result, number))


@PROPERTIES
@given(requests())
def test_who_sits_out_is_who_sat_out_least_unless_the_hard_rules_forbid_the_swap(
    request: PlanRequest,
) -> None:
    """A student sitting out with more sit-outs so far than a seated one could not have taken
    that one's seat (met that professional before, or forbidden)."""
    result = plan(request)
    for number, seats in rounds_in_order(request, result):
        met = history_before(request, result, number)
        counts = sit_outs_before(request, result, number)
        out = [s for s in request.students if s not in seats]
        for x in out:
            for y, p in seats.items():
                if counts[x] > counts[y]:
                    assert not allowed(request, met, p, x), (number, x, y, p)


@PROPERTIES
@given(requests(history=False, forbidden=False))
def test_sitting_out_is_rotated_fairly_when_nothing_else_is_in_the_way(
    request: PlanRequest,
) -> None:
    """Without forbidden pairs or history, and no more rounds than professionals (so nobody
    runs out of professionals to meet): sit-outs differ by at most one."""
    if len(request.rounds) > len(request.professionals):
        return
    result = plan(request)
    counts = sit_outs_before(request, result, max(request.rounds) + 1)
    if counts:
        assert max(counts.values()) - min(counts.values()) <= 1


@PROPERTIES
@given(requests())
def test_earlier_unfairness_is_never_made_worse(request: PlanRequest) -> None:
    """Given sit-outs of played rounds that differ by up to 2, the spread never grows when the
    hard rules leave everyone someone to meet in every round."""
    result = plan(request)
    if request.forbidden or request.met or len(request.rounds) > len(request.professionals):
        return
    before = sit_outs_before(request, result, min(request.rounds))
    after = sit_outs_before(request, result, max(request.rounds) + 1)
    if before:
        spread = max(before.values()) - min(before.values())
        assert max(after.values()) - min(after.values()) <= max(spread, 1)


# --- Balance -----------------------------------------------------------------------------------


def table_sizes(request: PlanRequest, seats: dict[int, int]) -> dict[int, int]:
    sizes = dict.fromkeys(request.professionals, 0)
    for p in seats.values():
        sizes[p] += 1
    return sizes


@PROPERTIES
@given(requests())
def test_no_student_could_move_to_a_table_two_smaller(request: PlanRequest) -> None:
    """Balance as far as the hard rules allow: no seated student could move from a table of
    a students to one of a - 2 or fewer (an empty one included: no professional alone)."""
    result = plan(request)
    for number, seats in rounds_in_order(request, result):
        met = history_before(request, result, number)
        sizes = table_sizes(request, seats)
        for s, p in seats.items():
            for q, size in sizes.items():
                if size <= sizes[p] - 2:
                    assert not allowed(request, met, q, s), (number, s, p, q, sizes)


@PROPERTIES
@given(requests(history=False, forbidden=False))
def test_first_round_tables_differ_by_at_most_one_and_nobody_sits_alone(
    request: PlanRequest,
) -> None:
    result = plan(request)
    seats = seating(result[min(request.rounds)])
    sizes = table_sizes(request, seats)
    if not sizes or not request.students:
        return
    assert max(sizes.values()) - min(sizes.values()) <= 1
    if len(request.students) >= len(request.professionals):
        assert min(sizes.values()) >= 1
    assert len(seats) == min(
        len(request.students), len(request.professionals) * request.seats_per_table
    )


# --- Affinity ----------------------------------------------------------------------------------


@PROPERTIES
@given(requests())
def test_no_swap_or_even_move_would_raise_the_round_s_affinity(request: PlanRequest) -> None:
    """Within a round, the seated set and table sizes fixed, affinity is as high as it goes
    for single exchanges: no two students could swap tables, and no student could move to a
    table one smaller, for more affinity. (Checked on the plan made without the look-ahead,
    whose pull outranks affinity when it is needed.)"""
    if request.sectors:
        request = replace(request, sectors={})  # the weights then stay the request's
    request = replace(request, look_ahead=False)
    result = plan(request)
    weight = request.affinity

    def a(p: int, s: int) -> float:
        return weight.get((p, s), 0.0)

    for number, seats in rounds_in_order(request, result):
        met = history_before(request, result, number)
        sizes = table_sizes(request, seats)
        items = list(seats.items())
        for x, p in items:
            for y, q in items:
                if p != q and allowed(request, met, q, x) and allowed(request, met, p, y):
                    assert a(q, x) + a(p, y) <= a(p, x) + a(q, y) + 1e-9
            for q, size in sizes.items():
                if q != p and size == sizes[p] - 1 and allowed(request, met, q, x):
                    assert a(q, x) <= a(p, x) + 1e-9


def test_the_highest_affinity_pairs_meet_first() -> None:
    students = list(range(1000, 1012))
    professionals = [1, 2, 3, 4]
    # Each student's favourite professional, cycling so that every table fills.
    favourite = {s: professionals[i % 4] for i, s in enumerate(students)}
    request = PlanRequest(
        students=students,
        professionals=professionals,
        rounds=[1, 2, 3, 4],
        seats_per_table=3,
        affinity={(p, s): 8.0 for s, p in favourite.items()},
    )
    first = seating(plan(request)[1])
    assert first == favourite


def test_a_wish_is_served_once_per_sector() -> None:
    """Two professionals of the wished sector and one of another: with `sectors`, the second
    round goes to the other sector; without, the student meets the same sector twice."""
    request = PlanRequest(
        students=[1000],
        professionals=[1, 2, 3],
        rounds=[1, 2],
        seats_per_table=1,
        affinity={(1, 1000): 8.0, (2, 1000): 8.0, (3, 1000): 3.0},
    )
    without = plan(request)
    assert {without[1][0].professional, without[2][0].professional} == {1, 2}
    served = plan(replace(request, sectors={1: 10, 2: 10, 3: 20}))
    assert {served[1][0].professional, served[2][0].professional} == {1, 3}


def test_affinity_beats_a_random_plan() -> None:
    rng = random.Random(3)
    students, professionals = list(range(1000, 1060)), list(range(1, 16))
    affinity = {
        (p, s): float(rng.choice([0, 0, 0, 2, 4, 8])) for p in professionals for s in students
    }
    request = PlanRequest(
        students=students,
        professionals=professionals,
        rounds=[1, 2, 3],
        seats_per_table=4,
        affinity=affinity,
    )
    ours = sum(
        affinity[t.professional, s] for ts in plan(request).values() for t in ts for s in t.students
    )
    # A random assignment of the same shape: 4 per table, no repeats (a Latin-style shift).
    order = students[:]
    rng.shuffle(order)
    theirs = sum(
        affinity[professionals[(i // 4 + r) % 15], s] for r in range(3) for i, s in enumerate(order)
    )
    assert ours > theirs * 1.3


# --- Everyone meets as many professionals as the rounds allow -----------------------------------


@PROPERTIES
@given(st.integers(1, 12), st.integers(1, 4), st.integers(1, 8), st.integers(0, 2**31))
def test_a_full_room_seats_everyone_every_round(
    professionals: int, seats: int, rounds: int, seed: int
) -> None:
    """As many students as seats, no forbidden pairs: each round's free pairs form a regular
    graph, so everyone is seated in every round, meeting min(rounds, professionals) distinct
    professionals."""
    rounds = min(rounds, professionals)
    students = list(range(1000, 1000 + professionals * seats))
    result = plan(
        PlanRequest(
            students=students,
            professionals=list(range(1, professionals + 1)),
            rounds=range(1, rounds + 1),
            seats_per_table=seats,
            seed=seed,
        )
    )
    for tables in result.values():
        assert sorted(seating(tables)) == students
        assert all(len(t.students) == seats for t in tables)


@PROPERTIES
@given(
    st.integers(1, 12),
    st.integers(1, 4),
    st.integers(1, 40),
    st.integers(1, 12),
    st.integers(0, 2**31),
)
def test_everyone_meets_a_new_professional_every_round_when_nothing_is_in_the_way(
    professionals: int, seats: int, students: int, rounds: int, seed: int
) -> None:
    """No forbidden pairs, no history, every student fits (students <= seats) and no more
    rounds than professionals: everyone is seated in every round, up to the last round of
    rounds = professionals, where each student must have met every professional."""
    students = min(students, professionals * seats)
    rounds = min(rounds, professionals)
    result = plan(
        PlanRequest(
            students=range(1000, 1000 + students),
            professionals=range(1, professionals + 1),
            rounds=range(1, rounds + 1),
            seats_per_table=seats,
            seed=seed,
        )
    )
    for tables in result.values():
        assert len(seating(tables)) == students


def test_the_look_ahead_seats_everyone_where_round_by_round_does_not() -> None:
    """4 students, 7 professionals, 1 seat, 7 rounds: each student must meet all seven.
    Round by round the last rounds leave students out; the plan made again looking ahead
    seats all four in every round."""
    request = PlanRequest(
        students=range(1000, 1004), professionals=range(1, 8), rounds=range(1, 8), seats_per_table=1
    )
    short = plan(replace(request, look_ahead=False))
    assert sum(len(seating(tables)) for tables in short.values()) < 28
    full = plan(request)
    assert all(len(seating(tables)) == 4 for tables in full.values())


def test_thirty_students_ten_professionals_three_seats_five_rounds() -> None:
    students = list(range(1000, 1030))
    result = plan(
        PlanRequest(
            students=students, professionals=range(1, 11), rounds=range(1, 6), seats_per_table=3
        )
    )
    met: dict[int, set[int]] = {s: set() for s in students}
    for tables in result.values():
        assert len(tables) == 10
        assert all(len(t.students) == 3 for t in tables)
        for s, p in seating(tables).items():
            met[s].add(p)
    assert all(len(pros) == 5 for pros in met.values())


def test_more_students_than_seats_rotate() -> None:
    """25 students, 4 tables of 5: 5 sit out each round, nobody twice before all once."""
    students = list(range(1000, 1025))
    result = plan(
        PlanRequest(
            students=students, professionals=range(1, 5), rounds=range(1, 6), seats_per_table=5
        )
    )
    outs = [set(students) - set(seating(tables)) for _, tables in sorted(result.items())]
    assert all(len(out) == 5 for out in outs)
    assert set().union(*outs) == set(students)  # 5 rounds of 5: each student exactly once


def test_fewer_students_than_professionals_leave_tables_empty_not_doubled() -> None:
    result = plan(
        PlanRequest(students=[1000, 1001], professionals=[1, 2, 3], rounds=[1], seats_per_table=4)
    )
    assert [len(t.students) for t in result[1]] == [1, 1]


def test_nobody_present_gives_empty_rounds() -> None:
    assert plan(PlanRequest(students=[], professionals=[1], rounds=[1, 2], seats_per_table=2)) == {
        1: [],
        2: [],
    }
    assert plan(PlanRequest(students=[5], professionals=[], rounds=[3], seats_per_table=2)) == {
        3: []
    }


def test_forbidden_pair_with_only_one_professional_sits_the_student_out() -> None:
    result = plan(
        PlanRequest(
            students=[1000, 1001],
            professionals=[1],
            rounds=[1],
            seats_per_table=2,
            forbidden=frozenset({(1, 1000)}),
        )
    )
    assert result[1] == [PlannedTable(professional=1, students=(1001,))]


# --- Re-planning after no-shows and latecomers -------------------------------------------------


@PROPERTIES
@given(requests(history=False), st.integers(1, 7), st.randoms(use_true_random=False))
def test_replanning_keeps_the_rules_across_played_and_new_rounds(
    request: PlanRequest, played: int, rng: random.Random
) -> None:
    """Play the first rounds of a plan, then some students and professionals leave and others
    arrive: the re-plan of the remaining rounds, given the played rounds as `met` and
    `sat_out`, never repeats a meeting or breaks a hard rule across the whole event, and still
    seats as many as it can in each round."""
    rounds = sorted(request.rounds)
    if played >= len(rounds):
        return
    first = plan(request)
    kept_rounds = rounds[:played]
    met = {(t.professional, s) for r in kept_rounds for t in first[r] for s in t.students}
    sat_out = {s: sum(s not in seating(first[r]) for r in kept_rounds) for s in request.students}
    students = [s for s in request.students if rng.random() > 0.2] + [2000, 2001]
    professionals = [p for p in request.professionals if rng.random() > 0.2] + [50]
    again = replace(
        request,
        students=students,
        professionals=professionals,
        rounds=rounds[played:],
        met=frozenset(met),
        sat_out={s: n for s, n in sat_out.items() if s in students and n},
    )
    second = plan(again)
    assert sorted(second) == rounds[played:]
    whole = {**{r: first[r] for r in kept_rounds}, **second}
    pairs: set[tuple[int, int]] = set()
    for _, tables in sorted(whole.items()):
        for t in tables:
            assert len(t.students) <= request.seats_per_table
            for s in t.students:
                assert (t.professional, s) not in pairs
                assert (t.professional, s) not in request.forbidden
                pairs.add((t.professional, s))
    for number, seats in rounds_in_order(again, second):
        assert len(seats) == max_seatable(again, history_before(again, second, number))


def test_a_latecomer_who_sat_out_played_rounds_is_seated_first() -> None:
    """Played rounds: 6 students for 4 seats, the latecomer 1009 sat them all out. When seats
    run short again, the latecomer is seated before those who were seated."""
    request = PlanRequest(
        students=[1000, 1001, 1002, 1003, 1004, 1009],
        professionals=[1, 2],
        rounds=[3],
        seats_per_table=2,
        met=frozenset({(1, 1000), (2, 1001), (1, 1002), (2, 1003)}),
        sat_out={1004: 2, 1009: 2, 1000: 1, 1001: 1, 1002: 1, 1003: 1},
    )
    seated = seating(plan(request)[3])
    assert {1004, 1009} <= set(seated)


# --- Scale -------------------------------------------------------------------------------------


def test_a_real_sized_event_is_planned_fully() -> None:
    """800 students, 200 professionals, 4 per table, 6 rounds, wishes and forbidden pairs:
    everyone seated every round, tables of 4, nobody forbidden (the speed is the bench's)."""
    rng = random.Random(7)
    students, professionals = list(range(10_000, 10_800)), list(range(1, 201))
    sectors = {p: rng.randrange(20) for p in professionals}
    by_sector: dict[int, list[int]] = {}
    for p, sector in sectors.items():
        by_sector.setdefault(sector, []).append(p)
    affinity: dict[tuple[int, int], float] = {}
    for s in students:
        for weight, sector in zip((8, 6, 4, 2), rng.sample(range(20), 4), strict=True):
            for p in by_sector.get(sector, []):
                affinity[p, s] = float(weight)
    forbidden = frozenset((rng.choice(professionals), s) for s in students[:16])
    result = plan(
        PlanRequest(
            students=students,
            professionals=professionals,
            rounds=range(1, 7),
            seats_per_table=4,
            forbidden=forbidden,
            affinity=affinity,
            sectors=sectors,
        )
    )
    for tables in result.values():
        assert len(seating(tables)) == 800
        assert {len(t.students) for t in tables} == {4}
        assert not any((t.professional, s) in forbidden for t in tables for s in t.students)


def test_the_assignment_each_round_is_an_optimum_of_its_costs() -> None:
    """The solver is exact: a small round's plan has the affinity of the best assignment
    found by brute force over the same seats (no hard rules, full room)."""
    rng = random.Random(5)
    students, professionals = list(range(1000, 1006)), [1, 2, 3]
    affinity = {(p, s): float(rng.randrange(10)) for p in professionals for s in students}
    result = plan(
        PlanRequest(
            students=students,
            professionals=professionals,
            rounds=[1],
            seats_per_table=2,
            affinity=affinity,
        )
    )
    ours = sum(affinity[t.professional, s] for t in result[1] for s in t.students)
    matrix = np.array([[affinity[p, s] for p in professionals for _ in range(2)] for s in students])
    rows, columns = linear_sum_assignment(matrix, maximize=True)
    assert ours == matrix[rows, columns].sum()
