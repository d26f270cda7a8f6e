"""Rotate each patch of a grid by its own multiple of 90 degrees and record the angle per pixel."""
from typing import Optional

import numpy as np
from mmcv.transforms import BaseTransform
from mmselfsup.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PatchRotation(BaseTransform):
    """Cut the image into square patches and turn each by an i.i.d. angle in {0, 90, 180, 270}.

    Patch ``(i, j)`` covers rows ``i*p:(i+1)*p`` and columns ``j*p:(j+1)*p`` (``p = patch_size``);
    angle index ``a`` means ``np.rot90(patch, k=a)``, i.e. ``a * 90`` degrees counter-clockwise as
    displayed. ``results[label_key]`` becomes an HxW uint8 map holding each pixel's angle index
    (``ignore_index`` on the border rows/columns that do not fill a whole patch, which stay as they
    are) and is appended to ``seg_fields``. Keys already in ``seg_fields`` (e.g. label maps) have
    their patches turned alike, so they stay in line with the image.

    Put it after every geometric transform: a later flip would turn a patch rotated by 90 degrees
    into a mirrored one, which no angle index describes (``coord_box`` does not describe the rotated
    patches either).

    Required keys: ``img``. Modified keys: ``img``, the ``seg_fields``. Added keys: ``label_key``,
    ``patch_angles`` (the grid of angle indices).

    Args:
        patch_size (int): Side of the square patches, in pixels. Defaults to 16.
        label_key (str): Key of the per-pixel angle map. Defaults to 'rot_label'.
        ignore_index (int): Label of pixels outside the whole patches. Defaults to 255.
    """

    def __init__(self,
                 patch_size: int = 16,
                 label_key: str = 'rot_label',
                 ignore_index: int = 255) -> None:
        if not (isinstance(patch_size, int) and patch_size > 0):
            raise ValueError(
                f'PatchRotation: patch_size must be a positive int, got {patch_size!r}')
        self.patch_size = patch_size
        self.label_key = label_key
        self.ignore_index = ignore_index

    def get_angles(self, h: int, w: int, rng: Optional[np.random.RandomState] = None) -> np.ndarray:
        """Sample the angle index of every patch of an ``h x w`` image, (h//p)x(w//p) int."""
        rng = rng or np.random
        return rng.randint(0, 4, size=(h // self.patch_size, w // self.patch_size))

    def apply(self, results: dict, angles: np.ndarray) -> dict:
        """Rotate the patches of ``results`` by ``angles`` ((h//p)x(w//p) indices in 0..3)."""
        img = results['img']
        h, w = img.shape[:2]
        p = self.patch_size
        grid = (h // p, w // p)
        if grid[0] == 0 or grid[1] == 0:
            raise ValueError(f'PatchRotation: image of {h}x{w} is smaller than patch_size {p}')
        angles = np.asarray(angles)
        if angles.shape != grid or angles.min() < 0 or angles.max() > 3:
            raise ValueError(f'PatchRotation: angles must be a {grid} grid of 0..3, got shape '
                             f'{angles.shape} and values {np.unique(angles).tolist()}')
        seg_fields = [k for k in results.get('seg_fields', []) if k != self.label_key]
        label = np.full((h, w), self.ignore_index, dtype=np.uint8)
        maps = {key: results[key].copy() for key in ['img'] + seg_fields}
        for i in range(grid[0]):
            for j in range(grid[1]):
                rows, cols = slice(i * p, (i + 1) * p), slice(j * p, (j + 1) * p)
                for key, out in maps.items():
                    out[rows, cols] = np.rot90(results[key][rows, cols], k=int(angles[i, j]))
                label[rows, cols] = angles[i, j]
        results.update(maps)
        results[self.label_key] = label
        results['patch_angles'] = angles
        results['seg_fields'] = seg_fields + [self.label_key]
        return results

    def transform(self, results: dict) -> dict:
        h, w = results['img'].shape[:2]
        return self.apply(results, self.get_angles(h, w))

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(patch_size={self.patch_size}, '
                f'label_key={self.label_key!r}, ignore_index={self.ignore_index})')
