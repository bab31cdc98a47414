from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netvet.report.context import SitePoint
from netvet.report.geo import OUTLINES_FILE, load_outlines, map_panel, site_map
from netvet.report.make_outlines import build

SVG = "{http://www.w3.org/2000/svg}"


def site(
    site_id: str, lat: float | None, lon: float | None, status: str = "clear", country: str | None = "GB"
) -> SitePoint:
    return SitePoint(site_id, None, country, None, lat, lon, status, 0)


def markers(markup: str) -> list[ET.Element]:
    root = ET.fromstring(str(markup))
    return [c for c in root.iter(f"{SVG}circle") if "site" in (c.get("class") or "")]


def test_shipped_outlines_are_small_and_cover_the_demo_countries() -> None:
    assert OUTLINES_FILE.stat().st_size < 300_000
    by_iso = {o.iso: o for o in load_outlines() if o.iso}
    for iso in ("GB", "DE", "ES", "FR", "SE", "US", "CA", "AU"):
        assert by_iso[iso].rings, iso
    london = (-0.13, 51.5)
    lons = [p[0] for ring in by_iso["GB"].rings for p in ring]
    lats = [p[1] for ring in by_iso["GB"].rings for p in ring]
    assert min(lons) < london[0] < max(lons) and min(lats) < london[1] < max(lats)


def test_panel_draws_every_site_inside_the_view_with_its_status_colour() -> None:
    sites = [
        site("LON", 51.5, -0.13, "violation"),
        site("EDI", 55.95, -3.19, "due"),
        site("CAR", 51.48, -3.18),
    ]
    markup = map_panel("GB", sites, "t")
    root = ET.fromstring(str(markup))
    width, height = float(root.get("width")), float(root.get("height"))  # type: ignore[arg-type]
    drawn = markers(markup)
    assert len(drawn) == 3
    for circle in drawn:
        assert 0 <= float(circle.get("cx")) <= width and 0 <= float(circle.get("cy")) <= height  # type: ignore[arg-type]
    by_status = {c.get("class"): c for c in drawn}
    assert by_status["site s-violation"].get("fill") == "#c0392b"
    # North is up, west is left: Edinburgh above and west of London.
    assert float(by_status["site s-due"].get("cy")) < float(by_status["site s-violation"].get("cy"))  # type: ignore[arg-type]
    assert float(by_status["site s-due"].get("cx")) < float(by_status["site s-violation"].get("cx"))  # type: ignore[arg-type]
    assert any(p.get("class") == "outline" for p in root.iter(f"{SVG}path"))


def test_sites_on_one_pixel_share_a_marker_coloured_by_the_worst_and_drawn_last() -> None:
    sites = [site("A", 51.5, -0.13, "violation"), site("B", 51.5, -0.1300001), site("C", 55.95, -3.19)]
    drawn = markers(map_panel("GB", sites, "t"))
    assert len(drawn) == 2
    assert sum(int(c.get("data-sites")) for c in drawn) == 3  # type: ignore[arg-type]
    assert drawn[-1].get("class") == "site s-violation" and drawn[-1].get("data-sites") == "2"


def test_site_map_makes_a_panel_per_country_and_skips_sites_without_coordinates() -> None:
    sites = [site("L", 51.5, -0.13), site("B", 52.5, 13.4, country="DE"), site("X", None, None)]
    panels = site_map(sites)
    assert len(panels) == 2
    assert sum(len(markers(p)) for p in panels) == 2


def test_a_single_site_still_gets_a_sensible_view() -> None:
    markup = map_panel(None, [site("only", 10.0, 10.0, country=None)], "t")
    assert len(markers(markup)) == 1


def test_make_outlines_decodes_topojson_arcs_reversals_and_the_antimeridian() -> None:
    topology = {
        "type": "Topology",
        "transform": {"scale": [1.0, 1.0], "translate": [0.0, 0.0]},
        # arc 0: (0,0)->(2,0)->(2,2); arc 1: (2,2)->(0,2)->(0,0); arc 2 crosses the antimeridian.
        "arcs": [
            [[0, 0], [2, 0], [0, 2]],
            [[2, 2], [-2, 0], [0, -2]],
            [[179, 10], [-358, 0], [0, 2], [358, 0]],
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "id": "826", "properties": {"name": "Square"}, "arcs": [[0, 1]]},
                    {"type": "Polygon", "id": "826", "properties": {"name": "Reversed"}, "arcs": [[~1, ~0]]},
                    {"type": "Polygon", "id": "999", "properties": {"name": "Fiji-like"}, "arcs": [[2]]},
                ],
            }
        },
    }
    iso = {"3166-1": [{"numeric": "826", "alpha_2": "GB"}]}
    result = build(topology, iso)
    square, reversed_, crossing = result["countries"]
    assert square["iso"] == "GB" and crossing["iso"] is None
    assert square["rings"][0] == [0, 0, 200, 0, 200, 200, 0, 200, 0, 0]
    assert reversed_["rings"][0] == [0, 0, 0, 200, 200, 200, 200, 0, 0, 0]
    lons = crossing["rings"][0][0::2]
    assert min(lons) == 17900 and max(lons) == 18100  # -179 became 181: no band across the map


@pytest.mark.parametrize("country", ["US", "CA", "AU"])
def test_panels_for_large_countries_are_bounded(country: str) -> None:
    coords = {"US": (45.78, -108.5), "CA": (43.7, -79.4), "AU": (-33.87, 151.21)}[country]
    root = ET.fromstring(str(map_panel(country, [site("s", *coords, country=country)], "t")))
    assert float(root.get("width")) <= 370 and float(root.get("height")) <= 420  # type: ignore[arg-type]


def test_a_dense_network_is_drawn_on_a_coarser_grid_with_every_site_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 2,000 sites on a lattice across Great Britain.
    sites = [
        site(f"S{i}", 50.5 + (i // 40) * 0.1, -4.0 + (i % 40) * 0.1, "violation" if i == 7 else "clear")
        for i in range(2000)
    ]
    fine = markers(map_panel("GB", sites, "t"))
    monkeypatch.setattr("netvet.report.geo.MAX_MARKERS_PER_PANEL", len(fine) // 3)
    markup = map_panel("GB", sites, "t")
    coarse = markers(markup)
    assert len(coarse) <= len(fine) // 3
    assert sum(int(c.get("data-sites")) for c in coarse) == 2000  # type: ignore[arg-type]
    assert sum(1 for c in coarse if c.get("class") == "site s-violation") == 1
    assert 'data-grid="1"' not in str(markup)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=35.0, max_value=70.0),
            st.floats(min_value=-10.0, max_value=30.0),
            st.sampled_from(["violation", "due", "report", "licensed", "clear"]),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_every_site_is_counted_once_inside_the_panel(points: list[tuple[float, float, str]]) -> None:
    sites = [site(f"S{i}", lat, lon, status, country="DE") for i, (lat, lon, status) in enumerate(points)]
    markup = map_panel("DE", sites, "p")
    root = ET.fromstring(str(markup))
    width, height = float(root.get("width")), float(root.get("height"))  # type: ignore[arg-type]
    drawn = markers(markup)
    assert sum(int(c.get("data-sites")) for c in drawn) == len(sites)  # type: ignore[arg-type]
    for circle in drawn:
        assert -1 <= float(circle.get("cx")) <= width + 1 and -1 <= float(circle.get("cy")) <= height + 1  # type: ignore[arg-type]
    worst = min(points, key=lambda p: ["violation", "due", "report", "licensed", "clear"].index(p[2]))[2]
    assert drawn[-1].get("class") == f"site s-{worst}"  # the worst status is drawn on top
