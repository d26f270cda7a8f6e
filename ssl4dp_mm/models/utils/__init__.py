from .amp import float32_backward, float32_forward, in_float32
from .cell_nce import NearCells, cell_info_nce
from .decoder import build_decoder
from .knn import knn_positives, knn_pull_loss, queue_similarity
from .mask_pooling import downsample_mask_ids, mask_pool
from .patch_matching import (CellMatch, cell_centers, cell_diagonal, match_cell_geometry,
                             match_cells, near_radius)
from .queue import FeatureQueue

__all__ = [
    'float32_backward', 'float32_forward', 'in_float32', 'NearCells', 'cell_info_nce',
    'build_decoder', 'knn_positives', 'knn_pull_loss', 'queue_similarity',
    'downsample_mask_ids', 'mask_pool', 'CellMatch', 'cell_centers', 'cell_diagonal',
    'match_cell_geometry', 'match_cells', 'near_radius', 'FeatureQueue'
]
