"""Configuration from the environment and defaults, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _home() -> Path:
    explicit = os.environ.get("NETVET_HOME")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "netvet"


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    output_dir: Path

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file behind the database URL, when it is one."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url[len(prefix) :])
        return None


def get_settings() -> Settings:
    """Read the settings now (not at import), so tests and the CLI can change the environment."""
    home = _home()
    url = os.environ.get("NETVET_DATABASE_URL") or f"sqlite:///{home / 'netvet.sqlite'}"
    output_dir = Path(os.environ.get("NETVET_OUTPUT_DIR") or home / "output").expanduser()
    return Settings(home=home, database_url=url, output_dir=output_dir)
