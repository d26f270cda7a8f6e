"""Region masks: computed once per image, they stay on their pixels through every view."""
import os

import cv2
import numpy as np
import pytest
import torch
from mmselfsup.registry import TRANSFORMS

from ssl4dp_mm.datasets.transforms import mask_cache

COLOURS = np.array([[200, 30, 30], [30, 200, 30], [30, 30, 200], [220, 220, 40], [40, 220, 220],
                    [150, 60, 200]], dtype=np.uint8)


def flat_colour_image():
    """A 96x128 image of six flat-coloured regions and the region index of every pixel."""
    label = np.zeros((96, 128), np.uint8)
    label[:, 64:] = 1
    label[50:, :40] = 2
    cv2.ellipse(label, (90, 40), (22, 14), 0, 0, 360, 3, -1)
    label[70:90, 60:110] = 4
    label[5:25, 5:30] = 5
    return COLOURS[label][..., ::-1].copy(), label  # BGR, as LoadImageFromFile gives


def colour_index(img_bgr: np.ndarray) -> np.ndarray:
    """The index in COLOURS of every pixel (fails on a colour that is not one of them)."""
    match = (img_bgr[..., ::-1][:, :, None, :] == COLOURS[None, None]).all(-1)  # HxWx6
    assert match.any(-1).all(), 'a view pixel has a colour that is not in the image'
    return match.argmax(-1)


def views_pipeline():
    """Two views with different crops, output sizes (scales) and flips; nearest resizing keeps the
    colours flat, so the test sees every pixel exactly."""
    crop = dict(type='RandomResizedCropWithCoord', scale=(0.25, 1.0), interpolation='nearest')
    return TRANSFORMS.build(
        dict(type='MultiViewWithCoord', num_views=[1, 1], transforms=[
            [dict(crop, size=(48, 56)), dict(type='RandomFlipWithCoord', prob=1.0)],
            [dict(crop, size=(80, 72)), dict(type='RandomFlipWithCoord', prob=0.0)]]))


def gt_results(tmp_path):
    img, label = flat_colour_image()
    ann = tmp_path / 'root' / 'ann_dir' / 'train'
    ann.mkdir(parents=True)
    cv2.imwrite(str(ann / 'a.png'), label)
    return dict(img=img, img_path=str(tmp_path / 'root' / 'img_dir' / 'train' / 'a.jpg'))


MASKS = {
    'felzenszwalb': dict(type='FelzenszwalbMasks', scale=64, sigma=0, min_size=16),
    'slic': dict(type='SLICMasks', n_segments=40, compactness=10, sigma=0),
    'grid': dict(type='GridMasks', grid=4),
    'gt': dict(type='LoadGTMasks'),
}


@pytest.mark.parametrize('method', sorted(MASKS))
def test_every_mask_keeps_its_colours_in_every_view(method, tmp_path):
    img, label = flat_colour_image()
    results = gt_results(tmp_path) if method == 'gt' else dict(img=img)
    results = TRANSFORMS.build(MASKS[method])(results)
    full = results['masks']
    assert full.shape == label.shape and full.dtype == np.int32
    assert results['seg_fields'] == ['masks']
    # the colours each region covers in the whole image
    colours = {int(i): set(np.unique(label[full == i])) for i in np.unique(full)}
    if method in ('felzenszwalb', 'gt'):  # regions of flat colour: one colour per mask
        assert all(len(c) == 1 for c in colours.values()), colours
        assert len(colours) == (len(COLOURS) if method == 'gt' else len(np.unique(full)))
    pipeline = views_pipeline()
    for seed in range(8):
        np.random.seed(seed)
        out = pipeline(dict(results, seg_fields=['masks']))
        assert [m.shape for m in out['masks']] == [(48, 56), (80, 72)]
        boxes = out['coord_box']
        assert boxes[0, 0] > boxes[0, 2] and boxes[1, 0] < boxes[1, 2]  # view 1 flipped, view 2 not
        for view_img, view_mask in zip(out['img'], out['masks']):
            view_colour = colour_index(view_img)
            for i in np.unique(view_mask):
                got = set(np.unique(view_colour[view_mask == i]))
                assert got <= colours[int(i)], (method, seed, int(i), got, colours[int(i)])
                if method in ('felzenszwalb', 'gt'):
                    assert len(got) == 1


