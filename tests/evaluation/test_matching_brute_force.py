"""Cluster-to-class matchings against brute force: many-to-one (majority) over every map of K = 4
clusters to C = 2 classes, and the one-to-one matchings (K = C) over every permutation, by the
matched pixels (``hungarian_match``) and by the summed IoU (``iou_match``, Leopart's and the open
Hummingbird evaluation's rule)."""
import itertools

import numpy as np
import pytest

from ssl4dp_mm.evaluation.metrics import (hungarian_match, iou_match, majority_match,
                                          matched_confusion, scores_from_confusion)


def _matched_pixels(conf, mapping):
    return sum(conf[k, m] for k, m in enumerate(mapping) if m >= 0)


def _summed_iou(conf, mapping):
    total = 0.0
    for k, c in enumerate(mapping):
        union = conf[k].sum() + conf[:, c].sum() - conf[k, c]
        total += conf[k, c] / union if union else 0.0
    return total


@pytest.mark.parametrize('seed', range(5))
def test_many_to_one_equals_the_best_of_all_maps(seed):
    """Majority matching takes, among all 2^4 maps of 4 clusters to 2 classes, one with the most
    matched pixels (the highest pixel accuracy)."""
    conf = np.random.default_rng(seed).integers(0, 50, (4, 2))
    best = max(_matched_pixels(conf, m) for m in itertools.product(range(2), repeat=4))
    mapping = majority_match(conf)
    assert _matched_pixels(conf, mapping) == best
    acc = scores_from_confusion(matched_confusion(conf, mapping))['aAcc']
    assert acc == pytest.approx(100 * best / conf.sum())


@pytest.mark.parametrize('k', [2, 3, 4])
def test_one_to_one_matchings_equal_the_best_permutation(k):
    rng = np.random.default_rng(k)
    for _ in range(5):
        conf = rng.integers(0, 60, (k, k))
        perms = list(itertools.permutations(range(k)))
        assert _matched_pixels(conf, hungarian_match(conf)) == max(
            _matched_pixels(conf, p) for p in perms)
        assert _summed_iou(conf, iou_match(conf)) == pytest.approx(
            max(_summed_iou(conf, p) for p in perms))


def test_the_two_one_to_one_rules_can_differ():
    """Matched pixels and summed IoU are different objectives: here the identity matches 73
    pixels against 71 for the swap, while the swap has the larger summed IoU (0.652 vs 0.629)."""
    conf = np.array([[16, 40], [31, 57]])  # rows: clusters, columns: classes
    assert _matched_pixels(conf, [0, 1]) == 73 and _matched_pixels(conf, [1, 0]) == 71
    assert _summed_iou(conf, [0, 1]) == pytest.approx(16 / 87 + 57 / 128)
    assert _summed_iou(conf, [1, 0]) == pytest.approx(40 / 113 + 31 / 104)
    assert list(hungarian_match(conf)) == [0, 1] and list(iou_match(conf)) == [1, 0]
