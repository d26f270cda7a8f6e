from .decoder import build_decoder
from .patch_matching import cell_centers, cell_diagonal, match_cells
from .queue import FeatureQueue

__all__ = ['build_decoder', 'cell_centers', 'cell_diagonal', 'match_cells', 'FeatureQueue']
