from __future__ import annotations

from datetime import date

import polars as pl

from netvet.report.context import ReportData
from netvet.report.summary import (
    affected_assets,
    cap_gauges,
    nearest_deadlines,
    obligations,
    status_counts,
    table_rows,
)


def test_counts_and_affected_assets(report_data: ReportData) -> None:
    assert status_counts(report_data.findings) == {
        "violation": 3,
        "due": 2,
        "unknown": 0,
        "licence_required": 0,
        "report": 1,
        "licensed": 1,
        "advisory": 0,
    }
    # violation or due, asset-level only: LON-1-BBU, LON-1-AAU, GB-CORE-AMF, BIL-1-BBU (the cap has no asset)
    assert affected_assets(report_data.findings) == 4


def test_nearest_deadlines_are_ahead_of_the_date_and_in_order(report_data: ReportData) -> None:
    deadlines = nearest_deadlines(report_data.findings, report_data.at)
    assert [(d.deadline, d.rule_id, d.findings) for d in deadlines] == [
        (date(2027, 3, 31), "us-fcc-supply-chain-annual-report", 1),
        (date(2027, 12, 31), "uk-dvd-5g-removal", 2),
    ]
    assert nearest_deadlines(report_data.findings, date(2030, 1, 1)) == []


def test_cap_gauges_come_from_cap_findings_only(report_data: ReportData) -> None:
    gauges = cap_gauges(report_data.findings)
    assert len(gauges) == 1
    assert (gauges[0].measured_share, gauges[0].cap, gauges[0].excess) == (0.5, 0.35, 1)


def test_obligations_take_the_worst_status_per_rule_and_date(report_data: ReportData) -> None:
    items = obligations(report_data.findings)
    assert [i.deadline for i in items] == sorted(i.deadline for i in items)
    removal = next(i for i in items if i.rule_id == "uk-dvd-5g-removal")
    assert removal.status == "due" and removal.findings == 2
    assert len(obligations(report_data.findings, limit=2)) == 2


def test_table_lists_findings_worst_first_until_the_limit(report_data: ReportData) -> None:
    rows, grouped = table_rows(report_data)
    assert not grouped and len(rows) == 7
    assert [r.status for r in rows][:3] == ["violation"] * 3
    core = next(r for r in rows if r.rule_id == "uk-dvd-core")
    assert core.subject == "GB-CORE-AMF @ GB-CORE" and core.country == "GB"
    cap = next(r for r in rows if r.rule_id == "uk-2020-hrv-access-cap")
    assert cap.subject == "network-wide"


def test_table_groups_findings_above_the_limit(report_data: ReportData) -> None:
    report_data.findings = pl.concat([report_data.findings] * 3)  # 21 findings
    rows, grouped = table_rows(report_data, limit=10)
    # 6 groups: the two 5G-removal findings (Huawei spelt two ways, both in GB) share one.
    assert grouped and len(rows) == 6
    counts = {r.rule_id: r.count for r in rows}
    assert counts.pop("uk-dvd-5g-removal") == 6 and set(counts.values()) == {3}
    assert sum(r.count for r in rows) == 21
    assert rows[0].status == "violation"
    few, _ = table_rows(report_data, limit=5)
    assert len(few) == 5


def test_grouped_rows_join_spellings_of_one_vendor(report_data: ReportData) -> None:
    rows, grouped = table_rows(report_data, limit=1)
    assert grouped
    everything, _ = table_rows(report_data, limit=100)  # not grouped: each finding, one vendor name
    removal = [r for r in everything if r.rule_id == "uk-dvd-5g-removal"]
    assert {r.vendor for r in removal} == {"Huawei"}  # the name as written stays beside it
    assert {r.vendor_as_written for r in removal} == {"Huawei Technologies Co.,Ltd.", "HUAWEI"}
    import netvet.report.summary as summary

    report_data.findings = pl.concat([report_data.findings] * 600)  # 4,200 findings, above the limit
    rows, grouped = summary.table_rows(report_data, limit=2000)
    removal = [r for r in rows if r.rule_id == "uk-dvd-5g-removal"]
    assert grouped and len(removal) == 1
    assert removal[0].vendor == "Huawei" and removal[0].count == 1200
    assert removal[0].vendor_as_written == "HUAWEI, Huawei Technologies Co.,Ltd."
