"""Planner benchmark: optimiser against the earliest-deadline-first greedy plan, in the same run.

    .venv/bin/python benchmarks/bench_planning.py            # demo network + synthetic 3,000 and 50,000 sites
    .venv/bin/python benchmarks/bench_planning.py --quick    # smaller, for a smoke run

Rows:
- demo: the demo network (`netvet demo`, then `screen` and `assess --json` in a scratch NETVET_HOME),
  planned from the policy engine's findings; skipped, saying so, when the assessment finds nothing.
- synthetic: `netvet.planning.synthetic` networks of the same shape (macro sites with baseband,
  radios, antennas, site router, some microwave; a few core sites, swapped in the shipped catalogue's
  three phases by specialised teams), with UK/CA-like removal deadlines.
"seconds" is the wall time of the whole solve (overdue work, greedy, LP, MILP, repair, unmet analysis)
and "cpu" its processor time: on a shared machine the first grows with the load, the second much less.
The load average is printed before and after. Every plan is also run through the checker; the last
column counts its violations (must be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from netvet.cli.planning import read_findings_file
from netvet.data import cost_catalogue, role_table
from netvet.planning import (
    CrewTable,
    Plan,
    PlanMethod,
    PlanningInstance,
    PlanningParameters,
    PrecedenceRule,
    build_instance,
    check_plan,
    solve,
)
from netvet.planning.synthetic import synthetic_network
from netvet.storage import open_database
from netvet.storage.planning import planning_inputs

START = date(2026, 11, 30)


def demo_instance(crews: int) -> PlanningInstance | None:
    home = Path(tempfile.mkdtemp(prefix="netvet-bench-"))
    env = {**os.environ, "NETVET_HOME": str(home)}
    netvet = str(Path(sys.executable).with_name("netvet"))
    for args in (
        ["demo"],
        ["screen"],
        ["assess", "--at", START.isoformat(), "--json", str(home / "findings.json")],
    ):
        subprocess.run([netvet, *args], env=env, check=True, capture_output=True)
    findings = read_findings_file(home / "findings.json")
    if not any(f.asset_id for f in findings):
        return None
    db = open_database(f"sqlite:///{home / 'netvet.sqlite'}")
    try:
        inputs = planning_inputs(db, "default", findings, START)
    finally:
        db.dispose()
    params = PlanningParameters(start=START, horizon_weeks=120, crews=CrewTable(crews))
    return build_instance(
        findings, inputs.assets, inputs.sites, cost_catalogue(), params, role_table(), inputs.cap_members
    )


def synthetic_instance(
    sites: int,
    regions: int,
    crews: int,
    budget: float | None = None,
    precedence: tuple[str, ...] = (),
    neighbour_km: float | None = None,
    horizon: int = 174,
) -> PlanningInstance:
    site_list, assets, findings = synthetic_network(sites, regions)
    params = PlanningParameters(
        start=START,
        horizon_weeks=horizon,
        crews=CrewTable(crews),
        budget_per_quarter=budget,
        neighbour_km=neighbour_km,
        precedence=tuple(PrecedenceRule.parse(p) for p in precedence),
    )
    return build_instance(findings, assets, site_list, cost_catalogue(), params, role_table())


def run(name: str, instance: PlanningInstance, time_limit: float, table: Table) -> Plan:
    started = time.monotonic()
    greedy = solve(instance, PlanMethod.GREEDY)
    greedy_seconds = time.monotonic() - started
    started, cpu = time.monotonic(), time.process_time()
    plan = solve(instance, time_limit=time_limit)
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    violations = check_plan(json.loads(json.dumps(plan.to_json_dict())), instance)
    sites = len({p.site_id for p in instance.packages})
    table.add_row(
        name,
        f"{sites:,}",
        f"{len(instance.packages):,}",
        f"{plan.model.get('classes', 0):,}/{plan.model.get('columns', 0):,}",
        plan.solver_status,
        f"{seconds:.1f}",
        f"{cpu:.1f}",
        f"{plan.objective:,.0f}",
        f"{plan.bound:,.0f}",
        f"{plan.gap:.2%}",
        f"{greedy.objective:,.0f} ({greedy_seconds:.1f} s)",
        f"{(greedy.objective - plan.objective) / greedy.objective:.2%}",
        f"{len(plan.unmet)}",
        f"{len(violations)}",
    )
    return plan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--time-limit", type=float, default=100.0)
    parser.add_argument("--large-time-limit", type=float, default=240.0)
    args = parser.parse_args()
    console = Console(width=240)
    console.print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    table = Table(title="Planner: optimiser vs greedy (earliest deadline first)")
    for column in (
        "instance",
        "sites",
        "packages",
        "classes/columns",
        "status",
        "seconds",
        "cpu",
        "objective",
        "bound",
        "gap",
        "greedy (time)",
        "better than greedy",
        "unmet",
        "checker",
    ):
        table.add_column(column, justify="left" if column in ("instance", "status") else "right")
    scale = 0.1 if args.quick else 1.0
    demo = None if args.quick else demo_instance(crews=2)
    if demo is None:
        console.print(
            "demo: skipped (quick run, or the assessment of the demo network found no asset to replace)"
        )
    else:
        run("demo network, 2 crews/region", demo, args.time_limit, table)
    n = int(3000 * scale)
    run(f"synthetic {n:,}, 10 regions, 3 crews", synthetic_instance(n, 10, 3), args.time_limit, table)
    run(
        f"synthetic {n:,}, budget $40M/q, transport>ran@site",
        synthetic_instance(n, 10, 3, budget=40e6 * scale, precedence=("transport>ran@site",)),
        args.time_limit,
        table,
    )
    run(
        f"synthetic {n:,}, 4 km neighbour rule, core>ran@network",
        synthetic_instance(n, 10, 3, neighbour_km=4.0, precedence=("core>ran@network",)),
        args.time_limit,
        table,
    )
    big = int(50000 * scale)
    run(
        f"synthetic {big:,}, 20 regions, 10 crews, budget $250M/q",
        synthetic_instance(big, 20, 10, budget=250e6 * scale),
        args.large_time_limit,
        table,
    )
    console.print(table)
    console.print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")


if __name__ == "__main__":
    main()
