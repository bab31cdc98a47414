"""Operating-system families (IOS XE, Junos OS, SR OS, ...): which hardware runs them, how vendors
write their names, and how their versions read and order. The facts are data
(data/advisories/os_families.yaml); this module reads them and answers two questions: which family
an asset runs, and how two versions of a family compare.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from netvet.advisories.vendors import product_keys
from netvet.advisories.versions import IncomparableVersions
from netvet.data import DATA_DIR, DataFileError, load_yaml_file

FAMILIES_FILE = DATA_DIR / "advisories" / "os_families.yaml"
# One part of a version's sort key: (present, kind, value). An absent part sorts first; within one
# grammar a group is always digits (kind 1) or text (ranked: kind 0, else kind 2), so parts of
# different kinds never meet in a comparison.
_Part = tuple[int, int, int | str]
_ABSENT: _Part = (0, 0, 0)


@dataclass(frozen=True, slots=True)
class Grammar:
    pattern: re.Pattern[str]
    partition: tuple[str, ...]
    order: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReadVersion:
    """A version as a family's grammar reads it."""

    text: str
    grammar: int
    partition: tuple[str, ...]
    key: tuple[_Part, ...]
    groups: Mapping[str, str]
    bare_train: bool  # only the train is given (Junos 21.2): it stands for the whole train
    wildcard: bool  # written with a trailing * (21.1*): every release of what precedes it


@dataclass(frozen=True, eq=False)
class VersionGrammar:
    grammars: tuple[Grammar, ...]
    ranks: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    train: tuple[str, ...] = ()
    line: tuple[str, ...] = ()
    suffix: str | None = None

    def read(self, text: str) -> ReadVersion | None:
        raw = text.strip()
        if self.suffix and raw.upper().endswith(self.suffix.upper()):
            raw = raw[: -len(self.suffix)].strip()
        wildcard = raw.endswith("*")
        raw = raw.rstrip("*").rstrip(".")
        for number, grammar in enumerate(self.grammars):
            m = grammar.pattern.fullmatch(raw)
            if m is None:
                continue
            groups = {k: v for k, v in m.groupdict().items() if v}
            key = tuple(self._part(name, groups.get(name)) for name in grammar.order)
            bare = bool(self.train) and set(groups) <= set(self.train)
            partition = tuple(groups.get(name, "").lower() for name in grammar.partition)
            return ReadVersion(text, number, partition, key, groups, bare, wildcard)
        return None

    def _part(self, name: str, value: str | None) -> _Part:
        ranks = self.ranks.get(name)
        if not value:
            return (1, 0, ranks[""]) if ranks and "" in ranks else _ABSENT
        if value.isdigit():
            return (1, 1, int(value))
        if ranks is not None and value.lower() in ranks:
            return (1, 0, ranks[value.lower()])
        return (1, 2, value.lower())


def _present(key: tuple[_Part, ...]) -> int:
    """How many leading parts a key gives before the first absent one."""
    return next((i for i, part in enumerate(key) if part == _ABSENT), len(key))


def _sign(a: tuple[_Part, ...], b: tuple[_Part, ...]) -> int:
    return (a > b) - (a < b)


@dataclass(frozen=True)
class FamilyComparator:
    """Compares an asset's version (left) with a bound an advisory writes (right), in one family.

    A bound that names a bare train (Junos 21.4) compares train to train, so `< 21.4` excludes every
    21.4 release; a wildcard bound (21.1*) covers every release of its train.
    """

    family: Family

    def read(self, text: str) -> ReadVersion:
        found = self.family.versions.read(text)
        if found is None:
            raise IncomparableVersions(f"{text!r} is not a {self.family.name} version")
        return found

    def compare(self, left: str, right: str) -> int:
        a, b = self.read(left), self.read(right)
        if a.grammar != b.grammar or a.partition != b.partition:
            raise IncomparableVersions(
                f"{left!r} and {right!r} are {self.family.name} versions of different trains"
            )
        if b.wildcard:
            n = _present(b.key)
            found = _sign(a.key[:n], b.key[:n])
            return -1 if found == 0 else found
        if b.bare_train or a.bare_train:
            # Train to train, as far as the shorter of the two names it (ENM "Release 24" is 24.x).
            n = min(_present(a.key), _present(b.key), len(self.family.versions.train))
            found = _sign(a.key[:n], b.key[:n])
            if found == 0 and a.bare_train and not b.bare_train:
                raise IncomparableVersions(f"{left!r} names a {self.family.name} train, not a release")
            return found
        return _sign(a.key, b.key)

    def same_line(self, left: str, right: str) -> bool | None:
        """Whether two versions are on one maintenance line (22.2R2-S1 and 22.2R2-S3); None if the
        family has no lines."""
        line = self.family.versions.line
        if not line:
            return None
        a, b = self.read(left), self.read(right)
        return all(a.groups.get(g, "").lower() == b.groups.get(g, "").lower() for g in line)


