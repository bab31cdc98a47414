"""`netvet plan`: turn binding (and advisory) findings into a costed, scheduled replacement plan; `--check` one."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from netvet.cli.common import EXIT_NOT_FOUND, OrgOption, console, database, err_console, fail, progress_bar
from netvet.cli.plan_output import print_plan
from netvet.cli.policy import DEFAULT_ORGANIZATION, parse_day, parse_jurisdictions
from netvet.data import DataFileError, cost_catalogue, load_yaml_file, role_table
from netvet.model.findings import Finding
from netvet.planning import (
    CapMethod,
    CostCatalogue,
    CrewTable,
    PlanMethod,
    PlanningInstance,
    PlanningParameters,
    PrecedenceRule,
    build_instance,
    check_plan,
    default_horizon,
    solve,
)
from netvet.settings import get_settings
from netvet.storage import Database
from netvet.storage.planning import planning_inputs

EXIT_PLAN_VIOLATIONS = 1
DEFAULT_CREWS = 2


def parse_crews(value: str | None) -> CrewTable:
    """A number of crews for every region, or a YAML file (default + per-region numbers)."""
    if value is None:
        return CrewTable(DEFAULT_CREWS)
    if value.strip().isdigit():
        return CrewTable(int(value))
    path = Path(value)
    if not path.exists():
        raise fail(f"--crews {value!r} is neither a whole number nor an existing file", EXIT_NOT_FOUND)
    return CrewTable.from_dict(load_yaml_file(path, "crews.schema.json"))


def read_findings_file(path: Path) -> list[Finding]:
    """Findings written by `netvet assess --json` ({"findings": [...]}, or a bare list)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"cannot be read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise DataFileError(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from exc
    rows = data.get("findings") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise DataFileError(path, "expected a list of findings under 'findings'")
    findings = []
    for i, row in enumerate(rows):
        try:
            findings.append(Finding.model_validate(row))
        except ValidationError as exc:
            first = exc.errors()[0]
            raise DataFileError(
                path, f"finding {i}: {first['msg']}", key=f"findings[{i}].{'.'.join(map(str, first['loc']))}"
            ) from exc
    return findings


def assessed_findings(
    db: Database, organization: str, jurisdictions: list[str] | None, at: date
) -> list[Finding]:
    from netvet.storage.policy import run_assessment

    return run_assessment(db, organization, jurisdictions, at).findings()


def _instance_for(
    db: Database,
    organization: str,
    findings: list[Finding],
    parameters: PlanningParameters,
    catalogue: CostCatalogue,
    cap_method: CapMethod = CapMethod.OPTIMAL,
    cap_sites: dict[str, list[str]] | None = None,
) -> PlanningInstance:
    """The work the findings give, with the items each cap counts read from the inventory."""
    inputs = planning_inputs(db, organization, findings, parameters.start)
    return build_instance(
        findings,
        inputs.assets,
        inputs.sites,
        catalogue,
        parameters,
        role_table(),
        inputs.cap_members,
        cap_method,
        cap_sites,
    )


