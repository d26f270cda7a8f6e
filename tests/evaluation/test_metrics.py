"""Confusion matrices, mIoU and matchings against loops and brute force."""
import itertools

import numpy as np
import pytest

from ssl4dp_mm.evaluation.metrics import (confusion_matrix, hungarian_match, majority_match,
                                          matched_confusion, scores_from_confusion)


def loop_miou(pred, label, num_classes, ignore=255):
    ious = []
    for c in range(num_classes):
        keep = label != ignore
        tp = np.sum((pred == c) & (label == c) & keep)
        union = np.sum(((pred == c) | (label == c)) & keep)
        if union:
            ious.append(tp / union)
    return 100 * np.mean(ious)


def test_confusion_and_miou_match_loops():
    rng = np.random.default_rng(0)
    label = rng.integers(0, 5, (30, 40))
    label[rng.random(label.shape) < 0.1] = 255
    pred = rng.integers(0, 4, (30, 40))  # class 4 never predicted
    conf = confusion_matrix(pred, label, 5, 5)
    assert conf.sum() == np.sum(label != 255)
    assert conf[2, 3] == np.sum((pred == 2) & (label == 3))
    scores = scores_from_confusion(conf)
    assert scores['mIoU'] == pytest.approx(loop_miou(pred, label, 5), abs=1e-10)
    keep = label != 255
    assert scores['aAcc'] == pytest.approx(100 * np.mean(pred[keep] == label[keep]))
    assert scores['IoU'][4] == 0.0


def test_class_absent_from_labels_and_predictions_is_left_out():
    label = np.array([[0, 0], [1, 1]])
    scores = scores_from_confusion(confusion_matrix(label, label, 3, 3))
    assert scores['mIoU'] == 100.0 and scores['IoU'][2] is None


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match='differ in shape'):
        confusion_matrix(np.zeros((2, 2)), np.zeros((2, 3)), 2, 2)
    with pytest.raises(ValueError, match='neither a class'):
        confusion_matrix(np.zeros((1, 1)), np.full((1, 1), 7), 2, 2)


def test_hungarian_equals_brute_force():
    rng = np.random.default_rng(1)
    for _ in range(5):
        conf = rng.integers(0, 100, (4, 4))
        best = max(itertools.permutations(range(4)),
                   key=lambda p: sum(conf[i, p[i]] for i in range(4)))
        mapping = hungarian_match(conf)
        assert sum(conf[i, mapping[i]] for i in range(4)) == sum(conf[i, best[i]]
                                                                 for i in range(4))
    wide = rng.integers(0, 100, (6, 4))  # 6 clusters, 4 classes: two left unmatched
    mapping = hungarian_match(wide)
    assert sorted(m for m in mapping if m >= 0) == [0, 1, 2, 3] and (mapping == -1).sum() == 2


def test_unmatched_clusters_count_as_false_negatives():
    conf = np.array([[10, 0], [0, 8], [0, 2]])  # cluster 2 holds 2 pixels of class 1
    mapping = np.array([0, 1, -1])
    merged = matched_confusion(conf, mapping)
    scores = scores_from_confusion(merged)
    assert scores['IoU'] == [100.0, 80.0]  # class 1: 8 / (8 + 2 FN)
    assert scores['aAcc'] == pytest.approx(100 * 18 / 20)
    assert list(majority_match(np.array([[1, 5], [3, 2], [0, 0]]))) == [1, 0, -1]
