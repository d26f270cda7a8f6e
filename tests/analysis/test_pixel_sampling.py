"""Class-balanced pixel sampling and the labelled-image reader."""
import os

import cv2
import numpy as np
import pytest

from ssl4dp_mm.analysis.pixel_sampling import sample_pixels
from ssl4dp_mm.features.labelled_images import find_labelled_images


def _maps(seed=0):
    """Three 20x30 label maps: classes 0-2 everywhere, class 3 rare (5 pixels), some 255."""
    rng = np.random.default_rng(seed)
    maps = [rng.integers(0, 3, (20, 30)) for _ in range(3)]
    maps[0][:4] = 255
    maps[1][0, :5] = 3
    return maps


def test_balanced_exact_and_seeded():
    maps = _maps()
    s = sample_pixels(lambda i: maps[i], 3, num_classes=5, num_per_class=40, seed=1)
    # independent count of what is available, by a loop over pixels
    avail = np.zeros(5, int)
    for m in maps:
        for v in m.ravel():
            if v != 255:
                avail[v] += 1
    assert s.class_counts.tolist() == avail.tolist()
    got = np.bincount(s.labels, minlength=5)
    assert got.tolist() == [40, 40, 40, 5, 0]  # the rare class whole, the absent one not at all
    # every sampled pixel really has its label, none is the ignore label, none is drawn twice
    for i, (y, x), c in zip(s.image_index, s.yx, s.labels):
        assert maps[i][y, x] == c != 255
    keys = set(zip(s.image_index.tolist(), s.yx[:, 0].tolist(), s.yx[:, 1].tolist()))
    assert len(keys) == len(s)
    assert np.all(np.diff(s.image_index) >= 0)
    again = sample_pixels(lambda i: maps[i], 3, 5, 40, seed=1)
    other = sample_pixels(lambda i: maps[i], 3, 5, 40, seed=2)
    assert np.array_equal(again.yx, s.yx) and np.array_equal(again.image_index, s.image_index)
    assert not np.array_equal(other.yx, s.yx)


def test_uniform_over_images():
    """A uniform draw over the pooled pixels takes each image's share in proportion to its count."""
    a = np.zeros((10, 10), np.int64)
    a[:, :9] = 1  # image 0: 10 pixels of class 0
    b = np.zeros((10, 10), np.int64)
    b[:, :7] = 1  # image 1: 30 pixels of class 0
    maps = [a, b]
    share = []
    for seed in range(300):
        s = sample_pixels(lambda i: maps[i], 2, 2, 20, seed=seed)
        share.append(np.mean(s.image_index[s.labels == 0] == 0))
    assert abs(np.mean(share) - 10 / 40) < 0.02


def test_errors(tmp_path):
    with pytest.raises(ValueError, match='num_per_class'):
        sample_pixels(lambda i: np.zeros((2, 2), np.int64), 1, 2, 0)
    with pytest.raises(ValueError, match='no labelled pixel'):
        sample_pixels(lambda i: np.full((2, 2), 255), 1, 2, 5)
    for sub in ('img_dir/val', 'ann_dir/val'):
        os.makedirs(tmp_path / sub)
    cv2.imwrite(str(tmp_path / 'img_dir/val/a.png'), np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(FileNotFoundError, match='has no label map'):
        find_labelled_images(str(tmp_path), 'val')
    cv2.imwrite(str(tmp_path / 'ann_dir/val/a.png'), np.full((4, 4), 7, np.uint8))
    images = find_labelled_images(str(tmp_path), 'val')
    assert images.class_names[0] == 'background' and len(images) == 1
    with pytest.raises(ValueError, match=r"a\.png.*value 7"):
        images.read_label(0)
    with pytest.raises(FileNotFoundError, match='img_dir'):
        find_labelled_images(str(tmp_path), 'train')
    with pytest.raises(KeyError, match='NoSuchDataset'):
        find_labelled_images(str(tmp_path), 'val', dataset_type='NoSuchDataset')
