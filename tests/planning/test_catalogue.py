from __future__ import annotations

from pathlib import Path

import pytest

from netvet.data import DataFileError, role_table
from netvet.data import cost_catalogue as load_catalogue
from netvet.model.inventory import Domain


def test_shipped_catalogue_loads_and_every_figure_has_a_source() -> None:
    cat = load_catalogue()
    assert cat.currency == "USD"
    assert all(unit.source for unit in (*cat.roles.values(), *cat.domains.values(), *cat.site_kinds.values()))
    assert set(cat.domains) == {d.value for d in Domain}


def test_roles_resolve_through_the_role_table_and_fall_back_to_the_domain() -> None:
    cat = load_catalogue()
    roles = role_table()
    assert cat.asset_cost("gNodeB", Domain.RAN, roles) == cat.asset_cost("gNB", Domain.RAN, roles)
    assert cat.asset_cost("gNodeB", Domain.RAN, roles).equipment_cost != cat.domains["ran"].equipment_cost
    unknown = cat.asset_cost("Flux Capacitor", Domain.TRANSPORT, roles)
    assert unknown == cat.domains["transport"]


def test_macro_site_swap_lands_in_the_published_range() -> None:
    # policy-facts.md: a RAN macro site swap is $60k-$250k ($120k typical).
    cat = load_catalogue()
    roles = role_table()
    items = ["BBU", "AAU", "AAU", "AAU", "Antenna", "Antenna", "Antenna"]
    equipment = sum(cat.asset_cost(r, Domain.RAN, roles).equipment_cost for r in items)
    days = (
        sum(cat.asset_cost(r, Domain.RAN, roles).crew_days for r in items) + cat.site_visit("macro").crew_days
    )
    total = equipment + cat.site_visit("macro").equipment_cost + days * cat.crew_day_rate
    assert 60_000 <= total <= 250_000
    assert 1 <= days <= 3  # 1-3 crew-days a macro site


def test_user_catalogue_error_names_file_line_and_key(tmp_path: Path) -> None:
    shipped = (Path(__file__).resolve().parents[2] / "src/netvet/data/costs.yaml").read_text()
    broken = tmp_path / "costs.yaml"
    broken.write_text(shipped.replace("crew_day_rate: 3500", "crew_day_rate: lots"))
    with pytest.raises(DataFileError) as err:
        load_catalogue(broken)
    assert err.value.key == "crew_day_rate"
    assert err.value.line is not None and err.value.path == str(broken)


def test_user_catalogue_overrides_prices(tmp_path: Path) -> None:
    shipped = (Path(__file__).resolve().parents[2] / "src/netvet/data/costs.yaml").read_text()
    mine = tmp_path / "costs.yaml"
    mine.write_text(shipped.replace("role: AAU, equipment_cost: 30000", "role: AAU, equipment_cost: 45000"))
    assert load_catalogue(mine).asset_cost("AAU", Domain.RAN).equipment_cost == 45000
