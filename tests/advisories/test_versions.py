from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netvet.advisories.ranges import RangeOutcome, VersionRange, evaluate, parse_range_text, parse_vers
from netvet.advisories.versions import IncomparableVersions, VersionComparator, sort_versions

AUTO = VersionComparator()


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("V100R019C10SPC500", "V100R019C10SPC600"),
        ("V100R019C00SPC900", "V100R019C10"),
        ("V100R004C00", "V100R010C00"),  # R10 after R4: plain text order gets this wrong
        ("V200R009C00B010", "V200R009C00"),  # a B build precedes its release
        ("V200R009C00", "V200R009C00SPC100"),
        ("V800R021C10SPC100", "V800R021C10SPC100SPH5"),
        ("12.2(55)SE3", "12.2(55)SE10"),
        ("12.2(55)SE10", "12.2(58)SE1"),
        ("12.2(33)SXI4", "12.2(33)SXI4a"),
        ("22.Q3", "22.Q4"),
        ("22.Q3", "22.10.R1"),
        ("22.10.R3", "22.10.R10"),
        ("22.10.R4", "23.3.R1"),
        ("1.2.3-rc1", "1.2.3"),
        ("1.9.0", "1.10.0"),
    ],
)
def test_vendor_schemes_order_versions(older: str, newer: str) -> None:
    assert AUTO.compare(older, newer) == -1
    assert AUTO.compare(newer, older) == 1
    assert AUTO.compare(newer, newer) == 0


def test_cisco_trains_do_not_compare() -> None:
    with pytest.raises(IncomparableVersions, match="different branches"):
        AUTO.compare("12.2(55)SE3", "12.4(24)T")


def test_cpe_lowercase_ios_version_reads_as_the_same_release() -> None:
    assert AUTO.compare("12.2(55)se3", "12.2(55)SE3") == 0


def test_sorting_vrp_releases() -> None:
    shuffled = ["V100R010C00", "V100R004C00SPC200", "V100R004C00", "V100R019C10SPC500"]
    assert sort_versions(shuffled, AUTO) == [
        "V100R004C00",
        "V100R004C00SPC200",
        "V100R010C00",
        "V100R019C10SPC500",
    ]


def test_release_inside_range_that_semver_gets_wrong() -> None:
    """The issue's example: 22.10.R3 is inside >=22.10.R1|<22.10.R4."""
    outcome, _ = evaluate(parse_vers("vers:generic/>=22.10.R1|<22.10.R4"), "22.10.R3", AUTO)
    assert outcome is RangeOutcome.IN
    outcome, _ = evaluate(parse_vers("vers:generic/>=22.10.R1|<22.10.R4"), "22.10.R4", AUTO)
    assert outcome is RangeOutcome.OUT


@pytest.mark.parametrize(
    ("text", "version", "expected"),
    [
        ("vers:semver/>=1.0.0|<2.0.0", "1.5.0", RangeOutcome.IN),
        ("vers:semver/>=1.0.0|<2.0.0", "2.0.0", RangeOutcome.OUT),
        ("vers:semver/>=1.0.0|<2.0.0|>=3.0.0|<4.0.0", "3.1.0", RangeOutcome.IN),
        ("vers:semver/>=1.0.0|<2.0.0|>=3.0.0|<4.0.0", "2.5.0", RangeOutcome.OUT),
        ("vers:generic/<=V200R009C00SPC500", "V200R009C00SPC300", RangeOutcome.IN),
        ("vers:generic/1.0|1.2", "1.2", RangeOutcome.IN),
        ("vers:generic/!=1.2|>=1.0", "1.2", RangeOutcome.OUT),
        ("vers:all/*", "anything", RangeOutcome.IN),
        ("<4.2", "4.1", RangeOutcome.IN),
        ("<= 4.1", "4.1", RangeOutcome.IN),
        ("prior to 4.2", "4.2", RangeOutcome.OUT),
        ("4.1 and earlier", "4.0", RangeOutcome.IN),
        ("4.2 and later", "4.10", RangeOutcome.IN),
        (">=12.2(55)SE <12.2(55)SE12", "12.2(55)SE3", RangeOutcome.IN),
        ("V200R009C00 to V200R009C00SPC900", "V200R009C00SPC500", RangeOutcome.IN),
        ("all versions", "V1", RangeOutcome.IN),
        ("V200R009C00SPC500 and earlier versions", "V200R009C00SPC300", RangeOutcome.IN),
        ("versions prior to 22.10.R4", "22.10.R4", RangeOutcome.OUT),
        ("up to and including 22.Q3", "22.Q3", RangeOutcome.IN),
        ("releases before 12.2(55)SE12", "12.2(55)SE10", RangeOutcome.IN),
    ],
)
def test_ranges(text: str, version: str, expected: RangeOutcome) -> None:
    parsed = parse_range_text(text)
    assert parsed is not None
    assert evaluate(parsed, version, AUTO)[0] is expected


def test_unreadable_range_is_unknown_not_dropped() -> None:
    assert parse_range_text("some builds from the spring") is None
    outcome, reason = evaluate(VersionRange.unreadable("some builds"), "1.0", AUTO)
    assert outcome is RangeOutcome.UNKNOWN
    assert "some builds" in reason


def test_incomparable_version_is_unknown() -> None:
    outcome, reason = evaluate(parse_vers("vers:generic/<12.2(55)SE12"), "15.0(2)EX5", AUTO)
    assert outcome is RangeOutcome.UNKNOWN
    assert "different branches" in reason


def test_exact_version_on_another_train_is_simply_not_it() -> None:
    outcome, _ = evaluate(VersionRange.exact("12.2(55)EY"), "15.6(2)SP3", AUTO)
    assert outcome is RangeOutcome.OUT


@settings(max_examples=200, deadline=None)
@given(
    st.tuples(st.integers(18, 26), st.integers(1, 12), st.integers(1, 9)),
    st.tuples(st.integers(18, 26), st.integers(1, 12), st.integers(1, 9)),
    st.tuples(st.integers(18, 26), st.integers(1, 12), st.integers(1, 9)),
)
def test_half_open_range_agrees_with_part_order(
    lo: tuple[int, int, int], hi: tuple[int, int, int], version: tuple[int, int, int]
) -> None:
    lo, hi = min(lo, hi), max(lo, hi)
    text = f"vers:generic/>={lo[0]}.{lo[1]}.R{lo[2]}|<{hi[0]}.{hi[1]}.R{hi[2]}"
    outcome, _ = evaluate(parse_vers(text), f"{version[0]}.{version[1]}.R{version[2]}", AUTO)
    assert (outcome is RangeOutcome.IN) == (lo <= version < hi)
