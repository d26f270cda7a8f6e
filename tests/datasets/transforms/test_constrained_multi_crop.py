"""ConstrainedMultiCrop: each small crop lies inside the key crop, in original-image coordinates."""
import numpy as np
import pytest
from mmengine.registry import DefaultScope
from mmselfsup.registry import TRANSFORMS


def coordinate_image(h, w):
    """An image whose channel 0 is the pixel's x and channel 1 its y (both < 256)."""
    yy, xx = np.mgrid[0:h, 0:w]
    return np.stack([xx, yy, np.zeros_like(xx)], -1).astype(np.uint8)


def as_region(box):
    """coord_box [x_l, y_t, x_r, y_b] (flips swap) -> x0 <= x1, y0 <= y1."""
    return min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])


def build(**kwargs):
    cfg = dict(type='ConstrainedMultiCrop', large_size=32, small_size=16,
               transforms=[[dict(type='RandomFlipWithCoord', prob=0.5)]])
    cfg.update(kwargs)
    with DefaultScope.overwrite_default_scope('mmselfsup'):
        return TRANSFORMS.build(cfg)


def test_small_crops_lie_inside_the_key_crop_for_many_draws():
    np.random.seed(0)
    transform = build()  # the reference setting: 2 large at 0.2-1, 4 small at 0.05-0.14
    eps = 1e-3
    for draw in range(300):
        h, w = np.random.randint(40, 200), np.random.randint(40, 250)
        out = transform(dict(img=coordinate_image(h, w)))
        boxes = out['coord_box']
        assert boxes.shape == (6, 4) and len(out['img']) == 6
        assert [im.shape[:2] for im in out['img']] == [(32, 32)] * 2 + [(16, 16)] * 4
        kx0, ky0, kx1, ky1 = as_region(boxes[1])  # the key: the last large crop
        for i, box in enumerate(boxes):
            x0, y0, x1, y1 = as_region(box)
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h, (draw, i, box)
            if i >= 2:
                inside = kx0 - eps <= x0 and x1 <= kx1 + eps and ky0 - eps <= y0 and y1 <= ky1 + eps
                assert inside, (draw, i, box, boxes[1])
                area = (x1 - x0) * (y1 - y0) / (h * w)
                assert area <= 0.14 * 1.3 + 4 / min(h, w), (draw, i, area)  # rounding slack
                # the pixels themselves come from inside the key crop (pixel x covers [x, x+1))
                img = out['img'][i].astype(float)
                assert img[..., 0].min() >= kx0 and img[..., 0].max() <= kx1 - 1
                assert img[..., 1].min() >= ky0 and img[..., 1].max() <= ky1 - 1


def test_constrain_to_another_large_crop_and_tiny_large_crops():
    np.random.seed(1)
    # large crops of at most 5% of the image cannot hold a 10% small crop: the fallback shrinks it
    transform = build(num_large=3, num_small=5, constrain_to=0, large_scale=(0.01, 0.05),
                      small_scale=(0.1, 0.2))
    for _ in range(100):
        out = transform(dict(img=coordinate_image(60, 80)))
        kx0, ky0, kx1, ky1 = as_region(out['coord_box'][0])
        for box in out['coord_box'][3:]:
            x0, y0, x1, y1 = as_region(box)
            assert kx0 <= x0 < x1 <= kx1 and ky0 <= y0 < y1 <= ky1


def test_seg_fields_and_view_groups():
    np.random.seed(2)
    transform = build(transforms=[[], [dict(type='RandomFlipWithCoord', prob=1.0)]],
                      num_views=[2, 4])
    img = coordinate_image(50, 70)
    out = transform(dict(img=img, gt_seg_map=img[..., 0].copy(), seg_fields=['gt_seg_map']))
    assert len(out['gt_seg_map']) == 6
    for view, seg, box in zip(out['img'], out['gt_seg_map'], out['coord_box']):
        assert seg.shape == view.shape[:2]
        assert seg.min() >= min(box[0], box[2]) - 1 and seg.max() <= max(box[0], box[2])
    assert all(box[0] > box[2] for box in out['coord_box'][2:])  # the second group always flips


def test_bad_arguments():
    with pytest.raises(ValueError, match='sum'):
        build(transforms=[[], []], num_views=[1, 1])
    with pytest.raises(ValueError, match='constrain_to'):
        build(constrain_to=2)
