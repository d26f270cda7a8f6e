"""MMSegmentation dataset class for the embedded toy scenes (see :mod:`.toy_scenes`)."""
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .seg_checks import CheckedSegDatasetMixin  # fail early on missing/empty files
from .toy_scenes import CLASSES, PALETTE


@DATASETS.register_module()
class ToyScenesDataset(CheckedSegDatasetMixin, BaseSegDataset):
    """The embedded default: generated scenes of textured objects, 6 classes, ``.png`` images and
    label maps in ``img_dir/{split}`` and ``ann_dir/{split}``.

    Args:
        img_suffix (str): Suffix of images. Defaults to '.png'.
        seg_map_suffix (str): Suffix of label maps. Defaults to '.png'.
        **kwargs: Passed to :class:`mmseg.datasets.BaseSegDataset`.
    """
    METAINFO = dict(classes=CLASSES, palette=PALETTE)

    def __init__(self, img_suffix: str = '.png', seg_map_suffix: str = '.png', **kwargs) -> None:
        super().__init__(img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, **kwargs)