@dataclass(frozen=True, eq=False)
class Family:
    key: str
    name: str
    vendor: str
    aliases: tuple[str, ...]
    models: tuple[re.Pattern[str], ...]
    versions: VersionGrammar
    recognised_by_version: re.Pattern[str] | None = None

    @property
    def comparator(self) -> FamilyComparator:
        return _comparator(self)

    def runs_on(self, model: str) -> bool:
        return any(pattern.match(model) for pattern in self.models)

    def reads(self, version: str) -> bool:
        return self.versions.read(version) is not None

    def marks(self, version: str) -> bool:
        """Whether the version carries this family's own suffix (21.2R3-S4-EVO)."""
        suffix = self.versions.suffix
        return bool(suffix) and version.strip().upper().endswith(str(suffix).upper())


@cache
def _comparator(family: Family) -> FamilyComparator:
    return FamilyComparator(family)


def alias_keys(name: str, vendor_tokens: Collection[str] = ()) -> tuple[str, ...]:
    """The keys a name is known by: its product keys, also without the vendor's name in front."""
    keys = list(product_keys(name))
    for key in list(keys):
        for token in vendor_tokens:
            if key.startswith(token + "_"):
                keys.extend(product_keys(key[len(token) + 1 :]))
    return tuple(dict.fromkeys(keys))


@dataclass(frozen=True)
class AssetFamily:
    family: Family | None
    reason: str


class FamilyTable:
    def __init__(self, families: Sequence[Family], environments: Collection[str] = ()) -> None:
        self.families = {f.key: f for f in families}
        self.environments = frozenset(e.lower() for e in environments)
        self.by_alias: dict[str, list[Family]] = {}
        self.by_vendor: dict[str, list[Family]] = {}
        for family in families:
            self.by_vendor.setdefault(family.vendor, []).append(family)
            for alias in (*family.aliases, family.name):
                for key in alias_keys(alias, (family.vendor,)):
                    found = self.by_alias.setdefault(key, [])
                    clash = [f for f in found if f.vendor == family.vendor and f is not family]
                    if clash:
                        raise ValueError(f"alias {alias!r} names both {clash[0].name} and {family.name}")
                    if family not in found:
                        found.append(family)
        # Names as prose writes them, longest first, for finding families in descriptions.
        self._phrases = sorted(
            ((a, f) for f in families for a in {*f.aliases, f.name} if "_" not in a and len(a) > 2),
            key=lambda pair: -len(pair[0]),
        )

    def resolve(self, name: str, vendor_tokens: Collection[str] = ()) -> Family | None:
        """The family a product or platform name designates ("Cisco IOS XE Software", "junos"),
        among the vendor's families when the vendor is known."""
        for key in alias_keys(name, vendor_tokens or tuple(self.by_vendor)):
            found = self.by_alias.get(key, [])
            if vendor_tokens:
                found = [f for f in found if f.vendor in vendor_tokens]
            if len(found) == 1:
                return found[0]
        return None

    def mentioned_in(self, text: str) -> list[Family]:
        """The families a description names with their vendor ("a vulnerability in Cisco IOS XE
        Software ..."): the longest name wins, so IOS XE is not also IOS."""
        lowered = text.lower()
        found: list[Family] = []
        for alias, family in self._phrases:
            if family.vendor not in lowered:
                continue
            pattern = re.compile(r"(?<![\w-])" + re.escape(alias) + r"(?![\w-])", re.IGNORECASE)
            if pattern.search(text):
                text = pattern.sub(" ", text)
                found.append(family)
        return list(dict.fromkeys(found))

    def is_environment(self, platform: str) -> bool:
        return platform.strip().lower() in self.environments

    def family_of(
        self,
        vendor_tokens: Collection[str],
        model: str | None,
        part_number: str | None,
        version: str | None,
        platform: str | None,
    ) -> AssetFamily:
        """Which family an asset runs: the inventory's platform column, else its model, else a
        version format only one family of its vendor uses."""
        if platform:
            family = self.resolve(platform, vendor_tokens) or self.resolve(platform)
            if family is not None:
                return AssetFamily(family, f"the inventory's platform {platform!r}")
            return AssetFamily(
                None, f"the inventory's platform {platform!r} is not an OS family netvet knows"
            )
        own = [f for token in vendor_tokens for f in self.by_vendor.get(token, ())]
        if not own:
            return AssetFamily(None, "no OS family of this vendor")
        by_model: list[tuple[Family, str]] = []
        for name in (model, part_number):
            if name:
                bare = without_vendor(name, vendor_tokens)
                by_model.extend((f, f"model {name!r} runs {f.name}") for f in own if f.runs_on(bare))
        candidates = list(dict.fromkeys(by_model))
        if len(candidates) > 1 and version:
            candidates = _narrow_by_version(candidates, version)
        if len(candidates) == 1:
            return AssetFamily(*candidates[0])
        if len(candidates) > 1:
            names = " or ".join(f.name for f, _ in candidates)
            return AssetFamily(None, f"model {model!r} may run {names}; set the platform column")
        if version:
            recognised = [
                (f, f"version {version!r} has the {f.name} format")
                for f in own
                if f.recognised_by_version is not None and f.recognised_by_version.fullmatch(version.strip())
            ]
            recognised = _narrow_by_version(recognised, version)
            if len(recognised) == 1:
                return AssetFamily(*recognised[0])
        return AssetFamily(None, "neither the model nor the version shows an OS family")


