"""Backbones beyond MMSeg's own, registered in MMSeg's MODELS (``type='mmseg.TimmDenseBackbone'``
from pre-training configs, whose default scope is mmselfsup)."""
from .timm_dense import TimmDenseBackbone

__all__ = ['TimmDenseBackbone']