def test_grid_ids_and_bad_grid():
    out = TRANSFORMS.build(dict(type='GridMasks', grid=(2, 3), key='grid'))(
        dict(img=np.zeros((4, 6, 3), np.uint8), seg_fields=['gt_seg_map']))
    np.testing.assert_array_equal(out['grid'], [[0, 0, 1, 1, 2, 2]] * 2 + [[3, 3, 4, 4, 5, 5]] * 2)
    assert out['seg_fields'] == ['gt_seg_map', 'grid']
    with pytest.raises(ValueError, match='grid'):
        TRANSFORMS.build(dict(type='GridMasks', grid=0))


def test_gt_masks_ignore_and_errors(tmp_path):
    results = gt_results(tmp_path)
    ann_path = str(tmp_path / 'root' / 'ann_dir' / 'train' / 'a.png')
    label = cv2.imread(ann_path, cv2.IMREAD_UNCHANGED)
    label[:3] = 255
    cv2.imwrite(ann_path, label)
    out = TRANSFORMS.build(dict(type='LoadGTMasks'))(dict(results))
    assert out['seg_map_path'] == ann_path
    assert (out['masks'][:3] == -1).all() and out['masks'][3:].min() >= 0
    with pytest.raises(FileNotFoundError, match='b.png'):
        TRANSFORMS.build(dict(type='LoadGTMasks'))(dict(results, img_path=results['img_path'][:-5]
                                                        + 'b.jpg'))
    with pytest.raises(ValueError, match='img_dir'):
        TRANSFORMS.build(dict(type='LoadGTMasks'))(dict(results, img_path='/x/images/a.jpg'))


def sample(masks, **kwargs):
    t = TRANSFORMS.build(dict(type='SampleMaskIds', **kwargs))
    return t(dict(masks=[np.asarray(m, dtype=np.int32) for m in masks]))['mask_ids']


