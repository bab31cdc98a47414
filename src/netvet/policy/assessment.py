"""The result of one assessment: the findings as a frame (bulk) or as `Finding` objects, and a summary."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from netvet.model.findings import Finding, FindingStatus

FINDING_SCHEMA: dict[str, type[pl.DataType]] = {
    "organization_id": pl.String,
    "rule_id": pl.String,
    "jurisdiction": pl.String,
    "status": pl.String,
    "asset_id": pl.String,
    "site_id": pl.String,
    "country": pl.String,
    "deadline": pl.Date,
    "source": pl.String,
    "explanation": pl.String,
    "vendor": pl.String,
    "domain": pl.String,
    "measured_share": pl.Float64,
    "cap": pl.Float64,
    "cap_metric": pl.String,
    "excess": pl.Int64,
    "effect": pl.String,
    "legal_status": pl.String,
    "confidence": pl.String,
    "missing": pl.String,
}

STATUS_ORDER = [s.value for s in FindingStatus]


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDING_SCHEMA)


@dataclass
class Assessment:
    at: date
    jurisdictions: tuple[str, ...]
    frame: pl.DataFrame
    rules_evaluated: tuple[str, ...]
    rules_skipped: dict[str, str]
    assets_assessed: int
    assets_outside: int  # no site country, or a country none of the selected packs covers
    pending_review: dict[str, int] = field(default_factory=dict)  # name still in review -> assets
    flagged_names: int = 0  # names screening flagged as restricted (0 often means: not screened yet)

    def findings(self) -> list[Finding]:
        return [Finding.model_validate(row) for row in self.frame.iter_rows(named=True)]

    def counts(self) -> pl.DataFrame:
        """Findings by jurisdiction and status."""
        return self.frame.group_by("jurisdiction", "status").len().sort("jurisdiction", "status")

    def next_deadlines(self, limit: int = 10) -> pl.DataFrame:
        """The nearest deadlines still ahead, per rule, with how many findings each carries."""
        # Every status but a violation can carry a date still ahead; the status column tells a binding
        # deadline (due) from a recommended date (advisory) or a licence's end (licensed).
        ahead = self.frame.filter(
            (pl.col("status") != FindingStatus.VIOLATION.value) & (pl.col("deadline") >= self.at)
        )
        return (
            ahead.group_by("deadline", "jurisdiction", "rule_id", "status")
            .len()
            .sort("deadline", "jurisdiction", "rule_id", "status")
            .head(limit)
        )

    def summary(self) -> dict[str, Any]:
        by_status: dict[str, dict[str, int]] = {}
        for jurisdiction, status, count in self.counts().iter_rows():
            by_status.setdefault(str(jurisdiction), {})[str(status)] = int(count)
        return {
            "at": self.at.isoformat(),
            "jurisdictions": list(self.jurisdictions),
            "assets_assessed": self.assets_assessed,
            "assets_outside_selected_jurisdictions": self.assets_outside,
            "findings": self.frame.height,
            "findings_by_jurisdiction_and_status": by_status,
            # Guidance and contracts are not law: a reader weighs a violation by its legal footing.
            "findings_by_legal_status": {
                str(status): int(count)
                for status, count in self.frame.group_by("legal_status")
                .len()
                .sort("legal_status")
                .iter_rows()
            },
            "next_deadlines": [
                {"deadline": d.isoformat(), "jurisdiction": j, "rule_id": r, "status": s, "findings": n}
                for d, j, r, s, n in self.next_deadlines().iter_rows()
            ],
            "rules_evaluated": list(self.rules_evaluated),
            "rules_skipped": dict(sorted(self.rules_skipped.items())),
            "pending_review": dict(sorted(self.pending_review.items())),
            "names_flagged_by_screening": self.flagged_names,
        }

    def write_json(self, path: Path | str, what_if: str | None = None) -> Path:
        """{"what_if": ..., "summary": ..., "findings": [...]}; `what_if` names what makes the assessment
        one (None: the network's status). Findings are written by polars, not row by row in Python."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = self.frame.with_columns(pl.col("deadline").dt.to_string("%Y-%m-%d")).write_json()
        with path.open("w", encoding="utf-8") as fh:
            fh.write(f'{{"what_if": {json.dumps(what_if)},\n"summary": ')
            fh.write(json.dumps(self.summary(), indent=2))
            fh.write(',\n"findings": ')
            fh.write(rows)
            fh.write("}\n")
        return path
