"""Policy commands: assess, timeline, rules list/show/check, licences add/list."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from netvet.cli.common import (
    EXIT_NOT_FOUND,
    JsonOption,
    OrgOption,
    audit,
    console,
    database,
    fail,
    print_json,
    progress_bar,
)
from netvet.data import DataFileError, country_table
from netvet.model.findings import FindingStatus
from netvet.policy import Assessment, UnknownJurisdictionError, select_packs
from netvet.policy.loader import load_licence_data, load_packs
from netvet.policy.rules import DeadlineKind, LegalStatus, Rule, RulePack
from netvet.report.summary import missing_data
from netvet.settings import get_settings
from netvet.storage.findings import Recorder
from netvet.storage.policy import (
    add_licence_document,
    rule_packs,
    run_assessment,
    run_timeline,
    stored_licences,
    what_if_scenario,
)

DEFAULT_ORGANIZATION = "default"

JurisdictionOption = Annotated[
    str | None,
    typer.Option(
        "--jurisdiction",
        "-j",
        help="Comma-separated codes (us,uk,eu,de,...); omit or 'all' for every asset under its own country's rules.",
    ),
]
PolicyOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--policy", help="An extra rule pack (what-if), same format as the shipped ones; repeatable."
    ),
]


def parse_jurisdictions(value: str | None) -> list[str] | None:
    """Pack codes (uk, eu), ISO country codes (gb) or country names (United Kingdom), comma-separated;
    a country is given as its ISO code, which names its national pack."""
    if value is None or value.strip().lower() in ("", "all"):
        return None
    countries = country_table()
    codes = []
    for part in (p.strip() for p in value.split(",") if p.strip()):
        country = countries.code_for(part) if len(part) > 2 else None
        codes.append(country.lower() if country else part.lower())
    return codes


def parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option} {value!r} is not a date in the form YYYY-MM-DD") from None


@contextmanager
def _errors() -> Iterator[None]:
    """Turn data and input errors into messages naming the file, line and key, and an exit code."""
    try:
        yield
    except DataFileError as exc:
        raise fail(str(exc)) from None
    except UnknownJurisdictionError as exc:
        raise fail(str(exc)) from None
    except RuntimeError as exc:
        raise fail(str(exc)) from None


def print_assessment(result: Assessment) -> None:
    counts = Table(title=f"Findings on {result.at} by jurisdiction and status")
    statuses = [status.value for status in FindingStatus]
    counts.add_column("jurisdiction")
    for status in statuses:
        # Binding statuses first, then the ones that carry no legal force or could not be decided.
        style = "red" if status == "violation" else ("dim" if status == "advisory" else None)
        counts.add_column(status.replace("_", " "), justify="right", header_style=style)
    by_status = result.summary()["findings_by_jurisdiction_and_status"]
    for jurisdiction in sorted(by_status):
        counts.add_row(jurisdiction, *(f"{by_status[jurisdiction].get(s, 0):,}" for s in statuses))
    console.print(counts)
    deadlines = result.next_deadlines()
    if deadlines.height:
        table = Table(title="Next deadlines")
        for column in ("deadline", "jurisdiction", "rule", "status", "findings"):
            table.add_column(column)
        for deadline, jurisdiction, rule_id, status, count in deadlines.iter_rows():
            table.add_row(str(deadline), jurisdiction, rule_id, status, f"{count:,}")
        console.print(table)
    for missing in missing_data(result.frame):
        console.print(f"[yellow]unknown (missing: {missing})[/]: undecided, not compliant until recorded")
    footing = result.summary()["findings_by_legal_status"]
    if footing:
        console.print("by legal status: " + ", ".join(f"{k} {v:,}" for k, v in footing.items()))
    console.print(
        f"{result.assets_assessed:,} assets assessed; {result.assets_outside:,} outside the selected "
        f"jurisdictions (or without a site country); {len(result.rules_evaluated)} rules evaluated, "
        f"{len(result.rules_skipped)} not (see rules_skipped in the JSON)."
    )
    if result.flagged_names == 0 and result.assets_assessed:
        console.print(
            "[yellow]no name is flagged by screening:[/] run `netvet screen` after an import, or the rules "
            "have nothing to act on."
        )
    if result.pending_review:
        pending = sum(result.pending_review.values())
        console.print(
            f"[yellow]pending review:[/] {len(result.pending_review)} names ({pending:,} assets) would be "
            "reached by a rule if confirmed; decide them in screening."
        )


def assess_command(
    jurisdiction: JurisdictionOption = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Assess as on this date (YYYY-MM-DD); default today.")
    ] = None,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Write the summary and every finding here.")
    ] = None,
    policy: PolicyOption = None,
    proposals: Annotated[
        bool, typer.Option("--proposals", help="Also evaluate proposals (not law).")
    ] = False,
    organization: OrgOption = DEFAULT_ORGANIZATION,
) -> None:
    """Assess the stored network against the rule packs on a date."""
    day = parse_day(at, "--at") or date.today()
    json_path = json_file or get_settings().output_dir / f"assessment-{day}.json"
    with _errors(), database() as db, progress_bar(transient=True) as progress:
        task = progress.add_task("reading rules and inventory", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, description="evaluating rules", completed=done, total=total)

        result = run_assessment(
            db,
            organization,
            parse_jurisdictions(jurisdiction),
            day,
            policy or [],
            include_proposals=proposals,
            record=(recorder := Recorder(getpass.getuser(), "cli")),
            progress=advance,
        )
        progress.update(task, description="writing findings")
        scenario = what_if_scenario(policy or [], proposals)
        result.write_json(json_path, scenario)
    print_assessment(result)
    console.print(f"findings: {result.frame.height:,} written to {json_path}")
    print_stored(recorder, scenario)


def print_stored(recorder: Recorder, scenario: str | None) -> None:
    """Say where the assessment now lives, and whether it is the network's status or a what-if."""
    if scenario is None:
        console.print(
            f"stored as assessment {recorder.assessment_id}: the dashboard and the API show it "
            "(`netvet serve`)"
        )
    else:
        console.print(
            f"stored as what-if assessment {recorder.assessment_id} ({scenario}): kept apart from the "
            "network's status"
        )


