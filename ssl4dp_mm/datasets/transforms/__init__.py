from .coord_crop import RandomResizedCropWithCoord
from .coord_flip import RandomFlipWithCoord
from .formatting import PackDenseSSLInputs
from .multi_view import MultiViewWithCoord

__all__ = [
    'RandomResizedCropWithCoord', 'RandomFlipWithCoord', 'MultiViewWithCoord', 'PackDenseSSLInputs'
]
