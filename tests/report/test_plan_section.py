from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from netvet.planning.plan import BurnDownWeek, Plan, PlanTask, QuarterCost, TaskWeek
from netvet.report import render_html
from netvet.report.context import ReportData
from netvet.report.plan_view import plan_section

SVG = "{http://www.w3.org/2000/svg}"
MONDAY = date(2027, 1, 4)


def task(site: str, region: str, week: int, cost: float) -> PlanTask:
    return PlanTask(
        site_id=site,
        region=region,
        week_start=MONDAY + timedelta(weeks=week),
        asset_ids=[f"{site}-BBU"],
        cost=cost,
        crew_days=2.0,
        deadline=date(2027, 12, 31),
        slack_days=100,
    )


@pytest.fixture
def plan() -> Plan:
    # London works weeks 0-1 and 5 (two bars); Scotland week 2 (one bar).
    tasks = [task("LON-1", "London", 0, 100.0), task("LON-2", "London", 1, 100.0)]
    tasks += [task("LON-3", "London", 5, 100.0), task("EDI-3", "Scotland", 2, 300.0)]
    return Plan(
        method="greedy",
        solver_status="feasible",
        seconds=0.1,
        objective=1.0,
        bound=1.0,
        gap=0.0,
        greedy_objective=1.0,
        improvement_over_greedy=0.0,
        total_cost=600.0,
        currency="USD",
        parameters={},
        unmet=[],
        tasks=tasks,
        unscheduled=[],
        burn_down=[
            BurnDownWeek(week_start=MONDAY + timedelta(weeks=w), non_compliant_assets=4 - w) for w in range(5)
        ],
        cost_per_quarter=[
            QuarterCost(quarter="2027-Q1", cost=600.0, budget=500.0),
            QuarterCost(quarter="2027-Q2", cost=0.0, budget=500.0),
        ],
        sites={},
        notes=["A note from the planner."],
    )


def test_plan_section_draws_gantt_cost_and_burn_down(plan: Plan) -> None:
    section = plan_section(plan)
    assert section is not None and section.total_cost == 600.0
    gantt = ET.fromstring(str(section.gantt))
    bars = [r for r in gantt.iter(f"{SVG}rect") if r.get("class") == "gantt-bar"]
    assert len(bars) == 3  # London's two runs of weeks, Scotland's one
    labels = [t.text for t in gantt.iter(f"{SVG}text")]
    assert "London" in labels and "Scotland" in labels
    cost = ET.fromstring(str(section.cost))
    heights = [float(r.get("height")) for r in cost.iter(f"{SVG}rect") if r.get("class") == "cost-bar"]  # type: ignore[arg-type]
    assert heights[0] > 0 and heights[1] == 0
    budget_lines = [line for line in cost.iter(f"{SVG}line") if line.get("stroke") == "#c0392b"]
    assert len(budget_lines) == 2
    burn = ET.fromstring(str(section.burn_down))
    points = next(burn.iter(f"{SVG}polyline")).get("points", "").split()
    assert len(points) == 5
    ys = [float(p.split(",")[1]) for p in points]
    assert ys == sorted(ys)  # fewer non-compliant assets each week: the line goes down the page


def test_report_shows_the_plan_only_when_given(report_data: ReportData, plan: Plan) -> None:
    assert 'id="plan"' not in render_html(report_data)
    report_data.plan = plan
    page = render_html(report_data)
    assert '<section id="plan">' in page and "600 USD" in page and "A note from the planner." in page
    assert page.count('class="gantt-bar"') == 3


def test_axis_helpers() -> None:
    from netvet.report.plan_view import _ticks, money

    assert money(38_289_450) == "38.3M" and money(950_000) == "950.0k" and money(12) == "12"
    assert _ticks(date(2026, 11, 30), date(2027, 3, 7)) == [
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
        date(2027, 3, 1),
    ]
    assert _ticks(date(2026, 1, 5), date(2029, 6, 1)) == [
        date(2027, 1, 1),
        date(2028, 1, 1),
        date(2029, 1, 1),
    ]


def test_multi_week_work_is_drawn_as_a_bar_per_phase_with_its_deadline(plan: Plan) -> None:
    # A core swap: parallel run weeks 0-12, migration 13-38, decommission 39-46, due by week 10.
    phases = [("parallel_run", 0, 12, "core_integration"), ("migration", 13, 38, "vendor_services")]
    phases.append(("decommission", 39, 46, "field"))
    core = [
        PlanTask(
            site_id="DE-DC1",
            region="Berlin",
            week_start=MONDAY + timedelta(weeks=first),
            asset_ids=["DE-DC1-AMF"],
            cost=1000.0,
            crew_days=4.0,
            deadline=MONDAY + timedelta(weeks=10),
            slack_days=(MONDAY + timedelta(weeks=10) - (MONDAY + timedelta(weeks=last, days=6))).days,
            domains=["core"],
            phase=name,
            phase_index=index,
            crew=crew,
            weeks=[TaskWeek(week_start=MONDAY + timedelta(weeks=first), crew_days=4.0)],
            finish=MONDAY + timedelta(weeks=last, days=6),
        )
        for index, (name, first, last, crew) in enumerate(phases)
    ]
    section = plan_section(plan.model_copy(update={"tasks": [*plan.tasks, *core]}))
    assert section is not None
    gantt = ET.fromstring(str(section.gantt))
    bars = [r for r in gantt.iter(f"{SVG}rect") if r.get("class") == "gantt-phase"]
    assert len(bars) == 3
    widths = [float(r.get("width", 0)) for r in bars]
    assert widths[1] > widths[0] > widths[2]  # 26 weeks, 13 weeks, 8 weeks
    assert [r.get("stroke") for r in bars] == ["#c0392b"] * 3  # all end after the deadline: late
    assert len([x for x in gantt.iter(f"{SVG}line") if x.get("class") == "gantt-deadline"]) == 1
    labels = [t.text for t in gantt.iter(f"{SVG}text")]
    assert "DE-DC1 (Berlin)" in labels and "parallel run" in labels
