"""Data that ships with netvet (rule packs, lists, role table, cost catalogue) and its loader.

Every file here is validated against a JSON Schema in `schemas/` when loaded; an error names the
file, the line and the key at fault.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import yaml

from netvet.model.countries import CountryTable
from netvet.model.roles import RoleTable

if TYPE_CHECKING:
    from netvet.planning.catalogue import CostCatalogue

DATA_DIR = Path(str(resources.files("netvet") / "data"))
SCHEMA_DIR = DATA_DIR / "schemas"


class DataFileError(ValueError):
    """A data file that cannot be used, with where it went wrong."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, key: str = "") -> None:
        self.path = str(path)
        self.line = line
        self.key = key
        self.message = message
        where = self.path + (f", line {line}" if line else "") + (f", key {key}" if key else "")
        super().__init__(f"{where}: {message}")


@cache
def load_schema(name: str) -> dict[str, Any]:
    with (SCHEMA_DIR / name).open(encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


def _line_of(root: yaml.Node | None, path: Sequence[str | int]) -> int | None:
    """1-based line of the YAML node at `path`, or of the deepest ancestor that exists."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if getattr(k, "value", None) == step), None)
            if found is None:
                break
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _key_path(path: Sequence[str | int]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))


def _bad_timestamp(node: yaml.Node | None, path: tuple[str | int, ...] = ()) -> tuple[int | None, str]:
    """Where the first scalar that YAML reads as a date but cannot build as one stands."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
        try:
            yaml.SafeLoader(node.value).construct_yaml_timestamp(node)
        except ValueError:
            return node.start_mark.line + 1, _key_path(path)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            found = _bad_timestamp(value, (*path, key_node.value))
            if found[0] is not None:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found = _bad_timestamp(item, (*path, index))
            if found[0] is not None:
                return found
    return None, ""


def parse_yaml_text(text: str, source: Path | str, schema_name: str) -> Any:
    """Parse YAML text and validate it against a shipped schema, naming file, line and key on error."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise DataFileError(source, f"not valid YAML: {exc.problem}", line=line) from exc
    except ValueError as exc:
        # The text composed (syntax is fine) but PyYAML raises a bare ValueError when it builds an
        # impossible date such as 2020-13-01; find the node to name its line and key.
        line, key = _bad_timestamp(yaml.compose(text, Loader=yaml.SafeLoader))
        raise DataFileError(source, f"not a valid date: {exc}", line=line, key=key) from exc
    validator = jsonschema.Draft202012Validator(load_schema(schema_name))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        first = errors[0]
        path = list(first.absolute_path)
        raise DataFileError(source, first.message, line=_line_of(root, path), key=_key_path(path))
    return data


def load_yaml_file(path: Path | str, schema_name: str) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"cannot be read: {exc}") from exc
    return parse_yaml_text(text, path, schema_name)


@cache
def country_table() -> CountryTable:
    """ISO 3166-1 alpha-2 codes and the names written for them."""
    return CountryTable.from_mapping(load_yaml_file(DATA_DIR / "countries.yaml", "countries.schema.json"))


@cache
def role_table() -> RoleTable:
    """The shipped role-to-domain table."""
    return RoleTable.from_mapping(load_yaml_file(DATA_DIR / "roles.yaml", "roles.schema.json"))


def cost_catalogue(path: Path | str | None = None) -> CostCatalogue:
    """The shipped cost catalogue, or the user's in the same schema. Raises DataFileError."""
    # Imported here: the planning package brings numpy and the optimiser, which a data file's reader
    # (and `netvet screen-name`) must not pay for at start-up.
    from netvet.planning.catalogue import CatalogueError, CostCatalogue

    source = Path(path or DATA_DIR / "costs.yaml")
    try:
        return CostCatalogue.from_mapping(load_yaml_file(source, "costs.schema.json"))
    except CatalogueError as exc:
        raise DataFileError(source, str(exc), key=exc.key) from exc
