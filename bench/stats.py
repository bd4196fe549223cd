"""Figures every benchmark prints."""


def percentile(samples: list[float], share: float) -> float:
    """The sample at ``share`` (0.99 for p99) of the sorted samples, nearest rank; NaN when there are none."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")
