"""Build `assets/outlines.json` (country outlines for the report's map) from Natural Earth data.

The source is `countries-110m.json` of the npm package world-atlas 2.0.2: Natural Earth 4.1.0
Admin 0 countries at 1:110m (public domain) as TopoJSON. Country codes come from Debian's
iso-codes (`/usr/share/iso-codes/json/iso_3166-1.json`). Run once, by hand, when the outlines change:

    python -m netvet.report.make_outlines countries-110m.json iso_3166-1.json src/netvet/report/assets/outlines.json

The output keeps each country as rings of points in hundredths of a degree (integers), which is
finer than the 1:110m source and keeps the file small.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

PRECISION = 100  # points per degree kept in the shipped file


def _decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indices: list[int]) -> list[int]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their joining point.
        points.extend(arc if not points else arc[1:])
    # A ring that crosses the antimeridian jumps from +180 to -180; shifting its western points by
    # 360 degrees keeps it one shape (longitudes up to 360) instead of a band drawn across the map.
    if any(abs(a[0] - b[0]) > 180 for a, b in itertools.pairwise(points)):
        points = [(lon + 360 if lon < 0 else lon, lat) for lon, lat in points]
    flat: list[int] = []
    last: tuple[int, int] | None = None
    for lon, lat in points:
        point = (round(lon * PRECISION), round(lat * PRECISION))
        if point != last:
            flat.extend(point)
            last = point
    return flat


def build(topology: dict[str, Any], iso_codes: dict[str, Any]) -> dict[str, Any]:
    alpha2 = {entry["numeric"]: entry["alpha_2"] for entry in iso_codes["3166-1"]}
    arcs = _decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [_ring(arcs, ring) for polygon in polygons for ring in polygon]
        countries.append(
            {
                "iso": alpha2.get(str(geometry.get("id", ""))),
                "name": geometry["properties"]["name"],
                "rings": [ring for ring in rings if len(ring) >= 6],
            }
        )
    return {
        "source": "Natural Earth 4.1.0 Admin 0 countries, 1:110m (public domain), via world-atlas 2.0.2",
        "precision": PRECISION,
        "countries": countries,
    }


def main(argv: list[str]) -> None:
    topology_path, iso_path, out_path = argv
    result = build(json.loads(Path(topology_path).read_text()), json.loads(Path(iso_path).read_text()))
    Path(out_path).write_text(json.dumps(result, separators=(",", ":")))


if __name__ == "__main__":
    main(sys.argv[1:])
