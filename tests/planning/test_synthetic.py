"""The shipped catalogue on a small synthetic network: every rule at once, and the plan still checks."""

from __future__ import annotations

import json
from datetime import date

from netvet.data import cost_catalogue as load_catalogue
from netvet.data import role_table
from netvet.planning import (
    CrewTable,
    PlanMethod,
    PlanningParameters,
    PrecedenceRule,
    build_instance,
    check_plan,
    solve,
)
from netvet.planning.synthetic import synthetic_network


def test_synthetic_network_with_every_rule() -> None:
    sites, assets, findings = synthetic_network(160, regions=4, seed=3)
    params = PlanningParameters(
        start=date(2026, 11, 30),
        horizon_weeks=60,
        crews=CrewTable(1, {"R00": 2}),
        budget_per_quarter=3_000_000,
        neighbour_km=4.0,
        precedence=tuple(PrecedenceRule.parse(p) for p in ("transport>ran@site", "core>ran@region")),
    )
    instance = build_instance(findings, assets, sites, load_catalogue(), params, role_table())
    assert len({p.site_id for p in instance.packages}) == 160
    optimised = solve(instance, time_limit=3)
    greedy = solve(instance, PlanMethod.GREEDY)
    for plan in (optimised, greedy):
        assert check_plan(json.loads(json.dumps(plan.to_json_dict())), instance) == []
    assert optimised.objective <= greedy.objective
    assert optimised.bound <= optimised.objective
    # Money is the binding limit here: no quarter overspends, and the shortfall is priced.
    assert all(q.cost <= 3_000_000 for q in optimised.cost_per_quarter)
    fixes = [u.fix for u in optimised.unmet if u.fix is not None]
    assert fixes and all(f.verified and f.extra_budget_per_quarter > 0 for f in fixes)
