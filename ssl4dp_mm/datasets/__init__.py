from . import transforms  # noqa: F401
from .camvid_dataset import CamVidDataset
from .image_folder import ImageFolder
from .seg_map_image_labels import SegMapImageLabels
from .toy_scenes import CLASSES as TOY_CLASSES
from .toy_scenes import make_toy_scenes
from .toy_scenes_dataset import ToyScenesDataset

__all__ = [
    'CamVidDataset', 'ImageFolder', 'SegMapImageLabels', 'ToyScenesDataset', 'make_toy_scenes',
    'TOY_CLASSES'
]
