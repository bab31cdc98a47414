"""The user documentation (docs/*.md) served by the dashboard at /help, so that its messages link to
pages a user can open rather than to files of the repository."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from netvet.web.auth import Web
from netvet.web.rendering import render

router = APIRouter(include_in_schema=False)
# Where the pages come from: NETVET_DOCS_DIR, else the docs folder of the checkout netvet runs from.
SOURCE_DOCS = Path(__file__).resolve().parents[3] / "docs"
_PAGE = re.compile(r"^[a-z0-9-]+$")
_NOT_WORD = re.compile(r"[^\w\- ]")
# What the dashboard's messages link to, by topic.
INVENTORY_FORMAT = "/help/inventory-format"
ROLE_TABLE = "/help/inventory-format#domains-from-roles"
COLUMN_MAPPINGS = "/help/inventory-format#column-mappings"


def docs_dir() -> Path:
    return Path(os.environ.get("NETVET_DOCS_DIR") or SOURCE_DOCS)


def anchor(text: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return _NOT_WORD.sub("", text.strip().lower()).replace(" ", "-")


def _link_target(href: str) -> str | None:
    """A link between doc pages becomes a dashboard link; one into the repository is not followed."""
    if href.startswith(("http://", "https://", "mailto:", "#")):
        return href
    page, _, fragment = href.partition("#")
    if page.endswith(".md") and "/" not in page:
        return f"/help/{page[:-3]}" + (f"#{fragment}" if fragment else "")
    return None


@cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table")

    def headings_and_links(state: object) -> None:
        tokens: list[Token] = state.tokens  # type: ignore[attr-defined]
        for index, token in enumerate(tokens):
            if token.type == "heading_open":
                token.attrSet("id", anchor(tokens[index + 1].content))
            for child in token.children or []:
                if child.type == "link_open":
                    target = _link_target(str(child.attrGet("href") or ""))
                    if target is None:
                        child.attrs.pop("href", None)
                    else:
                        child.attrSet("href", target)

    md.core.ruler.push("netvet_help", headings_and_links)
    return md


def pages() -> list[tuple[str, str]]:
    """(page, title) of every doc page there is."""
    found = []
    for path in sorted(docs_dir().glob("*.md")):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        found.append((path.stem, first.lstrip("# ").strip() or path.stem))
    return found


@router.get("/help", response_class=HTMLResponse)
def help_index(request: Request, who: Web) -> HTMLResponse:
    return render(request, "help.html", who, title="Help", body=None, pages=pages())


@router.get("/help/{page}", response_class=HTMLResponse)
def help_page(page: str, request: Request, who: Web) -> HTMLResponse:
    path = docs_dir() / f"{page}.md"
    if not _PAGE.match(page) or not path.is_file():
        return render(request, "help.html", who, 404, title="No such page", body=None, pages=pages())
    text = path.read_text(encoding="utf-8")
    title = text.split("\n", 1)[0].lstrip("# ").strip()
    return render(
        request, "help.html", who, title=title, body=Markup(_markdown().render(text)), pages=pages()
    )
