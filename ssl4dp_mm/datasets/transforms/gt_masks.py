"""Ground-truth segmentation maps as region masks (one region per class present)."""
import os.path as osp
from typing import Optional

import mmcv
import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import BaseTransform
from mmselfsup.registry import TRANSFORMS

from .region_masks import add_mask_field


@TRANSFORMS.register_module()
class LoadGTMasks(BaseTransform):
    """Load a label map, as MMSeg's ``LoadAnnotations`` does, and use its classes as regions.

    The map is ``results['seg_map_path']`` when the dataset gives one (MMSeg datasets do); otherwise
    it is found beside the image in the MMSeg layout: the ``img_dir`` folder of ``img_path``
    replaced by ``ann_dir`` and the suffix by ``seg_map_suffix`` (``root/img_dir/train/a.png`` ->
    ``root/ann_dir/train/a.png``), which lets an unlabeled ``ImageFolder`` use the labels that lie
    beside its images. ``ignore_index`` pixels become ``-1`` (no region).

    Required keys: ``img`` and ``seg_map_path`` or ``img_path``. Added keys: ``key`` (class ids),
    appended to ``seg_fields``.

    Args:
        key (str): Results key of the mask. Defaults to 'masks'.
        img_dir (str): Image folder name to replace. Defaults to 'img_dir'.
        ann_dir (str): Label folder name. Defaults to 'ann_dir'.
        seg_map_suffix (str): Suffix of label maps. Defaults to '.png'.
        ignore_index (int, optional): Label of unlabeled pixels. Defaults to 255.
        imdecode_backend (str): Decoder, as in ``LoadAnnotations``. Defaults to 'pillow'.
    """

    def __init__(self,
                 key: str = 'masks',
                 img_dir: str = 'img_dir',
                 ann_dir: str = 'ann_dir',
                 seg_map_suffix: str = '.png',
                 ignore_index: Optional[int] = 255,
                 imdecode_backend: str = 'pillow') -> None:
        self.key = key
        self.img_dir = img_dir
        self.ann_dir = ann_dir
        self.seg_map_suffix = seg_map_suffix
        self.ignore_index = ignore_index
        self.imdecode_backend = imdecode_backend

    def seg_map_path(self, results: dict) -> str:
        """The label map of this image (see the class docstring)."""
        if results.get('seg_map_path'):
            return results['seg_map_path']
        img_path = results.get('img_path')
        if not img_path:
            raise KeyError('LoadGTMasks needs seg_map_path or img_path in the results')
        parts = osp.normpath(img_path).split(osp.sep)
        if self.img_dir not in parts:
            raise ValueError(f'LoadGTMasks: no {self.img_dir!r} folder in {img_path!r} to replace '
                             f'by {self.ann_dir!r}; give the dataset a seg_map_path instead')
        i = len(parts) - 1 - parts[::-1].index(self.img_dir)  # the last one
        parts[i] = self.ann_dir
        return osp.splitext(osp.sep.join(parts))[0] + self.seg_map_suffix

    def transform(self, results: dict) -> dict:
        path = self.seg_map_path(results)
        if not osp.isfile(path):
            raise FileNotFoundError(f'LoadGTMasks: label map {path!r} does not exist')
        label = mmcv.imfrombytes(
            fileio.get(path), flag='unchanged', backend=self.imdecode_backend).squeeze()
        if label.ndim != 2:
            raise ValueError(f'LoadGTMasks: label map {path!r} is not single-channel')
        mask = label.astype(np.int32)
        if self.ignore_index is not None:
            mask[label == self.ignore_index] = -1
        results['seg_map_path'] = path
        return add_mask_field(results, self.key, mask)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(key={self.key!r}, ann_dir={self.ann_dir!r}, '
                f'ignore_index={self.ignore_index})')
