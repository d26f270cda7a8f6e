"""Multi-scale constrained cropping: large crops, and small crops that lie inside one of them."""
import copy
import math
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform, Compose
from mmselfsup.registry import TRANSFORMS

from .coord_box import get_coord_box
from .coord_crop import RandomResizedCropWithCoord


@TRANSFORMS.register_module()
class ConstrainedMultiCrop(BaseTransform):
    """Large random crops plus small crops constrained to lie inside one large crop.

    Van Gansbeke et al., "Revisiting Contrastive Methods for Unsupervised Learning of Visual
    Representations", NeurIPS 2021 (https://arxiv.org/abs/2106.05967), reference
    ``utils/constrained_cropping.py``: 2 crops of 160 px at scale 0.2-1.0 and 4 crops of 96 px at
    scale 0.05-0.14 (both scales are fractions of the whole image's area), the small crops
    conditioned on the last large crop, which is MoCo's key. The reference asks only that 10% of a
    small crop overlap the key crop; here every small crop lies *wholly* inside it, so every small
    query sees part of what its key sees. A small crop is placed uniformly inside the large crop;
    when 10 draws of area and aspect ratio do not fit, the last draw is shrunk (aspect kept) to fit.

    Each view is cropped with :meth:`RandomResizedCropWithCoord.apply_crop` (so ``coord_box`` and
    the ``seg_fields`` follow), then goes through its view pipeline (colour, blur, flips,
    AutoAugment; no crop). Views come out large first, then small.

    Output keys as :class:`MultiViewWithCoord`: ``img`` (list), ``coord_box`` (Vx4), one list per
    ``seg_fields`` key, ``img_shape`` (list).

    Args:
        large_size (int | Sequence[int]): Output size of the large crops. Defaults to 160.
        small_size (int | Sequence[int]): Output size of the small crops. Defaults to 96.
        num_large (int): Number of large crops. Defaults to 2.
        num_small (int): Number of small crops. Defaults to 4.
        large_scale (Sequence[float]): Area range of the large crops (fraction of the image).
            Defaults to (0.2, 1.0).
        small_scale (Sequence[float]): Area range of the small crops (fraction of the image).
            Defaults to (0.05, 0.14).
        ratio (Sequence[float]): Aspect-ratio range (width / height). Defaults to (3/4, 4/3).
        constrain_to (int): Index of the large crop that contains the small ones.
            Defaults to -1 (the last, the key of :class:`MoCoMultiCrop`).
        transforms (list[list[dict]], optional): View pipelines run after cropping, one per group.
            Defaults to None (no further transform).
        num_views (int | list[int], optional): Views per pipeline, in order, summing to
            ``num_large + num_small``. Defaults to None (one pipeline for every view).
        interpolation (str): Image interpolation of the resize. Defaults to 'bilinear'.
    """

    def __init__(self,
                 large_size: Union[int, Sequence[int]] = 160,
                 small_size: Union[int, Sequence[int]] = 96,
                 num_large: int = 2,
                 num_small: int = 4,
                 large_scale: Sequence[float] = (0.2, 1.0),
                 small_scale: Sequence[float] = (0.05, 0.14),
                 ratio: Sequence[float] = (3. / 4., 4. / 3.),
                 constrain_to: int = -1,
                 transforms: Optional[List[list]] = None,
                 num_views: Optional[Union[int, Sequence[int]]] = None,
                 interpolation: str = 'bilinear') -> None:
        if num_large < 1 or num_small < 0:
            raise ValueError(f'need num_large >= 1 and num_small >= 0, got {num_large} and '
                             f'{num_small}')
        if not -num_large <= constrain_to < num_large:
            raise ValueError(f'constrain_to={constrain_to} is not one of the {num_large} large '
                             'crops')
        self.num_large, self.num_small = num_large, num_small
        self.constrain_to = constrain_to
        self.large = RandomResizedCropWithCoord(large_size, large_scale, ratio, interpolation)
        self.small = RandomResizedCropWithCoord(small_size, small_scale, ratio, interpolation)
        total = num_large + num_small
        transforms = transforms if transforms is not None else [[]]
        if num_views is None:
            if len(transforms) != 1:
                raise ValueError('give num_views when there is more than one view pipeline')
            num_views = [total]
        num_views = [num_views] if isinstance(num_views, int) else list(num_views)
        if len(num_views) != len(transforms) or sum(num_views) != total:
            raise ValueError(f'num_views {num_views} must have one entry per pipeline '
                             f'({len(transforms)}) and sum to num_large + num_small = {total}')
        self.num_views = num_views
        # built from MMSelfSup's registry (not the root one) so it also works outside a Runner
        self.pipelines = [
            Compose([TRANSFORMS.build(t) if isinstance(t, dict) else t for t in pipeline])
            for pipeline in transforms
        ]
        self.view_pipelines = [p for p, n in zip(self.pipelines, num_views) for _ in range(n)]

    def get_small_params(self, h: int, w: int, box: Tuple[int, int, int, int],
                         rng: Optional[np.random.RandomState] = None) -> Tuple[int, int, int, int]:
        """Sample a small crop ``(x1, y1, x2, y2)`` of an ``h x w`` image inside ``box``."""
        rng = rng or np.random
        bx1, by1, bx2, by2 = box
        bw, bh = bx2 - bx1, by2 - by1
        log_ratio = (math.log(self.small.ratio[0]), math.log(self.small.ratio[1]))
        for _ in range(10):
            target_area = h * w * rng.uniform(*self.small.scale)
            aspect = math.exp(rng.uniform(*log_ratio))
            cw = int(round(math.sqrt(target_area * aspect)))
            ch = int(round(math.sqrt(target_area / aspect)))
            if 0 < cw <= bw and 0 < ch <= bh:
                break
        else:  # too big for the large crop: shrink the last draw to fit, keeping its aspect
            shrink = min(1., bw / max(cw, 1), bh / max(ch, 1))
            cw = min(bw, max(1, int(cw * shrink)))
            ch = min(bh, max(1, int(ch * shrink)))
        x1 = bx1 + int(rng.randint(0, bw - cw + 1))
        y1 = by1 + int(rng.randint(0, bh - ch + 1))
        return x1, y1, x1 + cw, y1 + ch

    def transform(self, results: dict) -> dict:
        h, w = results['img'].shape[:2]
        get_coord_box(results)  # the whole image, unless an earlier transform set it
        large = [self.large.get_params(h, w) for _ in range(self.num_large)]
        key = large[self.constrain_to]
        small = [self.get_small_params(h, w, key) for _ in range(self.num_small)]
        croppers = [self.large] * self.num_large + [self.small] * self.num_small
        views = []
        for crop, cropper, pipeline in zip(large + small, croppers, self.view_pipelines):
            view = pipeline(cropper.apply_crop(copy.deepcopy(results), crop))
            if view is None:
                raise ValueError('a view pipeline of ConstrainedMultiCrop returned None')
            views.append(view)
        results['img'] = [v['img'] for v in views]
        results['coord_box'] = np.stack([v['coord_box'] for v in views]).astype(np.float32)
        for key in results.get('seg_fields', []):
            results[key] = [v[key] for v in views]
        results['img_shape'] = [v['img'].shape[:2] for v in views]
        return results

    def __repr__(self) -> str:
        groups = ', '.join(f'{n} x {p}' for n, p in zip(self.num_views, self.pipelines))
        return (f'{self.__class__.__name__}({self.num_large} x {self.large}, {self.num_small} x '
                f'{self.small} inside large crop {self.constrain_to}; views: {groups})')