def plan_command(
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", "-j", help="Comma-separated codes; omit for all.")
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--start", help="First week (YYYY-MM-DD, moved back to its Monday); default today."),
    ] = None,
    horizon_weeks: Annotated[
        int | None,
        typer.Option(
            "--horizon-weeks",
            min=1,
            max=520,
            help="Weeks to plan; default a quarter past the latest deadline (52-260).",
        ),
    ] = None,
    crews: Annotated[
        str | None,
        typer.Option(
            "--crews",
            help=f"Crews per region per week: a number, or a YAML file (default: N, regions: {{name: N}}). Default {DEFAULT_CREWS}.",
        ),
    ] = None,
    budget_per_quarter: Annotated[
        float | None,
        typer.Option(
            "--budget-per-quarter",
            min=0,
            help="Money per calendar quarter, in the catalogue's currency; default no limit.",
        ),
    ] = None,
    neighbour_km: Annotated[
        float | None,
        typer.Option(
            "--neighbour-km", min=0, help="Sites this close may not be out of service in the same week."
        ),
    ] = None,
    precedence: Annotated[
        list[str] | None,
        typer.Option(
            "--precedence",
            help="BEFORE>AFTER, optionally @site (default), @region or @network, e.g. transport>ran@site; repeatable.",
        ),
    ] = None,
    catalogue_file: Annotated[
        Path | None,
        typer.Option("--catalogue", help="Your own cost catalogue (same schema as the shipped costs.yaml)."),
    ] = None,
    findings_file: Annotated[
        Path | None,
        typer.Option("--findings", help="Findings from `netvet assess --json` instead of assessing now."),
    ] = None,
    greedy: Annotated[
        bool,
        typer.Option(
            "--greedy", help="Earliest deadline first only (and caps: cheapest sites per unit), no optimiser."
        ),
    ] = False,
    binding_only: Annotated[
        bool,
        typer.Option(
            "--binding-only", help="Leave out assets that only guidance (advisory findings) reaches."
        ),
    ] = False,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=1, help="Seconds the optimiser may take.")
    ] = 100.0,
    gap: Annotated[
        float,
        typer.Option(
            "--gap",
            min=0,
            max=1,
            help="Stop once the plan is proven within this relative gap (0.005 = 0.5%).",
        ),
    ] = 0.005,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Write the plan here (default: output dir).")
    ] = None,
    check: Annotated[
        Path | None,
        typer.Option("--check", help="Verify this plan JSON against its constraints instead of planning."),
    ] = None,
    organization: OrgOption = DEFAULT_ORGANIZATION,
) -> None:
    """Plan the replacement of every asset binding rules (and, unless --binding-only, guidance) reach, under crews, budget and deadlines."""
    if check is not None:
        check_command(check, findings_file, catalogue_file, organization)
        return
    day = parse_day(start, "--start") or date.today()
    jurisdictions = parse_jurisdictions(jurisdiction)
    try:
        rules = tuple(PrecedenceRule.parse(p) for p in precedence or [])
    except ValueError as exc:
        raise fail(f"--precedence: {exc}") from None
    try:
        catalogue = cost_catalogue(catalogue_file)
        crew_table = parse_crews(crews)
        with database() as db, progress_bar(transient=True) as progress:
            task = progress.add_task("reading findings", total=4)
            monday = day - timedelta(days=day.weekday())
            findings = (
                read_findings_file(findings_file)
                if findings_file
                else assessed_findings(db, organization, jurisdictions, monday)
            )
            parameters = PlanningParameters(
                start=day,
                horizon_weeks=horizon_weeks or default_horizon(findings, day),
                crews=crew_table,
                budget_per_quarter=budget_per_quarter,
                neighbour_km=neighbour_km,
                precedence=rules,
                jurisdictions=tuple(jurisdictions or ()),
                advisory_work=not binding_only,
            )
            progress.update(task, advance=1, description="reading the inventory, choosing cap sites")
            cap_method = CapMethod.GREEDY if greedy else CapMethod.OPTIMAL
            instance = _instance_for(db, organization, findings, parameters, catalogue, cap_method)
            progress.update(task, advance=1)
            progress.update(
                task,
                advance=1,
                description=f"scheduling {len(instance.packages):,} packages (up to {time_limit:.0f} s)",
            )
            plan = solve(instance, PlanMethod.GREEDY if greedy else PlanMethod.OPTIMISE, time_limit, gap)
            progress.update(task, advance=1)
    except DataFileError as exc:
        raise fail(str(exc)) from None
    except (RuntimeError, ValueError) as exc:
        raise fail(str(exc)) from None
    if not instance.packages:
        console.print(
            "nothing to plan: no binding or advisory finding names an asset (has `netvet assess` found any?)"
        )
    path = json_file or get_settings().output_dir / f"plan-{parameters.start}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(plan.to_json_dict(), indent=1), encoding="utf-8")
    print_plan(plan)
    console.print(f"plan written to {path}")


def check_command(
    path: Path, findings_file: Path | None, catalogue_file: Path | None, organization: str
) -> None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise fail(f"{path}: cannot be read: {exc}", EXIT_NOT_FOUND) from None
    except json.JSONDecodeError as exc:
        raise fail(f"{path}, line {exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(raw, dict):
        raise fail(f"{path}: a plan is a JSON object")
    instance = None
    try:
        params = raw.get("parameters") or {}
        parameters = PlanningParameters(
            start=date.fromisoformat(str(params["start"])),
            horizon_weeks=int(params["horizon_weeks"]),
            crews=CrewTable.from_dict(params["crews"]),
            budget_per_quarter=params.get("budget_per_quarter"),
            neighbour_km=params.get("neighbour_km"),
            precedence=tuple(PrecedenceRule.parse(str(p)) for p in params.get("precedence", [])),
            jurisdictions=tuple(params.get("jurisdictions") or ()),
            advisory_work=bool(params.get("advisory_work", True)),
        )
        cap_sites = {
            f"{c['rule_id']}@{c.get('country') or ''}": list(c.get("sites") or [])
            for c in raw.get("caps") or []
            if isinstance(c, dict) and c.get("planned")
        }
        with database() as db, console.status("rebuilding the work from the inventory"):
            findings = (
                read_findings_file(findings_file)
                if findings_file
                else assessed_findings(
                    db, organization, list(parameters.jurisdictions) or None, parameters.start
                )
            )
            catalogue = cost_catalogue(catalogue_file)
            instance = _instance_for(db, organization, findings, parameters, catalogue, cap_sites=cap_sites)
        if not instance.packages:
            instance = None
    except (KeyError, TypeError, ValueError, AttributeError, RuntimeError, DataFileError) as exc:
        err_console.print(f"[yellow]note:[/] checking without the inventory ({exc})", highlight=False)
    violations = check_plan(raw, instance)
    scope = "its own constraints and the stored inventory" if instance else "its own constraints"
    if not violations:
        console.print(f"{path}: no violations ({len(raw.get('tasks', [])):,} tasks checked against {scope})")
        return
    table = Table(title=f"{path}: {len(violations):,} violation(s) of {scope}")
    for column in ("kind", "what"):
        table.add_column(column)
    for v in violations:
        table.add_row(v.kind, v.message)
    console.print(table)
    raise typer.Exit(EXIT_PLAN_VIOLATIONS)


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_command)
