from . import transforms  # noqa: F401
from .camvid_dataset import CamVidDataset
from .cocostuff27 import CocoStuff27Dataset
from .image_folder import ImageFolder
from .mmseg_layout_views import mmseg_view, reduce_zero_label
from .reference_layouts import make_cityscapes, make_voc_aug
from .reference_layouts_ade_coco import make_ade20k, make_cocostuff
from .reference_seg_datasets import CheckedCityscapesDataset, CheckedPascalVOCDataset
from .seg_map_image_labels import SegMapImageLabels
from .toy_scenes import CLASSES as TOY_CLASSES
from .toy_scenes import make_toy_scenes
from .toy_scenes_dataset import ToyScenesDataset

__all__ = [
    'CheckedCityscapesDataset', 'CheckedPascalVOCDataset', 'make_cityscapes', 'make_voc_aug',
    'CamVidDataset', 'ImageFolder', 'SegMapImageLabels', 'ToyScenesDataset', 'make_toy_scenes',
    'TOY_CLASSES', 'CocoStuff27Dataset', 'mmseg_view', 'reduce_zero_label', 'make_ade20k',
    'make_cocostuff'
]
