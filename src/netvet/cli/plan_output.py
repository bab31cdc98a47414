"""How `netvet plan` prints a plan: the summary, overdue work, long projects, caps and unmet deadlines."""

from __future__ import annotations

from rich.table import Table

from netvet.cli.common import console
from netvet.planning import Plan, gantt_projects

MAX_ROWS = 25  # longer lists are in the JSON


def print_plan(plan: Plan) -> None:
    summary = Table(title="Replacement plan", show_header=False)
    summary.add_row("method", f"{plan.method} ({plan.solver_status}, {plan.seconds:.1f} s)")
    summary.add_row("objective (risk-weighted exposure)", f"{plan.objective:,.1f}")
    summary.add_row("proven lower bound", f"{plan.bound:,.1f}")
    summary.add_row("gap", f"{plan.gap:.2%}")
    summary.add_row(
        "greedy (earliest deadline first)",
        f"{plan.greedy_objective:,.1f} ({plan.improvement_over_greedy:.2%} better)",
    )
    sites = {t.site_id for t in plan.tasks}
    summary.add_row("tasks (site phases)", f"{len(plan.tasks):,} at {len(sites):,} sites")
    overdue = {t.site_id for t in plan.tasks if t.overdue}
    summary.add_row("overdue at the start (started first)", f"{len(overdue):,} sites")
    summary.add_row("left out of the horizon", f"{len(plan.unscheduled):,}")
    summary.add_row("total cost", f"{plan.total_cost:,.0f} {plan.currency}")
    if plan.tasks:
        last = max(t.end() for t in plan.tasks)
        summary.add_row("first week / last day", f"{plan.tasks[0].week_start} / {last}")
    console.print(summary)
    _print_projects(plan)
    _print_caps(plan)
    _print_unmet(plan)
    if plan.unknown:
        table = Table(title="Not planned: findings that could not be decided (data missing)")
        for column in ("rule", "assets", "sites", "what is missing (example)"):
            table.add_column(column)
        for u in plan.unknown:
            # The explanation says what is missing before it names the asset; the JSON has it whole.
            missing = u.example.split(" Asset ", 1)[0]
            table.add_row(u.rule_id, f"{u.assets:,}", f"{u.sites:,}", missing)
        console.print(table)
    for note in plan.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)


def _print_projects(plan: Plan) -> None:
    projects = gantt_projects(plan)
    if not projects:
        return
    table = Table(title="Work that runs for weeks (phases, first week to last day)")
    for column in ("site", "region", "deadline", "phases", "done"):
        table.add_column(column)
    for p in projects[:MAX_ROWS]:
        phases = "; ".join(f"{b.phase.replace('_', ' ')} {b.start}..{b.end} ({b.crew})" for b in p.bars)
        table.add_row(
            p.site_id, p.region, str(p.deadline or "none"), phases, f"{p.end}" + (" late" if p.late else "")
        )
    console.print(table)
    if len(projects) > MAX_ROWS:
        console.print(f"... and {len(projects) - MAX_ROWS:,} more in the JSON")


def _print_caps(plan: Plan) -> None:
    if not plan.caps:
        return
    table = Table(title="Network caps: sites chosen to clear")
    for column in (
        "rule",
        "country",
        "cap",
        "by",
        "to clear",
        "cleared",
        "sites",
        "extra cost",
        "least possible",
        "planned",
    ):
        table.add_column(column)
    for c in plan.caps:
        table.add_row(
            c.rule_id,
            c.country or "",
            f"{c.cap:.0%}" if c.cap is not None else "",
            c.cap_metric or "",
            f"{c.excess:,}",
            f"{c.cleared:,}",
            ", ".join(c.sites[:6]) + (f" (+{len(c.sites) - 6})" if len(c.sites) > 6 else ""),
            f"{c.cost:,.0f}",
            f"{c.cost_bound:,.0f}",
            f"by {c.deadline}" if c.planned else "no: guidance",
        )
    console.print(table)


def _print_unmet(plan: Plan) -> None:
    if not plan.unmet:
        return
    table = Table(title="Deadlines that cannot be met")
    for column in (
        "deadline",
        "region",
        "sites",
        "assets",
        "days late",
        "not in horizon",
        "why / what would fix it",
    ):
        table.add_column(column)
    for u in plan.unmet[: MAX_ROWS * 2]:
        if u.fix is None:
            remedy = u.cause
        else:
            parts = [f"+{n} crews in {r}" for r, n in u.fix.extra_crews.items()]
            parts += [f"+{n} {crew} teams" for crew, n in u.fix.extra_teams.items()]
            if u.fix.extra_budget_per_quarter:
                parts.append(f"+{u.fix.extra_budget_per_quarter:,.0f} {plan.currency} per quarter")
            remedy = (", ".join(parts) or "no more crews here; see other regions") + (
                "" if u.fix.verified else " (not enough: neighbour/precedence rules)"
            )
        table.add_row(
            str(u.deadline),
            u.region,
            f"{u.sites:,}",
            f"{u.assets:,}",
            f"{u.days_late:,}",
            f"{u.not_done_in_horizon:,}",
            remedy,
        )
    console.print(table)