def timeline_command(
    jurisdiction: JurisdictionOption = None,
    policy: PolicyOption = None,
    organization: OrgOption = DEFAULT_ORGANIZATION,
    as_json: JsonOption = False,
) -> None:
    """Every dated obligation that applies to the stored network, past and future, in order."""
    today = date.today()
    with _errors(), database() as db, console.status("building the timeline"):
        events = run_timeline(db, organization, parse_jurisdictions(jurisdiction), policy or [], today=today)
    # An extra pack's events are a what-if's, and say so.
    scenario = what_if_scenario(policy or [], False)
    hypothetical = {rule.id for pack in load_packs(policy or []) for rule in pack.rules}
    if as_json:
        print_json(
            [
                {
                    **asdict(event),
                    "day": event.day.isoformat(),
                    "what_if": scenario if event.rule_id in hypothetical else None,
                }
                for event in events
            ]
        )
        return
    title = "Timeline (rules that reach at least one stored asset)"
    if scenario:
        title = f"What-if timeline ({scenario}; its events marked what-if): rules that reach a stored asset"
    table = Table(title=title)
    for column in ("date", "", "jur.", "rule", "event", "status", "assets", "sites"):
        table.add_column(column, no_wrap=column != "status")
    table.add_column("what")
    for event in events:
        marker = "past" if event.day < today else ("today" if event.day == today else "ahead")
        marker += ", what-if" if event.rule_id in hypothetical else ""
        status = event.legal_status + ("" if event.confidence == "confirmed" else ", unverified")
        table.add_row(
            str(event.day),
            marker,
            event.jurisdiction,
            event.rule_id,
            event.event,
            status,
            f"{event.assets:,}",
            f"{event.sites:,}",
            event.description,
        )
    console.print(table)
    if not events:
        console.print("no rule reaches the stored network (has it been imported and screened?)")


def _find_rule(packs: tuple[RulePack, ...], rule_id: str) -> tuple[RulePack, Rule] | None:
    for pack in packs:
        for rule in pack.rules:
            if rule.id == rule_id:
                return pack, rule
    return None


