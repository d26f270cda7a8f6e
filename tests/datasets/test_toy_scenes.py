"""The embedded default data: seeded, in mmseg's layout, usable by both dataset classes."""
import os

import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope

from ssl4dp_mm.datasets import ImageFolder, ToyScenesDataset, make_toy_scenes
from ssl4dp_mm.datasets.toy_scenes import CLASSES


def test_generation_is_seeded_and_well_formed(tmp_path):
    a = make_toy_scenes(str(tmp_path / 'a'), {'train': 6, 'val': 2}, seed=1)
    b = make_toy_scenes(str(tmp_path / 'b'), {'train': 6, 'val': 2}, seed=1)
    names = sorted(os.listdir(os.path.join(a, 'img_dir', 'train')))
    assert len(names) == 6
    counts = np.zeros(len(CLASSES), int)
    for name in names:
        img_a = cv2.imread(os.path.join(a, 'img_dir', 'train', name))
        img_b = cv2.imread(os.path.join(b, 'img_dir', 'train', name))
        lab = cv2.imread(os.path.join(a, 'ann_dir', 'train', name), cv2.IMREAD_UNCHANGED)
        assert img_a.shape == (96, 128, 3) and lab.shape == (96, 128)
        np.testing.assert_array_equal(img_a, img_b)
        assert lab.max() < len(CLASSES)
        assert len(np.unique(lab)) >= 2, 'several objects per image'
        counts += np.bincount(lab.ravel(), minlength=len(CLASSES)) > 0
    assert (counts > 0).sum() >= 4, 'most classes appear in a handful of images'
    c = make_toy_scenes(str(tmp_path / 'c'), {'train': 6, 'val': 2}, seed=2)
    assert not np.array_equal(cv2.imread(os.path.join(a, 'img_dir', 'train', names[0])),
                              cv2.imread(os.path.join(c, 'img_dir', 'train', names[0])))


def test_classes_differ_in_texture_not_only_colour(toy_root):
    """Per-class colour means overlap, but local variance (texture) differs."""
    init_default_scope('mmseg')
    ds = ToyScenesDataset(data_root=toy_root, data_prefix=dict(
        img_path='img_dir/train', seg_map_path='ann_dir/train'), pipeline=[])
    assert len(ds) == 16 and ds.metainfo['classes'] == CLASSES
    grads = {c: [] for c in range(len(CLASSES))}
    for info in ds:
        img = cv2.imread(info['img_path']).astype(np.float32).mean(-1)
        lab = cv2.imread(info['seg_map_path'], cv2.IMREAD_UNCHANGED)
        g = np.abs(np.diff(img, axis=1))[:-1, :] + np.abs(np.diff(img, axis=0))[:, :-1]  # 95x127
        inner = cv2.erode((lab[:-1, :-1, None] == np.arange(len(CLASSES))).astype(np.uint8),
                          np.ones((5, 5), np.uint8))
        for c in range(len(CLASSES)):
            grads[c] += list(g[inner[..., c] > 0])
    mean_grad = {c: np.mean(v) for c, v in grads.items() if len(v) > 100}
    assert mean_grad[5] < mean_grad[4], 'smooth regions are flatter than grain'


def test_image_folder_reads_any_folder_and_fails_clearly(tmp_path, toy_root):
    ds = ImageFolder(data_root=toy_root, data_prefix=dict(img_path='img_dir'))
    assert len(ds) == 20  # train + val images, labels ignored
    empty = tmp_path / 'empty'
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match='no images .* found under .*empty'):
        ImageFolder(data_root=str(empty))
    with pytest.raises(FileNotFoundError, match='does not exist'):
        ImageFolder(data_root=str(tmp_path / 'missing'))
