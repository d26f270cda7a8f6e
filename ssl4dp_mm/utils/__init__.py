from .checkpoint_io import load_checkpoint_file, save_checkpoint_atomic
from .checkpoint_layouts import detect_layout, to_backbone_layout, variant_name
from .convert import check_fits, stem_kind, to_seg_state_dict

__all__ = [
    'detect_layout', 'to_backbone_layout', 'variant_name',
    'load_checkpoint_file', 'save_checkpoint_atomic', 'check_fits', 'stem_kind', 'to_seg_state_dict'
]
