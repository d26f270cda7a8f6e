"""Checkpoint formats: safe reading and atomic writing, the public layouts (ResNet, ViT, timm),
and the conversion of a pre-training checkpoint into segmentation weights."""
from .convert import check_fits, stem_kind, to_seg_state_dict
from .layouts import detect_layout, to_backbone_layout, variant_name
from .safe_io import load_checkpoint_file, save_checkpoint_atomic

__all__ = [
    'detect_layout', 'to_backbone_layout', 'variant_name',
    'load_checkpoint_file', 'save_checkpoint_atomic', 'check_fits', 'stem_kind', 'to_seg_state_dict'
]
