"""Pick a fixed number of region ids per image, as DetCon does, for the region-level losses."""
from typing import List, Optional

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmselfsup.registry import TRANSFORMS

from ...models.utils.mask_pooling import downsample_mask_ids


@TRANSFORMS.register_module()
class SampleMaskIds(BaseTransform):
    """Sample ``num_masks`` region ids per image from the per-view masks of ``MultiViewWithCoord``.

    A region counts as present in a view when it owns at least one cell of the view's feature map,
    found as the model finds it (``downsample_mask_ids``: stride x stride blocks, majority id), or
    at least one pixel when ``feat_stride`` is None. By default (``per_view=False``) the ids are
    drawn once per image from the regions present in *every* view, so the same index in both views
    is a positive pair; if the views share no region, each view draws from its own (no
    positives). With ``per_view=True`` each view draws from its own regions, as deepmind's
    ``detcon_b.py`` (``sample_masks``) does, and positives are the ids both draws hit.

    With K present regions, ``K >= num_masks`` draws without replacement; ``K < num_masks`` takes
    all K and fills up with draws with replacement (DetCon draws every id independently; this keeps
    every region when there are few, and none twice when there are many). A view without any region
    gets ids ``-1``. Losses count a sampled region only where it is present in both views.

    Required keys: ``key`` (list of per-view HxW maps). Added keys: ``out_key`` (V x num_masks,
    int64).

    Args:
        num_masks (int): Ids per image (per view). Defaults to 16.
        feat_stride (int, optional): Output stride of the model's feature map. Defaults to 8.
        per_view (bool): Sample each view on its own, as the reference code. Defaults to False.
        key (str): Results key of the per-view masks. Defaults to 'masks'.
        out_key (str): Results key of the sampled ids. Defaults to 'mask_ids'.
    """

    def __init__(self,
                 num_masks: int = 16,
                 feat_stride: Optional[int] = 8,
                 per_view: bool = False,
                 key: str = 'masks',
                 out_key: str = 'mask_ids') -> None:
        assert num_masks >= 1 and (feat_stride is None or feat_stride >= 1)
        self.num_masks = num_masks
        self.feat_stride = feat_stride
        self.per_view = per_view
        self.key = key
        self.out_key = out_key

    def present_ids(self, mask: np.ndarray) -> np.ndarray:
        """The ids (>= 0) that own a feature cell (or a pixel) of one view's mask."""
        if self.feat_stride is not None:
            h, w = mask.shape
            size = (max(h // self.feat_stride, 1), max(w // self.feat_stride, 1))
            mask = downsample_mask_ids(torch.from_numpy(mask[None].astype(np.int64)), size)
            mask = mask.numpy()
        ids = np.unique(mask)
        return ids[ids >= 0]

    def draw(self, ids: np.ndarray) -> np.ndarray:
        """``num_masks`` of ``ids`` (see the class docstring)."""
        if ids.size == 0:
            return np.full(self.num_masks, -1, dtype=np.int64)
        if ids.size >= self.num_masks:
            return np.random.choice(ids, self.num_masks, replace=False).astype(np.int64)
        extra = np.random.choice(ids, self.num_masks - ids.size, replace=True)
        return np.random.permutation(np.concatenate([ids, extra])).astype(np.int64)

    def transform(self, results: dict) -> dict:
        masks = results.get(self.key)
        if not isinstance(masks, (list, tuple)):
            raise KeyError(f'SampleMaskIds: {self.key!r} must be the per-view list of masks that '
                           'MultiViewWithCoord returns (put a mask transform before the views '
                           'and SampleMaskIds after them)')
        present: List[np.ndarray] = [self.present_ids(np.asarray(m)) for m in masks]
        common = present[0]
        for ids in present[1:]:
            common = np.intersect1d(common, ids)
        if self.per_view or common.size == 0:
            sampled = [self.draw(ids) for ids in present]
        else:
            sampled = [self.draw(common)] * len(masks)
        results[self.out_key] = np.stack(sampled)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(num_masks={self.num_masks}, '
                f'feat_stride={self.feat_stride}, per_view={self.per_view}, key={self.key!r})')
