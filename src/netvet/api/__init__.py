"""The REST API (FastAPI): thin routers over storage and the core, one per area."""

from netvet.api.app import API_PREFIX, AppConfig, create_app

__all__ = ["API_PREFIX", "AppConfig", "create_app"]