def legal_force(rule: Rule) -> str:
    """The rule's legal footing and the statuses it can give."""
    status = rule.legal_status
    if status is LegalStatus.BINDING:
        return "binding (law, regulation, direction or licence condition): violation, due"
    if status is LegalStatus.CONTRACT:
        return (
            f"contract, binding its signatories ({', '.join(rule.parties) or 'not named'}): violation and due "
            "for them, advisory for anyone else"
        )
    if status is LegalStatus.PROPOSAL:
        return "proposal, not law (only with --proposals): advisory"
    return "guidance, no legal force: advisory"


def rules_list(
    jurisdiction: JurisdictionOption = None, policy: PolicyOption = None, as_json: JsonOption = False
) -> None:
    """List the rules of the shipped packs (and any extra pack)."""
    with _errors():
        packs = select_packs(rule_packs(policy or []), parse_jurisdictions(jurisdiction))
    if as_json:
        print_json(
            [
                {"jurisdiction": pack.jurisdiction, **rule.model_dump(mode="json", exclude_none=True)}
                for pack in packs
                for rule in pack.rules
            ]
        )
        return
    table = Table(title="Rules")
    for column in ("rule", "jur.", "effect", "force", "reads", "adopted", "effective", "deadline"):
        table.add_column(column, no_wrap=True)
    table.add_column("title")
    for pack in packs:
        for rule in pack.rules:
            status = rule.legal_status.value + ("" if rule.confidence.value == "confirmed" else "*")
            table.add_row(
                rule.id,
                pack.jurisdiction,
                rule.effect.type.value,
                status,
                rule.reads.value,
                str(rule.adopted),
                str(rule.effective or ""),
                str(rule.deadline or "") + ("^" if rule.deadline_kind is DeadlineKind.START_OF_DAY else ""),
                rule.title,
            )
    console.print(table)
    console.print(
        "* unverified: see `netvet rules show RULE`; ^ the deadline is the first day the equipment may no "
        "longer be there (the day before is the last day allowed)"
    )


def rules_show(
    rule_id: Annotated[str, typer.Argument(help="Rule id, e.g. uk-dvd-core.")], policy: PolicyOption = None
) -> None:
    """Print one rule with its dates, scope, effect and sources."""
    with _errors():
        found = _find_rule(rule_packs(policy or []), rule_id)
    if found is None:
        raise fail(f"no rule {rule_id!r} (see `netvet rules list`)", EXIT_NOT_FOUND)
    pack, rule = found
    table = Table(show_header=False, title=f"{rule.id}: {rule.title}", title_justify="left")
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("jurisdiction", f"{pack.jurisdiction} ({pack.name}; sites in {', '.join(pack.countries)})")
    table.add_row("legal force", legal_force(rule))
    table.add_row("confidence", rule.confidence.value + (f": {rule.unverified}" if rule.unverified else ""))
    table.add_row("reads", f"{rule.reads.value}: the equipment's {rule.reads.words}")
    table.add_row("adopted", str(rule.adopted))
    if rule.effective:
        table.add_row("effective", str(rule.effective))
    if rule.deadline and rule.deadline_kind:
        last = rule.last_day_allowed(rule.deadline)
        kind = f"{rule.deadline_kind.value}: {rule.deadline_kind.words}"
        table.add_row("deadline", f"{rule.deadline} ({kind}; last day allowed {last})")
    for change in rule.deadline_changes:
        sources = "; ".join(source.render() for source in change.sources)
        table.add_row(
            "  moved", f"to {change.deadline} on {change.issued}. {change.note or ''} {sources}".strip()
        )
    if rule.deadline_from_operator:
        table.add_row(
            "deadline", "each operator's own (an extension record); without one, findings are unknown"
        )
    if not rule.deadline and not rule.deadline_from_operator:
        table.add_row("deadline", "none in the source")
    if rule.needs_record:
        table.add_row("turns on", f"{rule.needs_record} (not in inventories: findings are unknown)")
    if rule.assumes:
        table.add_row("assumes", rule.assumes)
    if rule.wording:
        table.add_row("wording", rule.wording)
    table.add_row("vendors", rule.vendors.model_dump_json(exclude_defaults=True))
    for name in rule.vendors.designations:
        designation = pack.designation(name)
        if designation is not None:
            reach = ", ".join((*designation.entities, *designation.lists))
            sources = "; ".join(source.render() for source in designation.sources)
            table.add_row(
                f"  {name}", f"{designation.title}: {reach}, from {designation.designated}. {sources}"
            )
    table.add_row("scope", rule.scope.model_dump_json(exclude_defaults=True, exclude_none=True))
    table.add_row("effect", rule.effect.model_dump_json(exclude_none=True))
    if rule.supersedes:
        table.add_row("supersedes", ", ".join(rule.supersedes))
    if rule.prevails_over:
        table.add_row("prevails over", ", ".join(rule.prevails_over) + " (for the equipment both reach)")
    for number, source in enumerate(rule.sources, 1):
        table.add_row(f"source {number}", source.render())
    if rule.note:
        table.add_row("note", rule.note)
    table.add_row("file", pack.path)
    console.print(table)


