"""Upsampling matrices and segment means against F.interpolate; cell labels; layer names."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from ssl4dp_mm.evaluation import (DenseFeatures, linear_upsampling_matrix, resolve_layer,
                                  segment_means)


def test_separable_upsampling_equals_interpolate():
    x = torch.randn(1, 1, 5, 7, dtype=torch.float64)
    ry, rx = linear_upsampling_matrix(5, 37), linear_upsampling_matrix(7, 50)
    expected = F.interpolate(x, (37, 50), mode='bilinear', align_corners=False)[0, 0]
    torch.testing.assert_close(ry @ x[0, 0] @ rx.T, expected)


def test_segment_means_equal_means_of_the_upsampled_map():
    rng = np.random.default_rng(0)
    feat = rng.standard_normal((3, 4, 6)).astype(np.float32)
    label = rng.integers(0, 3, (30, 45))
    label[:5] = 255
    means, classes, area = segment_means(feat, label)
    up = F.interpolate(torch.from_numpy(feat)[None], (30, 45), mode='bilinear',
                       align_corners=False)[0].numpy()
    assert list(classes) == [0, 1, 2]
    for mean, c, a in zip(means, classes, area):
        np.testing.assert_allclose(mean, up[:, label == c].mean(1), rtol=1e-5, atol=1e-6)
        assert a == np.sum(label == c)


def test_cell_labels_are_block_majorities():
    label = np.array([[0, 0, 1, 1], [0, 1, 1, 1], [255, 255, 2, 255], [255, 255, 2, 2]])
    split = DenseFeatures([np.zeros((1, 2, 2), np.float32)], [label], ('a', 'b', 'c'), 255, 's')
    np.testing.assert_array_equal(split.cell_labels(0), [[0, 1], [-1, 2]])


def test_layer_names():
    assert resolve_layer('backbone.layer4') == 'stage4'
    assert resolve_layer('layer2') == 'stage2' and resolve_layer('stage3') == 'stage3'
    assert resolve_layer('decode_head') == 'decoder'
    with pytest.raises(ValueError, match='unknown layer'):
        resolve_layer('neck')
