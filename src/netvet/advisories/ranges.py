"""Version ranges: vers notation (vers:<scheme>/<constraints>), the free text vendors write, and
evaluation of one version against a range with a vendor-aware comparator."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import StrEnum

from netvet.advisories.cpe import value_matches
from netvet.advisories.versions import SCHEME_ALIASES, Comparator, IncomparableVersions

COMPARATORS = ("<=", ">=", "!=", "<", ">", "=")


class RangeSyntaxError(ValueError):
    pass


class RangeOutcome(StrEnum):
    IN = "in"
    OUT = "out"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class VersionRange:
    """A set of versions as (comparator, version) constraints in vers order (ascending versions).

    `scheme` is the version scheme the source names (vers:semver/...), None when the vendor's
    schemes decide. `text` is the range as the source wrote it, for explanations.
    """

    constraints: tuple[tuple[str, str], ...] = ()
    scheme: str | None = None
    text: str = ""
    any_version: bool = False
    readable: bool = True
    # A CPE version with wildcards (12.2\(55\)se*): matched as a pattern, not ordered.
    pattern: str | None = None
    # Fixed releases on several maintenance lines ("lessThan": "22.2R2-S1, 22.2R3"): a version is
    # outside the range from the fix on its own line, or from the last fix.
    fixes: tuple[str, ...] = ()

    @classmethod
    def unreadable(cls, text: str) -> VersionRange:
        """A range as written that netvet cannot read: every version compared to it is unknown."""
        return cls(text=text, readable=False)

    @property
    def is_exact(self) -> bool:
        return bool(self.constraints) and all(op == "=" for op, _ in self.constraints)

    @classmethod
    def exact(cls, version: str) -> VersionRange:
        return cls(constraints=(("=", version),), text=version)

    @classmethod
    def every(cls, text: str = "*") -> VersionRange:
        return cls(any_version=True, text=text)


def _split_constraint(text: str) -> tuple[str, str]:
    text = text.strip()
    for op in COMPARATORS:
        if text.startswith(op):
            version = text[len(op) :].strip()
            if not version:
                raise RangeSyntaxError(f"comparator {op!r} without a version")
            return op, version
    if not text:
        raise RangeSyntaxError("empty constraint")
    return "=", text


def parse_vers(text: str) -> VersionRange:
    """Parse `vers:<scheme>/<c1>|<c2>...` (https://github.com/package-url/purl-spec VERSION-RANGE-SPEC)."""
    if not text.startswith("vers:") or "/" not in text:
        raise RangeSyntaxError(f"{text!r} is not a vers range (vers:<scheme>/<constraints>)")
    scheme_part, _, body = text[len("vers:") :].partition("/")
    scheme = SCHEME_ALIASES.get(scheme_part.strip().lower())
    body = body.strip()
    if body == "*":
        return VersionRange(scheme=scheme, text=text, any_version=True)
    if not body:
        raise RangeSyntaxError(f"{text!r} has no constraints")
    constraints = tuple(_split_constraint(part) for part in body.split("|"))
    return VersionRange(constraints=constraints, scheme=scheme, text=text)


_VER = r"(?P<v>[^\s,;]+)"
_TEXT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            rf"^(?:prior to|before|earlier than|below|lower than|older than|up to but excluding)\s+{_VER}$"
        ),
        "<",
    ),
    (re.compile(rf"^(?:up to|through|until)\s+{_VER}$"), "<="),
    (re.compile(rf"^{_VER}\s+(?:and|or)\s+(?:earlier|prior|before|below|lower|older)$"), "<="),
    (re.compile(rf"^{_VER}\s+(?:and|or)\s+(?:later|above|newer|higher|after)$"), ">="),
    (re.compile(rf"^(?:from|since|starting with|starting from)\s+{_VER}$"), ">="),
    (re.compile(rf"^(?:after|later than|newer than|above)\s+{_VER}$"), ">"),
)
_BETWEEN = re.compile(r"^(?:from\s+)?(?P<lo>[^\s,;]+)\s+(?:to|through|-|–)\s+(?P<hi>[^\s,;]+)$")
_OPERATOR_RUN = re.compile(r"(<=|>=|!=|<|>|=)\s*([^\s,;|<>=!]+)")


def parse_range_text(text: str) -> VersionRange | None:
    """A range as a CSAF `product_version_range` may write it: vers, operators, or plain English.

    Returns None when the text is not a range netvet can read; the matcher then reports the asset
    as `unknown` rather than guessing.
    """
    raw = text
    text = text.strip()
    if text.startswith("vers:"):
        return parse_vers(text)
    lowered = re.sub(r"\s+", " ", text.lower())
    lowered = re.sub(r"^(?:all )?(?:supported |affected |current )?(?:versions?|releases?) ", "", lowered)
    # "prior to Release 24": the word names the version that follows.
    lowered = re.sub(r"\b(?:release|version) (?=v?\d)", "", lowered)
    lowered = re.sub(r" (?:versions?|releases?)$", "", lowered)
    lowered = lowered.replace("up to and including ", "through ")
    if lowered in {"*", "all", "all versions", "any", "any version"}:
        return VersionRange.every(raw)
    for pattern, op in _TEXT_PATTERNS:
        m = pattern.match(lowered)
        if m is not None:
            return VersionRange(constraints=((op, _original_case(text, m["v"])),), text=raw)
    m = _BETWEEN.match(lowered)
    if m is not None:
        lo, hi = _original_case(text, m["lo"]), _original_case(text, m["hi"])
        return VersionRange(constraints=((">=", lo), ("<=", hi)), text=raw)
    runs = _OPERATOR_RUN.findall(lowered)
    leftover = _OPERATOR_RUN.sub("", lowered).replace(",", " ").replace("|", " ").replace("and", " ")
    if runs and not leftover.strip():
        constraints = tuple((op, _original_case(text, v)) for op, v in runs)
        return VersionRange(constraints=constraints, text=raw)
    return None