def _narrow_by_version(candidates: list[tuple[Family, str]], version: str) -> list[tuple[Family, str]]:
    """Keep the families a version can belong to: its suffix (-EVO) decides between siblings, then
    which grammars read it."""
    marked = [c for c in candidates if c[0].marks(version)]
    if marked:
        candidates = marked
    else:
        unmarked = [c for c in candidates if not c[0].versions.suffix]
        candidates = unmarked or candidates
    readable = [c for c in candidates if c[0].reads(version)]
    return readable or candidates


def without_vendor(name: str, vendor_tokens: Collection[str]) -> str:
    text = name.strip()
    lowered = text.lower()
    for token in vendor_tokens:
        if lowered.startswith(token) and len(text) > len(token) and not text[len(token)].isalnum():
            return text[len(token) :].lstrip(" -_")
    return text


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise DataFileError(FAMILIES_FILE, f"not a valid regular expression: {exc}", key=where) from exc


def families_from_mapping(data: Mapping[str, Any]) -> FamilyTable:
    """Build the table from the YAML's content (already validated against its schema)."""
    families = []
    for key, spec in data["families"].items():
        versions = spec["versions"]
        grammars = []
        for n, g in enumerate(versions["grammars"]):
            where = f"families.{key}.versions.grammars[{n}]"
            pattern = _compile(g["pattern"], f"{where}.pattern")
            named = set(pattern.groupindex)
            for group in (
                *g["order"],
                *g.get("partition", ()),
                *versions.get("train", ()),
                *versions.get("line", ()),
            ):
                if group not in named:
                    raise DataFileError(FAMILIES_FILE, f"group {group!r} is not in the pattern", key=where)
            grammars.append(Grammar(pattern, tuple(g.get("partition", ())), tuple(g["order"])))
        recognised = spec.get("recognised_by_version")
        families.append(
            Family(
                key=key,
                name=spec["name"],
                vendor=spec["vendor"],
                aliases=tuple(spec["aliases"]),
                models=tuple(
                    _compile(p, f"families.{key}.models[{i}]") for i, p in enumerate(spec.get("models", ()))
                ),
                versions=VersionGrammar(
                    grammars=tuple(grammars),
                    ranks={
                        g: {str(v).lower(): r for v, r in rs.items()}
                        for g, rs in versions.get("ranks", {}).items()
                    },
                    train=tuple(versions.get("train", ())),
                    line=tuple(versions.get("line", ())),
                    suffix=spec.get("suffix"),
                ),
                recognised_by_version=_compile(recognised, f"families.{key}.recognised_by_version")
                if recognised
                else None,
            )
        )
    try:
        return FamilyTable(families, data.get("environments", ()))
    except ValueError as exc:
        raise DataFileError(FAMILIES_FILE, str(exc), key="families") from exc


@cache
def default_families() -> FamilyTable:
    return families_from_mapping(load_yaml_file(FAMILIES_FILE, "advisories/os_families.schema.json"))
