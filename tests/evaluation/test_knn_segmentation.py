"""kNN per-pixel classification: blocked top-k equals brute force; one-hot codes give 100% mIoU,
shuffled features give chance."""
import numpy as np
import pytest

from ssl4dp_mm.evaluation import knn_segmentation, knn_votes
from tests.evaluation.helpers import blob_labels, chance_accuracy, one_hot_split, shuffled


def test_blocked_votes_equal_brute_force():
    rng = np.random.default_rng(0)
    q = rng.standard_normal((37, 8)).astype(np.float32)
    bank = rng.standard_normal((101, 8)).astype(np.float32)
    labels = rng.integers(0, 5, 101)
    votes = knn_votes(q, bank, labels, 5, k=7, temperature=0.5, query_chunk=10, bank_chunk=13)
    sim = q.astype(np.float64) @ bank.T.astype(np.float64)
    expected = np.zeros((37, 5))
    for i in range(37):
        for j in np.argsort(-sim[i])[:7]:
            expected[i, labels[j]] += np.exp(sim[i, j] / 0.5)
    np.testing.assert_allclose(votes, expected, rtol=1e-5)
    # k larger than the bank: every bank row votes
    few = knn_votes(q[:2], bank[:3], labels[:3], 5, k=50)
    assert np.count_nonzero(few[0]) == len(set(labels[:3]))


def test_one_hot_codes_give_100_and_shuffled_give_chance():
    labels, clean = blob_labels(12, seed=0)
    val_labels, val_clean = blob_labels(6, seed=1)
    train = one_hot_split(labels, clean, stride=2)
    val = one_hot_split(val_labels, val_clean, stride=2)
    res = knn_segmentation(train, val, k=5)
    assert res['mIoU'] == 100.0 and res['aAcc'] == 100.0
    assert res['bank_size'] == sum((train.cell_labels(i) >= 0).sum() for i in range(12))
    # a capped bank is a seeded sample
    capped = knn_segmentation(train, val, k=5, max_bank=40, seed=3)
    assert capped['bank_size'] == 40 and capped['mIoU'] == 100.0
    # shuffled train features carry no information: pixel accuracy is that of label-independent
    # predictions (the class frequencies of the bank), within sampling noise
    big, big_clean = blob_labels(60, h=32, w=32, seed=2)
    noisy = knn_segmentation(shuffled(one_hot_split(big, big_clean, stride=2, noise=0.3)),
                             one_hot_split(val_labels, val_clean, stride=2, noise=0.3), k=20)
    y = np.concatenate([lab[lab != 255] for lab in big])
    expected = chance_accuracy(np.bincount(y, minlength=4) / len(y), val_labels, 4)
    assert noisy['aAcc'] == pytest.approx(expected, abs=6)
    assert noisy['mIoU'] < 30


def test_different_classes_are_refused():
    labels, clean = blob_labels(2)
    a = one_hot_split(labels, clean)
    b = one_hot_split(labels, clean, num_classes=4)
    b.class_names = ('x', 'y', 'z', 'w')
    with pytest.raises(ValueError, match='different classes'):
        knn_segmentation(a, b)
