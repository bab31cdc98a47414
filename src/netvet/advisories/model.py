"""What the readers make of CSAF, CVE JSON 5 and NVD documents: one shape the matcher works on."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from netvet.advisories.ranges import VersionRange

# What the readers take from a document grows: an advisory stored by an older reader lacks it (2: OS
# families, CVE JSON 5 platforms and ADP flags, defaultStatus left absent) and should be loaded again.
READER_VERSION = 2


class SourceFormat(StrEnum):
    CSAF = "csaf"
    CVE5 = "cve5"
    NVD = "nvd"
    KEV = "kev"
    STIX = "stix"  # a vulnerability received from another organisation (netvet.sharing)


class ProductStatus(StrEnum):
    """What the advisory says about a product (CSAF product status groups, CVE `status`)."""

    AFFECTED = "affected"
    NOT_AFFECTED = "not_affected"
    FIXED = "fixed"
    UNDER_INVESTIGATION = "under_investigation"
    UNKNOWN = "unknown"


class Criterion(BaseModel):
    """One product line of an advisory: who makes it, what it is, which versions, and its status.

    `platforms` are the hardware the software must run on (NVD's OS CPE AND hardware CPE, CSAF's
    `installed_on` relationships): when present, an asset matches only if it is one of them.
    `exhaustive` says that versions outside `versions` are not affected (NVD, vendor ranges);
    for lists of single versions an unlisted version stays unknown. `default_status` is the CVE
    JSON 5 `defaultStatus` for versions the record does not list; when the record gives none, only
    the versions it lists are decided. `hardware` are the models the record limits the product to
    (CVE JSON 5 `platforms`, "Junos OS" on "SRX Series").
    """

    model_config = ConfigDict(frozen=True)

    ref: str
    status: ProductStatus
    vendor: str | None = None
    product: str | None = None
    versions: VersionRange | None = None
    cpe: str | None = None
    purl: str | None = None
    platforms: tuple[Criterion, ...] = ()
    exhaustive: bool = False
    default_status: ProductStatus | None = None
    changes: tuple[tuple[str, ProductStatus], ...] = ()
    hardware: tuple[str, ...] = ()
    # CPE names of hardware a configuration excludes (an NVD node with `negate: true`).
    excluded_hardware: tuple[str, ...] = ()


class Vulnerability(BaseModel):
    model_config = ConfigDict(frozen=True)

    cve: str | None
    ids: tuple[str, ...] = ()
    title: str | None = None
    cvss_v3_vector: str | None = None
    cvss_v4_vector: str | None = None
    criteria: tuple[Criterion, ...] = ()
    # CISA's ADP container (vulnrichment): the day CISA added it to KEV, and its SSVC decision points
    # (Exploitation, Automatable, Technical Impact).
    kev_date_added: str | None = None
    ssvc: dict[str, str] = {}
    # NVD's vulnStatus ("Analyzed", "Awaiting Analysis"): a record awaiting analysis has no
    # configurations yet, so the CVE record's own data decides.
    nvd_status: str | None = None

    @property
    def label(self) -> str:
        return self.cve or (self.ids[0] if self.ids else "(no id)")


class Advisory(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    source_format: SourceFormat
    title: str
    publisher: str | None = None
    published: str | None = None
    category: str | None = None
    vulnerabilities: tuple[Vulnerability, ...] = ()
    reader: int = 0  # the READER_VERSION that parsed it; 0 for advisories stored before versions


class KevEntry(BaseModel):
    """One CISA Known Exploited Vulnerabilities entry."""

    model_config = ConfigDict(frozen=True)

    cve: str
    vendor_project: str
    product: str
    name: str
    date_added: date
    due_date: date | None = None
    known_ransomware: bool = False


class ValidationIssue(BaseModel):
    """One reason a document is rejected: the CSAF test number (or "schema"/"format") and JSON path."""

    model_config = ConfigDict(frozen=True)

    test: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"[{self.test}] {self.path}: {self.message}"


class DocumentRejected(ValueError):
    def __init__(self, source: str, issues: list[ValidationIssue]) -> None:
        self.source = source
        self.issues = issues
        shown = "; ".join(str(i) for i in issues[:5])
        more = f" (and {len(issues) - 5} more)" if len(issues) > 5 else ""
        super().__init__(f"{source}: rejected: {shown}{more}")


class ParsedDocument(BaseModel):
    """A validated input file: advisories, or KEV entries for the catalogue."""

    model_config = ConfigDict(frozen=True)

    source: str
    source_format: SourceFormat
    advisories: tuple[Advisory, ...] = ()
    kev: tuple[KevEntry, ...] = ()
