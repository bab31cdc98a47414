"""One place that makes HiGHS solvers for the planner."""

from __future__ import annotations

from typing import Any

import highspy


def new_solver(threads: int | None = None) -> Any:
    """A silent HiGHS instance.

    highspy's Python wrapper prints a banner to stdout when constructed (before any option can
    be set); the compiled class underneath does not, and has every method used here.
    """
    factory = getattr(getattr(highspy, "_core", None), "_Highs", None) or highspy.Highs
    solver = factory()
    solver.setOptionValue("output_flag", False)
    if threads is not None:
        solver.setOptionValue("threads", threads)
    return solver
