"""PatchRotation: rotated patches of a known image, the per-pixel angle map, and the pipeline."""
import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from mmselfsup.registry import TRANSFORMS

from ssl4dp_mm.datasets.transforms import PatchRotation
from tests.conftest import load_config

CFG = 'selfsup/plr/plr_r18-d8-mocofcn_1xb8-300i_toyscenes.py'


def known_image(h=40, w=36):
    """Distinct values at every pixel, so every rotation of every patch is distinguishable."""
    return np.arange(h * w * 3, dtype=np.int64).reshape(h, w, 3) % 251


def test_each_patch_is_turned_by_the_angle_set_and_labelled_with_it():
    img = known_image()
    gt = np.arange(40 * 36, dtype=np.int64).reshape(40, 36)  # a label map in seg_fields
    angles = np.array([[0, 1], [2, 3]])
    t = PatchRotation(patch_size=16)
    out = t.apply(dict(img=img.copy(), gt=gt.copy(), seg_fields=['gt']), angles)
    label = out['rot_label']
    assert out['seg_fields'] == ['gt', 'rot_label'] and label.shape == (40, 36)
    for i in range(2):
        for j in range(2):
            rows, cols = slice(16 * i, 16 * i + 16), slice(16 * j, 16 * j + 16)
            patch, orig = out['img'][rows, cols], img[rows, cols]
            # the one k in 0..3 with rot90(orig, k) == patch is the angle set, and the label map
            found = [k for k in range(4) if np.array_equal(np.rot90(orig, k), patch)]
            assert found == [angles[i, j]]
            assert (label[rows, cols] == angles[i, j]).all()
            assert np.array_equal(out['gt'][rows, cols], np.rot90(gt[rows, cols], angles[i, j]))
    # the border that fills no whole patch is untouched and ignored
    assert (label[32:] == 255).all() and (label[:, 32:] == 255).all()
    assert np.array_equal(out['img'][32:], img[32:])
    assert np.array_equal(out['img'][:, 32:], img[:, 32:])


def test_ninety_degrees_is_counter_clockwise():
    img = np.zeros((4, 4, 1), dtype=np.uint8)
    img[0, 3] = 9  # top-right corner
    out = PatchRotation(patch_size=4).apply(dict(img=img), np.array([[1]]))
    assert out['img'][0, 0, 0] == 9  # turned 90 degrees counter-clockwise: now top-left
    assert out['img'].sum() == 9


def test_random_angles_cover_all_four_and_the_map_agrees():
    np.random.seed(0)
    t = PatchRotation(patch_size=4)
    out = t(dict(img=known_image(32, 32)))
    grid = out['patch_angles']
    assert grid.shape == (8, 8) and set(np.unique(grid)) == {0, 1, 2, 3}
    assert np.array_equal(out['rot_label'], np.kron(grid, np.ones((4, 4), dtype=grid.dtype)))


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match='patch_size'):
        PatchRotation(patch_size=0)
    with pytest.raises(ValueError, match='smaller than patch_size'):
        PatchRotation(patch_size=16)(dict(img=known_image(8, 40)))
    with pytest.raises(ValueError, match='grid'):
        PatchRotation(patch_size=16).apply(dict(img=known_image(32, 32)), np.zeros((1, 2), int))


def test_pipeline_of_the_config_packs_the_angle_map(toy_root):
    init_default_scope('mmselfsup')
    cfg = load_config(CFG, toy_root)
    pipeline = [TRANSFORMS.build(t) for t in cfg.train_dataloader.dataset.pipeline]
    assert any(isinstance(t, PatchRotation) for t in pipeline)
    import glob
    path = sorted(glob.glob(f'{toy_root}/img_dir/train/*'))[0]
    results = dict(img_path=path)
    for t in pipeline:
        results = t(results)
    label = results['data_samples'].rot_label
    assert results['inputs'][0].shape == (3, 64, 64)
    assert label.shape == (64, 64) and label.dtype == torch.long
    assert set(label.unique().tolist()) <= {0, 1, 2, 3}
