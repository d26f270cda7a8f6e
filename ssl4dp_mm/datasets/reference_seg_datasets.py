"""MMSeg's VOC and Cityscapes dataset classes with our build-time checks of the file list.

``PascalVOCDataset`` fails on a missing split file with a bare ``AssertionError`` and, like
``CityscapesDataset``, on an image or label map that a list names but that is absent only at the
first batch that reaches it. These subclasses add :class:`CheckedSegDatasetMixin`: errors that
name the file, when the dataset is built, and ``num_classes`` per sample for ``CheckSegLabels``.
"""
from mmseg.datasets import CityscapesDataset, PascalVOCDataset
from mmseg.registry import DATASETS

from .seg_checks import CheckedSegDatasetMixin


@DATASETS.register_module()
class CheckedPascalVOCDataset(CheckedSegDatasetMixin, PascalVOCDataset):
    """``PascalVOCDataset`` (21 classes, ``.jpg`` images, ``.png`` labels, split lists of stems)
    with the checks of :class:`CheckedSegDatasetMixin`."""


@DATASETS.register_module()
class CheckedCityscapesDataset(CheckedSegDatasetMixin, CityscapesDataset):
    """``CityscapesDataset`` (19 classes, ``*_leftImg8bit.png`` images,
    ``*_gtFine_labelTrainIds.png`` labels) with the checks of :class:`CheckedSegDatasetMixin`."""
