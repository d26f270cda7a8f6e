"""Mask quality: the known value of a grid on a constructed image, 1.0 for ground-truth masks (also
through the real transform and the tool), IoU written out pixel by pixel."""
import json

import numpy as np
import pytest

from ssl4dp_mm.analysis.mask_quality import best_ious, gt_segments, mask_quality, parse_mask_spec
from ssl4dp_mm.datasets.transforms import GridMasks
from tests.conftest import config_path, load_tool


def halves(h=8, w=8):
    label = np.zeros((h, w), np.int64)
    label[:, w // 2:] = 1
    return label


def grid(label, n):
    return GridMasks(n)(dict(img=np.zeros(label.shape + (3, ), np.uint8)))['masks']


def test_grid_on_two_halves_has_the_known_value():
    label = halves()
    # 2x2 grid: each half (32 px) best overlaps a 16 px cell: IoU 16 / 32 = 0.5, covered at 0.5
    q = mask_quality(lambda i: (label, grid(label, 2)), 1, 'grid 2')
    assert np.allclose(q.ious, [0.5, 0.5]) and q.summary()['coverage'] == 1.0
    # 4x4 grid: 4 px cells, IoU 4 / 32
    q = mask_quality(lambda i: (label, grid(label, 4)), 1, 'grid 4')
    assert np.allclose(q.ious, 0.125) and q.summary()['coverage'] == 0.0
    # 1x2 grid is the ground truth
    assert np.allclose(mask_quality(lambda i: (label, grid(label, (1, 2))), 1, 'x').ious, 1.0)


def test_ground_truth_scores_one_and_ignore_pixels_do_not_count():
    rng = np.random.default_rng(0)
    label = rng.integers(0, 4, (20, 30))
    label[:3] = 255
    masks = np.where(label == 255, 7, label)  # a mask id also over the ignored rows
    assert np.allclose(best_ious(gt_segments(label), masks), 1.0)
    # components: a class in two pieces is two segments; the class mask then covers each partly
    two = np.zeros((4, 6), np.int64)
    two[:, 2:4] = 1
    seg = gt_segments(two, kind='component')
    assert seg.max() == 2  # class 0 left and right, class 1
    np.testing.assert_allclose(best_ious(seg, two), [0.5, 0.5, 1.0])


def test_best_iou_written_out():
    rng = np.random.default_rng(1)
    label = rng.integers(0, 3, (12, 12))
    masks = rng.integers(-1, 5, (12, 12))
    seg = gt_segments(label)
    expected = []
    for s in range(seg.max() + 1):
        best = 0.0
        for m in range(5):
            inter = np.sum((seg == s) & (masks == m))
            union = np.sum(((seg == s) | (masks == m)) & (seg >= 0))
            best = max(best, inter / union)
        expected.append(best)
    np.testing.assert_allclose(best_ious(seg, masks), expected)


def test_spec_parsing():
    assert parse_mask_spec(['SLICMasks', 'n_segments=32', 'compactness=10.0']) == dict(
        type='SLICMasks', n_segments=32, compactness=10.0)
    assert parse_mask_spec(['GridMasks', 'grid=(2,3)'])['grid'] == (2, 3)
    with pytest.raises(ValueError, match='key=value'):
        parse_mask_spec(['GridMasks', '4'])


def test_tool_on_toy_scenes(toy_root, tmp_path):
    out = tmp_path / 'mq.md'
    rows = load_tool('analysis/mask_quality').main([
        '--data-root', toy_root, '--split', 'val',
        '--config', config_path('selfsup/detcon/detconb_r18-d8-mocofcn_1xb8-300i_toyscenes.py'),
        '--mask', 'LoadGTMasks', '--mask', 'GridMasks', 'grid=4', '--out', str(out)])
    by_type = {r['setting'].split('(')[0]: r for r in rows}
    assert by_type['LoadGTMasks']['mean_best_iou'] == 1.0
    assert by_type['LoadGTMasks']['coverage'] == 1.0
    assert 0 < by_type['GridMasks']['mean_best_iou'] < 1
    assert 0 < by_type['FelzenszwalbMasks']['mean_best_iou'] < 1
    assert '| LoadGTMasks() | 1.000 | 1.000 |' in out.read_text()
    assert len(json.loads((tmp_path / 'mq.json').read_text())['rows']) == 3
