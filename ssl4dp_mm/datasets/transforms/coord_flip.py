"""Random flip that records the flip in ``coord_box``."""
import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmselfsup.registry import TRANSFORMS

from .coord_box import flip_coord_box, get_coord_box


@TRANSFORMS.register_module()
class RandomFlipWithCoord(BaseTransform):
    """Flip the image, its ``seg_fields`` and its ``coord_box`` with probability ``prob``.

    Required keys: ``img``. Modified keys: ``img``, ``coord_box``, the ``seg_fields``.
    Added keys: ``flip``, ``flip_direction``.

    Args:
        prob (float): Probability of flipping. Defaults to 0.5.
        direction (str): 'horizontal' or 'vertical'. Defaults to 'horizontal'.
    """

    def __init__(self, prob: float = 0.5, direction: str = 'horizontal') -> None:
        assert 0 <= prob <= 1 and direction in ('horizontal', 'vertical')
        self.prob = prob
        self.direction = direction

    def transform(self, results: dict) -> dict:
        box = get_coord_box(results)
        flip = bool(np.random.rand() < self.prob)
        results['flip'] = flip
        results['flip_direction'] = self.direction if flip else None
        if flip:
            results['img'] = mmcv.imflip(results['img'], self.direction)
            for key in results.get('seg_fields', []):
                results[key] = mmcv.imflip(results[key], self.direction)
            results['coord_box'] = flip_coord_box(box, self.direction)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(prob={self.prob}, direction={self.direction!r})'
