"""Response and request bodies shared by the routers (the OpenAPI document is generated from them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, Field, field_validator

from netvet.model.inventory import Asset, Component, OrganizationKind
from netvet.storage.access import JobStatus, Role, password_problem

T = TypeVar("T")


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; netvet stores UTC, and RFC 3339 wants the offset shown."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


UtcDateTime = Annotated[datetime, AfterValidator(_utc)]
MAX_PAGE_SIZE = 1000


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


class OrganizationOut(BaseModel):
    id: str
    name: str
    kind: OrganizationKind
    country: str | None = None


class MeOut(BaseModel):
    username: str
    display_name: str | None
    role: Role
    organization: OrganizationOut
    via: str


class SiteOut(BaseModel):
    id: str
    name: str | None = None
    region: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    kind: str | None = None
    assets: int | None = None
    status: str | None = None


class AssetOut(Asset):
    """An asset as the inventory describes it (netvet.model.Asset), with where it stands and its status."""

    import_id: int | None = None
    region: str | None = None
    country: str | None = None
    status: str | None = None
    # None where a listing does not load components; the asset itself lists them.
    components: tuple[Component, ...] | None = None  # type: ignore[assignment]


class ImportOut(BaseModel):
    id: int
    file_name: str
    sha256: str
    format: str
    started_at: UtcDateTime
    finished_at: UtcDateTime
    rows_added: int
    rows_updated: int
    rows_unchanged: int
    rows_rejected: int
    imported_by: str | None = None


class ImportResult(BaseModel):
    import_id: int | None
    file_name: str
    sha256: str
    format: str
    rows_added: int
    rows_updated: int
    rows_unchanged: int
    rows_removed: int
    rows_rejected: int = 0
    rejects: str | None = Field(
        default=None, description="With skip_invalid: where to download the rejected rows and their reasons."
    )


class JobOut(BaseModel):
    id: str
    kind: str
    status: JobStatus
    created_by: str
    created_at: UtcDateTime
    started_at: UtcDateTime | None = None
    finished_at: UtcDateTime | None = None
    progress: float | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class JobAccepted(BaseModel):
    job: JobOut
    status_url: str


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str | None = None
    role: Role
    disabled: bool
    has_password: bool


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    role: Role = Role.VIEWER
    display_name: str | None = Field(default=None, max_length=200)
    password: str | None = Field(
        default=None,
        min_length=12,
        max_length=200,
        description="At least 12 characters; not blank, not one character repeated.",
    )

    @field_validator("password")
    @classmethod
    def strong_enough(cls, password: str | None) -> str | None:
        problem = password_problem(password) if password is not None else None
        if problem is not None:
            raise ValueError(problem)
        return password


class UserUpdate(BaseModel):
    role: Role | None = None
    disabled: bool | None = None


class TokenOut(BaseModel):
    id: int
    user_id: int
    username: str
    name: str
    prefix: str
    created_at: UtcDateTime
    last_used_at: UtcDateTime | None = None
    revoked_at: UtcDateTime | None = None


class TokenCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)


class TokenCreated(BaseModel):
    token: TokenOut
    secret: str = Field(description="Shown this once; only its hash is stored.")


class AuditEntry(BaseModel):
    id: int
    at: UtcDateTime
    actor: str
    via: str
    action: str
    target: str | None = None
    detail: dict[str, Any] | None = None


class SubmissionOut(BaseModel):
    id: int
    organization_id: str
    regulator_id: str
    title: str
    file_name: str
    media_type: str
    sha256: str
    size: int
    submitted_by: str
    submitted_at: UtcDateTime
