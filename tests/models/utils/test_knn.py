"""kNN positives: which queue entries are picked, and the pull loss against a direct loop."""
import math

import pytest
import torch

from ssl4dp_mm.models.utils.knn import knn_positives, knn_pull_loss


def unit(deg):
    return torch.tensor([math.cos(math.radians(deg)), math.sin(math.radians(deg))])


def test_picks_the_nearest_entries_of_a_hand_made_queue():
    # queue entries on the unit circle, at these angles (degrees)
    angles = [0., 10., 20., 90., 180., 270., 5., 100.]
    queue = torch.stack([unit(a) for a in angles])  # 8x2
    queries = torch.stack([unit(3.), unit(95.), unit(200.)])  # 3x2
    index = knn_positives(queries @ queue.t(), topk=3)
    # by angular distance: 3 deg -> 5 (2), 0 (3), 10 (7); 95 -> 90 (5), 100 (5), 20 (75);
    # 200 -> 180 (20), 270 (70), 100 (100)
    assert index[0].tolist() == [6, 0, 1]
    assert set(index[1, :2].tolist()) == {3, 7} and index[1, 2] == 2
    assert index[2].tolist() == [4, 5, 7]
    with pytest.raises(ValueError, match='topk'):
        knn_positives(queries @ queue.t(), topk=9)


def test_pull_loss_matches_a_direct_loop():
    torch.manual_seed(0)
    logits = torch.randn(4, 10)
    index = torch.tensor([[0, 3], [9, 1], [2, 5], [7, 7]])
    t = 0.2
    expected = 0.
    for i in range(4):
        denom = sum(math.exp(float(v) / t) for v in logits[i])
        for j in index[i]:
            expected -= math.log(math.exp(float(logits[i, j]) / t) / denom) / 8
    assert knn_pull_loss(logits, index, t).item() == pytest.approx(expected, rel=1e-5)
