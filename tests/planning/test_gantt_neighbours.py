from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from netvet.model.inventory import Domain
from netvet.planning import gantt_by_region, gantt_projects, solve
from netvet.planning.neighbours import distance_km, neighbour_pairs

from .builders import START, instance, network


def test_distance_of_a_known_pair() -> None:
    # London (51.5074, -0.1278) to Paris (48.8566, 2.3522): about 344 km.
    assert abs(distance_km(51.5074, -0.1278, 48.8566, 2.3522) - 343.5) < 2


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-60, 70), st.floats(-179, 179)), min_size=0, max_size=25),
    st.sampled_from([0.5, 5.0, 50.0, 500.0]),
)
def test_grid_finds_exactly_the_pairs_brute_force_finds(points: list[tuple[float, float]], km: float) -> None:
    named = [(f"p{i:02d}", lat, lon) for i, (lat, lon) in enumerate(points)]
    brute = sorted(
        (a[0], b[0]) for a, b in itertools.combinations(named, 2) if distance_km(a[1], a[2], b[1], b[2]) <= km
    )
    assert neighbour_pairs(named, km) == brute


def test_gantt_rows_by_region_with_spans_of_consecutive_weeks() -> None:
    net = network()
    for site in ("N1", "N2", "N3"):
        net.add(site, [Domain.RAN], START + timedelta(days=200), region="North")
    net.add("S1", [Domain.CORE], START + timedelta(days=200), region="South")
    # North: one crew, three sites in weeks 0-2 (one span); South: one site in week 0.
    plan = solve(instance(net, horizon=6), time_limit=5)
    rows = {r.region: r for r in gantt_by_region(plan)}
    north = rows["North"]
    assert [(s.start, s.end, s.sites) for s in north.spans] == [(START, START + timedelta(days=20), 3)]
    assert north.cost == sum(t.cost for t in plan.tasks if t.region == "North")
    assert [w.sites for w in north.weeks] == [1, 1, 1]
    assert rows["South"].spans[0].assets == 1


def test_gantt_splits_spans_at_idle_weeks() -> None:
    net = network()
    net.add("A", [Domain.RAN], START + timedelta(days=200))
    net.add("B", [Domain.RAN], START + timedelta(days=200))
    plan = solve(instance(net, horizon=30, crews=3, budget=1000), time_limit=5)  # one per quarter
    [row] = gantt_by_region(plan)
    assert len(row.spans) == 2 and row.spans[1].start - row.spans[0].start == timedelta(weeks=13)


def test_work_that_runs_for_weeks_gets_its_own_bar() -> None:
    # BIG: three core assets of 5 crew-days, one crew: weeks 0-2. S: one RAN asset, 5 crew-days, in
    # week 3 (its deadline is later): a one-week job, drawn only in its region's row.
    net = network()
    net.add("BIG", [Domain.CORE] * 3, START + timedelta(days=60))
    net.add("S", [Domain.RAN], START + timedelta(days=90))
    plan = solve(instance(net, horizon=8), time_limit=5)
    [project] = gantt_projects(plan)
    assert (project.site_id, project.start, project.end) == ("BIG", START, START + timedelta(days=20))
    [bar] = project.bars
    assert (bar.phase, bar.work_weeks, bar.crew_days, bar.late) == ("replacement", 3, 15.0, False)