def _original_case(text: str, lowered_token: str) -> str:
    """The token as the source wrote it (versions such as V200R009C00 are case-sensitive to readers)."""
    index = text.lower().find(lowered_token)
    return text[index : index + len(lowered_token)] if index >= 0 else lowered_token


def _satisfies(cmp: int, op: str) -> bool:
    return {
        "<": cmp < 0,
        "<=": cmp <= 0,
        ">": cmp > 0,
        ">=": cmp >= 0,
        "=": cmp == 0,
        "!=": cmp != 0,
    }[op]


def evaluate(version_range: VersionRange, version: str, comparator: Comparator) -> tuple[RangeOutcome, str]:
    """Whether `version` lies in the range, following the vers containment algorithm.

    A version no scheme can compare with a bound gives UNKNOWN and the reason.
    """
    if not version_range.readable:
        return RangeOutcome.UNKNOWN, f"the range {version_range.text!r} is not in a form netvet can read"
    if version_range.any_version:
        return RangeOutcome.IN, f"all versions ({version_range.text})"
    if version_range.pattern is not None:
        if value_matches(version_range.pattern, version):
            return RangeOutcome.IN, f"{version} matches the pattern {version_range.pattern}"
        return RangeOutcome.OUT, f"{version} does not match the pattern {version_range.pattern}"
    ranged: list[tuple[str, str, int]] = []
    for op, bound in version_range.constraints:
        try:
            cmp = comparator.compare(version, bound)
        except IncomparableVersions as exc:
            if op in ("=", "!="):
                # Versions on another branch are simply not this one.
                continue
            return RangeOutcome.UNKNOWN, str(exc)
        if op == "=" and cmp == 0:
            return RangeOutcome.IN, f"{version} = {bound}"
        if op == "!=" and cmp == 0:
            return RangeOutcome.OUT, f"{version} is excluded (!={bound})"
        if op not in ("=", "!="):
            ranged.append((op, bound, cmp))
    if version_range.fixes:
        return _evaluate_fixes(version_range, version, comparator, ranged)
    if not ranged:
        return RangeOutcome.OUT, f"{version} is not one of {version_range.text}"
    first_op, first_bound, first_cmp = ranged[0]
    if first_op in ("<", "<=") and _satisfies(first_cmp, first_op):
        return RangeOutcome.IN, f"{version} {first_op} {first_bound}"
    last_op, last_bound, last_cmp = ranged[-1]
    if last_op in (">", ">=") and _satisfies(last_cmp, last_op):
        return RangeOutcome.IN, f"{version} {last_op} {last_bound}"
    for (lo_op, lo, lo_cmp), (hi_op, hi, hi_cmp) in itertools.pairwise(ranged):
        if (
            lo_op in (">", ">=")
            and hi_op in ("<", "<=")
            and _satisfies(lo_cmp, lo_op)
            and _satisfies(hi_cmp, hi_op)
        ):
            return RangeOutcome.IN, f"{lo_op}{lo} and {hi_op}{hi} hold for {version}"
    return RangeOutcome.OUT, f"{version} is outside {version_range.text}"


def _evaluate_fixes(
    version_range: VersionRange, version: str, comparator: Comparator, lower: list[tuple[str, str, int]]
) -> tuple[RangeOutcome, str]:
    """Inside the lower bounds, a version is affected until the fix on its own maintenance line, or
    until the last fix when no listed fix is on its line ("22.3R2-S2, 22.3R3-S2": 22.3R3 is affected,
    22.3R2-S3 is not)."""
    for op, _bound, cmp in lower:
        if not _satisfies(cmp, op):
            return RangeOutcome.OUT, f"{version} is below {version_range.text}"
    try:
        later = [fix for fix in version_range.fixes if comparator.compare(version, fix) >= 0]
        if len(later) == len(version_range.fixes):
            return RangeOutcome.OUT, f"{version} is at or after every fix ({', '.join(version_range.fixes)})"
        for fix in later:
            same = comparator.same_line(version, fix)
            if same is None:
                return (
                    RangeOutcome.UNKNOWN,
                    f"{version} lies between the fixes {', '.join(version_range.fixes)} and the "
                    "version scheme has no maintenance lines to tell which applies",
                )
            if same:
                return RangeOutcome.OUT, f"{version} is at or after {fix}, the fix on its line"
    except IncomparableVersions as exc:
        return RangeOutcome.UNKNOWN, str(exc)
    return RangeOutcome.IN, f"{version} is before the fix for its line ({version_range.text})"
