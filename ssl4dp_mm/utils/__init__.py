from .checkpoint_io import load_checkpoint_file, save_checkpoint_atomic
from .convert import check_fits, stem_kind, to_seg_state_dict

__all__ = [
    'load_checkpoint_file', 'save_checkpoint_atomic', 'check_fits', 'stem_kind', 'to_seg_state_dict'
]
