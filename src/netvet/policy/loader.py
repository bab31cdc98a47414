"""Read rule packs and licence files: schema first, then the checks a schema cannot make.

Loading is all-or-nothing: the first problem raises `DataFileError` naming the file, line and key, and
nothing is evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from netvet.data import DATA_DIR, DataFileError, _line_of, load_yaml_file
from netvet.policy.licences import Extension, Licence
from netvet.policy.rules import DateRead, EffectType, Rule, RulePack

RULES_DIR = DATA_DIR / "rules"
LICENCES_DIR = DATA_DIR / "licences"
RULES_SCHEMA = "rules.schema.json"
LICENCES_SCHEMA = "licences.schema.json"


def _error_at(path: Path, path_in_file: Sequence[str | int], message: str) -> DataFileError:
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        root = None
    key = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path_in_file).replace(".[", "[")
    return DataFileError(path, message, line=_line_of(root, list(path_in_file)), key=key)


def _from_validation(path: Path, prefix: Sequence[str | int], exc: ValidationError) -> DataFileError:
    first = exc.errors()[0]
    location = [*prefix, *(p for p in first["loc"] if isinstance(p, str | int))]
    return _error_at(path, location, first["msg"])


def _impossible_date(node: yaml.Node | None, where: list[str | int]) -> tuple[list[str | int], str] | None:
    """Find a scalar YAML reads as a date that does not exist (2020-13-01), with its key path."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found = _impossible_date(value, [*where, str(key.value)])
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found = _impossible_date(item, [*where, index])
            if found:
                return found
    elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
        try:
            yaml.safe_load(node.value)
        except ValueError as exc:
            return where, f"{node.value!r} is not a real date ({exc})"
    return None


def _load(path: Path, schema: str) -> dict[str, Any]:
    """Schema-validated YAML; a date that does not exist is reported with its line and key too."""
    try:
        data: dict[str, Any] = load_yaml_file(path, schema)
    except DataFileError:
        raise
    except ValueError as exc:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        found = _impossible_date(root, [])
        if found is None:
            raise DataFileError(path, f"cannot be read: {exc}") from exc
        raise _error_at(path, found[0], found[1]) from exc
    return data


def load_pack(path: Path | str) -> RulePack:
    """One rule pack file, validated and checked."""
    path = Path(path)
    data = _load(path, RULES_SCHEMA)
    jurisdiction = data["jurisdiction"]
    rules: list[Rule] = []
    seen: set[str] = set()
    designation_ids = {d["id"] for d in data.get("designations", [])}
    for index, raw in enumerate(data["rules"]):
        where: list[str | int] = ["rules", index]
        try:
            rule = Rule.model_validate({**raw, "jurisdiction": jurisdiction})
        except ValidationError as exc:
            raise _from_validation(path, where, exc) from exc
        if rule.id in seen:
            raise _error_at(path, [*where, "id"], f"rule id {rule.id!r} is used twice in this pack")
        seen.add(rule.id)
        for name in rule.vendors.designations:
            if name not in designation_ids:
                raise _error_at(
                    path, [*where, "vendors", "designations"], f"designation {name!r} is not declared"
                )
        if rule.deadline and rule.effective and rule.deadline < rule.effective:
            raise _error_at(path, [*where, "deadline"], "deadline falls before the effective date")
        problem = _rule_problem(rule)
        if problem is not None:
            raise _error_at(path, [*where, problem[0]], problem[1])
        if rule.deadline_from_operator and rule.effect.type not in (EffectType.REMOVAL, EffectType.CAP):
            raise _error_at(
                path,
                [*where, "deadline_from_operator"],
                "only removal and cap rules take an operator deadline",
            )
        rules.append(rule)
    try:
        return RulePack.model_validate({**data, "rules": rules, "path": str(path)})
    except ValidationError as exc:
        raise _from_validation(path, [], exc) from exc