def rules_check(files: Annotated[list[Path], typer.Argument(help="Rule pack files to validate.")]) -> None:
    """Validate rule packs (with the shipped ones, so ids must not clash) without assessing anything."""
    with _errors():
        packs = load_packs(files)
        rule_packs(files)
    console.print(f"ok: {sum(len(p.rules) for p in packs)} rules in {len(packs)} pack(s)")


def licences_add(
    file: Annotated[
        Path, typer.Argument(help="YAML with `licences:` and/or `extensions:` (docs/policy.md).")
    ],
    policy: PolicyOption = None,
    organization: OrgOption = DEFAULT_ORGANIZATION,
) -> None:
    """Store licences, authorisations, exemptions and deadline extensions from a file (all or nothing)."""
    with _errors():
        data = load_licence_data(file)
        packs = rule_packs(policy or [])
        with database() as db, db.begin() as conn:
            added, extended = add_licence_document(conn, organization, data, str(file), packs)
            audit(conn, organization, "licences.add", file.name, {"licences": added, "extensions": extended})
    console.print(f"stored {added} licence(s) and {extended} extension(s) from {file} for {organization}")


def licences_list(organization: OrgOption = DEFAULT_ORGANIZATION) -> None:
    """List the licences and extensions stored for the organisation (shipped general licences too)."""
    from netvet.policy.loader import shipped_licences

    with _errors(), database() as db, db.connect() as conn:
        own, extensions = stored_licences(conn, organization)
    shipped, shipped_extensions = shipped_licences()
    table = Table(title="Licences, authorisations and exemptions")
    for column in ("id", "kind", "holder", "rules", "windows", "file"):
        table.add_column(column)
    for licence in [*shipped, *own]:
        windows = "; ".join(f"{w.valid_from}..{w.valid_until} (issued {w.issued})" for w in licence.windows)
        table.add_row(
            licence.id,
            licence.kind,
            licence.organization_id or "everyone",
            ", ".join(licence.rules),
            windows,
            licence.path,
        )
    console.print(table)
    if extensions or shipped_extensions:
        ext_table = Table(title="Deadline extensions")
        for column in ("id", "rule", "holder", "deadline", "issued", "file"):
            ext_table.add_column(column)
        for extension in [*shipped_extensions, *extensions]:
            ext_table.add_row(
                extension.id,
                extension.rule,
                extension.organization_id or "everyone",
                str(extension.deadline),
                str(extension.issued),
                extension.path,
            )
        console.print(ext_table)


def register(app: typer.Typer) -> None:
    app.command("assess")(assess_command)
    app.command("timeline")(timeline_command)
    rules = typer.Typer(help="Rule packs: list, show, check.", no_args_is_help=True)
    rules.command("list")(rules_list)
    rules.command("show")(rules_show)
    rules.command("check")(rules_check)
    app.add_typer(rules, name="rules")
    licences = typer.Typer(
        help="Licences, exemptions and deadline extensions (user data).", no_args_is_help=True
    )
    licences.command("add")(licences_add)
    licences.command("list")(licences_list)
    app.add_typer(licences, name="licences")
