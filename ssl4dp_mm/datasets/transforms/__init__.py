from .auto_augment import MMClsAutoAugment
from .constrained_multi_crop import ConstrainedMultiCrop
from .coord_crop import RandomResizedCropWithCoord
from .coord_flip import RandomFlipWithCoord
from .copy_views import CopyViews
from .formatting import PackDenseSSLInputs
from .grid_masks import GridMasks
from .gt_masks import LoadGTMasks
from .label_check import CheckSegLabels
from .loading import LoadImageChecked
from .multi_view import MultiViewWithCoord
from .patch_rotation import PatchRotation
from .sample_masks import SampleMaskIds
from .superpixels import FelzenszwalbMasks, SLICMasks

__all__ = [
    'MMClsAutoAugment', 'ConstrainedMultiCrop', 'RandomResizedCropWithCoord', 'RandomFlipWithCoord',
    'CopyViews', 'PackDenseSSLInputs', 'GridMasks', 'LoadGTMasks', 'CheckSegLabels',
    'LoadImageChecked', 'MultiViewWithCoord', 'PatchRotation', 'SampleMaskIds',
    'FelzenszwalbMasks', 'SLICMasks'
]
