"""ssl4dp_mm.benchmarking.statistics against NumPy and SciPy."""
import random

import numpy as np
import pytest
from scipy import stats

from ssl4dp_mm.benchmarking import statistics


def samples(seed, count=30):
    rng = random.Random(seed)
    return [[rng.uniform(0, 50) for _ in range(rng.randint(1, 6))] for _ in range(count)]


def test_mean_std_and_standard_error_match_numpy():
    for values in samples(0):
        assert statistics.mean(values) == pytest.approx(np.mean(values), abs=1e-12)
        expected_std = np.std(values, ddof=1) if len(values) > 1 else 0.
        assert statistics.std(values) == pytest.approx(expected_std, abs=1e-12)
        assert statistics.mean_std(values) == pytest.approx((np.mean(values), expected_std))
        assert statistics.standard_error(values) == pytest.approx(
            expected_std / np.sqrt(len(values)), abs=1e-12)
    assert statistics.mean([]) is None


def test_twice_the_combined_standard_error_and_the_comparison():
    groups = [g for g in samples(1) if len(g) > 1]
    for a, b in zip(groups[::2], groups[1::2]):
        se = np.sqrt(np.var(a, ddof=1) / len(a) + np.var(b, ddof=1) / len(b))
        assert statistics.twice_combined_se(a, b) == pytest.approx(2 * se, abs=1e-12)
        above, beyond, diff, two_se = statistics.compare_values(a, b)
        assert diff == pytest.approx(np.mean(a) - np.mean(b))
        assert above == (diff > 0) and beyond == (abs(diff) > 2 * se)
    # a single value on a side: no spread to judge by
    assert statistics.compare_values([3.], [1., 2.]) == (True, None, 1.5, None)
    # std 1 over 3 runs each: 2 sqrt(1/3 + 1/3) = 1.633
    assert statistics.twice_combined_se([-1., 0., 1.], [4., 5., 6.]) == pytest.approx(1.633, 1e-3)


def test_spearman_matches_scipy_with_ties():
    rng = random.Random(0)
    for _ in range(20):
        n = rng.randint(3, 9)
        x = [float(rng.randint(0, 4)) for _ in range(n)]
        y = [float(rng.randint(0, 4)) for _ in range(n)]
        expected = stats.spearmanr(x, y).correlation
        got = statistics.spearman(x, y)
        if expected != expected:  # nan: a constant side
            assert got is None
        else:
            assert got == pytest.approx(expected, abs=1e-12)
    assert statistics.spearman([1., 2.], [2., 1.]) is None


def test_results_table_uses_these_statistics():
    from ssl4dp_mm.analysis import results_table
    assert results_table.mean_std is statistics.mean_std
