"""Segment retrieval: one-hot codes give 100%, shuffled codes chance, votes as written out."""
import numpy as np
import pytest

from ssl4dp_mm.evaluation import retrieve_classes, segment_retrieval
from tests.evaluation.helpers import blob_labels, one_hot_split


def test_one_hot_codes_give_100():
    labels, clean = blob_labels(10, seed=0)
    val_labels, val_clean = blob_labels(5, seed=1)
    res = segment_retrieval(one_hot_split(labels, clean, stride=2),
                            one_hot_split(val_labels, val_clean, stride=2))
    assert res['mIoU'] == 100.0 and res['segment_accuracy'] == 100.0
    assert res['num_query_segments'] == sum(len(set(v[v != 255].ravel())) for v in val_labels)


def test_codes_of_the_wrong_class_give_chance():
    """Train segments whose features are the code of a random class (plus a small random vector
    per segment that breaks the ties between equal codes): the retrieved class is independent of
    the true one, so the segment accuracy is sum_c p(pred c) p(true c) = 1/4 for four equally
    likely classes."""
    rng = np.random.default_rng(0)
    labels, clean = blob_labels(200, seed=2)
    val_labels, val_clean = blob_labels(100, seed=3)
    train = one_hot_split(labels, clean, stride=1)
    feats = []
    for full in clean:
        code = np.eye(6, dtype=np.float32)[rng.permutation(4)]  # class -> code of another class
        code += 0.05 * rng.standard_normal(code.shape).astype(np.float32)
        feats.append(code[full].transpose(2, 0, 1).copy())  # 6xHxW, constant per segment
    train.feats = feats
    res = segment_retrieval(train, one_hot_split(val_labels, val_clean))
    assert res['segment_accuracy'] == pytest.approx(25, abs=6)
    assert res['mIoU'] < 25


def test_majority_vote_and_ties():
    bank = np.eye(3, dtype=np.float32)[[0, 0, 1, 2]] * np.array([[1.], [.9], [1.], [1.]])
    labels = np.array([0, 0, 1, 2])
    q = np.array([[0.6, 0.0, 0.8], [0.1, 0.75, 0.65]], np.float32)
    # query 0 sees rows 3 (0.8, class 2), 0 (0.6, class 0), 1 (0.54, class 0): k=1 -> 2, k=3 -> 0
    assert list(retrieve_classes(q, bank, labels, 3, k=1)) == [2, 1]
    assert retrieve_classes(q, bank, labels, 3, k=3)[0] == 0
    # query 1, k=2: classes 1 (0.75) and 2 (0.65) once each: the tie goes to the larger similarity
    assert retrieve_classes(q, bank, labels, 3, k=2)[1] == 1