def _rule_problem(rule: Rule) -> tuple[str, str] | None:
    """(key, message) for a rule whose fields contradict each other, which a schema cannot see."""
    if rule.scope.purchased and rule.reads is not DateRead.PURCHASE:
        return "reads", "a rule scoped by purchase date must read the purchase date (reads: purchase)"
    if rule.scope.installed and rule.reads is not DateRead.INSTALLATION:
        return "reads", "a rule scoped by installation date must read it (reads: installation)"
    if rule.deadline_changes and rule.deadline is None:
        return "deadline_changes", "a deadline can only change when the rule has one"
    return None


def shipped_pack_paths() -> list[Path]:
    return sorted(RULES_DIR.glob("*.yaml"))


def load_packs(paths: Iterable[Path | str]) -> tuple[RulePack, ...]:
    """Several packs at once; rule ids must be unique across them and `supersedes` must name real rules."""
    packs = [load_pack(p) for p in paths]
    owner: dict[str, RulePack] = {}
    for pack in packs:
        for index, rule in enumerate(pack.rules):
            if rule.id in owner:
                raise _error_at(
                    Path(pack.path),
                    ["rules", index, "id"],
                    f"rule id {rule.id!r} is already defined in {owner[rule.id].path}",
                )
            owner[rule.id] = pack
    for pack in packs:
        for index, rule in enumerate(pack.rules):
            for key in ("supersedes", "prevails_over"):
                for old in getattr(rule, key):
                    if old not in owner:
                        raise _error_at(
                            Path(pack.path), ["rules", index, key], f"rule {old!r} named in {key} not found"
                        )
    return tuple(packs)


def shipped_packs() -> tuple[RulePack, ...]:
    return load_packs(shipped_pack_paths())


def load_licence_file(path: Path | str) -> tuple[list[Licence], list[Extension]]:
    path = Path(path)
    return parse_licence_document(_load(path, LICENCES_SCHEMA), path)


def parse_licence_document(data: dict[str, Any], path: Path | str) -> tuple[list[Licence], list[Extension]]:
    path = Path(path)
    licences: list[Licence] = []
    extensions: list[Extension] = []
    for index, raw in enumerate(data.get("licences", [])):
        try:
            licence = Licence.model_validate({**raw, "path": str(path)})
        except ValidationError as exc:
            raise _from_validation(path, ["licences", index], exc) from exc
        for number, window in enumerate(licence.windows):
            if window.valid_until < window.valid_from:
                raise _error_at(
                    path, ["licences", index, "windows", number, "valid_until"], "ends before it starts"
                )
        licences.append(licence)
    for index, raw in enumerate(data.get("extensions", [])):
        try:
            extensions.append(Extension.model_validate({**raw, "path": str(path)}))
        except ValidationError as exc:
            raise _from_validation(path, ["extensions", index], exc) from exc
    return licences, extensions


def shipped_licences() -> tuple[list[Licence], list[Extension]]:
    licences: list[Licence] = []
    extensions: list[Extension] = []
    for path in sorted(LICENCES_DIR.glob("*.yaml")):
        found, extended = load_licence_file(path)
        licences += found
        extensions += extended
    return licences, extensions


def check_licence_rules(
    licences: Sequence[Licence], extensions: Sequence[Extension], packs: Sequence[RulePack]
) -> None:
    """Every licence and extension must name rules that exist in the loaded packs."""
    known = {rule.id for pack in packs for rule in pack.rules}
    for licence in licences:
        for rule_id in licence.rules:
            if rule_id not in known:
                raise DataFileError(
                    licence.path, f"licence {licence.id!r} names unknown rule {rule_id!r}", key="rules"
                )
    for extension in extensions:
        if extension.rule not in known:
            raise DataFileError(
                extension.path,
                f"extension {extension.id!r} names unknown rule {extension.rule!r}",
                key="rule",
            )


def load_licence_data(path: Path | str) -> dict[str, Any]:
    """A licence file's validated content, for storing as given."""
    return _load(Path(path), LICENCES_SCHEMA)
