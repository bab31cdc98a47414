"""The REST API (FastAPI): thin routers over storage and the core, one per area."""

from netvet.api.app import API_PREFIX, create_app
from netvet.api.config import AppConfig

__all__ = ["API_PREFIX", "AppConfig", "create_app"]