def test_sample_many_regions_shared_without_replacement():
    np.random.seed(0)
    grid = (np.arange(16)[:, None] // 2 * 8 + np.arange(16)[None, :] // 2)  # 64 regions of 2x2
    shifted = np.where(grid < 40, grid, -1)  # the second view lacks regions 40..63
    ids = sample([grid, shifted], num_masks=16, feat_stride=None)
    assert ids.shape == (2, 16) and ids.dtype == np.int64
    assert (ids[0] == ids[1]).all() and len(set(ids[0])) == 16 and ids.max() < 40


def test_sample_few_regions_fills_with_replacement():
    np.random.seed(0)
    mask = np.zeros((16, 16), int)
    mask[:, 8:] = 3
    ids = sample([mask, mask], num_masks=16, feat_stride=8)
    assert sorted(set(ids[0])) == [0, 3] and (ids[0] == ids[1]).all()


def test_sample_presence_at_feature_stride():
    """A region that owns no 8x8 block (majority) is absent at stride 8, present at stride None."""
    mask = np.zeros((16, 16), int)
    mask[0:3, 0:3] = 1  # 9 of 64 pixels of its block
    for seed in range(5):
        np.random.seed(seed)
        assert set(sample([mask, mask], num_masks=4, feat_stride=8).ravel()) == {0}
    assert set(sample([mask, mask], num_masks=4, feat_stride=None).ravel()) == {0, 1}


def test_sample_per_view_no_common_and_empty_views():
    np.random.seed(0)
    a = np.zeros((8, 8), int)
    b = np.full((8, 8), 5)
    assert set(sample([a, b], num_masks=3, feat_stride=None)[1]) == {5}  # nothing shared
    c = np.concatenate([np.zeros((4, 8), int), np.ones((4, 8), int)])
    d = np.concatenate([np.ones((4, 8), int), np.full((4, 8), 2)])
    ids = sample([c, d], num_masks=8, feat_stride=None, per_view=True)
    assert set(ids[0]) == {0, 1} and set(ids[1]) == {1, 2}
    ids = sample([np.full((8, 8), -1), c], num_masks=4, feat_stride=None)
    assert (ids[0] == -1).all() and set(ids[1]) <= {0, 1}
    with pytest.raises(KeyError, match='per-view list'):
        TRANSFORMS.build(dict(type='SampleMaskIds'))(dict(masks=a))


def test_pack_masks_and_ids():
    img, _ = flat_colour_image()
    crop = dict(type='RandomResizedCropWithCoord', size=32)
    results = TRANSFORMS.build(dict(type='MultiViewWithCoord', num_views=2, transforms=[[crop]]))(
        TRANSFORMS.build(MASKS['grid'])(dict(img=img)))
    results = TRANSFORMS.build(dict(type='SampleMaskIds', num_masks=16, feat_stride=8))(results)
    packed = TRANSFORMS.build(dict(type='PackDenseSSLInputs',
                                   field_keys=['coord_box', 'masks', 'mask_ids'],
                                   meta_keys=[]))(results)
    ds = packed['data_samples']
    assert ds.masks.shape == (2, 32, 32) and ds.masks.dtype == torch.long
    assert ds.mask_ids.shape == (2, 16) and ds.mask_ids.dtype == torch.long


def test_cache_round_trip(tmp_path):
    img, _ = flat_colour_image()
    img_path = str(tmp_path / 'data' / 'img_dir' / 'a.png')
    cfg = dict(MASKS['felzenszwalb'], cache_dir=str(tmp_path / 'cache'),
               img_root=str(tmp_path / 'data'))
    t = TRANSFORMS.build(cfg)
    path = t.cache_file(img_path)
    assert path == str(tmp_path / 'cache' / 'felzenszwalb_min_size16_scale64_sigma0'
                       / 'img_dir' / 'a.png')
    computed = t(dict(img=img, img_path=img_path))['masks']  # no cache file yet: computed
    np.testing.assert_array_equal(mask_cache.load_mask(path, img.shape[:2]), computed)  # written
    reader = TRANSFORMS.build(dict(cfg, write_cache=False))
    os.remove(path)
    np.testing.assert_array_equal(reader(dict(img=img, img_path=img_path))['masks'], computed)
    assert not os.path.exists(path)  # write_cache=False only reads
    # the transform reads the file when present: prove it by caching a different mask
    marked = computed.copy()
    marked[0, 0] = 77
    mask_cache.save_mask(path, marked)
    np.testing.assert_array_equal(t(dict(img=img, img_path=img_path))['masks'], marked)
    # other parameters, other folder
    assert TRANSFORMS.build(dict(cfg, scale=65)).cache_file(img_path) != path
    # corrupt and mis-sized files are named in the error
    with open(path, 'wb') as f:
        f.write(b'not a png')
    with pytest.raises(OSError, match='a.png.*corrupt'):
        t(dict(img=img, img_path=img_path))
    mask_cache.save_mask(path, computed[:10])
    with pytest.raises(ValueError, match='a.png.*10x128'):
        t(dict(img=img, img_path=img_path))
    with pytest.raises(ValueError, match='not under img_root'):
        t.cache_file(str(tmp_path / 'elsewhere' / 'b.png'))
    with pytest.raises(ValueError, match='0..65535'):
        mask_cache.save_mask(str(tmp_path / 'x.png'), np.full((2, 2), 70000))
    # without img_root the absolute path is mirrored
    plain = TRANSFORMS.build(dict(cfg, img_root=None)).cache_file(img_path)
    assert plain.endswith(os.path.abspath(img_path).lstrip(os.sep)[:-4] + '.png')
