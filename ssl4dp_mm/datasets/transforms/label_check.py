"""A check that a loaded label map holds only class indices and the ignore index."""
from typing import Optional

import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.registry import TRANSFORMS  # the root registry: reachable from mmseg and mmselfsup


@TRANSFORMS.register_module()
class CheckSegLabels(BaseTransform):
    """Raise, naming the file, if a label map is not HxW or holds values outside the classes.

    Without it a value ``>= num_classes`` (other than the ignore index) ends training in
    ``IndexError: Target 9 is out of bounds`` with no file named, and in evaluation MMSeg's
    ``IoUMetric`` silently drops such pixels. Place it right after ``LoadAnnotations`` (it checks
    the map after ``reduce_zero_label`` and ``label_map``, i.e. what the loss sees).

    Required keys: ``key`` (``gt_seg_map``), ``seg_map_path`` (for the message) and, when
    ``num_classes`` is None, ``num_classes`` (set per sample by our datasets, from
    ``metainfo['classes']``, see :class:`ssl4dp_mm.datasets.seg_checks.CheckedSegDatasetMixin`).

    Args:
        num_classes (int, optional): Number of classes; None takes ``results['num_classes']``.
            Defaults to None.
        ignore_index (int): The value that marks pixels without a label. Defaults to 255.
        key (str): The label map's key. Defaults to 'gt_seg_map'.
    """

    def __init__(self,
                 num_classes: Optional[int] = None,
                 ignore_index: int = 255,
                 key: str = 'gt_seg_map') -> None:
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.key = key

    def transform(self, results: dict) -> dict:
        if self.key not in results:  # no labels loaded (e.g. mmseg's inference_model drops them)
            return results
        path = results.get('seg_map_path', '<label map without a path>')
        seg = results[self.key]
        if seg.ndim != 2:
            raise ValueError(f'label map {path!r} has shape {seg.shape}; expected one channel of '
                             'class indices (HxW): convert colour-coded label maps first')
        num_classes = self.num_classes if self.num_classes is not None else results.get(
            'num_classes')
        if num_classes is None:
            raise KeyError('CheckSegLabels needs num_classes: pass it, or use a dataset that sets '
                           "results['num_classes'] (ToyScenesDataset, CamVidDataset)")
        if seg.dtype == np.uint8:  # a histogram is ~10x faster than np.unique
            values = np.flatnonzero(np.bincount(seg.ravel(), minlength=256))
        else:
            values = np.unique(seg)
        bad = values[((values < 0) | (values >= num_classes)) & (values != self.ignore_index)]
        if bad.size:
            raise ValueError(
                f'label map {path!r} holds values {bad.tolist()} outside the {num_classes} classes '
                f'(0..{num_classes - 1}) and the ignore index {self.ignore_index}')
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_classes={self.num_classes}, '
                f'ignore_index={self.ignore_index}, key={self.key!r})')
