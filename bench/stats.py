"""Growth with size: a least-squares line, its R², and the cost per file."""

from __future__ import annotations

import statistics


def linear_fit(xs: list[float], ys: list[float]) -> dict[str, float]:
    """Fit ``y = intercept + slope * x``; return slope, intercept and R²."""
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx if sxx else 0.0
    intercept = mean_y - slope * mean_x
    ss_res = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    ss_tot = sum((y - mean_y) ** 2 for y in ys)
    r2 = 1.0 - ss_res / ss_tot if ss_tot else 1.0
    return {"slope": slope, "intercept": intercept, "r2": r2}


def marginal_costs(xs: list[float], ys: list[float]) -> list[float | None]:
    """Seconds per extra file between each size and the previous one (None first)."""
    out: list[float | None] = [None]
    for i in range(1, len(xs)):
        dx = xs[i] - xs[i - 1]
        out.append((ys[i] - ys[i - 1]) / dx if dx else None)
    return out


def ratio(mine: float, theirs: float) -> float:
    """mlrig / zizmor; below 1 means mlrig is faster."""
    return mine / theirs if theirs else float("inf")
