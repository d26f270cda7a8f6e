"""The statistics of the benchmarks' tables and of the result tables, in one place: mean ± sample
standard deviation, standard errors, 'beyond twice the combined standard error' and Spearman's rank
correlation."""
import math
from typing import Optional, Sequence, Tuple


def mean(values: Sequence[float]) -> Optional[float]:
    """The arithmetic mean; ``None`` for no values."""
    return sum(values) / len(values) if values else None


def std(values: Sequence[float]) -> float:
    """The sample standard deviation (n - 1); 0 for a single value."""
    if len(values) < 2:
        return 0.
    m = mean(values)
    return (sum((v - m)**2 for v in values) / (len(values) - 1))**0.5


def mean_std(values: Sequence[float]) -> Tuple[float, float]:
    """Mean and sample standard deviation (n - 1; 0 for a single value)."""
    return mean(values), std(values)


def standard_error(values: Sequence[float]) -> float:
    """The standard error of the mean: sample standard deviation / sqrt(n)."""
    return std(values) / math.sqrt(len(values))


def twice_combined_se(*groups: Sequence[float]) -> float:
    """Twice the combined standard error of a sum or difference of the groups' means (independent
    runs, each group with at least two values): ``2 sqrt(sum(std_i^2 / n_i))``."""
    return 2 * sum(std(v)**2 / len(v) for v in groups)**0.5


def compare_values(a: Sequence[float], b: Sequence[float]) -> tuple:
    """Is ``a`` above ``b``, and is the difference of the means beyond twice their combined
    standard error?

    Returns:
        tuple: (a above b, beyond the spread or ``None`` when a side has a single value,
        the difference of the means, twice the combined standard error or ``None``).
    """
    diff = mean(a) - mean(b)
    if len(a) < 2 or len(b) < 2:
        return diff > 0, None, diff, None
    two_se = twice_combined_se(a, b)
    return diff > 0, abs(diff) > two_se, diff, two_se


def spearman(x: Sequence[float], y: Sequence[float]) -> Optional[float]:
    """Spearman's rank correlation (scipy; ties get average ranks); ``None`` under 3 pairs or with
    a constant side, where it is undefined."""
    if len(x) < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    from scipy.stats import spearmanr
    return float(spearmanr(x, y).correlation)
