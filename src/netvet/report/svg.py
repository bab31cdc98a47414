"""Small helpers for writing SVG by hand: escaped text, numbers, colours. No chart library, no script."""

from __future__ import annotations

from markupsafe import Markup, escape

STATUS_COLOURS: dict[str, str] = {
    "violation": "#c0392b",
    "due": "#e67e22",
    "unknown": "#5d6d7e",  # dark grey: the rule could not be decided, not "clear"
    "licence_required": "#b7950b",
    "report": "#2e86c1",
    "licensed": "#8e44ad",
    "advisory": "#48c9b0",  # teal: guidance, never a legal colour
    "clear": "#27ae60",
}
# Colour-blind-safe qualitative palette (Okabe-Ito), then a grey for "other".
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
OTHER_COLOUR = "#9e9e9e"
# A presentation attribute, not a style attribute: the dashboard's Content-Security-Policy allows no
# inline style.
FONT_FAMILY = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"


def num(value: float) -> str:
    """A coordinate with at most one decimal, without a trailing .0 (keeps the file small)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text(
    x: float, y: float, content: object, *, size: int = 12, anchor: str = "start", extra: str = ""
) -> str:
    return (
        f'<text x="{num(x)}" y="{num(y)}" font-size="{size}" text-anchor="{anchor}"{extra}>'
        f"{escape(str(content))}</text>"
    )


def title(content: object) -> str:
    """A tooltip for the enclosing element."""
    return f"<title>{escape(str(content))}</title>"


def svg(width: float, height: float, body: str, *, label: str, css_class: str = "chart") -> Markup:
    return Markup(
        f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(width)} {num(height)}" '
        f'width="{num(width)}" height="{num(height)}" role="img" aria-label="{escape(label)}" font-family="{FONT_FAMILY}">'
        f"{body}</svg>"
    )


def percent(share: float) -> str:
    return f"{share * 100:.1f}%"
