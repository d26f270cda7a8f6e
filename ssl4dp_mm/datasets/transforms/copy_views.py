"""Repeat the views of ``MultiViewWithCoord``: one augmentation per image, seen twice."""
import copy

import numpy as np
from mmcv.transforms import BaseTransform
from mmselfsup.registry import TRANSFORMS


@TRANSFORMS.register_module()
class CopyViews(BaseTransform):
    """Turn the V views of ``MultiViewWithCoord`` into ``V * num_copies`` by repeating each one.

    The DetCon review's "positives from a single view" ablation: with ``MultiViewWithCoord(
    num_views=1)`` and ``CopyViews(num_copies=2)`` a two-view method sees one augmentation of each
    image twice, so a mask's positive is the same mask in the same view (DetCon-S: the same vector;
    DetCon-B: the target network's projection of the same view) and only the other masks push.

    Required keys: ``img`` (list), ``coord_box`` (Vx4) and the per-view lists of ``seg_fields``.
    Modified keys: the same, V -> V * num_copies (views of one copy are deep copies).

    Args:
        num_copies (int): Copies of every view. Defaults to 2.
    """

    def __init__(self, num_copies: int = 2) -> None:
        if num_copies < 1:
            raise ValueError(f'CopyViews: num_copies must be >= 1, got {num_copies}')
        self.num_copies = num_copies

    def transform(self, results: dict) -> dict:
        if not isinstance(results.get('img'), list) or 'coord_box' not in results:
            raise KeyError('CopyViews goes after MultiViewWithCoord (it needs the per-view img '
                           'list and coord_box)')

        def repeat(views: list) -> list:
            return [copy.deepcopy(v) for _ in range(self.num_copies) for v in views]

        results['img'] = repeat(results['img'])
        results['coord_box'] = np.concatenate([results['coord_box']] * self.num_copies)
        for key in results.get('seg_fields', []):
            results[key] = repeat(results[key])
        if 'img_shape' in results:
            results['img_shape'] = list(results['img_shape']) * self.num_copies
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(num_copies={self.num_copies})'
