"""Which sites lie within a given distance of each other (a grid, so it stays near-linear)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def neighbour_pairs(points: Iterable[tuple[str, float, float]], within_km: float) -> list[tuple[str, str]]:
    """Pairs of ids (a < b) at most `within_km` apart. Points are (id, latitude, longitude)."""
    if within_km <= 0:
        return []
    pts = list(points)
    if not pts:
        return []
    lat_cell = within_km / 111.0  # one degree of latitude is about 111 km (a little more, so safe)
    # One longitude width for all, from the highest latitude present: a cell is then at least
    # within_km wide everywhere, so the 3x3 block around a cell holds every candidate.
    widest = max(abs(lat) for _, lat, _ in pts)
    lon_cell = min(360.0, lat_cell / max(math.cos(math.radians(min(widest + lat_cell, 89.9))), 1e-3))
    grid: dict[tuple[int, int], list[tuple[str, float, float]]] = defaultdict(list)
    for pid, lat, lon in pts:
        grid[(math.floor(lat / lat_cell), math.floor(lon / lon_cell))].append((pid, lat, lon))
        # The grid does not wrap at the antimeridian: a point near it also stands a turn away, so
        # 179.9 and -179.9 meet (distance_km reads longitude modulo 360 anyway).
        for turn in (360.0, -360.0):
            if abs(lon + turn) < 180.0 + 2 * lon_cell:
                grid[(math.floor(lat / lat_cell), math.floor((lon + turn) / lon_cell))].append(
                    (pid, lat, lon + turn)
                )
    pairs: set[tuple[str, str]] = set()
    for (row, col), members in grid.items():
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                others = grid.get((row + dr, col + dc))
                if not others:
                    continue
                for pid, lat, lon in members:
                    for other, olat, olon in others:
                        if other > pid and distance_km(lat, lon, olat, olon) <= within_km:
                            pairs.add((pid, other))
    return sorted(pairs)
