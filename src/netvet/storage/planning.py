"""What the planner reads from the database: the assets the findings name, every site, and the items
each network cap counts (to choose which sites to clear)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from netvet.data import role_table
from netvet.model.findings import Finding, FindingStatus
from netvet.model.inventory import Asset, Site
from netvet.policy.frame import prepare_assets
from netvet.policy.network import cap_members
from netvet.policy.targets import target_names
from netvet.storage.db import Database
from netvet.storage.inventory import ID_BATCH, iter_assets, iter_sites
from netvet.storage.policy import policy_inputs

WORK_STATUSES = (FindingStatus.VIOLATION, FindingStatus.DUE, FindingStatus.ADVISORY)


@dataclass
class PlanningInputs:
    assets: list[Asset]
    sites: list[Site]
    cap_members: dict[str, list[str]]  # rule_id@country -> the items that count towards the cap


def planning_inputs(
    db: Database, organization_id: str, findings: Sequence[Finding], at: date
) -> PlanningInputs:
    """The assets that binding or advisory findings name or that caps count, and every site."""
    caps = [
        f for f in findings if f.asset_id is None and (f.effect == "cap" or f.cap is not None) and f.excess
    ]
    members: dict[str, list[str]] = {}
    if caps:
        inputs = policy_inputs(db, organization_id, at=at)
        wanted_rules = {f.rule_id for f in caps}
        rules = {
            rule.id: (rule, target_names(rule.vendors, pack.designations, inputs.evidence, at))
            for pack in inputs.packs
            for rule in pack.rules
            if rule.id in wanted_rules
        }
        members = cap_members(rules, prepare_assets(inputs.assets, role_table()), caps, at)
    wanted = sorted(
        {f.asset_id for f in findings if f.asset_id and f.status in WORK_STATUSES}
        | {a for ids in members.values() for a in ids}
    )
    with db.connect() as conn:
        found: list[Asset] = []
        for start in range(0, len(wanted), ID_BATCH):  # stay under SQL parameter limits
            found.extend(iter_assets(conn, organization_id, wanted[start : start + ID_BATCH]))
        return PlanningInputs(found, list(iter_sites(conn, organization_id)), members)
