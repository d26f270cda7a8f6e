"""Views that remember their crop/flip: matched cells map to the same original-image pixels."""
import numpy as np
import pytest
import torch

from ssl4dp_mm.datasets.transforms import (MultiViewWithCoord, PackDenseSSLInputs,
                                           RandomFlipWithCoord, RandomResizedCropWithCoord)
from ssl4dp_mm.datasets.transforms.coord_box import crop_coord_box, flip_coord_box
from ssl4dp_mm.models.utils import cell_centers, match_cells


def coordinate_image(h=120, w=160):
    """An image whose pixel (y, x) stores (x, y, 0): every view pixel tells where it came from."""
    yy, xx = np.mgrid[0:h, 0:w]
    return np.stack([xx, yy, np.zeros_like(xx)], -1).astype(np.float32)


def make_view(img, crop, size, flip):
    crop_t = RandomResizedCropWithCoord(size=size)
    results = crop_t.apply_crop(dict(img=img.copy()), crop)
    if flip:
        results = RandomFlipWithCoord(prob=1.0)(results)
    return results


def test_box_maps_view_pixels_back_to_the_original():
    img = coordinate_image()
    for flip in (False, True):
        view = make_view(img, (30, 20, 110, 100), (40, 40), flip)  # 80x80 crop -> 40x40: 2 px/px
        box = view['coord_box']
        # the view's pixel (v, u) centre maps to original x = x_l + (u + .5) / W * (x_r - x_l)
        h, w = view['img'].shape[:2]
        for v, u in [(0, 0), (10, 33), (39, 39)]:
            x = box[0] + (u + .5) / w * (box[2] - box[0])
            y = box[1] + (v + .5) / h * (box[3] - box[1])
            # nearest-free check: the stored original coordinate at that view pixel is within 1 px
            assert abs(view['img'][v, u, 0] - (x - .5)) <= 1.0
            assert abs(view['img'][v, u, 1] - (y - .5)) <= 1.0
        assert (box[0] > box[2]) == flip


def test_crop_of_a_flipped_view_composes():
    box = np.array([0, 0, 100, 50], np.float32)
    flipped = flip_coord_box(box, 'horizontal')  # [100, 0, 0, 50]
    # the left 10 px of the flipped view are the right 10 px of the original
    np.testing.assert_allclose(crop_coord_box(flipped, (0, 0, 10, 50), (50, 100)),
                               [100, 0, 90, 50])


@pytest.mark.parametrize('flip_q,flip_k', [(False, False), (True, False), (False, True),
                                           (True, True)])
def test_matched_cells_lie_within_half_a_cell(flip_q, flip_k):
    img = coordinate_image()
    vq = make_view(img, (10, 10, 110, 90), (64, 64), flip_q)
    vk = make_view(img, (40, 30, 150, 115), (48, 48), flip_k)
    box_q = torch.from_numpy(vq['coord_box'])[None]
    box_k = torch.from_numpy(vk['coord_box'])[None]
    size_q, size_k = (8, 8), (6, 6)
    index, valid = match_cells(box_q, box_k, size_q, size_k)
    cq = cell_centers(box_q, *size_q)[0]
    ck = cell_centers(box_k, *size_k)[0]
    key_cell = torch.tensor([110 / 6, 85 / 6])  # key cell width, height in original pixels
    inside = ((cq[:, 0] >= 40) & (cq[:, 0] <= 150) & (cq[:, 1] >= 30) & (cq[:, 1] <= 115))
    assert valid[0][inside].all(), 'a query cell inside the key view must find a positive'
    delta = (cq[valid[0]] - ck[index[0][valid[0]]]).abs()
    inside_valid = inside[valid[0]]
    assert (delta[inside_valid] <= key_cell / 2 + 1e-4).all()

    # independent check with the pixels themselves: sample the coordinate image of each view at the
    # matched cell centres; they must show the same original pixel within half a key cell
    def sample(view, h, w, cells):
        ih, iw = view['img'].shape[:2]
        i, j = cells // w, cells % w
        v = ((i.float() + .5) / h * ih).long().clamp(max=ih - 1)
        u = ((j.float() + .5) / w * iw).long().clamp(max=iw - 1)
        return torch.from_numpy(view['img'][v.numpy(), u.numpy(), :2])
    q_cells = torch.nonzero(valid[0] & inside).flatten()
    px_q = sample(vq, *size_q, q_cells)
    px_k = sample(vk, *size_k, index[0][q_cells])
    assert ((px_q - px_k).abs() <= key_cell / 2 + 2.0).all()  # +2: pixel quantisation of the views
    assert valid[0].sum() > 0 and (~valid[0]).sum() > 0


def test_barely_overlapping_views_have_no_positives():
    box_q = torch.tensor([[0., 0., 50., 50.]])
    box_k = torch.tensor([[49., 49., 99., 99.]])  # 1x1 pixel of overlap
    _, valid = match_cells(box_q, box_k, (7, 7), (7, 7))
    assert valid.sum() == 0


def test_multi_view_pipeline_keeps_boxes_and_masks():
    img = coordinate_image()
    label = (np.arange(160)[None].repeat(120, 0) // 40).astype(np.uint8)  # 4 vertical bands
    view = [dict(type='RandomResizedCropWithCoord', size=32, scale=(0.3, 1.)),
            dict(type='RandomFlipWithCoord', prob=0.5)]
    mv = MultiViewWithCoord(transforms=[view], num_views=2)
    np.random.seed(3)
    out = mv(dict(img=img, gt_seg_map=label, seg_fields=['gt_seg_map']))
    assert out['coord_box'].shape == (2, 4) and len(out['img']) == 2
    for v in range(2):
        # the moved label map agrees with the band of the original x stored in the image
        # (nearest vs bilinear resampling may differ by a pixel at band edges: compare away
        # from them)
        x = out['img'][v][..., 0]
        expected = np.clip(np.round(x), 0, 159) // 40
        far_from_edge = np.abs((x + 20) % 40 - 20) > 2.5
        assert far_from_edge.mean() > 0.7
        np.testing.assert_array_equal(out['gt_seg_map'][v][far_from_edge], expected[far_from_edge])
    packed = PackDenseSSLInputs(field_keys=['coord_box', 'gt_seg_map'], meta_keys=[])(out)
    assert packed['data_samples'].coord_box.shape == (2, 4)
    assert packed['data_samples'].gt_seg_map.shape == (2, 32, 32)
    assert packed['data_samples'].gt_seg_map.dtype == torch.long


def test_missing_keys_are_clear_errors():
    with pytest.raises(KeyError, match='coord_box'):
        MultiViewWithCoord(transforms=[[]], num_views=1)(dict(img=coordinate_image()))
    mv = MultiViewWithCoord(transforms=[[dict(type='RandomFlipWithCoord', prob=0.0)]], num_views=1)
    out = mv(dict(img=coordinate_image()))  # a flip also initialises the box
    assert out['coord_box'].shape == (1, 4)
    with pytest.raises(KeyError, match='superpixel'):
        PackDenseSSLInputs(field_keys=['superpixel'], meta_keys=[])(out)
