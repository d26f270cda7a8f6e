"""Random resized crop that records where the view lies in the original image."""
import math
from typing import Optional, Sequence, Tuple

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmselfsup.registry import TRANSFORMS

from .coord_box import crop_coord_box, get_coord_box


@TRANSFORMS.register_module()
class RandomResizedCropWithCoord(BaseTransform):
    """Crop a random area and aspect ratio, resize it to ``size`` and update ``coord_box``.

    The sampling follows torchvision's ``RandomResizedCrop`` (10 tries, then a centre crop within
    the ratio range). Every key in ``results['seg_fields']`` is cropped alike and resized with
    nearest interpolation.

    Required keys: ``img``. Modified keys: ``img``, ``img_shape``, ``coord_box`` and the
    ``seg_fields``.

    Args:
        size (int | Sequence[int]): Output ``(height, width)``, or one int for a square.
        scale (Sequence[float]): Range of the crop's area as a fraction of the image.
            Defaults to (0.08, 1.0).
        ratio (Sequence[float]): Range of the crop's aspect ratio (width / height).
            Defaults to (3. / 4., 4. / 3.).
        interpolation (str): Image interpolation for ``mmcv.imresize``. Defaults to 'bilinear'.
    """

    def __init__(self,
                 size,
                 scale: Sequence[float] = (0.08, 1.0),
                 ratio: Sequence[float] = (3. / 4., 4. / 3.),
                 interpolation: str = 'bilinear') -> None:
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        assert scale[0] <= scale[1] and ratio[0] <= ratio[1], (scale, ratio)
        self.scale = tuple(scale)
        self.ratio = tuple(ratio)
        self.interpolation = interpolation

    def get_params(self, h: int, w: int,
                   rng: Optional[np.random.RandomState] = None) -> Tuple[int, int, int, int]:
        """Sample a crop ``(x1, y1, x2, y2)`` of an ``h x w`` image."""
        rng = rng or np.random
        area = h * w
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(10):
            target_area = area * rng.uniform(*self.scale)
            aspect = math.exp(rng.uniform(*log_ratio))
            cw = int(round(math.sqrt(target_area * aspect)))
            ch = int(round(math.sqrt(target_area / aspect)))
            if 0 < cw <= w and 0 < ch <= h:
                y1 = int(rng.randint(0, h - ch + 1))
                x1 = int(rng.randint(0, w - cw + 1))
                return x1, y1, x1 + cw, y1 + ch
        in_ratio = w / h  # fallback: the central crop closest to the allowed ratios
        if in_ratio < self.ratio[0]:
            cw, ch = w, int(round(w / self.ratio[0]))
        elif in_ratio > self.ratio[1]:
            ch, cw = h, int(round(h * self.ratio[1]))
        else:
            cw, ch = w, h
        x1, y1 = (w - cw) // 2, (h - ch) // 2
        return x1, y1, x1 + cw, y1 + ch

    def apply_crop(self, results: dict, crop: Tuple[int, int, int, int]) -> dict:
        """Crop ``results`` to ``crop`` (view pixels), resize to ``self.size``, update the box."""
        img = results['img']
        box = get_coord_box(results)
        results['coord_box'] = crop_coord_box(box, crop, img.shape[:2])
        x1, y1, x2, y2 = crop
        out_h, out_w = self.size
        results['img'] = mmcv.imresize(
            img[y1:y2, x1:x2], (out_w, out_h), interpolation=self.interpolation)
        for key in results.get('seg_fields', []):
            results[key] = mmcv.imresize(
                results[key][y1:y2, x1:x2], (out_w, out_h), interpolation='nearest')
        results['img_shape'] = results['img'].shape[:2]
        return results

    def transform(self, results: dict) -> dict:
        h, w = results['img'].shape[:2]
        return self.apply_crop(results, self.get_params(h, w))

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(size={self.size}, scale={self.scale}, '
                f'ratio={self.ratio}, interpolation={self.interpolation})')
