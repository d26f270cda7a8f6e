"""An n x n spatial grid as region masks (DetCon's simplest mask)."""
from typing import Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform
from mmselfsup.registry import TRANSFORMS

from .region_masks import add_mask_field


@TRANSFORMS.register_module()
class GridMasks(BaseTransform):
    """Split the image into ``rows x cols`` cells; cell ``(i, j)`` gets id ``i * cols + j``.

    Cell ``i`` spans rows ``floor(i * H / rows)`` to ``floor((i + 1) * H / rows) - 1`` (columns
    alike). Computed on the whole image before the views, so a cell keeps its id in every view.

    Required keys: ``img``. Added keys: ``key``; ``key`` is appended to ``seg_fields``.

    Args:
        grid (int | Sequence[int]): ``n`` for n x n, or ``(rows, cols)``. Defaults to 4.
        key (str): Results key of the mask. Defaults to 'masks'.
    """

    def __init__(self, grid: Union[int, Sequence[int]] = 4, key: str = 'masks') -> None:
        self.grid = (grid, grid) if isinstance(grid, int) else tuple(grid)
        if len(self.grid) != 2 or min(self.grid) < 1:
            raise ValueError(f'GridMasks: grid must be n or (rows, cols) >= 1, got {grid!r}')
        self.key = key

    def transform(self, results: dict) -> dict:
        h, w = results['img'].shape[:2]
        rows, cols = self.grid
        r = np.arange(h) * rows // h  # H
        c = np.arange(w) * cols // w  # W
        return add_mask_field(results, self.key, r[:, None] * cols + c[None, :])

    def __repr__(self) -> str:
        return f'{type(self).__name__}(grid={self.grid}, key={self.key!r})'
