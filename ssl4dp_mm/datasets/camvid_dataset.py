"""MMSegmentation dataset class for CamVid (SegNet's 11-class version, void = 255)."""
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .seg_checks import CheckedSegDatasetMixin  # fail early on missing/empty files


@DATASETS.register_module()
class CamVidDataset(CheckedSegDatasetMixin, BaseSegDataset):
    """CamVid, 11 classes, ``.jpg`` images and single-channel ``.png`` label maps; 255 is void.

    Args:
        img_suffix (str): Suffix of images. Defaults to '.jpg'.
        seg_map_suffix (str): Suffix of label maps. Defaults to '.png'.
        **kwargs: Passed to :class:`mmseg.datasets.BaseSegDataset`.
    """
    METAINFO = dict(
        classes=('Sky', 'Building', 'Pole', 'Road', 'Pavement', 'Tree', 'SignSymbol', 'Fence',
                 'Car', 'Pedestrian', 'Bicyclist'),
        palette=[[128, 128, 128], [128, 0, 0], [192, 192, 128], [128, 64, 128], [0, 0, 192],
                 [128, 128, 0], [192, 128, 128], [64, 64, 128], [64, 0, 128], [64, 64, 0],
                 [0, 128, 192]])

    def __init__(self, img_suffix: str = '.jpg', seg_map_suffix: str = '.png', **kwargs) -> None:
        super().__init__(img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, **kwargs)
