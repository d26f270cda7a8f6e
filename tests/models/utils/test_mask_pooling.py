"""Masks at the feature stride (average pool + arg-max) and mask pooling, against direct loops."""
import numpy as np
import pytest
import torch

from ssl4dp_mm.models.utils.mask_pooling import (downsample_mask_ids, mask_pool, pool_regions,
                                                 stack_region_fields)


def reference_downsample(mask: np.ndarray, h: int, w: int) -> np.ndarray:
    """DetCon's rule by hand: count the ids of each cell's pixels, take the most frequent (the
    smallest on a tie), -1 when the cell has no pixel with an id."""
    height, width = mask.shape
    out = np.full((h, w), -1)
    for i in range(h):
        for j in range(w):
            counts = {}
            for y in range(height):
                for x in range(width):
                    if y * h // height == i and x * w // width == j and mask[y, x] >= 0:
                        counts[mask[y, x]] = counts.get(mask[y, x], 0) + 1
            if counts:
                best = max(counts.values())
                out[i, j] = min(k for k, v in counts.items() if v == best)
    return out


@pytest.mark.parametrize('shape,size', [((16, 24), (2, 3)), ((12, 10), (4, 3)), ((9, 7), (3, 3))])
def test_downsample_matches_loop(shape, size):
    rng = np.random.default_rng(0)
    masks = rng.integers(-1, 4, size=(3, ) + shape)  # ids 0..3 and unlabelled pixels
    masks[2] = -1  # an image without any region
    masks[1, :shape[0] // 2] = 2  # a large region, so majorities differ from ties
    out = downsample_mask_ids(torch.from_numpy(masks), size)
    assert out.shape == (3, ) + size and out.dtype == torch.long
    for n in range(3):
        np.testing.assert_array_equal(out[n].numpy(), reference_downsample(masks[n], *size))


def test_downsample_is_avgpool_argmax_for_blocks():
    """With stride-multiple sizes it is exactly one-hot -> avg_pool2d -> argmax (the reference)."""
    rng = np.random.default_rng(1)
    masks = torch.from_numpy(rng.integers(0, 5, size=(2, 16, 16)))
    onehot = torch.nn.functional.one_hot(masks, 5).permute(0, 3, 1, 2).float()  # Nx5xHxW
    pooled = torch.nn.functional.avg_pool2d(onehot, 4)  # Nx5x4x4
    torch.testing.assert_close(downsample_mask_ids(masks, (4, 4)), pooled.argmax(dim=1))


def test_mask_pool_matches_loop():
    torch.manual_seed(0)
    feats = torch.randn(2, 5, 3, 4)
    id_map = torch.tensor([[[0, 0, 1, 1], [0, 2, 2, 1], [-1, 2, 2, 2]],
                           [[3, 3, 3, 3], [3, 3, 3, 3], [3, 3, 0, 0]]])
    ids = torch.tensor([[0, 2, 1, 7, 0], [3, 0, -1, 1, 3]])  # 7 and 1 absent, -1 never a region
    pooled, area = mask_pool(feats, id_map, ids)
    for n in range(2):
        for m in range(5):
            cells = [(i, j) for i in range(3) for j in range(4)
                     if id_map[n, i, j] == ids[n, m] and ids[n, m] >= 0]
            assert area[n, m] == len(cells)
            expected = (torch.stack([feats[n, :, i, j] for i, j in cells]).mean(0)
                        if cells else torch.zeros(5))
            torch.testing.assert_close(pooled[n, m], expected)


def test_pool_regions_and_bad_inputs():
    feats = torch.randn(1, 2, 2, 2)
    masks = torch.tensor([[[0] * 4, [0] * 4, [1, 1, 5, 5], [1, 1, 5, 5]]])  # 4x4 pixels
    pooled, valid = pool_regions(feats, masks, torch.tensor([[1, 5, 0, 9]]))
    assert valid.tolist() == [[True, True, True, False]]
    torch.testing.assert_close(pooled[0, 0], feats[0, :, 1, 0])
    with pytest.raises(ValueError, match='does not match'):
        mask_pool(feats, torch.zeros(1, 3, 3, dtype=torch.long),
                  torch.zeros(1, 1, dtype=torch.long))
    with pytest.raises(ValueError, match='NxHxW'):
        downsample_mask_ids(torch.zeros(4, 4, dtype=torch.long), (2, 2))
    from mmselfsup.structures import SelfSupDataSample
    with pytest.raises(KeyError, match="'masks'"):
        stack_region_fields([SelfSupDataSample()])
