"""One entry point for every input file: size limit, JSON, format detection, validation, parsing.

Pure: it takes the bytes of a document and returns a ParsedDocument or raises DocumentRejected.
"""

from __future__ import annotations

import json
from itertools import islice
from typing import Any

from netvet.advisories.csaf import read_csaf, validate_csaf
from netvet.advisories.csaf_paths import full_product_names
from netvet.advisories.cve5 import is_cve5, read_cve5, validate_cve5
from netvet.advisories.kev import is_kev, is_kev_csv, read_kev, validate_kev, validate_kev_csv
from netvet.advisories.model import (
    READER_VERSION,
    Advisory,
    DocumentRejected,
    ParsedDocument,
    SourceFormat,
    ValidationIssue,
)
from netvet.advisories.nvd import is_nvd, read_nvd, validate_nvd
from netvet.model.text import json_unstorable_text_at

# An NVD API page of 2,000 CVEs is about 30 MB; anything far beyond is not an advisory feed.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
# The largest real CSAF documents (a vendor's whole product line, Red Hat's VEX files) name some tens of
# thousands of products; every stored advisory is read back whole when it is matched, so one document
# of a million products would slow every later request that reads it.
MAX_CSAF_PRODUCTS = 100_000


def _reject(source: str, test: str, message: str, path: str = "/") -> DocumentRejected:
    return DocumentRejected(source, [ValidationIssue(test=test, path=path, message=message)])


def check_size(source: str, size: int, limit: int = MAX_DOCUMENT_BYTES) -> None:
    if size > limit:
        raise _reject(
            source,
            "size",
            f"{size:,} bytes is over the {limit:,}-byte limit for one document; split the feed or raise --max-size",
        )


def detect_format(doc: Any) -> SourceFormat | None:
    if isinstance(doc, dict) and isinstance(doc.get("document"), dict) and "csaf_version" in doc["document"]:
        return SourceFormat.CSAF
    if is_cve5(doc):
        return SourceFormat.CVE5
    if is_kev(doc):
        return SourceFormat.KEV
    if is_nvd(doc):
        return SourceFormat.NVD
    return None


def _parsed(source: str, kind: SourceFormat, advisories: list[Advisory]) -> ParsedDocument:
    stamped = tuple(a.model_copy(update={"reader": READER_VERSION}) for a in advisories)
    return ParsedDocument(source=source, source_format=kind, advisories=stamped)


def _kev_csv(text: str, source: str) -> ParsedDocument:
    doc, issues = validate_kev_csv(text)
    if issues:
        raise DocumentRejected(source, issues)
    return ParsedDocument(source=source, source_format=SourceFormat.KEV, kev=tuple(read_kev(doc)))


def parse_document(raw: bytes, source: str, limit: int = MAX_DOCUMENT_BYTES) -> ParsedDocument:
    check_size(source, len(raw), limit)
    # Files saved by some Windows tools start with a UTF-8 byte order mark, which JSON forbids.
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")  # strictly: json.loads would let encoded surrogates through
    except UnicodeDecodeError as exc:
        raise _reject(source, "json", f"not UTF-8 text: {exc}") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        if is_kev_csv(text):
            return _kev_csv(text, source)
        raise _reject(
            source, "json", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise _reject(source, "json", "JSON nested too deeply to be an advisory") from exc
    except ValueError as exc:  # a number of more than 4,300 digits
        raise _reject(source, "json", f"not valid JSON: {exc}") from exc
    if (unstorable := json_unstorable_text_at(raw, doc)) is not None:
        message = "holds text no database stores (a NUL, or a lone surrogate escape such as \\ud800)"
        raise _reject(source, "json", message, unstorable)
    try:
        return _parse_json_document(doc, source)
    except RecursionError as exc:
        raise _reject(source, "json", "JSON nested too deeply to be an advisory") from exc


def _check_products(doc: dict[str, Any], source: str) -> None:
    """Refuse a product tree past MAX_CSAF_PRODUCTS before the schema check walks it."""
    counted = sum(1 for _ in islice(full_product_names(doc), MAX_CSAF_PRODUCTS + 1))
    if counted > MAX_CSAF_PRODUCTS:
        raise _reject(
            source,
            "size",
            f"the product tree names more than {MAX_CSAF_PRODUCTS:,} products; split the document",
            "/product_tree",
        )


def _parse_json_document(doc: Any, source: str) -> ParsedDocument:
    kind = detect_format(doc)
    if kind is None:
        raise _reject(
            source,
            "format",
            "not a CSAF 2.0 document, CVE JSON 5 record, NVD CVE record (API 2.0, feed 1.1 or one "
            "`cve` object) or CISA KEV catalogue (JSON or CSV)",
        )
    if kind is SourceFormat.CSAF:
        if doc["document"].get("csaf_version") != "2.0":
            raise _reject(
                source,
                "format",
                f"CSAF version {doc['document'].get('csaf_version')!r} is not supported (only 2.0)",
                "/document/csaf_version",
            )
        _check_products(doc, source)
        issues = validate_csaf(doc)
        if issues:
            raise DocumentRejected(source, issues)
        return _parsed(source, kind, [read_csaf(doc)])
    if kind is SourceFormat.CVE5:
        issues = validate_cve5(doc)
        if issues:
            raise DocumentRejected(source, issues)
        return _parsed(source, kind, [read_cve5(doc)])
    if kind is SourceFormat.NVD:
        issues = validate_nvd(doc)
        if issues:
            raise DocumentRejected(source, issues)
        return _parsed(source, kind, read_nvd(doc))
    issues = validate_kev(doc)
    if issues:
        raise DocumentRejected(source, issues)
    return ParsedDocument(source=source, source_format=kind, kev=tuple(read_kev(doc)))
