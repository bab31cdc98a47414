"""The map of sites coloured by status: SVG panels, one per country, over outlines shipped with netvet.

No tiles can be fetched, so the outlines are Natural Earth 1:110m country polygons (public domain),
converted by `netvet.report.make_outlines` into `assets/outlines.json`. Each panel uses an
equirectangular projection scaled by the cosine of its middle latitude: true enough at country scale.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markupsafe import Markup

from netvet.report.context import SITE_STATUSES, STATUS_RANK, SitePoint
from netvet.report.svg import STATUS_COLOURS, num, svg, text, title

OUTLINES_FILE = Path(__file__).parent / "assets" / "outlines.json"
PANEL_WIDTH = 370.0
MAX_PANEL_HEIGHT = 420.0
MIN_SPAN_DEGREES = 2.0
MAX_VIEW_WIDTH_DEGREES = 90.0
MARKER_RADIUS = 3
MAX_MARKERS_PER_PANEL = 15_000

Ring = tuple[tuple[float, float], ...]  # (longitude, latitude) points


@dataclass(frozen=True)
class CountryOutline:
    iso: str | None
    name: str
    rings: tuple[Ring, ...]


@dataclass(frozen=True)
class Box:
    west: float
    south: float
    east: float
    north: float

    def union(self, other: Box) -> Box:
        return Box(
            min(self.west, other.west),
            min(self.south, other.south),
            max(self.east, other.east),
            max(self.north, other.north),
        )

    def intersects(self, other: Box) -> bool:
        return not (
            other.west > self.east
            or other.east < self.west
            or other.south > self.north
            or other.north < self.south
        )

    def padded(self, fraction: float) -> Box:
        dx = max(self.east - self.west, MIN_SPAN_DEGREES) * fraction
        dy = max(self.north - self.south, MIN_SPAN_DEGREES) * fraction
        cx, cy = (self.west + self.east) / 2, (self.south + self.north) / 2
        half_w = max(self.east - self.west, MIN_SPAN_DEGREES) / 2 + dx
        half_h = max(self.north - self.south, MIN_SPAN_DEGREES) / 2 + dy
        return Box(cx - half_w, max(cy - half_h, -89.0), cx + half_w, min(cy + half_h, 89.0))


def ring_box(ring: Ring) -> Box:
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return Box(min(lons), min(lats), max(lons), max(lats))


@cache
def load_outlines(path: Path = OUTLINES_FILE) -> tuple[CountryOutline, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    scale = float(data["precision"])
    outlines = []
    for country in data["countries"]:
        rings = tuple(
            tuple((flat[i] / scale, flat[i + 1] / scale) for i in range(0, len(flat), 2))
            for flat in country["rings"]
        )
        outlines.append(CountryOutline(country["iso"], country["name"], rings))
    return tuple(outlines)


@dataclass(frozen=True)
class Projection:
    box: Box
    width: float
    height: float

    @classmethod
    def fit(cls, box: Box) -> Projection:
        scale_x = math.cos(math.radians((box.south + box.north) / 2))
        aspect = (box.east - box.west) * scale_x / (box.north - box.south)
        height = PANEL_WIDTH / aspect
        if height > MAX_PANEL_HEIGHT:
            return cls(box, MAX_PANEL_HEIGHT * aspect, MAX_PANEL_HEIGHT)
        return cls(box, PANEL_WIDTH, height)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.box.west) / (self.box.east - self.box.west) * self.width
        y = (self.box.north - lat) / (self.box.north - self.box.south) * self.height
        return x, y


def view_box(sites: Sequence[SitePoint], home: CountryOutline | None) -> Box:
    """The sites' extent, widened to the home country's land masses that hold them."""
    located = [(s.longitude, s.latitude) for s in sites if s.longitude is not None and s.latitude is not None]
    box = ring_box(tuple((float(x), float(y)) for x, y in located))
    if home is not None:
        near = box.padded(0.5)
        widened = box
        for ring in home.rings:
            candidate = ring_box(ring)
            if candidate.intersects(near):
                widened = widened.union(candidate)
        if widened.east - widened.west <= MAX_VIEW_WIDTH_DEGREES:
            box = widened
    return box.padded(0.06)


def _path(ring: Ring, projection: Projection) -> str:
    points: list[str] = []
    last = ""
    for lon, lat in ring:
        x, y = projection.point(lon, lat)
        point = f"{num(x)},{num(y)}"
        if point != last:
            points.append(point)
            last = point
    return "M" + "L".join(points) + "Z" if len(points) > 2 else ""


def _markers(
    points: Sequence[tuple[tuple[float, float], SitePoint]], grid: int
) -> dict[tuple[int, int], tuple[int, int, str]]:
    """Sites per cell of `grid` pixels: cell -> (worst status rank, sites, the worst site's id)."""
    rank_of = {status: STATUS_RANK.get(status, len(STATUS_RANK)) for status in SITE_STATUSES}
    markers: dict[tuple[int, int], tuple[int, int, str]] = {}
    for (x, y), site in points:
        key = (round(x / grid), round(y / grid))
        rank = rank_of[site.status]
        previous = markers.get(key)
        if previous is None:
            markers[key] = (rank, 1, site.id)
        else:
            worse = rank < previous[0]
            markers[key] = (min(previous[0], rank), previous[1] + 1, site.id if worse else previous[2])
    return markers


def map_panel(country: str | None, sites: Sequence[SitePoint], panel_id: str) -> Markup:
    """One country's sites over its outline and its neighbours', one marker per pixel and status."""
    outlines = load_outlines()
    home = next((o for o in outlines if country and o.iso == country), None)
    projection = Projection.fit(view_box(sites, home))
    clip = f"clip-{panel_id}"
    parts = [
        f'<defs><clipPath id="{clip}"><rect width="{num(projection.width)}" height="{num(projection.height)}"/></clipPath></defs>',
        f'<rect width="{num(projection.width)}" height="{num(projection.height)}" fill="#dbe9f4"/>',
        f'<g clip-path="url(#{clip})" stroke="#78909c" stroke-width="0.6" stroke-linejoin="round">',
    ]
    for outline in outlines:
        rings = [ring for ring in outline.rings if ring_box(ring).intersects(projection.box)]
        if not rings:
            continue
        path = "".join(_path(ring, projection) for ring in rings)
        fill = "#fdfdfb" if outline is home else "#eef1ec"
        parts.append(f'<path class="outline" d="{path}" fill="{fill}">{title(outline.name)}</path>')
    parts.append("</g>")
    points = [
        (projection.point(site.longitude, site.latitude), site)
        for site in sites
        if site.longitude is not None and site.latitude is not None
    ]
    markers = _markers(points, 1)
    grid = 1
    # A dense network on a small panel: coarser cells keep the file bounded (each marker ~120 bytes).
    while len(markers) > MAX_MARKERS_PER_PANEL:
        grid *= 2
        markers = _markers(points, grid)
    parts.append(f'<g stroke="#fff" stroke-width="0.5" data-grid="{grid}">')
    # Worst drawn last, so a violation is never hidden under a clear site.
    for (x, y), (rank, count, site_id) in sorted(markers.items(), key=lambda item: -item[1][0]):
        status = SITE_STATUSES[rank]
        label = f"{site_id}: {status}" if count == 1 else f"{count} sites here, worst {status}"
        parts.append(
            f'<circle class="site s-{status}" data-sites="{count}" cx="{x * grid}" cy="{y * grid}" '
            f'r="{MARKER_RADIUS}" fill="{STATUS_COLOURS[status]}">{title(label)}</circle>'
        )
    parts.append("</g>")
    name = home.name if home else (country or "Sites without a country")
    parts.append(text(6, 16, name, size=13, extra=' font-weight="600"'))
    return svg(
        projection.width, projection.height, "".join(parts), label=f"Map of sites: {name}", css_class="map"
    )


def site_map(sites: Sequence[SitePoint]) -> list[Markup]:
    """A panel per country that has sites with coordinates, largest first."""
    by_country: dict[str | None, list[SitePoint]] = {}
    for site in sites:
        if site.longitude is not None and site.latitude is not None:
            by_country.setdefault(site.country, []).append(site)
    ordered = sorted(by_country.items(), key=lambda item: (-len(item[1]), item[0] or "~"))
    return [map_panel(country, group, f"map{index}") for index, (country, group) in enumerate(ordered)]
