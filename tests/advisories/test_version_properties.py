"""Each vendor scheme orders versions the way their numbered parts order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from netvet.advisories.versions import VersionComparator

AUTO = VersionComparator()

vrp = st.tuples(
    st.integers(100, 900),
    st.integers(1, 30),
    st.sampled_from([0, 10, 20]),
    st.integers(0, 9),
)
release = st.tuples(st.integers(18, 30), st.integers(1, 12), st.integers(1, 15))
ios_same_train = st.tuples(st.integers(1, 99), st.integers(0, 15))


def _vrp(parts: tuple[int, int, int, int]) -> str:
    v, r, c, spc = parts
    return f"V{v}R{r:03d}C{c:02d}" + (f"SPC{spc}00" if spc else "")


def _sign(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    return (a > b) - (a < b)


@settings(max_examples=200, deadline=None)
@given(vrp, vrp)
def test_vrp_order_follows_its_parts(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> None:
    assert AUTO.compare(_vrp(a), _vrp(b)) == _sign(a, b)


@settings(max_examples=200, deadline=None)
@given(release, release)
def test_release_order_follows_its_parts(a: tuple[int, int, int], b: tuple[int, int, int]) -> None:
    text_a, text_b = f"{a[0]}.{a[1]}.R{a[2]}", f"{b[0]}.{b[1]}.R{b[2]}"
    assert AUTO.compare(text_a, text_b) == _sign(a, b)


@settings(max_examples=200, deadline=None)
@given(ios_same_train, ios_same_train)
def test_ios_order_within_a_train(a: tuple[int, int], b: tuple[int, int]) -> None:
    text_a, text_b = f"12.2({a[0]})SE{a[1] or ''}", f"12.2({b[0]})SE{b[1] or ''}"
    assert AUTO.compare(text_a, text_b) == _sign(a, b)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(vrp.map(_vrp)), min_size=3, max_size=3))
def test_comparison_is_antisymmetric_and_transitive(versions: list[str]) -> None:
    a, b, c = versions
    assert AUTO.compare(a, b) == -AUTO.compare(b, a)
    if AUTO.compare(a, b) <= 0 and AUTO.compare(b, c) <= 0:
        assert AUTO.compare(a, c) <= 0
